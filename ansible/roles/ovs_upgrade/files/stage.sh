#!/bin/sh
# ovs-rescue upgrade packages @PACKAGES_ID@: one file that puts the RPMs of
# an Open vSwitch upgrade, and reload.sh, on a host. build_packages.py
# appends a gzip'd tar (packages/*.rpm, reload.sh, MANIFEST) after a
# marker line. Copy it to the host, then run it with the payload's sha256,
# as the build printed it:
#
#   sh ovs-upgrade-packages-ID.sh --sha256 HEX [--dir DIR] [--python PATH]
#
# It checks the sum before anything is unpacked where it stays, checks
# every file against MANIFEST, then renames the whole folder into place as
# DIR/ID (default DIR: /var/lib/ovs-rescue/upgrade): never half there.
# With --probe ID (run from this text, no payload read) it only says
# whether DIR/ID holds every file of MANIFEST whole: `current=yes|no`.
# Needs sh, tar, gzip and sha256sum, else a Python (--python, else the
# staged runtime /boot/ovs-rescue/runtime/python3, else python3) for the
# sums. Exit codes: 0 staged (--probe: it answered), 2 usage error,
# 3 cannot stage (nothing was changed).
set -u
unset CDPATH

packages_id=@PACKAGES_ID@
marker=@PAYLOAD_MARKER@

say() { printf '%s\n' "$@"; }
die() { code=$1; shift; say "ovs-rescue packages: error: $*" >&2; exit "$code"; }

# "HEX  NAME" for each file named (relative names, in the current folder).
sums() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$@"
    return
  fi
  [ -n "$python" ] || { say "no sha256sum and no Python for sums" >&2; return 1; }
  "$python" -c 'import hashlib, sys
for name in sys.argv[1:]:
    digest = hashlib.sha256()
    with open(name, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    sys.stdout.write("%s  %s\n" % (digest.hexdigest(), name))' "$@"
}

# Whether folder $1 holds every file its MANIFEST lists, each whole.
whole() {
  [ -f "$1/MANIFEST" ] || return 1
  # MANIFEST's names are plain (the build checks them): one word a line.
  # shellcheck disable=SC2046
  [ "$(cd -- "$1" && sums $(sed 's/^[0-9a-f]*  //' MANIFEST) 2>/dev/null)" \
    = "$(cat -- "$1/MANIFEST")" ]
}

# The Python for sums when the host has no sha256sum.
pick_python() {
  [ -z "$python" ] || return 0
  for candidate in /boot/ovs-rescue/runtime/python3 \
      "$(command -v python3 2>/dev/null)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      python=$candidate
      return 0
    fi
  done
}

main() {
  sha256='' probe='' dir=/var/lib/ovs-rescue/upgrade python=''
  while [ $# -gt 0 ]; do
    case $1 in
      --sha256|--probe|--dir|--python)
        [ $# -ge 2 ] || die 2 "$1 needs a value"
        case $1 in
          --sha256) sha256=$2 ;;
          --probe) probe=$2 ;;
          --dir) dir=$2 ;;
          --python) python=$2 ;;
        esac
        shift 2 ;;
      *) die 2 "unknown option $1" ;;
    esac
  done
  case $dir in
    /*) ;;
    *) die 2 "--dir $dir is not absolute" ;;
  esac
  case $dir in
    *[!A-Za-z0-9._/+-]*) die 2 "--dir $dir holds a character other than" \
      "letters, digits and . _ / + -" ;;
  esac
  pick_python

  if [ -n "$probe" ]; then
    case $probe in *[!0-9a-f]*) die 2 "--probe $probe is not an id" ;; esac
    if whole "$dir/$probe"; then
      say current=yes "packages=$dir/$probe/packages" \
        "reload=$dir/$probe/reload.sh"
    else
      say current=no
    fi
    exit 0
  fi

  case $sha256 in
    *[!0-9a-f]*|'') die 2 "--sha256 HEX is needed: the payload's sha256" ;;
  esac
  [ ${#sha256} = 64 ] || die 2 "--sha256 $sha256 is not 64 hex digits"
  [ -f "$0" ] || die 2 "run the packages file from a copy: sh FILE --sha256 HEX"

  umask 077
  mkdir -p -- "$dir" || die 3 "cannot make $dir; nothing was changed"
  tmp=$(mktemp -d "$dir/.incoming.XXXXXX") ||
    die 3 "cannot make a temp folder in $dir (full?); nothing was changed"
  # shellcheck disable=SC2317  # called by the trap
  cleanup() { rm -rf -- "$tmp"; }
  trap cleanup EXIT
  trap 'exit 3' HUP INT TERM

  found=false
  while IFS= read -r line; do
    if [ "$line" = "$marker" ]; then
      cat > "$tmp/payload" && found=true
      break
    fi
  done < "$0"
  $found || die 3 "$0 is cut short (no payload): copy it again; nothing" \
    "was changed"
  got=$(cd -- "$tmp" && sums payload) || got=
  got=${got%% *}
  [ "$got" = "$sha256" ] || die 3 "the payload's sha256 is ${got:-unknown}," \
    "not $sha256: the copy is damaged or not that build; copy it again;" \
    "nothing was changed"
  if ! { mkdir -- "$tmp/$packages_id" &&
          (cd -- "$tmp/$packages_id" && gzip -dc ../payload | tar xf -); }; then
    die 3 "cannot unpack into $tmp (full?); nothing was changed"
  fi
  whole "$tmp/$packages_id" ||
    die 3 "the unpacked files do not match their MANIFEST; nothing was changed"

  target=$dir/$packages_id
  if [ -e "$target" ]; then
    mv -- "$target" "$tmp/replaced" ||
      die 3 "cannot move the damaged $target aside; nothing was changed"
  fi
  mv -- "$tmp/$packages_id" "$target" ||
    die 3 "cannot rename the packages into $target"
  say "staged $target: $(sed -n 's|^[0-9a-f]*  packages/||p' \
    "$target/MANIFEST" | tr '\n' ' ')"
}

# The payload follows this line: the shell must read no further.
main "$@"; exit $?
