"""Ask the RPM database about openvswitch and its module packages."""
import os

from rescue.core.rpmquery import QUERY_FORMAT, answer_of, parse_query_output
from rescue.errors import CannotInspect
from rescue.host.untrusted import read_untrusted
from rescue.host.process import DEFAULT_TIMEOUT, find_program, start

DEFAULT_DBPATH = "/var/lib/rpm"
MAX_LISTING_BYTES = 64 * 1024 * 1024
# Any of these makes a directory an RPM database (sqlite, bdb, ndb backends).
DATABASE_FILES = ("rpmdb.sqlite", "Packages", "Packages.db")


def database_path(root, dbpath):
    """The RPM database's directory, dbpath inside root."""
    return os.path.join(root, dbpath.lstrip("/"))


def check_database(root, dbpath):
    """Refuse a dbpath without a database: rpm would silently create one."""
    path = database_path(root, dbpath)
    if not any(os.path.isfile(os.path.join(path, name))
               for name in DATABASE_FILES):
        raise CannotInspect(
            "no RPM database at %s (none of %s); pass --dbpath"
            % (path, ", ".join(DATABASE_FILES)))


def rpm_argv(rpm, root, dbpath, names):
    return [rpm, "--root", root, "--dbpath", dbpath, "-q",
            "--qf", QUERY_FORMAT, "--"] + list(names)


def query_packages(root, dbpath, names, timeout=DEFAULT_TIMEOUT):
    """Installed packages of the exact names given, in one rpm process."""
    return start_query(root, dbpath, names, timeout).answer()


class Query:
    """An rpm query started ahead of its answer (start_query)."""

    def __init__(self, where, names, running):
        self.where, self.names, self.running = where, list(names), running

    def answer(self):
        """The packages rpm printed for these names, or CannotInspect."""
        return answer_of(self.running.finish(), self.names, self.where)

    def cancel(self):
        self.running.cancel()


def start_query(root, dbpath, names, timeout=DEFAULT_TIMEOUT):
    """The query of query_packages, started now so that rpm can work while
    the caller reads on; CannotInspect when it cannot start."""
    check_database(root, dbpath)
    rpm = find_program("rpm")
    if rpm is None:
        raise CannotInspect("rpm not found on PATH; install rpm")
    return Query(database_path(root, dbpath), names,
                 start(rpm_argv(rpm, root, dbpath, names), timeout))


def read_package_list(path, names):
    """Packages of the given names from a saved `rpm -qa --qf` listing."""
    text = read_untrusted(path, MAX_LISTING_BYTES, "package list")
    packages, _ = parse_query_output(text.decode("utf-8", "replace"))
    if not packages:
        raise CannotInspect("package list %s holds no packages; make it with "
                            "rpm -qa --qf '%s'" % (path, QUERY_FORMAT))
    return {name: packages[name] for name in names if name in packages}

