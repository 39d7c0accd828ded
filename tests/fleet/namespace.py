"""The fleet's private mount namespace, held open by one small process.

sshd refuses a ChrootDirectory below a group- or world-writable directory
(pytest's tmp dirs live under /tmp), so inside the namespace the fleet's
base directory is bind-mounted on VISIBLE (an empty root-owned directory
such as /srv) and every chroot is a path below it. The same namespace
holds what a host needs and the disk must not keep: pyenv's builds
bind-mounted read-only, /proc, a read-only or full /boot, and a fresh
/run (sshd's privilege separation directory). Nothing of it is seen
outside, and it all goes when the holder and the sshds in it exit.
"""
import os
import shlex
import subprocess

VISIBLE = "/srv" if os.path.isdir("/srv") else "/mnt"


class Mounts:
    """The shell commands that set the namespace up, in order."""

    def __init__(self, base):
        self.commands = ["set -e",
                         "mount -t tmpfs -o mode=755 fleet-run /run",
                         "mkdir -m 755 /run/sshd",
                         "mount --bind %s %s" % (shlex.quote(base), VISIBLE)]

    def bind_read_only(self, source, target):
        self.commands += ["mount --bind %s %s" % (shlex.quote(source),
                                                  shlex.quote(target)),
                          "mount -o remount,bind,ro %s" % shlex.quote(target)]

    def proc(self, target):
        self.commands.append("mount -t proc proc %s" % shlex.quote(target))

    def full_tmpfs(self, target, stage, size):
        """target's files copied onto a `size`-byte tmpfs, then filled."""
        quoted, staged = shlex.quote(target), shlex.quote(stage)
        self.commands += [
            "mount -t tmpfs -o size=%d,mode=755 fleet-boot %s" % (size, staged),
            "cp -a %s/. %s/" % (quoted, staged),
            "cat /dev/zero > %s/.fleet-full 2>/dev/null || true" % staged,
            "mount --move %s %s" % (staged, quoted)]

    def script(self):
        # The holder lives until its stdin closes (or it is killed), so a
        # test run that dies takes the namespace with it.
        return "\n".join(self.commands + ["echo ready", "exec cat >/dev/null"])


def start_holder(mounts, log, preexec_fn=None):
    """Start the process holding the namespace; returns its Popen."""
    holder = subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c",
         mounts.script()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=log, universal_newlines=True, preexec_fn=preexec_fn)
    if holder.stdout.readline().strip() != "ready":
        holder.wait(10)
        raise RuntimeError("the fleet's mount namespace failed: see %s"
                           % log.name)
    return holder


def enter_command(holder_pid, hostname):
    """argv prefix running a program in the namespace, with its own
    UTS namespace so `uname -n` (and Python's) names the host."""
    return ["nsenter", "--target", str(holder_pid), "--mount",
            "unshare", "--uts", "sh", "-c",
            'hostname "$0" && exec "$@"', hostname]


def view(holder_pid, path):
    """path as seen inside the namespace (through the holder's root)."""
    return "/proc/%d/root%s" % (holder_pid, path)
