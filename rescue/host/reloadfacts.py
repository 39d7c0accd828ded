"""Read what a module reload would disturb: tc qdiscs and XenServer HA.

Both live in the running system: against another --root the qdiscs
cannot be told at all, and HA only from its configuration file.
"""
import os

from rescue.host.nextboot import find_in_root
from rescue.errors import CannotInspect
from rescue.core.records import record
from rescue.host.process import find_program, run

XHAD_CONF = "/etc/xensource/xhad.conf"
# The qdiscs a device gets without anyone asking: nothing to lose.
DEFAULT_QDISCS = frozenset(("pfifo_fast", "noqueue", "mq", "fq_codel",
                            "pfifo", "noop", "fq"))

# live: the root is this running host
# qdiscs: "DEV (KIND)" of every qdisc that is not a default, or None when
#   it cannot be told (another --root, no tc, tc failing)
# qdisc_note: why it cannot be told, if it cannot
# ha: the evidence that HA is on ("xhad is running", the config file)
ReloadFacts = record("ReloadFacts", "live qdiscs qdisc_note ha")


def read_reload_facts(root, timeout):
    live = os.path.realpath(root) == "/"
    qdiscs, note = None, ("qdiscs live in the running kernel; run preflight "
                          "on the host itself to see them")
    if live:
        qdiscs, note = read_qdiscs(timeout)
    return ReloadFacts(live, qdiscs, note, read_ha(root, live))


def read_qdiscs(timeout):
    """(qdiscs, None), or (None, why not) from `tc qdisc show`."""
    tc = find_program("tc")
    if tc is None:
        return None, "tc is not on PATH, so the qdiscs cannot be read"
    try:
        done = run([tc, "qdisc", "show"], timeout)
    except CannotInspect as error:
        return None, str(error)
    if done.returncode != 0:
        return None, "tc qdisc show exited %d" % done.returncode
    return parse_qdiscs(done.stdout), None


def parse_qdiscs(text):
    """`DEV (KIND)` of each qdisc `tc qdisc show` lists that is not a
    default one: `qdisc htb 1: dev eth0 root refcnt 2 ...`."""
    found = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 5 or words[0] != "qdisc" or "dev" not in words:
            continue
        kind, device = words[1], words[words.index("dev") + 1:][:1]
        if device and kind not in DEFAULT_QDISCS:
            entry = "%s (%s)" % (device[0], kind)
            if entry not in found:
                found.append(entry)
    return tuple(found)


def read_ha(root, live):
    """Why HA looks on: xhad running (live only), its config file."""
    evidence = []
    if live and _xhad_running():
        evidence.append("xhad is running")
    if find_in_root(root, XHAD_CONF):
        evidence.append("%s exists" % XHAD_CONF)
    return tuple(evidence)


def _xhad_running():
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return False
    for pid in pids:
        try:            # stat, not comm: 2.6.32 kernels have no comm
            with open("/proc/%s/stat" % pid) as stat_file:
                line = stat_file.read()
        except OSError:
            continue
        if line[line.find("(") + 1:line.rfind(")")] == "xhad":
            return True
    return False
