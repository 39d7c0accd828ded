"""The one wrapper every subprocess of the tool goes through.

fork and exec by hand rather than through `subprocess`: it is not imported
on the hot path (check, status), and a run needs a deadline, bounded output
and no /dev/null (an empty chroot has no /dev).
"""
import errno
import os
import select
import time
from rescue.core.records import record

from rescue.errors import CannotInspect

MAX_OUTPUT_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0


class Completed(record("Completed", "returncode stdout stderr")):
    # returncode: int                 # negative: killed by that signal
    # stdout: str
    # stderr: str
    __slots__ = ()


def find_program(name):
    """The first executable `name` on PATH, or None (shutil costs imports)."""
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(directory or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def run(argv, timeout=DEFAULT_TIMEOUT, clock=time.monotonic):
    """Run argv with a C locale and an empty stdin; raise if it cannot start
    or does not finish within timeout seconds (then it is killed)."""
    return start(argv, timeout, clock).finish()


def start(argv, timeout=DEFAULT_TIMEOUT, clock=time.monotonic):
    """Start argv as run does, without waiting for it: its Running, whose
    finish() is what run returns (or raises); cancel() lets it end unread.
    The deadline counts from here."""
    env = dict(os.environ, LC_ALL="C", LANG="C")
    pipes = [os.pipe() for _ in range(4)]       # stdin, stdout, stderr, exec
    deadline = clock() + timeout
    try:
        pid = _start(argv, env, pipes)
    except OSError as error:
        _close_all(pipes)
        raise CannotInspect("cannot run %s: %s" % (argv[0], error.strerror))
    for fd in (pipes[0][0], pipes[0][1], pipes[1][1], pipes[2][1],
               pipes[3][1]):
        os.close(fd)
    return Running(argv, pid, pipes, timeout, deadline, clock)


class Running:
    """A started program: finish() once, or cancel()."""

    def __init__(self, argv, pid, pipes, timeout, deadline, clock):
        self.argv, self.pid, self.pipes = argv, pid, pipes
        self.timeout, self.deadline, self.clock = timeout, deadline, clock

    def finish(self):
        """Its Completed, once it has ended; raises as run does."""
        argv, pid, pipes = self.argv, self.pid, self.pipes
        self.pid = None
        try:
            failure = _read_all(pipes[3][0], 64)
            if failure:
                os.waitpid(pid, 0)
                code = int(failure.decode("ascii", "replace") or "0")
                raise CannotInspect("cannot run %s: %s" % (argv[0],
                                                           os.strerror(code)))
            outputs = _collect(pid, (pipes[1][0], pipes[2][0]),
                               os.path.basename(argv[0]), self.timeout,
                               self.deadline, self.clock)
            status = _wait(pid)
        finally:
            for fd in (pipes[1][0], pipes[2][0], pipes[3][0]):
                _close_quietly(fd)
        stdout, stderr = (data.decode("utf-8", "replace") for data in outputs)
        return Completed(status, stdout, stderr)

    def cancel(self):
        """Let it end with its answer unread, unless finish() has been
        called: not killed, as a Berkeley DB reader killed mid-read can
        leave the database's locks stale (rpm 4.4); its timeout holds."""
        if self.pid is not None:
            try:
                self.finish()
            except CannotInspect:
                pass


def _start(argv, env, pipes):
    """The child's pid: posix_spawn where Python has it (3.8 on: vfork-like,
    no copy of this process's pages), else fork and exec. An exec that
    fails raises here (posix_spawn) or is written on the last pipe."""
    spawn = getattr(os, "posix_spawn", None)     # 3.8 on; 3.6 forks
    if spawn is not None:
        dup2 = getattr(os, "POSIX_SPAWN_DUP2")
        return spawn(argv[0], list(argv), env, file_actions=[
            (dup2, pipes[0][0], 0), (dup2, pipes[1][1], 1),
            (dup2, pipes[2][1], 2)])
    pid = os.fork()
    if pid == 0:                                # the child: never returns
        _exec_child(argv, env, pipes)
    return pid


def _exec_child(argv, env, pipes):
    """In the forked child: never returns, never unwinds the parent's stack
    (not even for a Ctrl-C between fork and exec)."""
    try:
        for fd, target in ((pipes[0][0], 0), (pipes[1][1], 1),
                           (pipes[2][1], 2)):
            if fd == target:            # dup2 onto itself keeps CLOEXEC
                os.set_inheritable(fd, True)
            else:
                os.dup2(fd, target)
        os.execve(argv[0], list(argv), env)
    except BaseException as error:
        try:
            code = getattr(error, "errno", None) or errno.ENOEXEC
            os.write(pipes[3][1], str(code).encode())
        finally:
            os._exit(127)
    os._exit(127)


def _collect(pid, fds, name, timeout, deadline, clock):
    """Everything the child writes on fds, until both close or time is up."""
    data = {fd: [] for fd in fds}
    size = 0
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    open_fds = set(fds)
    while open_fds:
        left = deadline - clock()
        if left <= 0:
            _kill(pid)
            raise CannotInspect("%s did not answer within %g seconds; "
                                "killed it (raise --timeout)"
                                % (name, timeout))
        for fd, _ in _poll(poller, left):
            chunk = os.read(fd, 65536)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
                continue
            size += len(chunk)
            if size > MAX_OUTPUT_BYTES:
                _kill(pid)
                raise CannotInspect("%s printed more than %d MiB; killed it"
                                    % (name, MAX_OUTPUT_BYTES >> 20))
            data[fd].append(chunk)
    return tuple(b"".join(data[fd]) for fd in fds)


def _poll(poller, seconds):
    try:
        return poller.poll(max(1, int(seconds * 1000)))
    except InterruptedError:        # 3.6 retries itself; older kernels' EINTR
        return ()


def _wait(pid):
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


SIGKILL = 9     # not from `signal`: it imports enum, ~7 ms on every start


def _kill(pid):
    try:
        os.kill(pid, SIGKILL)
    except OSError:
        pass
    os.waitpid(pid, 0)


def _read_all(fd, limit):
    chunks = []
    while True:
        chunk = os.read(fd, limit)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _close_all(pipes):
    for pair in pipes:
        for fd in pair:
            _close_quietly(fd)


def _close_quietly(fd):
    try:
        os.close(fd)
    except OSError:
        pass
