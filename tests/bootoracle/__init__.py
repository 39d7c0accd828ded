"""The boot loader oracle: real extlinux and GRUB under qemu say what boots.

A test root's /boot goes into an ext3 disk image with a real boot loader
installed; every hypervisor file is replaced by a stub that reports over
the serial port which command line and modules it was handed; qemu runs
it under TCG with a virtual clock. The modules' first bytes tell which
files of the root the loader opened.
"""
