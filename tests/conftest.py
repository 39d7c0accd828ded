"""Shared fixtures: the RPM factory and a healthy fixture host."""
import glob
import os
import shutil
import signal
import subprocess
import sys

import pytest

from tests import hosts

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_configure(config):
    # A suite started in the background of a script (`.ci/run &`, nohup)
    # inherits SIGINT or SIGHUP ignored, and so would every tool it starts:
    # the Ctrl-C and hangup tests then see nothing arrive. They test what an
    # operator's terminal gives, so the defaults are put back.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    missing = [tool for tool in ("rpm", "rpmbuild") if not shutil.which(tool)]
    if missing:
        raise pytest.UsageError("tests need %s on PATH (apt-get install rpm)"
                                % " and ".join(missing))


@pytest.fixture(scope="session")
def rpm_factory(tmp_path_factory):
    return hosts.RpmFactory(str(tmp_path_factory.mktemp("rpms")))


@pytest.fixture
def make_host(tmp_path, rpm_factory):
    """make_host(kernels, pending=..., ...) -> root, on the real disk."""
    def make(kernels, pending=None, name="host", **options):
        root = os.path.join(str(tmp_path), name)
        return hosts.make_host(root, rpm_factory, kernels, pending, **options)
    return make


def find_python36():
    """The oldest dom0 Python we serve, found as build_pyz.py finds it."""
    from build_pyz import find_py36
    return find_py36()


@pytest.fixture(scope="session")
def python36():
    path = find_python36()
    if path is None:
        pytest.fail("Python 3.6 not found (pyenv 3.6.15, python3.6 on PATH, "
                    "or set OVS_RESCUE_PY36): the zipapp must be tested "
                    "under the oldest dom0 Python")
    return path


@pytest.fixture(scope="session")
def zipapp(tmp_path_factory):
    """dist-like zipapp built once per session by build_pyz.py."""
    out = tmp_path_factory.mktemp("dist") / "ovs-rescue.pyz"
    subprocess.run([sys.executable, os.path.join(REPO, "build_pyz.py"),
                    "--output", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return str(out)


def bundled_pythons():
    """The bundled interpreters (build_runtime.py) to test under too.

    $OVS_RESCUE_TEST_PYTHONS, paths joined by ':' (tests/run sets it after
    building the runtime; set it empty for none), else whatever
    dist/runtime/<arch>/python3 holds.
    """
    listed = os.environ.get("OVS_RESCUE_TEST_PYTHONS")
    if listed is not None:
        return [path for path in listed.split(os.pathsep) if path]
    return sorted(glob.glob(os.path.join(REPO, "dist", "runtime", "*",
                                         "python3")))


def python_id(path):
    """dist/runtime/i686/python3 -> i686."""
    return os.path.basename(os.path.dirname(path))


@pytest.fixture(scope="session",
                params=["3.6"] + bundled_pythons(),
                ids=lambda param: "py36" if param == "3.6" else
                python_id(param))
def pyz_python(request):
    """Each interpreter the zipapp must run under: dom0's oldest Python 3.6
    and each bundled runtime."""
    if request.param == "3.6":
        return request.getfixturevalue("python36")
    if not os.access(request.param, os.X_OK):
        pytest.fail("bundled interpreter %s is missing: run python3 "
                    "build_runtime.py" % request.param)
    return request.param


@pytest.fixture
def run_pyz(zipapp, pyz_python):
    """run_pyz(*argv) -> CompletedProcess of the zipapp under Python 3.6,
    then under each bundled interpreter (the test runs once for each)."""
    def run(*argv, **kwargs):
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.update(kwargs.pop("env", {}))
        return subprocess.run([pyz_python, zipapp] + [str(a) for a in argv],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, env=env, **kwargs)
    return run


@pytest.fixture
def terminal(tmp_path, zipapp, python36):
    """terminal(argv, env) -> the screen, as lines, after an operator typed
    `ovs-rescue ARGV` at a `$ ` prompt in an 80x24 tmux pane."""
    if not shutil.which("tmux"):
        pytest.fail("tmux is needed for the terminal tests (tests/run "
                    "installs it)")
    socket = str(tmp_path / "tmux")
    tmux = ["tmux", "-S", socket, "-f", "/dev/null"]

    def screen(argv, env=(), escapes=False, typed=None):
        """typed: what the operator's line shows, if not argv (a test root's
        long --root would wrap; on the host it is not there)."""
        script = ('printf "$ ovs-rescue %s\\n"; env %s %s %s %s; printf "$ "; '
                  "tmux -S %s wait-for -S shown; sleep 60" % (
                      typed or " ".join(argv), " ".join(env), python36, zipapp,
                      " ".join(argv), socket))
        subprocess.run(tmux + ["new-session", "-d", "-x", "80", "-y", "24",
                               "sh", "-c", script], check=True)
        try:
            subprocess.run(tmux + ["wait-for", "shown"], check=True,
                           timeout=30)
            shown = subprocess.run(
                tmux + ["capture-pane", "-p"] + (["-e"] if escapes else []),
                check=True, stdout=subprocess.PIPE,
                universal_newlines=True).stdout
        finally:
            subprocess.run(tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        return shown.rstrip("\n").split("\n")
    return screen
