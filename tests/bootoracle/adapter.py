"""The tool's answer to "what boots next", read from `check --json`: the one adapter."""
import json
import os
import subprocess
import sys
from typing import NamedTuple, Optional

from tests.bootoracle.cache import HERE

REPO = os.path.dirname(os.path.dirname(HERE))
# A built zipapp to judge instead of the source tree (`python -m rescue`).
TOOL = os.environ.get("OVS_RESCUE_ORACLE_TOOL")


class Boots(NamedTuple):
    hypervisor: Optional[str]  # path inside the root of the file opened
    kernel: Optional[str]
    initrd: Optional[str]


class ToolAnswer(NamedTuple):
    exit_code: int
    boots: Optional[Boots]     # None: the tool says it cannot tell
    cannot_tell: Optional[dict]
    legacy: bool               # read from the JSON before layout.boots
    document: dict


def tool_command(root, running):
    command = [TOOL] if TOOL else [sys.executable, "-m", "rescue"]
    command += ["check", "--json", "--root", root]
    if running:
        command += ["--running-kernel", running]
    return command


def ask_tool(root, running=None):
    """ToolAnswer of `check --json` on root."""
    done = subprocess.run(tool_command(root, running), cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert done.stdout, "check --json printed nothing: %s" % done.stderr
    document = json.loads(done.stdout)
    layout = document.get("layout") or {}
    if "boots" in layout:
        boots = layout["boots"]
        return ToolAnswer(done.returncode, boots and Boots(
            *(_file(boots.get(part)) for part in Boots._fields)),
            layout.get("cannot_tell"), False, document)
    return ToolAnswer(done.returncode, _legacy_boots(document), None, True,
                      document)


def _file(part):
    return part.get("file") if part else None


def _legacy_boots(document):
    """Before layout.boots: the tool's claim is the pending release's pair."""
    pending = document.get("pending")
    if not pending:
        return None
    return Boots(None, "/boot/vmlinuz-%s" % pending,
                 "/boot/initrd-%s.img" % pending)
