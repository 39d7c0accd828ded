"""Every read of a host: /boot, the boot loader's files and markers, rpm, module files, processes, the state directory, snapshots."""
