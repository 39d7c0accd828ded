"""What the hot path imports: `check` runs without argparse and friends."""


def test_check_runs_without_importing_argparse(tmp_path):
    import subprocess
    import sys
    repo = __file__.rsplit("/tests/", 1)[0]
    code = ("import sys; sys.path.insert(0, %r); from rescue.cli import "
            "main; main(['check', '--root', %r]); sys.stderr.write(str("
            "'argparse' in "
            "sys.modules) + ' ' + str('subprocess' in sys.modules) + "
            "' ' + str('textwrap' in sys.modules) + ' ' + "
            "str('re' in sys.modules))" % (repo, str(tmp_path)))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.stderr.splitlines()[-1] == "False False False False"


def _imports_after_check(root):
    """The rescue modules a `check` of root imported, in a fresh Python."""
    import subprocess
    import sys
    repo = __file__.rsplit("/tests/", 1)[0]
    code = ("import sys; sys.path.insert(0, %r); from rescue.cli import "
            "main; code = main(['check', '--root', %r]); sys.stderr.write("
            "'\\n' + ' '.join(sorted(m for m in sys.modules if m.startswith("
            "'rescue.'))))" % (repo, root))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    return set(done.stderr.splitlines()[-1].split())


def test_an_extlinux_host_loads_no_grub_parser(make_host):
    from tests import hosts
    root = make_host([hosts.Kernel(hosts.K835), hosts.Kernel(hosts.K847)],
                     pending=hosts.K847)
    loaded = _imports_after_check(root)
    assert "rescue.core.extlinux" in loaded
    assert not loaded & {"rescue.core.grubcfg", "rescue.core.grubenv"}


def test_a_grub_host_loads_no_extlinux_parser(tmp_path, rpm_factory):
    from tests import generations
    root = str(tmp_path / "xs8")
    generations.xs8_host(root, rpm_factory)
    loaded = _imports_after_check(root)
    assert {"rescue.core.grubcfg", "rescue.core.grubenv"} <= loaded
    assert "rescue.core.extlinux" not in loaded


def test_the_zipapp_startup_turns_the_collector_off():
    """A run is short and leaves by os._exit: start() switches the cyclic
    collector off before the package is imported (its collections cost
    about 4% of a check)."""
    import subprocess
    import sys
    repo = __file__.rsplit("/tests/", 1)[0]
    code = ("import sys, gc; sys.path.insert(0, %r); import rescue.cli as "
            "cli; cli.main = lambda: sys.stdout.write(str(gc.isenabled())) "
            "and 0; from rescue.zipmain import start; start(None)" % repo)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code],
                          stdout=subprocess.PIPE, universal_newlines=True)
    assert done.stdout == "False"
