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
