#!/bin/sh
# ovs-rescue reload runner: start Open vSwitch's module reload detached from
# the SSH session that asks for it, and say later how it went.
#
#   sh reload.sh start [--state-dir DIR] [--python PATH] [--id ID] -- COMMAND...
#   sh reload.sh status [--state-dir DIR]
#
# The reload drops all traffic for a moment, the session that started it
# included. So `start` runs COMMAND in a new session (setsid; else the
# Python named, os.setsid), with no terminal, standard input from
# /dev/null, HUP ignored, its output in DIR/reload.log, and returns at once.
# When COMMAND ends, its exit status goes to DIR/reload.result, written to
# a temp file and renamed over (never half there). A start while a reload
# runs is refused: DIR/reload.lock (a directory: mkdir is atomic) holds the
# runner's pid until it is done. With --id, a start of a run already
# started (an ssh client retrying the command after the drop cut its
# session) is answered, not run twice.
#
# `status` prints key=value lines: state=none (no reload on record),
# state=running (pid, id, started), state=done (id, rc, started, finished),
# state=lost (the runner died without a result: id, pid).
#
# Needs sh, mkdir, mv, date, kill; setsid (util-linux on CentOS 5,
# busybox) or a Python. Exit codes: 0 started (status: answered), 1 a
# reload is already running (refused), 2 usage error, 3 cannot start
# (nothing was started).
set -u
unset CDPATH

usage="usage: sh reload.sh start [--state-dir DIR] [--python PATH] [--id ID]
                          -- COMMAND...
       sh reload.sh status [--state-dir DIR]"

say() { printf '%s\n' "$@"; }
die() { code=$1; shift; say "ovs-rescue reload: error: $*" >&2; exit "$code"; }

# A field of a key=value file: $1 file, $2 key.
field() { sed -n "s/^$2=//p" "$1" 2>/dev/null | sed -n 1p; }

# Whether pid $1 is alive and is this script starting or running a reload
# (after a reboot the pid may name another program). A process in the
# middle of an exec (the runner's own: sh, python, sh) reads as no
# arguments for an instant: read once more before calling it another
# program (a kernel thread's stay empty).
runner_alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/cmdline" ] || return 0
  _args=$(tr '\000' ' ' < "/proc/$1/cmdline" 2>/dev/null)
  if [ -z "$_args" ]; then
    sleep 1
    kill -0 "$1" 2>/dev/null || return 1
    _args=$(tr '\000' ' ' < "/proc/$1/cmdline" 2>/dev/null)
  fi
  case $_args in
    *" run "*|*" start "*) return 0 ;;
  esac
  return 1
}

# Take the lock, or say who holds it. A lock whose runner is dead (killed,
# a reboot) is taken over.
take_lock() {
  mkdir -m 0755 -- "$lock" 2>/dev/null && return 0
  holder=$(field "$lock/owner" pid)
  if [ -z "$holder" ]; then
    die 1 "a reload is being started (or its start died): $lock has no" \
      "owner yet; if no reload runs, remove it (rm -r $lock)"
  fi
  if runner_alive "$holder"; then
    die 1 "a reload is already running (pid $holder, id" \
      "$(field "$lock/owner" id)); see $log; nothing was started"
  fi
  stale=$lock.stale.$$
  mv -- "$lock" "$stale" 2>/dev/null && rm -rf -- "$stale"
  mkdir -m 0755 -- "$lock" 2>/dev/null ||
    die 1 "another start took $lock just now; nothing was started"
}

# Write key=value lines (the arguments) to file $1, atomically.
write_atomically() {
  _target=$1; shift
  _temp=$_target.tmp.$$
  if say "$@" > "$_temp" && chmod 0644 -- "$_temp" &&
     mv -f -- "$_temp" "$_target"; then
    return 0
  fi
  rm -f -- "$_temp"
  return 1
}

# The detached runner: record its pid, run the command, record its status,
# free the lock. $1 id, $2 started, then the command.
run() {
  id=$1 started=$2; shift 2
  trap '' HUP PIPE
  write_atomically "$lock/owner" "pid=$$" "id=$id" "started=$started"
  "$@" > "$log" 2>&1 < /dev/null
  rc=$?
  write_atomically "$result" "id=$id" "rc=$rc" "started=$started" \
    "finished=$(date +%s)" "command=$*" ||
    say "ovs-rescue reload: cannot write $result (exit $rc)" >> "$log"
  rm -rf -- "$lock"
  exit "$rc"
}

# Start `sh THIS run ...` in a new session, in the background: setsid when
# the host has it, else the Python named.
launch() {
  if command -v setsid >/dev/null 2>&1; then
    setsid sh "$self" run --state-dir "$state_dir" -- "$@" \
      < /dev/null > /dev/null 2>&1 &
  elif [ -n "$python" ] && [ -x "$python" ]; then
    "$python" -c 'import os, sys
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' sh "$self" run \
      --state-dir "$state_dir" -- "$@" \
      < /dev/null > /dev/null 2>&1 &
  else
    return 1
  fi
  say "$!"
}

start() {
  [ $# -gt 0 ] || die 2 "no command to run after -- ($usage)"
  case $self in
    /*) ;;
    *) self=$(pwd)/$self ;;
  esac
  [ -f "$self" ] || die 3 "run reload.sh from a file, not from standard input"
  started=$(date +%s)
  id=${run_id:-$started-$$}
  if [ -n "$run_id" ]; then
    for record in "$lock/owner" "$result"; do
      if [ "$(field "$record" id)" = "$run_id" ]; then
        say "started id=$id already log=$log result=$result"
        return 0
      fi
    done
  fi
  take_lock
  # The owner is known before the runner starts: a second start now is
  # refused, never let through.
  write_atomically "$lock/owner" "pid=$$" "id=$id" "started=$started" ||
    { rm -rf -- "$lock"; die 3 "cannot write in $state_dir"; }
  rm -f -- "$result"
  if ! pid=$(launch "$id" "$started" "$@"); then
    rm -rf -- "$lock"
    die 3 "no setsid and no Python to start a new session with" \
      "(--python PATH); nothing was started"
  fi
  # The runner writes its own pid; until it has, its launcher's stands
  # (unless the run is over already and the lock gone).
  if [ "$(field "$lock/owner" id)" = "$id" ]; then
    write_atomically "$lock/owner" "pid=$pid" "id=$id" \
      "started=$started" 2>/dev/null
  fi
  say "started id=$id pid=$pid log=$log result=$result"
}

status() {
  if [ -d "$lock" ]; then
    holder=$(field "$lock/owner" pid)
    id=$(field "$lock/owner" id)
    if runner_alive "$holder"; then
      say state=running "pid=$holder" "id=$id" \
        "started=$(field "$lock/owner" started)"
      return 0
    fi
    # A runner that has just finished removes the lock while it is read:
    # only a lock still there, with no result of its run, is lost.
    if [ -d "$lock" ] && [ -n "$holder" ] &&
       [ "$(field "$result" id)" != "$id" ]; then
      say state=lost "pid=$holder" "id=$id"
      return 0
    fi
  fi
  if [ -f "$result" ]; then
    say state=done
    cat -- "$result"
  else
    say state=none
  fi
}

main() {
  [ $# -gt 0 ] || die 2 "$usage"
  verb=$1; shift
  state_dir=/boot/.ovs-rescue
  python=
  run_id=
  while [ $# -gt 0 ]; do
    case $1 in
      --state-dir|--python|--id)
        [ $# -ge 2 ] || die 2 "$1 needs a value"
        case $1 in
          --state-dir) state_dir=$2 ;;
          --python) python=$2 ;;
          --id) run_id=$2 ;;
        esac
        shift 2 ;;
      --) shift; break ;;
      -h|--help) say "$usage"; exit 0 ;;
      *) [ "$verb" = start ] || die 2 "unknown option $1 ($usage)"
         die 2 "put -- before the command ($usage)" ;;
    esac
  done
  case $run_id in
    *[!A-Za-z0-9._-]*) die 2 "--id $run_id: letters, digits and . _ - only" ;;
  esac
  lock=$state_dir/reload.lock
  log=$state_dir/reload.log
  result=$state_dir/reload.result
  self=$0
  umask 022
  case $verb in
    start)
      [ -d "$state_dir" ] || mkdir -m 0755 -- "$state_dir" ||
        die 3 "cannot make $state_dir"
      start "$@" ;;
    status) status ;;
    run) run "$@" ;;
    *) die 2 "unknown command $verb ($usage)" ;;
  esac
}

main "$@"
