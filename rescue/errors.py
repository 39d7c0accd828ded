"""The one error family of the tool and the exit codes it maps to."""
from rescue.core.records import record

EXIT_OK = 0
EXIT_UNSAFE = 1      # check: unsafe to reboot; rollback: no safe target
EXIT_USAGE = 2
EXIT_CANNOT = 3      # cannot inspect, or cannot change (nothing changed)


class RescueError(Exception):
    """An error the user can act on; printed as one line, never a traceback."""

    exit_code = EXIT_CANNOT


class UsageError(RescueError, ValueError):
    exit_code = EXIT_USAGE


class CannotInspect(RescueError):
    exit_code = EXIT_CANNOT


class CannotChange(RescueError):
    exit_code = EXIT_CANNOT


class PartlyChanged(RescueError):
    """The host was changed, but not as planned: never exit 3 after that."""

    exit_code = EXIT_UNSAFE


class Refused(RescueError):
    """The request is understood but unsafe or impossible (exit 1)."""

    exit_code = EXIT_UNSAFE


# What a command hands back to cli instead of an exit code, for cli to print:
# a change refused (action: "rollback" or "undo"; error: the Refused), or
# a Ctrl-C (after_change: a link had already moved, so the change stands).
Refusal = record("Refusal", "action dry_run as_json error")
Interrupted = record("Interrupted", "after_change")
