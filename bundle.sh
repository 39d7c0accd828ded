#!/bin/sh
# ovs-rescue bundle @BUNDLE_ID@: one file that stages ovs-rescue on a host.
# build_bundle.py appends a gzip'd tar (install.sh, the zipapp, its man
# page, the runtimes) after a marker line. Run with the payload's sha256,
# as the build printed it, from a copy or from standard input:
#
#   sh ovs-rescue-bundle.sh --sha256 HEX
#   ssh HOST sh -s -- --sha256 HEX < ovs-rescue-bundle.sh
#
# It needs sh, tar and gzip (sha256sum, else the bundled Python checks the
# sum), unpacks into a private temp folder, checks the sum, runs install.sh
# (atomic, checked, idempotent: see there), records what it staged in
# PREFIX/BUNDLE, and removes the temp folder whatever happens. With
# --report it then prints sections for a program to read: the install's
# output, `check --json` and, with --plan on an unsafe host, `rollback
# --dry-run`. With --probe (no payload is read) it only says whether the
# host holds this bundle whole and, if it does, reports as above.
set -u
unset CDPATH

usage="usage: sh ovs-rescue-bundle.sh --sha256 HEX [--root DIR] [--prefix DIR]
           [--python PATH] [--arch ARCH] [--check-only] [--report]
           [--plan] [--running-kernel REL]
       sh ovs-rescue-bundle.sh --probe ID [options as above]

  --sha256 HEX    the payload's sha256 (build_bundle.py prints it and writes
                  it to dist/ovs-rescue-bundle.payload-sha256)
  --root, --prefix, --python, --arch, --check-only   as install.sh takes them
  --report        print sections: install, check (check --json), plan
  --plan          with --report, on an unsafe host: rollback --dry-run too
  --running-kernel REL   given to check and rollback
  --probe ID      read nothing: say whether bundle ID is staged whole; if
                  so (or with --no-stage) report as --report does

exit codes: 0 installed or up to date (--probe: it answered), 1 with
--check-only: an install would change something, 2 usage error,
3 cannot install (nothing was changed)"

bundle_id=@BUNDLE_ID@
marker=@PAYLOAD_MARKER@

say() { printf '%s\n' "$@"; }
die() { code=$1; shift; say "ovs-rescue bundle: error: $*" >&2; exit "$code"; }
usage_error() { die 2 "$* (see --help)"; }

# One line a section for the program that reads the report.
section() { say "@ovs-rescue $*"; }

# The sha256 of each file named, "HEX  PATH" a line, with sha256sum where
# the host has it, else with the Python named in $hash_python.
sha256_files() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$@"
  elif [ -n "$hash_python" ]; then
    "$hash_python" -I -c 'import hashlib, sys
for name in sys.argv[1:]:
    with open(name, "rb") as f:
        print(hashlib.sha256(f.read()).hexdigest() + "  " + name)' "$@"
  else
    say "no sha256sum and no Python to compute a sha256 with" >&2
    return 1
  fi
}

# The first line of PREFIX/BUNDLE: which bundle, for which arch, run by
# which Python (the host's path, as the launcher names it).
stamp_key() { say "ovs-rescue bundle $1 arch=$arch python=$python"; }

# The files an install leaves, as the host names them, and PREFIX/BUNDLE's
# text: the key, then each file's sha256 (read through the runtime link).
staged_files() {
  set -- "$prefix/ovs-rescue.pyz"
  if [ "$python" = "$prefix/runtime/python3" ]; then
    for file in "$root$prefix"/runtime/*; do
      [ -f "$file" ] && set -- "$@" "${file#"$root"}"
    done
  fi
  set -- "$@" /usr/local/sbin/ovs-rescue
  [ ! -f "$root/usr/local/share/man/man8/ovs-rescue.8" ] ||
    set -- "$@" /usr/local/share/man/man8/ovs-rescue.8
  for file in "$@"; do say "$root$file"; done
}
stamp_text() {
  stamp_key "$1"
  # Names are plain characters (install.sh checks them): one a line.
  # shellcheck disable=SC2046
  sha256_files $(staged_files) | while read -r sum file; do
    say "$sum  ${file#"$root"}"
  done
}

# The host's Python to run: the staged runtime below the root, or the one
# named (used as named, as install.sh does).
run_python() {
  if [ "$python" = "$prefix/runtime/python3" ]; then
    say "$root$python"
  else
    say "$python"
  fi
}

# check --json, then with --plan on an unsafe host rollback --dry-run, each
# in its section with its exit code. $1: the Python, $2: the zipapp.
report() {
  set -- "$1" -I "$2"
  options="--root ${root:-/}"
  [ -z "$running_kernel" ] || options="$options --running-kernel $running_kernel"
  section check
  # shellcheck disable=SC2086  # options: plain words (checked)
  "$@" check --json $options 2>&1
  rc=$?
  section "exit $rc"
  if $plan && [ "$rc" = 1 ]; then
    section plan
    # shellcheck disable=SC2086
    "$@" rollback --dry-run $options 2>&1
    section "exit $?"
  fi
}

# Whether the nearest existing folder of $root$prefix ($dir) is writable;
# if not, says so as an error line.
writable_target() {
  dir=$root$prefix
  while [ ! -e "$dir" ] && [ "$dir" != / ]; do dir=$(dirname -- "$dir"); done
  [ -w "$dir" ] && return 0
  say "ovs-rescue bundle: error: $dir is read-only: nothing can be staged\
 in $prefix; remount it read-write; nothing was changed"
  return 1
}

# Whether $root$prefix takes what install.sh would write there (the zipapp
# and, when staged, this arch's runtime): its nearest existing folder is
# writable and has room for them. install.sh writes each part beside the
# old one and renames it, part after part, so a full /boot would stop it
# between two parts. Says why not, as an error line, and fails.
room_for_install() {
  writable_target || return 1
  set -- "$tmp/b/ovs-rescue.pyz"
  [ "$python" != "$prefix/runtime/python3" ] ||
    set -- "$@" "$tmp/b/runtime/$arch"
  need=0
  for part in "$@"; do
    kib=$(du -k -s -- "$part" 2>/dev/null) || kib=0
    need=$((need + ${kib%%[!0-9]*}))
  done
  # POSIX df: a header, then one line whose fourth field is what is free.
  free=$(df -P -k -- "$dir" 2>/dev/null | { read -r _; read -r _ _ _ n _; say "$n"; })
  case $free in *[!0-9]*) free= ;; esac
  if [ -n "$free" ] && [ "$free" -lt "$need" ]; then
    say "ovs-rescue bundle: error: $dir has $free KiB free, staging needs\
 $need KiB; make room there; nothing was changed"
    return 1
  fi
}

# Unpack the payload ($tmp/payload) into folder $1: all of it, or the
# members named after it.
unpack() {
  _dir=$1; shift
  mkdir -- "$_dir" &&
    (cd -- "$_dir" && gzip -dc ../payload | tar xf - "$@") 2>"$tmp/unpack.err"
}

# Copy standard input from the line after the marker to $1.
receive() {
  while IFS= read -r line; do
    if [ "$line" = "$marker" ]; then
      cat > "$1" || return 1
      return 0
    fi
  done
  return 1
}

# Everything runs from one function called on the script's last line: read
# from standard input, the shell has parsed the whole script before the
# payload is read.
main() {
  sha256=
  probe=
  root=/
  prefix=/boot/ovs-rescue
  python=
  arch=
  check_only=false
  report=false
  plan=false
  stage=true
  running_kernel=
  while [ $# -gt 0 ]; do
    case $1 in
      --sha256|--probe|--root|--prefix|--python|--arch|--running-kernel)
        [ $# -ge 2 ] || usage_error "$1 needs a value"
        case $1 in
          --sha256) sha256=$2 ;;
          --probe) probe=$2 ;;
          --root) root=$2 ;;
          --prefix) prefix=$2 ;;
          --python) python=$2 ;;
          --arch) arch=$2 ;;
          --running-kernel) running_kernel=$2 ;;
        esac
        shift 2 ;;
      --check-only) check_only=true; shift ;;
      --report) report=true; shift ;;
      --plan) plan=true; shift ;;
      --no-stage) stage=false; shift ;;
      -h|--help) say "$usage"; exit 0 ;;
      *) usage_error "unknown option $1" ;;
    esac
  done
  # Each goes on a command line unquoted or into PREFIX/BUNDLE: plain only.
  for value in "$root" "$prefix" "${python:-/}" "$arch" "$running_kernel"; do
    case $value in
      *[!A-Za-z0-9._/+-]*) usage_error "$value holds a character other than" \
        "letters, digits and . _ / + -" ;;
    esac
  done
  case $prefix in /*) ;; *) usage_error "--prefix $prefix is not absolute" ;; esac
  root=${root%/}
  machine=${arch:-$(uname -m 2>/dev/null)}
  case $machine in
    i[3456]86) arch=i686 ;;
    x86_64|amd64) arch=x86_64 ;;
    *) arch=${machine:-unknown} ;;
  esac

  if [ -n "$probe" ]; then
    case $probe in *[!0-9a-f]*|'') usage_error "--probe $probe is not an id" ;; esac
    stamp=$root$prefix/BUNDLE
    if [ -z "$python" ]; then
      python=$(sed -n '1s/.* python=//p' "$stamp" 2>/dev/null)
      [ -n "$python" ] || python=$prefix/runtime/python3
    fi
    hash_python=$(run_python)
    staged=$(sed -n '1s/^ovs-rescue bundle \([0-9a-f]*\) .*/\1/p' "$stamp" \
      2>/dev/null)
    current=no
    if [ "$(sed -n 1p "$stamp" 2>/dev/null)" = "$(stamp_key "$probe")" ] &&
       [ "$(stamp_text "$probe" 2>/dev/null)" = "$(cat -- "$stamp")" ]; then
      current=yes
    fi
    section probe
    say "arch=$arch" "staged=${staged:-none}" "current=$current"
    # A bundle sent to a read-only /boot would only be refused there.
    [ "$current" = yes ] || writable_target || say "writable=no"
    if [ "$current" = yes ] || ! $stage; then
      report "$hash_python" "$root$prefix/ovs-rescue.pyz"
    fi
    section end
    exit 0
  fi

  case $sha256 in
    '') usage_error "--sha256 HEX is needed: the payload's sha256, as" \
          "build_bundle.py printed it" ;;
    *[!0-9a-f]*) usage_error "--sha256 $sha256 is not a lowercase hex sha256" ;;
  esac
  [ ${#sha256} = 64 ] || usage_error "--sha256 $sha256 is not 64 hex digits"

  umask 077
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovs-rescue-bundle.XXXXXX" 2>/dev/null) ||
    die 3 "cannot make a temp folder in ${TMPDIR:-/tmp}; set TMPDIR"
  # shellcheck disable=SC2317  # called by the trap
  cleanup() { rm -rf -- "$tmp"; }
  trap cleanup EXIT
  trap 'exit 3' HUP INT TERM

  # From this very file when it was run as one, else from standard input
  # (`sh -s`), where the shell has read no further than the padding below.
  if [ -f "$0" ] && [ "$(sed -n 2p -- "$0" 2>/dev/null)" = \
      "# ovs-rescue bundle $bundle_id: one file that stages ovs-rescue on a host." ]
  then
    receive "$tmp/payload" < "$0"
  else
    receive "$tmp/payload"
  fi || die 3 "the bundle is cut short (no payload after its script): copy" \
    "it again; nothing was changed"

  # The payload's sum, before anything is unpacked where install.sh reads it:
  # without sha256sum, the runtime of this arch is unpacked alone first and
  # its Python computes it.
  hash_python=$python
  if ! command -v sha256sum >/dev/null 2>&1 && [ -z "$python" ]; then
    if unpack "$tmp/hash" "runtime/$arch" &&
       [ -x "$tmp/hash/runtime/$arch/python3" ]; then
      hash_python=$tmp/hash/runtime/$arch/python3
    else
      hash_python=$(command -v python3) || hash_python=
    fi
  fi
  got=$(sha256_files "$tmp/payload" 2>/dev/null) || got=
  got=${got%% *}
  [ "$got" = "$sha256" ] || die 3 "the payload's sha256 is ${got:-unknown}," \
    "not $sha256: the copy is damaged or not that build; copy it again;" \
    "nothing was changed"
  rm -rf -- "$tmp/hash"
  unpack "$tmp/b" || die 3 "cannot unpack the bundle into $tmp" \
    "($(head -n 1 "$tmp/unpack.err")); is ${TMPDIR:-/tmp} full? nothing" \
    "was changed"
  rm -f -- "$tmp/payload"

  # install.sh's options; the Python it names in the launcher, as it
  # chooses it: --python, else this arch's runtime, else python3 on PATH.
  set -- --root "${root:-/}" --prefix "$prefix" \
    --archive "$tmp/b/ovs-rescue.pyz"
  if [ -n "$python" ]; then
    set -- "$@" --python "$python"
  else
    set -- "$@" --runtime "$tmp/b/runtime" --arch "$arch"
    python=$prefix/runtime/python3
    [ -f "$tmp/b/runtime/$arch/python3" ] || python=$(command -v python3) ||
      python=python3
  fi
  hash_python=$(run_python)
  ! $check_only || set -- "$@" --check-only
  ! $report || section install
  if room_for_install; then
    sh "$tmp/b/install.sh" "$@" 2>&1
    installed=$?
  else
    installed=3
  fi
  ! $report || section "exit $installed"

  # Only a whole install is recorded; a stamp that cannot be written costs
  # the next run a transfer, nothing else.
  if [ "$installed" = 0 ] && ! $check_only; then
    stamp=$root$prefix/BUNDLE
    if ! { stamp_text "$bundle_id" > "$stamp.tmp.$$" &&
           chmod 0644 -- "$stamp.tmp.$$" && mv -f -- "$stamp.tmp.$$" "$stamp"; }
    then
      rm -f -- "$stamp.tmp.$$"
      say "ovs-rescue bundle: warning: cannot write $stamp; the next run" \
        "sends the bundle again" >&2
    fi
  fi

  if $report; then
    if $check_only; then
      runner=$python
      [ "$python" != "$prefix/runtime/python3" ] ||
        runner=$tmp/b/runtime/$arch/python3
      report "$runner" "$tmp/b/ovs-rescue.pyz"
    elif [ "$installed" = 0 ]; then
      report "$(run_python)" "$root$prefix/ovs-rescue.pyz"
    fi
    section end
  fi
  exit "$installed"
}

# The last line the shell reads: main always exits.
main "$@"
