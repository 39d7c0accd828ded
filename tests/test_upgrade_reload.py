"""reload.sh, the detached reload runner, under dash, bash and busybox sh:
it outlives the session that started it, writes its result atomically and
refuses a second start while one runs."""
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.hostshells import SHELLS, run_sh, shell_bin

RELOAD = os.path.join(REPO, "ansible", "roles", "ovs_upgrade", "files",
                      "reload.sh")


@pytest.fixture(params=SHELLS)
def bin_dir(request, tmp_path):
    return shell_bin(str(tmp_path / "bin"), request.param)


def reload(bin_dir, *argv):
    return run_sh(bin_dir, [RELOAD] + list(argv))


def status(bin_dir, state):
    rc, out, err = reload(bin_dir, "status", "--state-dir", state)
    assert rc == 0, err
    return dict(line.split("=", 1) for line in out.splitlines())


def wait_done(bin_dir, state, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = status(bin_dir, state)
        if answer["state"] not in ("running",):
            return answer
        time.sleep(0.1)
    raise AssertionError("the reload did not finish: %s" % answer)


def session(bin_dir, script):
    """A login-like session: a shell on its own PTY (as sshd gives one),
    in a process group the test can kill."""
    inner = "PATH=%s; export PATH; %s" % (shlex.quote(bin_dir), script)
    process = subprocess.Popen(["script", "-qfec", inner, "/dev/null"],
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               start_new_session=True)
    for line in process.stdout:
        if b"launched" in line:
            return process
    raise AssertionError("the session never launched: %r" % process.wait())


def kill_session(process):
    """What a dropped SSH connection does: sshd dies, the PTY hangs up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def reload_command(marker):
    return "sleep 1; echo reloaded; : > %s" % shlex.quote(marker)


def test_the_reload_outlives_the_session_that_started_it(bin_dir, tmp_path):
    state, marker = str(tmp_path / "state"), str(tmp_path / "finished")
    started = session(bin_dir, "sh %s start --state-dir %s -- sh -c %s; "
                      "echo launched; sleep 60" % (
                          RELOAD, state, shlex.quote(reload_command(marker))))
    kill_session(started)
    answer = wait_done(bin_dir, state)
    assert answer["state"] == "done" and answer["rc"] == "0"
    assert os.path.exists(marker)
    with open(os.path.join(state, "reload.log")) as log:
        assert log.read() == "reloaded\n"


def test_the_same_command_in_the_session_dies_with_it(bin_dir, tmp_path):
    """The control: without the runner, the hangup kills the reload."""
    marker = str(tmp_path / "finished")
    started = session(bin_dir, "echo launched; sh -c %s" % shlex.quote(
        reload_command(marker)))
    kill_session(started)
    time.sleep(2)
    assert not os.path.exists(marker)


def test_a_failed_reload_leaves_its_exit_status_and_output(bin_dir,
                                                           tmp_path):
    state = str(tmp_path / "state")
    rc, out, err = reload(bin_dir, "start", "--state-dir", state, "--",
                          "sh", "-c", "echo 'Failed to save configuration'"
                          " >&2; exit 1")
    assert rc == 0 and out.startswith("started id="), err
    answer = wait_done(bin_dir, state)
    assert answer["rc"] == "1" and answer["id"] == out.split()[1][3:]
    assert "Failed to save" in open(os.path.join(state, "reload.log")).read()
    assert sorted(os.listdir(state)) == ["reload.log", "reload.result"]
    assert oct(os.stat(os.path.join(state, "reload.result")).st_mode
               & 0o777) == "0o644"


def test_a_second_start_while_one_runs_is_refused(bin_dir, tmp_path):
    state, second = str(tmp_path / "state"), str(tmp_path / "second-ran")
    rc, first, _ = reload(bin_dir, "start", "--state-dir", state, "--",
                          "sleep", "2")
    assert rc == 0
    rc, out, err = reload(bin_dir, "start", "--state-dir", state, "--",
                          "sh", "-c", ": > %s" % second)
    assert rc == 1 and out == ""
    assert "already running" in err and "nothing was started" in err
    answer = wait_done(bin_dir, state)
    assert answer["id"] == first.split()[1][3:] and answer["rc"] == "0"
    assert not os.path.exists(second)


def test_a_lock_whose_pid_is_now_a_kernel_thread_is_lost(bin_dir, tmp_path):
    """After a reboot the pid may be a kernel thread's: its arguments read
    empty, as the runner's do for an instant while it execs (measured: one
    read in sixty of a process that starts and execs), so they are read
    once more before the lock is called lost."""
    state = tmp_path / "state"
    (state / "reload.lock").mkdir(parents=True)
    with open("/proc/2/cmdline", "rb") as kthreadd:
        assert kthreadd.read() == b""
    (state / "reload.lock" / "owner").write_text("pid=2\nid=1-1\nstarted=1\n")
    started = time.monotonic()
    assert status(bin_dir, str(state))["state"] == "lost"
    assert time.monotonic() - started >= 1


def test_a_lock_left_by_a_dead_runner_is_taken_over(bin_dir, tmp_path):
    state = tmp_path / "state"
    (state / "reload.lock").mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (state / "reload.lock" / "owner").write_text(
        "pid=%d\nid=1-1\nstarted=1\n" % dead.pid)
    assert status(bin_dir, str(state))["state"] == "lost"
    rc, _, err = reload(bin_dir, "start", "--state-dir", str(state), "--",
                        "true")
    assert rc == 0, err
    assert wait_done(bin_dir, str(state))["rc"] == "0"


def test_without_setsid_the_python_named_starts_the_session(tmp_path):
    bin_dir = shell_bin(str(tmp_path / "bin"), "dash", setsid=False)
    state = str(tmp_path / "state")
    rc, _, err = run_sh(bin_dir, [RELOAD, "start", "--state-dir", state,
                                  "--python", sys.executable, "--",
                                  "sh", "-c", "echo ok"])
    assert rc == 0, err
    assert wait_done(bin_dir, state).get("rc") == "0", os.listdir(state)


def test_without_setsid_or_python_nothing_is_started(tmp_path):
    bin_dir = shell_bin(str(tmp_path / "bin"), "dash", setsid=False)
    state = str(tmp_path / "state")
    rc, _, err = run_sh(bin_dir, [RELOAD, "start", "--state-dir", state,
                                  "--", "true"])
    assert rc == 3 and "no setsid" in err
    assert os.listdir(state) == []


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace")
def test_the_result_is_renamed_into_place_never_written_there(tmp_path):
    bin_dir = shell_bin(str(tmp_path / "bin"), "dash")
    state = tmp_path / "state"
    (state / "reload.lock").mkdir(parents=True)
    trace = str(tmp_path / "trace")
    done = subprocess.run(
        [shutil.which("strace"), "-f", "-qq", "-o", trace, "-e",
         "trace=open,openat,creat,rename,renameat,renameat2",
         os.path.join(bin_dir, "sh"), RELOAD, "run", "--state-dir",
         str(state), "--", "7-7", "7", "true"],
        env={"PATH": bin_dir}, stdout=subprocess.PIPE)
    assert done.returncode == 0
    calls = [line for line in open(trace) if "reload.result" in line]
    result = str(state / "reload.result")
    assert not [c for c in calls if "open" in c and '"%s"' % result in c]
    assert [c for c in calls if "rename" in c and '"%s.tmp.' % result in c
            and '"%s"' % result in c and c.rstrip().endswith("= 0")]
    assert "rc=0" in (state / "reload.result").read_text()


def test_a_start_repeated_with_its_id_is_answered_not_run_twice(bin_dir,
                                                                tmp_path):
    """What an ssh client retrying the start after the drop must get."""
    state, runs = str(tmp_path / "state"), tmp_path / "runs"
    command = ["sh", "-c", "echo run >> %s; sleep 1" % runs]
    start = ["start", "--state-dir", state, "--id", "play-1", "--"] + command
    assert reload(bin_dir, *start)[0] == 0
    rc, out, _ = reload(bin_dir, *start)                 # while it runs
    assert rc == 0 and out.startswith("started id=play-1 already")
    assert wait_done(bin_dir, state)["id"] == "play-1"
    rc, out, _ = reload(bin_dir, *start)                 # after it ended
    assert rc == 0 and "already" in out
    assert runs.read_text() == "run\n"
    rc, _, err = reload(bin_dir, "start", "--state-dir", state, "--id",
                        "play-2", "--", "true")          # a new run: runs
    assert rc == 0 and wait_done(bin_dir, state)["id"] == "play-2"
