#!/bin/sh
# Stage ovs-rescue on a host: the zipapp next to what it repairs (default
# /boot/ovs-rescue/ovs-rescue.pyz), the bundled Python for the host's
# architecture (/boot/ovs-rescue/runtime/python3), a launcher,
# /usr/local/sbin/ovs-rescue, and the man page beside the zipapp,
# /usr/local/share/man/man8/ovs-rescue.8. Idempotent; each part atomic
# (staged beside its place and checked, then renamed over the old one, all
# staged before any is renamed); it runs `check` at the end. docs/install.md
# says what it guarantees.
# POSIX sh on purpose: XenServer 6.x dom0 has an old bash and no Python 3.
set -u
unset CDPATH

usage="usage: install.sh [--prefix DIR] [--python PATH] [--root DIR]
                  [--archive FILE] [--runtime DIR] [--arch ARCH]
                  [--check-only]

  --prefix DIR    where the zipapp goes on the host (default /boot/ovs-rescue)
  --python PATH   run with this Python 3.6+ (e.g. XenServer 8's python3)
                  instead of staging the bundled runtime
  --root DIR      install below DIR (an image or a test root); the launcher
                  names paths as the host will see them (default /)
  --archive FILE  the zipapp to install (default: ovs-rescue.pyz beside this
                  script, else dist/ovs-rescue.pyz); the man page
                  ovs-rescue.8 beside it is installed too, if there
  --runtime DIR   the bundled runtimes, one folder per architecture (default:
                  runtime/ beside this script, else dist/runtime); without
                  one for the host, python3 on PATH is used
  --arch ARCH     stage the runtime of ARCH (i686, x86_64; default: uname -m)
  --check-only    change nothing: say what an install would change

exit codes:
  0  installed, or already up to date (with --check-only: up to date)
  1  --check-only: an install would change something
  2  usage error
  3  cannot install (nothing was changed)
  4  failed part-way: the parts already replaced are named, the rest is
     as it was; run install.sh again to finish"

say() { printf '%s\n' "$@"; }   # one line each argument
nl='
'
die() { code=$1; shift; say "install.sh: error: $*" >&2; exit "$code"; }
usage_error() { die 2 "$* (see install.sh --help)"; }

# The same check runs here and in the launcher, before any Python runs as
# root: each file, and every directory above it, is owned by root (or by
# whoever runs it) and not writable by group or others. A sticky directory
# such as /tmp is fine: others cannot replace root's entries in it. Symlinks
# are checked where they sit and where they lead. Fast on purpose (it runs
# before every launch): shell built-ins walk the paths, one `stat` reads
# them all; a fork resolves directory symlinks, `readlink` a file symlink,
# `id` runs only when a path is not root's.
# The launcher gets this function's text, read from this file (launcher_text):
# one definition for both.
unsafe_path() {
  why='' _n=$# _me='' _nl='
'
  _seen=$_nl
  for _f in "$@"; do
    case $_f in /*) ;; *) why="$_f is not an absolute path"; return 0 ;; esac
    _real=$_f _q=$_f
    if [ -L "$_f" ]; then
      _real=$(readlink -f -- "$_f") || { why="$_f is missing"; return 0; }
    else
      while _q=${_q%/*}; [ -n "$_q" ]; do
        if [ -L "$_q" ]; then
          _real=$(cd -P -- "${_f%/*}" && pwd -P) || {
            why="${_f%/*} is missing"; return 0; }
          _real=${_real%/}/${_f##*/}; break
        fi
      done
    fi
    for _q in "$_f" "$_real"; do
      while :; do
        case $_seen in
          *"$_nl$_q$_nl"*) ;;
          *) _seen=$_seen$_q$_nl; set -- "$@" "$_q" ;;
        esac
        [ "$_q" = / ] && break
        _q=${_q%/*}; _q=${_q:-/}
      done
    done
  done
  shift "$_n"
  # One stat for all (numbers only: the C locale spares it loading one).
  _out=$(LC_ALL=C stat -c '%u %f' -- "$@" 2>/dev/null) || {
    for _q in "$@"; do
      [ -e "$_q" ] || [ -L "$_q" ] || { why="$_q is missing"; return 0; }
    done
    why="cannot stat $*"; return 0
  }
  for _q in "$@"; do
    _s=${_out%%"$_nl"*}; _out=${_out#*"$_nl"}
    _uid=${_s% *} _mode=$((0x${_s#* }))
    if [ "$_uid" != 0 ]; then
      _me=${_me:-$(id -u)}
      if [ "$_uid" != "$_me" ]; then
        why="$_q is owned by uid $_uid, not root"; return 0
      fi
    fi
    case $((_mode & 0170000)) in
      $((0120000))) continue ;;                           # a symlink
      $((0040000))) [ $((_mode & 01000)) = 0 ] || continue ;; # sticky dir
    esac
    if [ $((_mode & 022)) != 0 ]; then
      why="$_q is writable by group or others (mode $(printf %o \
$((_mode & 07777))))"; return 0
    fi
  done
  return 1
}

prefix=/boot/ovs-rescue
python=
root=/
archive=
runtime=
arch=
check_only=false
why=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix|--python|--root|--archive|--runtime|--arch)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --prefix) prefix=$2 ;;
        --python) python=$2 ;;
        --root) root=$2 ;;
        --archive) archive=$2 ;;
        --runtime) runtime=$2 ;;
        --arch) arch=$2 ;;
      esac
      shift 2 ;;
    --check-only) check_only=true; shift ;;
    -h|--help) say "$usage"; exit 0 ;;
    *) usage_error "unknown option $1" ;;
  esac
done

# A path is shown on one line: control characters as "?".
shown() {
  _in=$1 shown=
  while :; do
    case $_in in
      *[[:cntrl:]]*) _pre=${_in%%[[:cntrl:]]*}; shown="$shown$_pre?"
                     _in=${_in#"$_pre"?} ;;
      *) shown=$shown$_in; return ;;
    esac
  done
}
# Every path is said on one line of output, and some are written into the
# launcher: a control character (a newline, say) in any is refused.
for option in "--prefix $prefix" "--python $python" "--root $root" \
    "--archive $archive" "--runtime $runtime"; do
  case ${option#* } in
    *[[:cntrl:]]*) shown "${option#* }"
      usage_error "${option%% *} $shown holds a control character" ;;
  esac
done
# Both are written into the launcher and compared by name: plain
# characters only.
for option in "--prefix $prefix" "--python ${python:-/}"; do
  case ${option#* } in
    /*[!A-Za-z0-9._/+-]*) usage_error "${option%% *} ${option#* } holds a" \
      "character other than letters, digits and . _ / + -" ;;
    /*) ;;
    *) usage_error "${option%% *} ${option#* } is not an absolute path" ;;
  esac
done
# The prefix as the host names it, without . or .. or empty parts; a ..
# above / would leave the root.
normal=
rest=$prefix
while [ -n "$rest" ]; do
  part=${rest%%/*}
  case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
  case $part in
    ''|.) ;;
    ..) [ -n "$normal" ] || usage_error "--prefix $prefix leaves the root"
        normal=${normal%/*} ;;
    *) normal=$normal/$part ;;
  esac
done
[ -n "$normal" ] || usage_error "--prefix $prefix is the root itself; name" \
  "a folder in it"
prefix=$normal
machine=${arch:-$(uname -m 2>/dev/null)}
machine=${machine:-unknown}
case $machine in
  i[3456]86) arch=i686 ;;
  x86_64|amd64) arch=x86_64 ;;
  *) [ -z "$arch" ] || usage_error "--arch $arch is not i686 or x86_64"
     arch=$machine ;;
esac
# The root as the kernel resolves it, absolute: a relative --root is taken
# from the current directory.
case $root in /*) ;; *) root=./$root ;; esac
[ -d "$root" ] || die 3 "root $root is not a directory; check --root"
root=$(cd -P -- "$root" && pwd -P) || die 3 "cannot enter root $root"
case $root in
  *[[:cntrl:]]*) shown "$root"; die 3 "root $shown holds a control character" ;;
  //) root= ;;                  # bash's name of / (pwd -P)
  /) root= ;;
esac

here=$(cd -P -- "$(dirname -- "$0")" && pwd -P) ||
  die 3 "cannot find the folder of $0"
if [ -z "$archive" ]; then
  for candidate in "$here/ovs-rescue.pyz" "$here/dist/ovs-rescue.pyz"; do
    if [ -f "$candidate" ]; then archive=$candidate; break; fi
  done
  [ -n "$archive" ] || die 3 "no ovs-rescue.pyz beside install.sh or in" \
    "$here/dist; build it (python3 build_pyz.py) or pass --archive FILE"
fi
[ -f "$archive" ] || die 3 "zipapp $archive is not a file; check --archive"
# The man page of the same build lies beside the zipapp (build_pyz.py).
case $archive in
  */*) man_src=${archive%/*}/ovs-rescue.8 ;;
  *) man_src=ovs-rescue.8 ;;
esac

# The interpreter: --python, else the bundled runtime of this architecture,
# else python3 on PATH.
runtime_src=
if [ -z "$python" ]; then
  if [ -n "$runtime" ]; then
    [ -d "$runtime" ] || die 3 "runtime folder $runtime is not a directory;" \
      "check --runtime"
  else
    for candidate in "$here/runtime" "$here/dist/runtime"; do
      if [ -d "$candidate" ]; then runtime=$candidate; break; fi
    done
  fi
  if [ -n "$runtime" ]; then
    runtime=$(cd -P -- "$runtime" && pwd -P) || die 3 "cannot enter $runtime"
    [ ! -d "$runtime/$arch" ] || runtime_src=$runtime/$arch
  fi
  if [ -n "$runtime_src" ]; then
    [ -f "$runtime_src/python3" ] || die 3 "no python3 in $runtime_src;" \
      "rebuild the runtime (python3 build_runtime.py)"
    python=$prefix/runtime/python3
  else
    python=$(command -v python3) || die 3 "no runtime for $machine" \
      "${runtime:+in $runtime }and no python3 on PATH; ovs-rescue needs" \
      "Python 3.6 or newer: stage one and pass --python PATH"
    case $python in
      *[[:cntrl:]]*) shown "$python"; die 3 "python3 on PATH, $shown, holds" \
        "a control character; pass --python PATH" ;;
    esac
  fi
fi
# The interpreter install.sh runs: the runtime's source copy until staged.
run_python=$python
[ -z "$runtime_src" ] || run_python=$runtime_src/python3
[ -x "$run_python" ] || die 3 "${runtime_src:---python }$run_python is not" \
  "an executable file; stage a Python 3.6 or newer and pass its path"

runtime_files=
if [ -n "$runtime_src" ]; then
  for file in "$runtime_src"/* "$runtime_src"/.*; do
    case ${file##*/} in .|..|'*'|'.*'|SHA256SUMS) continue ;; esac
    if [ ! -f "$file" ] || [ -L "$file" ]; then
      die 3 "$file is not a regular file; a runtime folder holds only files"
    fi
    case ${file##*/} in *[!A-Za-z0-9._+-]*|.*) die 3 "$file: a runtime" \
      "file name holds only letters, digits and . _ + -" ;; esac
    runtime_files="$runtime_files ${file##*/}"
  done
  set --
  for name in $runtime_files; do set -- "$@" "$runtime_src/$name"; done
  if unsafe_path "$@"; then
    die 3 "refusing to run the runtime in $runtime_src as root: $why;" \
      "keep it where only root can write"
  fi
elif unsafe_path "$python"; then
  die 3 "refusing to run --python $python as root: $why; stage it where" \
    "only root can write"
fi
# Python 2.4 must be able to run this line, to be told plainly it is too old.
if ! "$run_python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 6))' \
    >/dev/null 2>&1; then
  version=$("$run_python" -V 2>&1 | head -n 1)
  die 3 "$run_python is ${version:-not a working Python}; ovs-rescue needs" \
    "Python 3.6 or newer: stage one and pass --python PATH"
fi

# sha256sum where there is one; old dom0s lack it: then the Python checked.
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { _h=$(sha256sum < "$1") && printf '%s\n' "${_h%% *}"; }
else
  sha256() {
    "$run_python" -I -c 'import hashlib, sys
with open(sys.argv[1], "rb") as f: print(hashlib.sha256(f.read()).hexdigest())' "$1"
  }
fi
want=$(sha256 "$archive") || die 3 "cannot read $archive"
target_dir=$root$prefix
target=$target_dir/ovs-rescue.pyz
runtime_link=$target_dir/runtime
local_prefix=/usr/local                  # the launcher's
launcher_dir=$root$local_prefix/sbin
launcher=$launcher_dir/ovs-rescue
# man and man-db map the PATH entry .../sbin to .../share/man.
man_dir=$root$local_prefix/share/man/man8
man_page=$man_dir/ovs-rescue.8
man_want=
if [ -f "$man_src" ]; then
  man_want=$(sha256 "$man_src") || die 3 "cannot read $man_src"
fi
# Not a failure: `ovs-rescue help` prints the same text on any console.
man_skipped() {
  say "skipped the man page: no $man_src (ovs-rescue help has its text)"
}

# The runtime's manifest, `sha256  name` a file, as sha256sum -c reads it;
# checked against the build's SHA256SUMS (runtime/ or runtime/ARCH/) if any.
manifest=
if [ -n "$runtime_src" ]; then
  for name in $runtime_files; do
    sum=$(sha256 "$runtime_src/$name") || die 3 "cannot read" \
      "$runtime_src/$name"
    manifest="$manifest$sum  $name
"
  done
  for sums in "$runtime_src/SHA256SUMS" "$runtime/SHA256SUMS"; do
    [ -f "$sums" ] || continue
    sub=$arch/
    [ "$sums" != "$runtime_src/SHA256SUMS" ] || sub=
    listed=
    while read -r sum name; do
      name=${name#\*}
      case $name in "$sub"*) name=${name#"$sub"} ;; *) continue ;; esac
      case " $runtime_files " in *" $name "*) ;; *) die 3 "$sums lists" \
        "$sub$name, which is not in $runtime_src; rebuild the runtime" ;;
      esac
      case $manifest in *"$sum  $name
"*) ;; *) die 3 "$runtime_src/$name does not match its sha256 in $sums;" \
        "the bundle is damaged: copy it again" ;; esac
      listed="$listed $name"
    done < "$sums"
    for name in $runtime_files; do
      case "$listed " in *" $name "*) ;; *) die 3 "$runtime_src/$name is" \
        "not in $sums; rebuild the runtime" ;; esac
    done
  done
fi

# $1 quoted for sh: in single quotes, each ' as '\''.
quoted() {
  _in=$1 quoted=
  while :; do
    case $_in in
      *\'*) quoted=$quoted${_in%%\'*}\'\\\'\'; _in=${_in#*\'} ;;
      *) quoted="'$quoted$_in'"; return ;;
    esac
  done
}
# The check the launcher makes, as this file defines it.
safe_path_text=
if [ -f "$0" ]; then
  while IFS= read -r line; do
    case $safe_path_text$line in 'unsafe_path() {'*)
      safe_path_text=${safe_path_text:+$safe_path_text$nl}$line ;;
    esac
    [ "$line" != '}' ] || [ -z "$safe_path_text" ] || break
  done < "$0"
fi
case $safe_path_text in *"$nl}") ;; *) die 3 "cannot read unsafe_path from" \
  "$0, which the launcher needs; run install.sh by its path" ;; esac
quoted "$python"; python_quoted=$quoted
quoted "$prefix/ovs-rescue.pyz"; archive_quoted=$quoted
launcher_text() {
  cat <<EOF
#!/bin/sh
# ovs-rescue launcher, written by install.sh: runs the staged zipapp with
# the staged Python, isolated and without site, once no other user can
# change either. It runs the startup of the zipapp's __main__.py
# (rescue/zipmain.py: run), imported straight from the archive once its
# CRC-32 is checked, without the ownership check this one stands for.
python=$python_quoted
archive=$archive_quoted
$safe_path_text
EOF
  cat <<'EOF'
if unsafe_path "$python" "$archive"; then
  for file in "$python" "$archive"; do
    if unsafe_path "$file"; then
      echo "ovs-rescue: error: refusing to run $file: $why;" \
        "fix it (chown root, chmod go-w) or run install.sh again" >&2
      exit 3
    fi
  done
fi
exec "$python" -I -S -c 'import sys
archive = sys.argv[1]
try:            # rescue/zipmain.py: this finds it (bytecode_folder), it runs
    sys.path[:0] = [archive + "/site-packages-%d%d" % sys.version_info[:2],
                    archive + "/site-packages"]
    import zipimport, zlib      # zipimport checks no CRC-32: the package
    tree = zipimport.zipimporter(sys.path[0])   # and zipmain, which it
    files = getattr(tree, "_files", {})         # runs first, are checked
    for name in ("__init__", "zipmain"):        # (3.13: no table, no tree)
        name = "%srescue/%s.pyc" % (tree.prefix, name)
        if name in files and zlib.crc32(
                tree.get_data(name)) != files[name][7]:
            raise ValueError("%s fails its CRC-32 check" % name)
    from rescue.zipmain import run
except Exception as error:              # the archive cut short or damaged
    sys.stderr.write("ovs-rescue: error: %s is damaged (%s: %s): reinstall "
                     "it\n" % (archive, type(error).__name__, error))
    sys.exit(3)
except KeyboardInterrupt:
    sys.stderr.write("ovs-rescue: interrupted\n")
    sys.exit(130)
sys.argv[:2] = [archive]
run(archive, checked=True)' "$archive" "$@"
EOF
}

# What would change: "" for nothing, else a word per part.
same_file() { [ -f "$2" ] && [ ! -L "$2" ] && cmp -s -- "$1" "$2"; }
same_runtime() {
  [ -L "$runtime_link" ] && [ -d "$runtime_link" ] || return 1
  [ "$(cat -- "$runtime_link/SHA256SUMS" 2>/dev/null)
" = "$manifest" ] || return 1
  for name in $runtime_files; do
    same_file "$runtime_src/$name" "$runtime_link/$name" || return 1
  done
  count=1                                  # and SHA256SUMS
  for name in $runtime_files; do count=$((count + 1)); done
  # shellcheck disable=SC2012  # names are plain characters (checked)
  [ "$(ls -A -- "$runtime_link/" | wc -l)" -eq "$count" ]
}
changes=
same_file "$archive" "$target" || changes="$changes zipapp"
[ -z "$runtime_src" ] || same_runtime || changes="$changes runtime"
if [ -f "$launcher" ] && [ ! -L "$launcher" ] &&
   [ "$(cat -- "$launcher")" = "$(launcher_text)" ]; then :; else
  changes="$changes launcher"
fi
[ -z "$man_want" ] || same_file "$man_src" "$man_page" ||
  changes="$changes manpage"

if $check_only; then
  if [ -z "$changes" ]; then
    say "up to date: $target" "  sha256 $want"
    [ -z "$runtime_src" ] || say "up to date: $runtime_link ($arch)"
    say "up to date: $launcher"
    [ -z "$man_want" ] || say "up to date: $man_page"
    [ -n "$man_want" ] || man_skipped
    exit 0
  fi
  for what in $changes; do
    case $what in
      zipapp) say "would install $target" "  sha256 $want" ;;
      runtime) say "would install $runtime_link ($arch)" ;;
      launcher) say "would write $launcher" ;;
      manpage) say "would install $man_page" ;;
    esac
  done
  [ -n "$man_want" ] || man_skipped
  exit 1
fi

# Every folder that will be written must be safe before anything is: a
# refusal half-way would leave a new zipapp beside an old launcher. A
# folder not made yet is judged by the nearest one above it that exists.
existing() {
  dir=$1
  while [ ! -e "$dir" ] && [ "$dir" != / ]; do dir=$(dirname -- "$dir"); done
}
for what in $changes; do
  case $what in
    zipapp|runtime) existing "$target_dir" ;;
    launcher) existing "$launcher_dir" ;;
    manpage) existing "$(dirname -- "$man_page")" ;;
  esac
  if unsafe_path "$dir"; then
    die 3 "refusing to install into $dir: $why; fix it or pass --prefix"
  fi
done

# Whether what is at $1 is not what install.sh puts there ($2: "file", a
# regular file, or "link", a symlink to a runtime.* folder beside it),
# with $kind saying what it is. rename(2) would move a file into a folder
# there, and a fifo, a device or a symlink is not install.sh's to replace.
in_the_way() {
  if [ -L "$1" ]; then
    _to=$(readlink -- "$1") || _to=/
    case $2:$_to in link:*/*) ;; link:runtime.?*) return 1 ;; esac
    kind="a symlink to $_to"
  elif [ ! -e "$1" ]; then return 1
  elif [ -d "$1" ]; then kind="a folder"
  elif [ -p "$1" ]; then kind="a fifo"
  elif [ -b "$1" ] || [ -c "$1" ]; then kind="a device"
  elif [ -f "$1" ]; then [ "$2" = link ] || return 1; kind="a file"
  else kind="not a regular file"
  fi
  return 0
}
# The same for the temp names this run will use in folder $1 (sets
# $leftover): only a run killed half-way under the same pid leaves
# anything there, and what it leaves is swept like other leftovers.
temp_in_the_way() {
  for _s in pyz:file runtime:folder link:link launcher:file 8:file; do
    leftover=$1/.ovs-rescue-install.$$.${_s%:*}
    case $_s in
      *:folder) [ -L "$leftover" ] || [ ! -e "$leftover" ] ||
                [ -d "$leftover" ] || { kind="not a folder"; return 0; } ;;
      *) if in_the_way "$leftover" "${_s#*:}"; then return 0; fi ;;
    esac
  done
  return 1
}
for what in $changes; do
  case $what in
    zipapp) set -- "$target" file "$target_dir" ;;
    runtime) set -- "$runtime_link" link "$target_dir" ;;
    launcher) set -- "$launcher" file "$launcher_dir" ;;
    manpage) set -- "$man_page" file "$man_dir" ;;
  esac
  if in_the_way "$1" "$2"; then
    die 3 "$1 is $kind, not what install.sh writes there; move it away" \
      "(nothing was changed)"
  fi
  if temp_in_the_way "$3"; then
    die 3 "$leftover is $kind, not a temp file install.sh left; move it" \
      "away (nothing was changed)"
  fi
done

umask 022
# Two steps, so that "nothing was changed" is said only when true: every
# part is first staged under a temp name beside where it goes (.ovs-rescue-
# install.<pid>.*), copied and checked; only then is each renamed over the
# old one. A failure while staging removes the temps and the folders this
# run made, and exits 3; rename(2) moves one part at a time, so a failure
# among the renames names the parts already replaced and exits 4.
replaced=                               # the parts renamed into place
made_dirs=                              # folders this run made, deepest first
switched=false                          # the runtime link names the new one
# Runtime folders install.sh made that the runtime link no longer names:
# a run killed between the switch and the removal leaves the old one, so
# each run sweeps them, not only one that stages a runtime. Only its own
# kind goes: a folder (not a symlink) named runtime.<16 hex digits>, or
# that .<pid> (a damaged current one staged again), in a prefix that is
# safe, beside a link to a runtime.* folder there. "say": each is said.
sweep_runtimes() {
  if [ ! -L "$runtime_link" ] || [ ! -d "$runtime_link" ]; then return 0; fi
  _current=$(readlink -- "$runtime_link") || return 0
  case $_current in */*|runtime.) return 0 ;; runtime.*) ;; *) return 0 ;; esac
  ! unsafe_path "$target_dir" || return 0
  for _old in "$target_dir"/runtime.*; do
    _name=${_old##*/}
    [ "$_name" != "$_current" ] || continue
    _hash=${_name#runtime.}
    _pid=${_hash#????????????????}
    _hash=${_hash%"$_pid"}
    case $_hash:$_pid in
      *[!0-9a-f]*:*) continue ;;
      ????????????????:) ;;
      ????????????????:.*[!0-9]*|????????????????:.) continue ;;
      ????????????????:.*) ;;
      *) continue ;;
    esac
    if [ ! -d "$_old" ] || [ -L "$_old" ]; then continue; fi
    if rm -rf -- "$_old" && [ "${1:-}" = say ]; then
      say "removed $_old, a runtime no longer in use"
    fi
  done
}
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  for dir in "$target_dir" "$launcher_dir" "$man_dir"; do
    rm -rf -- "$dir/.ovs-rescue-install.$$".*
  done
  ! $switched || sweep_runtimes
  [ -z "$made_dirs" ] || while IFS= read -r dir; do
    [ -z "$dir" ] || rmdir -- "$dir" 2>/dev/null
  done <<DIRS
$made_dirs
DIRS
}
trap cleanup EXIT
trap 'not_finished "interrupted"' HUP INT TERM

# Exit on a failure among the renames, saying what they changed.
not_finished() {
  [ -n "$replaced" ] || die 3 "$*; the old version is still in place:" \
    "nothing was changed"
  die 4 "$*; replaced already:$replaced; the rest is as it was: run" \
    "install.sh again to finish"
}
stage_failed() { die 3 "$*; nothing was changed"; }

# The temp name beside dest for one part: sets $tmp. Its folder is made
# (and remembered), checked, and swept of an earlier run's leftovers.
temp_beside() {
  dir=$(dirname -- "$1")
  _d=$dir _new=
  while [ ! -e "$_d" ] && [ ! -L "$_d" ]; do
    _new=$_new$_d$nl
    _d=$(dirname -- "$_d")
  done
  mkdir -p -- "$dir" || stage_failed "cannot create $dir"
  made_dirs=$_new$made_dirs
  if unsafe_path "$dir"; then
    die 3 "refusing to install into $dir: $why; fix it or pass --prefix"
  fi
  for _t in "$dir"/.ovs-rescue-install.*; do
    case $_t in "$dir/.ovs-rescue-install.$$".*) ;; *)
      rm -rf -- "$_t" || stage_failed "cannot remove $_t" ;;
    esac
  done
  tmp=$dir/.ovs-rescue-install.$$.$2
}

# Copy a file to $tmp, mode $3, and check the copy's sha256 against $2.
copy_checked() {
  failure=$(cat -- "$1" 2>&1 > "$tmp") ||
    stage_failed "cannot write $tmp (${failure##*: })"
  got=$(sha256 "$tmp")
  [ "$got" = "$2" ] || stage_failed "copy of $1 has sha256 $got, not $2;" \
    "the disk may be full or failing"
  chmod "$3" -- "$tmp" || stage_failed "cannot chmod $tmp"
}

# rename(2) $1 over $2 (never into a folder there); $failure says why not.
moved() {
  failure=$(mv -f -T -- "$1" "$2" 2>&1) && return 0
  failure=${failure##*: }
  return 1
}
# Rename staged $1 over $2, said.
commit_file() {
  moved "$1" "$2" || not_finished "cannot move $1 to $2 ($failure)"
  replaced="$replaced $2"
  say "installed $2"
}

case $changes in *runtime*) ;; *) sweep_runtimes say ;; esac

case $changes in *zipapp*)
  temp_beside "$target" pyz
  zipapp_tmp=$tmp
  copy_checked "$archive" "$want" 0755 ;;
esac

# The runtime is a folder runtime.<hash of its manifest>, checked, synced,
# then made current by renaming a symlink `runtime` over the old one: an
# install killed at any point leaves one whole runtime behind the link.
case $changes in *runtime*)
  temp_beside "$runtime_link" runtime
  mkdir -- "$tmp" || stage_failed "cannot create $tmp"
  staged=$tmp
  for name in $runtime_files; do
    tmp=$staged/$name
    sum=${manifest%%"  $name
"*}
    mode=0644; [ ! -x "$runtime_src/$name" ] || mode=0755
    copy_checked "$runtime_src/$name" "${sum##*"
"}" "$mode"
  done
  if ! { printf %s "$manifest" > "$staged/SHA256SUMS" &&
         chmod 0644 -- "$staged/SHA256SUMS" && chmod 0755 -- "$staged"; }; then
    stage_failed "cannot write $staged/SHA256SUMS"
  fi
  "$staged/python3" -c 'import sys; sys.exit(sys.version_info < (3, 6))' \
    >/dev/null 2>&1 || stage_failed "the staged copy $staged/python3 does" \
    "not run; the disk may be full or failing"
  name=runtime.$(sha256 "$staged/SHA256SUMS" | cut -c1-16)
  current=$(readlink -- "$runtime_link" 2>/dev/null) || current=
  [ "$name" != "$current" ] || name=$name.$$      # the current one, damaged
  link_tmp=$target_dir/.ovs-rescue-install.$$.link
  ln -s -- "$name" "$link_tmp" || stage_failed "cannot create $link_tmp" ;;
esac

case $changes in *launcher*)
  temp_beside "$launcher" launcher
  launcher_tmp=$tmp
  { launcher_text > "$tmp" && chmod 0755 -- "$tmp"; } ||
    stage_failed "cannot write $tmp" ;;
esac

case $changes in *manpage*)
  temp_beside "$man_page" 8
  man_tmp=$tmp
  copy_checked "$man_src" "$man_want" 0644 ;;
esac
# Everything staged reaches the disk before any of it is renamed in.
[ -z "$changes" ] || sync || stage_failed "sync failed"

case $changes in
  *zipapp*) commit_file "$zipapp_tmp" "$target" ;;
  *) say "unchanged: $target" ;;
esac
say "  sha256 $want"

case $changes in *runtime*)
  rm -rf -- "${target_dir:?}/$name"
  moved "$staged" "$target_dir/$name" ||
    not_finished "cannot move $staged to $target_dir/$name ($failure)"
  if ! { sync && moved "$link_tmp" "$runtime_link"; }; then
    rm -rf -- "${target_dir:?}/$name"
    not_finished "cannot point $runtime_link at $name (${failure:-sync" \
      "failed}; the old runtime is still in place)"
  fi
  replaced="$replaced $runtime_link"
  switched=true
  sweep_runtimes
  say "installed $runtime_link ($arch)" ;;
*) [ -z "$runtime_src" ] || say "unchanged: $runtime_link ($arch)" ;;
esac

case $changes in
  *launcher*) commit_file "$launcher_tmp" "$launcher" ;;
  *) say "unchanged: $launcher" ;;
esac

case $changes in
  *manpage*) commit_file "$man_tmp" "$man_page" ;;
  *) if [ -n "$man_want" ]; then say "unchanged: $man_page"
     else man_skipped; fi ;;
esac
if [ -n "$changes" ]; then
  sync                                  # the renames, too
else
  say "nothing changed"
fi

# The verdict of the installed copy, as the operator will see it.
say ""
say "\$ ovs-rescue check${root:+ --root $root}"
check_python=$python
[ -z "$runtime_src" ] || check_python=$runtime_link/python3
"$check_python" -I "$target" check --root "${root:-/}"
say "[check exit $?]"
exit 0
