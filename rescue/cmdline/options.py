"""The options of the command line, written once in one table.

Both parsers are built from it: the argparse parser (rescue.cmdline.parser) and
the fast path of check and status (rescue.cmdline.quickparse).
"""
from rescue.core.records import record
from rescue.host.rpmdb import DEFAULT_DBPATH
from rescue.host.process import DEFAULT_TIMEOUT

# names: every spelling, exactly (nothing is abbreviated); dest: the
# attribute it sets; default: its value when not given; kind: FLAG (takes
# no value, sets True), VALUE (any text) or SECONDS (a number, --timeout);
# choices: the values a VALUE may take, or None for any; help: for -h, or
# None when `ovs-rescue help options` describes it instead
Option = record("Option", "names dest default kind choices help",
                defaults=(None, None))
FLAG, VALUE, SECONDS = "flag", "value", "seconds"

# Every command but demo and help takes these, before or after its name.
COMMON = (
    Option(("--root",), "root", "/", VALUE),
    Option(("--dbpath",), "dbpath", DEFAULT_DBPATH, VALUE),
    Option(("--packages",), "packages", None, VALUE),
    Option(("--snapshot",), "snapshot", None, VALUE),
    Option(("--running-kernel",), "running_kernel", None, VALUE),
    Option(("--any-build",), "any_build", False, FLAG),
    Option(("--json",), "json", False, FLAG),
    Option(("--firmware",), "firmware", None, VALUE, ("bios", "uefi")),
    Option(("-t", "--timeout"), "timeout", DEFAULT_TIMEOUT, SECONDS),
)

# The flags of the commands on the fast path, each after its command name.
COMMAND_FLAGS = {
    "check": (
        Option(("--nagios",), "nagios", False, FLAG,
               help="one monitoring-plugin line, exit codes below"),
        Option(("-q", "--quiet"), "quiet", False, FLAG,
               help="print nothing: the exit code is the answer"),
    ),
    "status": (
        Option(("-v", "--verbose"), "verbose", False, FLAG,
               help="every kernel's files, package and problems, notes, "
                    "and files in /boot that are ignored (default: one "
                    "screen of 24 rows)"),
    ),
}

