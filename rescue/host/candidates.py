"""Read the packages an upgrade would install, and what rpm says of them.

Three rpm runs, each one process: the candidates' headers (`rpm -qp`),
the installed packages of the names that matter (`rpm -q`), and rpm's own
`rpm -U --test` transaction. All against the host's --root and --dbpath,
which must hold a database: even `rpm -qp` creates a missing one.
"""
import os
import stat

from rescue.core import rpmheaders
from rescue.errors import CannotInspect, UsageError
from rescue.core.records import record
from rescue.host.rpmdb import check_database, database_path
from rescue.host.process import find_program, run

RPM_LEAD_MAGIC = b"\xed\xab\xee\xdb"
# Installed packages the decisions need besides the candidates' names:
# the kernels whose Provides module packages require, and userspace.
HOST_NAMES = ("openvswitch", "kernel-xen", "kernel", "kernel-alt")

# argv: the rpm command as run; exit: its status; lines: what it said
# of the transaction (dependency and conflict lines), in its words
RpmTest = record("RpmTest", "argv exit lines")

# The shapes of rpm's answers about a transaction, not about rpm itself.
_TRANSACTION_LINES = ("is needed by", "conflicts with", "is already installed",
                      "is intended for a", "which is newer than",
                      "needs ", "obsoletes", "Failed dependencies")


def package_files(arguments):
    """The RPM files named: files as given, directories' *.rpm, sorted."""
    paths = []
    for argument in arguments:
        try:
            mode = os.stat(argument).st_mode
        except OSError as error:
            raise CannotInspect("cannot read package %s: %s"
                                % (argument, error.strerror))
        if stat.S_ISDIR(mode):
            found = sorted(os.path.join(argument, name)
                           for name in os.listdir(argument)
                           if name.endswith(".rpm"))
            found = [path for path in found if os.path.isfile(path)]
            if not found:
                raise UsageError("no .rpm files in directory %s" % argument)
            paths += found
        elif stat.S_ISREG(mode):
            paths.append(argument)
        else:
            raise CannotInspect("package %s is not a regular file" % argument)
    if not paths:
        raise UsageError("preflight needs PACKAGE files or directories")
    for path in paths:
        check_lead(path)
    return [os.path.abspath(path) for path in paths]


def check_lead(path):
    """Refuse a file that is no RPM package before rpm sees it: rpm reads
    any other file as a manifest, a list of more packages to open."""
    try:
        with open(path, "rb") as package:
            lead = package.read(len(RPM_LEAD_MAGIC))
    except OSError as error:
        raise CannotInspect("cannot read package %s: %s"
                            % (path, error.strerror))
    if lead != RPM_LEAD_MAGIC:
        raise CannotInspect("%s is not an RPM package (no RPM lead); give "
                            "package files or directories of them" % path)


def _rpm():
    rpm = find_program("rpm")
    if rpm is None:
        raise CannotInspect("rpm not found on PATH; install rpm")
    return rpm


def read_candidates(root, dbpath, paths, timeout):
    """The headers of the package files, in order, from one `rpm -qp`."""
    check_database(root, dbpath)
    done = run([_rpm(), "--root", root, "--dbpath", dbpath, "-qp", "--qf",
                rpmheaders.QUERY_FORMAT, "--"] + list(paths), timeout)
    errors = [line for line in done.stderr.splitlines()
              if line.startswith("error:")]
    if errors:
        raise CannotInspect("rpm cannot read a package: %s"
                            % errors[0][len("error:"):].strip())
    headers = rpmheaders.parse_headers(done.stdout, lambda i: paths[i])
    if done.returncode != 0 or len(headers) != len(paths):
        raise CannotInspect("rpm -qp exited %d with %d headers for %d "
                            "packages: %s" % (done.returncode, len(headers),
                                              len(paths), done.stderr.strip()
                                              or "no message"))
    return headers


def read_installed(root, dbpath, names, timeout):
    """Installed packages of the names given (all versions of each)."""
    names = sorted(set(names))
    done = run([_rpm(), "--root", root, "--dbpath", dbpath, "-q", "--qf",
                rpmheaders.QUERY_FORMAT, "--"] + names, timeout)
    errors = [line for line in done.stderr.splitlines()
              if line.startswith("error:")]
    headers = rpmheaders.parse_headers(done.stdout)
    answered = (len({h.name for h in headers} & set(names))
                + rpmheaders.not_installed_count(done.stdout))
    if errors or done.returncode < 0 or answered < len(names):
        raise CannotInspect("rpm failed on the database at %s: %s" % (
            database_path(root, dbpath),
            (errors[-1] if errors else done.stderr.strip()) or "no answer"))
    return headers


def test_argv(root, dbpath, paths, oldpackage=False):
    """rpm's own dry run of the upgrade: it resolves, installs nothing."""
    return (["rpm", "--root", root, "--dbpath", dbpath, "-U", "--test"]
            + (["--oldpackage"] if oldpackage else []) + ["--"] + list(paths))


def run_rpm_test(root, dbpath, paths, timeout, oldpackage=False):
    """RpmTest of `rpm -U --test`; CannotInspect when rpm itself failed
    (its database, not the transaction).

    In test mode rpm opens the database read-only and takes no
    transaction lock, from 4.4.2.3 (CentOS 5) to 4.18 (lib/transaction.c
    rpmtsRun); a test holds the root unchanged.
    """
    argv = test_argv(root, dbpath, paths, oldpackage)
    done = run([_rpm()] + argv[1:], timeout)
    said = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
    lines = tuple(line for line in said
                  if any(shape in line for shape in _TRANSACTION_LINES))
    if done.returncode != 0 and not lines:
        errors = [line for line in said if line.startswith("error:")]
        raise CannotInspect("rpm -U --test failed (exit %d): %s" % (
            done.returncode, (errors or said or ["no message"])[-1]))
    return RpmTest(tuple(argv), done.returncode, lines)
