#!/bin/sh
# ovs-rescue upgrade facts: what the upgrade play decides and verifies by,
# read on the host and printed as key=value words (and `log: ` lines).
#
#   sh facts.sh [--packages DIR] [--reload-script FILE] [--state-dir DIR]
#               [--ovs-rescue PATH] [--running-kernel REL]
#
# installed   the installed openvswitch's Version (the binaries on disk)
# module      the loaded module's build, /sys/module/openvswitch/version
#             (openvswitch_mod before OVS 1.7), or none
# daemon      the running ovs-vswitchd's, from `ovs-appctl version`
# vsctl       the exit status of `ovs-vsctl show`
# initscript  yes when /etc/init.d/openvswitch is there (5.6-6.5)
# check, check_line   `ovs-rescue check`'s exit status and first line
# candidates  with --packages: "installed" when every package in DIR is,
#             else how many are not
# reload, id, rc, ...   reload.sh status, its state as reload=
# log:        the last lines of the reload's log
# Reads only; always exits 0.
set -u
unset CDPATH

packages='' reload_script='' state_dir=/boot/.ovs-rescue
ovs_rescue=/usr/local/sbin/ovs-rescue running_kernel=''
while [ $# -ge 2 ]; do
  case $1 in
    --packages) packages=$2 ;;
    --reload-script) reload_script=$2 ;;
    --state-dir) state_dir=$2 ;;
    --ovs-rescue) ovs_rescue=$2 ;;
    --running-kernel) running_kernel=$2 ;;
    *) break ;;
  esac
  shift 2
done

say() { printf '%s\n' "$@"; }
# One word: a value with its spaces as underscores, "none" when empty.
word() { v=$(printf '%s' "$1" | tr ' \t\r' '___'); say "${v:-none}"; }

installed=$(rpm -q --qf '%{VERSION}\n' openvswitch 2>/dev/null | sed -n 1p)
case $installed in *" "*|'') installed=none ;; esac
module=
for name in openvswitch openvswitch_mod; do
  if [ -r "/sys/module/$name/version" ]; then
    module=$(sed -n 1p "/sys/module/$name/version")
    break
  fi
done
daemon=$(ovs-appctl version 2>/dev/null | sed -n '1s/.* //p')
ovs-vsctl show > /dev/null 2>&1
vsctl=$?
initscript=no
[ ! -x /etc/init.d/openvswitch ] || initscript=yes
if [ -n "$running_kernel" ]; then
  check_out=$("$ovs_rescue" check --running-kernel "$running_kernel" 2>&1)
else
  check_out=$("$ovs_rescue" check 2>&1)
fi
check=$?
say "installed=$(word "$installed")" "module=$(word "$module")" \
  "daemon=$(word "$daemon")" "vsctl=$vsctl" "initscript=$initscript" \
  "check=$check" "check_line=$(word "$(say "$check_out" | sed -n 1p)")"

if [ -n "$packages" ]; then
  missing=0
  for file in "$packages"/*.rpm; do
    name=$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}' -- "$file" \
      2>/dev/null) && rpm -q -- "$name" > /dev/null 2>&1 ||
      missing=$((missing + 1))
  done
  [ "$missing" != 0 ] || missing=installed
  say "candidates=$missing"
fi

if [ -n "$reload_script" ] && [ -f "$reload_script" ]; then
  sh "$reload_script" status --state-dir "$state_dir" 2>&1 |
    sed 's/^state=/reload=/; s/^command=.*//'
else
  say reload=none
fi
if [ -f "$state_dir/reload.log" ]; then
  tail -n 5 -- "$state_dir/reload.log" | sed 's/^/log: /'
fi
exit 0
