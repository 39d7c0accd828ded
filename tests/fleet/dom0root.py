"""The dom0 root a fake host's ssh session is chrooted into.

A fixture host of one generation (tests/generations.py: real RPM database,
real /boot) plus what a shell session on a dom0 needs: bash as the login
shell and /bin/sh (as on CentOS), a static busybox for the rest of the
userland, the real `rpm` with the shared libraries `ldd` names, /etc/passwd,
a few /dev nodes, and the pythons that generation ships as symbolic links
to pyenv's builds (bind-mounted read-only by the namespace, not copied).
"""
import glob
import os
import pwd
import shutil
import stat
import subprocess

from tests import generations as gen
from tests.hosts import DBPATH, K835, K847, Kernel

# What each generation stands for, its pythons, architecture, sshd, and
# the kernel it runs (a chroot cannot change `uname -r`: the inventory
# names it, see harness.Fleet.inventory).
GENERATIONS = {
    # ... and one without sha256sum, as CentOS 5's coreutils has none (a
    # 5.6-6.2 dom0): the bundle then checks itself with its own runtime.
    "xs62": {"python": (), "arch": "i686", "old_sshd": True, "running": K835,
             "missing": ("sha256sum",),
             "release": "XenServer release 6.2.0-70446c (xenenterprise)"},
    "xs65": {"python": (), "arch": "x86_64", "old_sshd": True,
             "running": gen.XS65_UNAME,
             "release": "XenServer release 6.5.0-90233c (xenenterprise)"},
    "xs70": {"python": ("2.7",), "arch": "x86_64", "old_sshd": False,
             "running": gen.XS70_UNAME,
             "release": "XenServer release 7.0.0-125380c (xenenterprise)"},
    "xs8": {"python": ("2.7", "3.6"), "arch": "x86_64", "old_sshd": False,
            "running": gen.XS8_UNAME,
            "release": "XCP-ng release 8.3.0 (xenenterprise)"},
}

# The names each Python goes by on those dom0s, in /usr/bin.
PYTHON_NAMES = {"2.7": ("python2.7", "python2", "python"),
                "3.6": ("python3.6", "python3")}
# busybox applets a dom0 session must not see: the real rpm answers.
SHADOWED_APPLETS = {"rpm", "rpm2cpio", "sh", "bash"}
DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8),
           "urandom": (1, 9), "tty": (5, 0)}


def build_fake_host(root, factory, generation, healthy):
    """The generation's fixture host; unhealthy: its next boot lacks OVS."""
    if generation == "xs62":
        pending = Kernel(K847, module_build=None if not healthy else "1.11.0")
        return gen.xs62_host(root, factory, [Kernel(K835), pending], K847)
    if generation == "xs65":
        return gen.xs65_host(root, factory, module=healthy)
    if generation == "xs70":
        return gen.xs70_host(root, factory, module=healthy)
    if generation == "xs8":
        return gen.xs8_host(root, factory, module=healthy)
    raise ValueError("unknown generation %r (known: %s)"
                     % (generation, ", ".join(sorted(GENERATIONS))))


def pyenv_version(version):
    """pyenv's newest build of `version` ("2.7" -> .../versions/2.7.18)."""
    base = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = sorted(glob.glob(os.path.join(base, "versions", version + ".*")),
                   key=lambda p: [int(x) for x in
                                  os.path.basename(p).split(".")
                                  if x.isdigit()])
    if not found:
        raise LookupError("no pyenv build of Python %s under %s"
                          % (version, base))
    return found[-1]


def python_binary(version):
    return os.path.join(pyenv_version(version), "bin", "python" + version)


def login_shell():
    """sshd runs the shell the *server's* passwd names, inside the chroot."""
    return pwd.getpwnam("root").pw_shell or "/bin/sh"


def shared_libraries(paths):
    """Absolute paths of every shared library `ldd` names for paths."""
    result = subprocess.run(["ldd"] + list(paths), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL,
                            universal_newlines=True)
    libraries = set()
    for line in result.stdout.splitlines():
        words = line.split()
        for word in words:
            if word.startswith("/") and not word.endswith(":"):
                libraries.add(word)
    return sorted(libraries)


def python_extensions(version):
    """The interpreter and its compiled modules, whose libraries it needs."""
    base = pyenv_version(version)
    return ([python_binary(version)]
            + glob.glob(os.path.join(base, "lib", "python" + version,
                                     "lib-dynload", "*.so")))


def build_layer(layer, pythons):
    """Once per fleet: the files every dom0 root shares (hard-linked in)."""
    bash = shutil.which("bash")
    rpm = shutil.which("rpm")
    busybox = shutil.which("busybox")
    _copy(busybox, os.path.join(layer, "bin/busybox"))
    _copy(bash, os.path.join(layer, "bin/bash.real"))
    _copy(rpm, os.path.join(layer, "usr/bin/rpm"))
    shutil.copytree("/usr/lib/rpm", os.path.join(layer, "usr/lib/rpm"),
                    symlinks=True)
    programs = [bash, rpm]
    for version in pythons:
        programs += python_extensions(version)
    for library in shared_libraries(programs):
        if not library.startswith(tuple(pyenv_version(v) for v in pythons)):
            _copy(library, os.path.join(layer, library.lstrip("/")))
    return layer


def applets(busybox):
    """busybox's applets with their usual places (bin/ls, sbin/depmod...)."""
    listed = subprocess.run([busybox, "--list-full"], stdout=subprocess.PIPE,
                            universal_newlines=True, check=True).stdout
    return [path for path in listed.split()
            if os.path.basename(path) not in SHADOWED_APPLETS]


def populate(root, layer, applet_paths, pythons, arch, release,
             missing=()):
    """Turn a fixture host's root into a dom0 root a session can log into;
    missing: busybox applets it goes without."""
    _link_tree(layer, root)
    for path in applet_paths:
        if os.path.basename(path) in missing:
            continue
        target = os.path.join(root, path)
        if not os.path.lexists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink("/bin/busybox", target)
    shell = login_shell()
    _write_login_shell(root, shell, arch)
    _symlink("bash", os.path.join(root, "bin/sh"))
    if shell != "/bin/bash":
        _symlink("/bin/bash.real", os.path.join(root, "bin/bash"))
    for version in pythons:
        _link_python(root, version)
    for directory in ("root", "tmp", "var/tmp", "proc", "etc", "dev",
                      "usr/sbin", "sbin", "usr/local/bin"):
        os.makedirs(os.path.join(root, directory), exist_ok=True)
    for directory in ("tmp", "var/tmp"):
        os.chmod(os.path.join(root, directory), 0o1777)
    _write(root, "etc/passwd", "root:x:0:0:root:/root:%s\n" % shell)
    _write(root, "etc/group", "root:x:0:\n")
    _write(root, "etc/hosts", "127.0.0.1 localhost\n")
    _write(root, "etc/nsswitch.conf", "passwd: files\ngroup: files\n"
           "hosts: files\n")
    _write(root, "etc/redhat-release", release + "\n")
    # Debian's rpm keeps its database in ~/.rpmdb; a dom0's is rpm's own
    # default, where the fixture host's was installed.
    _write(root, "etc/rpm/macros", "%%_dbpath %s\n" % DBPATH)
    for name, (major, minor) in DEVICES.items():
        os.mknod(os.path.join(root, "dev", name), 0o666 | stat.S_IFCHR,
                 os.makedev(major, minor))
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        _symlink("/proc/self/fd/%d" % number, os.path.join(root, "dev", name))
    os.chmod(root, 0o755)
    return root


def python_mounts(root, pythons):
    """(source, target) bind mounts that put pyenv's builds in the root."""
    return [(pyenv_version(v), os.path.join(root, pyenv_version(v).lstrip("/")))
            for v in pythons]


def _link_python(root, version):
    build = pyenv_version(version)
    os.makedirs(os.path.join(root, build.lstrip("/")), exist_ok=True)
    names = PYTHON_NAMES[version]
    _symlink(os.path.join(build, "bin", "python" + version),
             os.path.join(root, "usr/bin", names[0]))
    for previous, name in zip(names, names[1:]):
        _symlink(previous, os.path.join(root, "usr/bin", name))


def _write_login_shell(root, shell, arch):
    """The login shell: bash, or bash under linux32 so `uname -m` is i686."""
    path = os.path.join(root, shell.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if arch == "x86_64":
        _symlink("/bin/bash.real", path)
        return
    if arch != "i686":
        raise ValueError("arch must be x86_64 or i686, not %r" % (arch,))
    _write(root, shell, '#!/bin/bash.real\n'
           'exec /bin/busybox linux32 /bin/bash.real "$@"\n')
    os.chmod(path, 0o755)


def _link_tree(source, target):
    for directory, dirs, files in os.walk(source):
        relative = os.path.relpath(directory, source)
        into = os.path.normpath(os.path.join(target, relative))
        os.makedirs(into, exist_ok=True)
        for name in dirs + files:
            full = os.path.join(directory, name)
            if os.path.islink(full):
                _symlink(os.readlink(full), os.path.join(into, name))
            elif name in files:
                _hard_link(full, os.path.join(into, name))


def _hard_link(source, target):
    if os.path.lexists(target):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(os.path.realpath(source), target)


def _symlink(value, path):
    if os.path.lexists(path):
        os.unlink(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(value, path)


def _write(root, path, text):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as handle:
        handle.write(text)
