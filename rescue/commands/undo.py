"""`undo`: put back the boot links the last change replaced."""
# Imports of the writing side wait until run(), as in rollback.

NAME = "undo"
HELP = "put the boot links back where the last change found them"


def add_arguments(parser):
    from rescue.commands import add_change_arguments
    add_change_arguments(parser)


def run(args, out):
    from rescue.commands import run_change_command
    return run_change_command(args, out)
