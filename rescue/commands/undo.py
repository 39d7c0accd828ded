"""`undo`: put back the boot links the last change replaced."""
from rescue.change import add_change_arguments, run_change
from rescue.plan import choose_undo

NAME = "undo"
HELP = "put the boot links back where the last change found them"


def add_arguments(parser):
    add_change_arguments(parser)


def run(args, out):
    return run_change(args, out, choose_undo)
