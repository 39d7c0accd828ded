"""`demo`: the main job on a built-in sample host, as a user would type it."""

NAME = "demo"
HELP = "show the tool on a sample host in a temporary directory"
EXIT_CODES = ("exit codes: 0 shown (each step's own code is printed), "
              "2 usage error\n(demo takes no common options: it builds its "
              "own host)")

# What an operator types, in order; the sample's --root, --packages and
# --running-kernel are added to each.
STEPS = (
    ("status",),
    ("check",),
    ("rollback", "--dry-run"),
    ("rollback",),
    ("check",),
    ("undo",),
)


def add_arguments(parser):
    parser.add_argument("--keep", action="store_true",
                        help="keep the sample host and say where it is")


def run(args, out):
    import shutil
    import tempfile

    from rescue.sample import hotfix_host as demo
    from rescue.cli import main
    root = tempfile.mkdtemp(prefix="ovs-rescue-demo-")
    try:
        packages = demo.build_sample_host(root)
        for line in ("Sample host in %s." % root,
                     "A hotfix installed kernel %s" % demo.HOTFIX,
                     "and pointed the boot links at it, but nobody installed",
                     "its openvswitch-modules-xen package."):
            print(line, file=out)
        for step in STEPS:
            argv = list(step) + ["--root", root, "--packages", packages,
                                 "--running-kernel", demo.RUNNING]
            print("\n$ ovs-rescue %s" % " ".join(step), file=out)
            out.flush()
            code = main(argv)
            print("[exit %d]" % code, file=out)
            if getattr(out, "failure", None):
                break                   # `demo | head`: the reader left
    finally:
        if args.keep:
            print("\nkept %s" % root, file=out)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0
