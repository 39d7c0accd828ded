"""`undo`: put back the boot links the last change replaced."""
# Imports of the writing side wait until run(), as in rollback.

NAME = "undo"
HELP = "put the boot links back where the last change found them"


def add_arguments(parser):
    from rescue.commands import add_change_arguments
    add_change_arguments(parser)


def run(args, out):
    from rescue.commands import run_change_command
    from rescue.plan import choose_undo
    from rescue.report import inspect_host

    def decide(facts):
        return choose_undo(facts, inspect_host(facts, any_build=args.any_build))
    return run_change_command(args, out, decide)
