"""Write the fleet's answer to a file on the control machine, from the
controller itself: no module runs anywhere (a `copy` to localhost would
start a Python and AnsiballZ for one small file, most of a second run)."""
import json
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


def write_summary(path, document):
    """path holds document as indented JSON, replaced whole (a temp file
    beside it, renamed over it); True when its bytes changed."""
    text = json.dumps(document, indent=4, sort_keys=True) + "\n"
    try:
        with open(path) as old:
            if old.read() == text:
                return False
    except OSError:
        pass
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".ovs-rescue-fleet.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return True


class ActionModule(ActionBase):
    """ovs_rescue_summary: path=FILE content=DICT."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("path", "content"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        path = self._task.args.get("path")
        content = self._task.args.get("content")
        if not path or not isinstance(content, dict):
            raise AnsibleActionFail("ovs_rescue_summary needs path and a "
                                    "dict content")
        try:
            result["changed"] = write_summary(str(path), content)
        except OSError as error:
            raise AnsibleActionFail("cannot write the fleet's answer to %s: "
                                    "%s" % (path, error))
        result["path"] = str(path)
        return result
