#!/bin/sh
# Stage ovs-rescue on a host: the zipapp next to what it repairs (default
# /boot/ovs-rescue/ovs-rescue.pyz) and a launcher, /usr/local/sbin/ovs-rescue.
# Idempotent, atomic (temp file + rename), and it runs `check` at the end.
# POSIX sh on purpose: XenServer 6.x dom0 has an old bash and no Python 3.
set -u
unset CDPATH

usage="usage: install.sh [--prefix DIR] [--python PATH] [--root DIR]
                  [--archive FILE] [--check-only]

  --prefix DIR    where the zipapp goes on the host (default /boot/ovs-rescue)
  --python PATH   a Python 3.6+ interpreter for the launcher (default: python3
                  on PATH); on XenServer 6.x stage one and name it here
  --root DIR      install below DIR (an image or a test root); the launcher
                  names paths as the host will see them (default /)
  --archive FILE  the zipapp to install (default: ovs-rescue.pyz beside this
                  script, else dist/ovs-rescue.pyz)
  --check-only    change nothing: say what an install would change

exit codes:
  0  installed, or already up to date (with --check-only: up to date)
  1  --check-only: an install would change something
  2  usage error
  3  cannot install (nothing was changed)"

say() { printf '%s\n' "$@"; }   # one line each argument
die() { code=$1; shift; say "install.sh: error: $*" >&2; exit "$code"; }
usage_error() { die 2 "$* (see install.sh --help)"; }

# The same check runs here and in the launcher, before any Python runs as
# root: the file, and every directory above it, is owned by root (or by
# whoever runs it) and not writable by group or others. A sticky directory such as /tmp is fine:
# others cannot replace root's entries in it. Symlinks are checked where they
# sit and where they lead.
SAFE_PATH=$(cat <<'EOF'
unsafe_path() {
  _p=$1 _me=$(id -u)
  for _q in "$_p" "$(readlink -f -- "$_p" 2>/dev/null || printf %s "$_p")"; do
    while :; do
      _s=$(stat -c "%u %a" -- "$_q" 2>/dev/null) || {
        printf "%s is missing\n" "$_q"; return 0; }
      _uid=${_s% *}; _mode=${_s#* }
      if [ "$_uid" != 0 ] && [ "$_uid" != "$_me" ]; then
        printf "%s is owned by uid %s, not root\n" "$_q" "$_uid"; return 0
      fi
      if [ ! -L "$_q" ] && [ $((0$_mode & 022)) != 0 ] &&
         { [ ! -d "$_q" ] || [ $((0$_mode & 01000)) = 0 ]; }; then
        printf "%s is writable by group or others (mode %s)\n" "$_q" "$_mode"
        return 0
      fi
      [ "$_q" = / ] && break
      _q=$(dirname -- "$_q")
    done
  done
  return 1
}
EOF
)
eval "$SAFE_PATH"

prefix=/boot/ovs-rescue
python=
root=/
archive=
check_only=false
while [ $# -gt 0 ]; do
  case $1 in
    --prefix|--python|--root|--archive)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --prefix) prefix=$2 ;;
        --python) python=$2 ;;
        --root) root=$2 ;;
        --archive) archive=$2 ;;
      esac
      shift 2 ;;
    --check-only) check_only=true; shift ;;
    -h|--help) say "$usage"; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
done

# Both paths are written into the launcher: plain characters only.
for option in "--prefix $prefix" "--python ${python:-/}"; do
  case ${option#* } in
    /*[!A-Za-z0-9._/+-]*) usage_error "${option%% *} ${option#* } holds a" \
      "character other than letters, digits and . _ / + -" ;;
    /*) ;;
    *) usage_error "${option%% *} ${option#* } is not an absolute path" ;;
  esac
done
[ -d "$root" ] || die 3 "root $root is not a directory; check --root"
root=$(cd "$root" && pwd -P) || die 3 "cannot enter root $root"
[ "$root" = / ] && root=

here=$(dirname -- "$0")
if [ -z "$archive" ]; then
  for candidate in "$here/ovs-rescue.pyz" "$here/dist/ovs-rescue.pyz"; do
    if [ -f "$candidate" ]; then archive=$candidate; break; fi
  done
  [ -n "$archive" ] || die 3 "no ovs-rescue.pyz beside install.sh or in" \
    "$here/dist; build it (python3 build_pyz.py) or pass --archive FILE"
fi
[ -f "$archive" ] || die 3 "zipapp $archive is not a file; check --archive"

if [ -z "$python" ]; then
  python=$(command -v python3) || die 3 "no python3 on PATH; ovs-rescue" \
    "needs Python 3.6 or newer: stage one and pass --python PATH"
fi
[ -x "$python" ] || die 3 "--python $python is not an executable file;" \
  "stage a Python 3.6 or newer and pass its path"
if why=$(unsafe_path "$python"); then
  die 3 "refusing to run --python $python as root: $why; stage it where" \
    "only root can write"
fi
# Python 2.4 must be able to run this line, to be told plainly it is too old.
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 6))' \
    >/dev/null 2>&1; then
  version=$("$python" -V 2>&1 | head -n 1)
  die 3 "$python is ${version:-not a working Python}; ovs-rescue needs" \
    "Python 3.6 or newer: stage one and pass --python PATH"
fi

# Hashed by the Python just checked: old dom0s may lack sha256sum.
sha256() {
  "$python" -I -c 'import hashlib, sys
with open(sys.argv[1], "rb") as f: print(hashlib.sha256(f.read()).hexdigest())' "$1"
}
want=$(sha256 "$archive") || die 3 "cannot read $archive"
target_dir=$root$prefix
target=$target_dir/ovs-rescue.pyz
launcher_dir=$root/usr/local/sbin
launcher=$launcher_dir/ovs-rescue

launcher_text() {
  cat <<EOF
#!/bin/sh
# ovs-rescue launcher, written by install.sh: runs the staged zipapp with
# the staged Python, in isolated mode, once no other user can change either.
python=$python
archive=$prefix/ovs-rescue.pyz
$SAFE_PATH
EOF
  cat <<'EOF'
for file in "$python" "$archive"; do
  if why=$(unsafe_path "$file"); then
    echo "ovs-rescue: error: refusing to run $file: $why;" \
      "fix it (chown root, chmod go-w) or run install.sh again" >&2
    exit 3
  fi
done
exec "$python" -I "$archive" "$@"
EOF
}

# What would change: "" for nothing, else a word per file.
same_file() { [ -f "$2" ] && [ ! -L "$2" ] && cmp -s -- "$1" "$2"; }
changes=
same_file "$archive" "$target" || changes="$changes zipapp"
if [ -f "$launcher" ] && [ ! -L "$launcher" ] &&
   [ "$(cat -- "$launcher")" = "$(launcher_text)" ]; then :; else
  changes="$changes launcher"
fi

if $check_only; then
  if [ -z "$changes" ]; then
    say "up to date: $target" "  sha256 $want" "up to date: $launcher"
    exit 0
  fi
  for what in $changes; do
    case $what in
      zipapp) say "would install $target" "  sha256 $want" ;;
      launcher) say "would write $launcher" ;;
    esac
  done
  exit 1
fi

tmp_files=
# shellcheck disable=SC2317  # called by the trap
cleanup() { [ -z "$tmp_files" ] || eval "rm -f -- $tmp_files"; }
trap cleanup EXIT
trap 'exit 3' HUP INT TERM

# A temp file beside dest, ready to be renamed over it: an interrupted
# install leaves the old version whole. Sets $tmp; leftovers of an earlier
# interrupted install are swept.
temp_beside() {
  dir=$(dirname -- "$1")
  mkdir -p -- "$dir" || die 3 "cannot create $dir"
  if why=$(unsafe_path "$dir"); then
    die 3 "refusing to install into $dir: $why; fix it or pass --prefix"
  fi
  rm -f -- "$dir"/.ovs-rescue-install.*
  tmp=$dir/.ovs-rescue-install.$$
  tmp_files="$tmp_files '$tmp'"
}

# Rename the written temp file over dest, after it reached the disk.
commit_file() {
  if ! { chmod 0755 -- "$tmp" && sync && mv -f -- "$tmp" "$1"; }; then
    die 3 "cannot move $tmp to $1; the old version is still in place"
  fi
  say "installed $1"
}

if [ "${changes#* zipapp}" != "$changes" ]; then
  temp_beside "$target"
  cat -- "$archive" > "$tmp" || die 3 "cannot write $tmp"
  got=$(sha256 "$tmp")
  [ "$got" = "$want" ] || die 3 "copy of $archive has sha256 $got, not" \
    "$want; the disk may be full or failing: nothing was changed"
  commit_file "$target"
else
  say "unchanged: $target"
fi
say "  sha256 $want"

if [ "${changes#* launcher}" != "$changes" ]; then
  temp_beside "$launcher"
  launcher_text > "$tmp" || die 3 "cannot write $tmp"
  commit_file "$launcher"
else
  say "unchanged: $launcher"
fi
[ -n "$changes" ] || say "nothing changed"

# The verdict of the installed copy, as the operator will see it.
say ""
say "\$ ovs-rescue check${root:+ --root $root}"
"$python" -I "$target" check --root "${root:-/}"
say "[check exit $?]"
exit 0
