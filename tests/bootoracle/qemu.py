"""Boot a disk image under qemu (TCG, virtual clock) and read the stub's report."""
import os
import subprocess
import time

QEMU = "qemu-system-x86_64"
EXIT_PORT = "0xf4"
STUB_EXIT = (0x10 << 1) | 1          # qemu's status for the stub's exit write
# Wall seconds a boot may take. GRUB's boot after a failed module2 pauses
# at "Press any key to continue" and went past 12 s on a loaded machine
# (load 6 on 2 cores); only a boot that never ends waits this long.
WALL_SECONDS = float(os.environ.get("OVS_RESCUE_ORACLE_WALL", "30"))
IDLE_SECONDS = 2.0                   # a prompt left unanswered this long waits
# What a loader shows when it stops and waits for a person.
# A default that fails is retried at each timeout: seen this often, it loops.
RETRIES = ((b"boot: ", 3), (b"Press any key to continue", 2))
# GRUB's menu without a timeout redraws nothing once it is shown
PROMPTS = (b"boot: ", b"grub> ", b"entry is highlighted")


def qemu_command(disk, serial_log):
    return [QEMU, "-machine", "pc", "-m", "128", "-nodefaults",
            "-display", "none", "-vga", "none", "-no-reboot",
            "-icount", "shift=10,sleep=off", "-monitor", "none",
            "-serial", "file:" + serial_log,
            "-device", "isa-debug-exit,iobase=%s,iosize=4" % EXIT_PORT,
            "-drive", "file=%s,format=raw,if=ide,snapshot=on" % disk]


def boot(disk, work):
    """(serial output, how it ended): 'stub', 'exited', 'loops', 'waits'
    or 'timeout'."""
    serial_log = os.path.join(work, "serial.log")
    open(serial_log, "wb").close()
    process = subprocess.Popen(qemu_command(disk, serial_log),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    started = last_change = time.monotonic()
    seen = b""
    ending = "timeout"
    try:
        while time.monotonic() - started < WALL_SECONDS:
            if process.poll() is not None:
                ending = "stub" if process.returncode == STUB_EXIT else "exited"
                break
            output = _read(serial_log)
            now = time.monotonic()
            if output != seen:
                seen, last_change = output, now
            if b"ORACLE BEGIN" in seen:
                pass                  # the stub is reporting: let it finish
            elif any(seen.count(m) >= n for m, n in RETRIES):
                ending = "loops"
                break
            elif (now - last_change > IDLE_SECONDS
                  and any(p in seen[-400:] for p in PROMPTS)):
                ending = "waits"
                break
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stderr.close()
    return _read(serial_log), ending


def _read(path):
    with open(path, "rb") as source:
        return source.read()
