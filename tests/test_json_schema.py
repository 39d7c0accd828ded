"""`help json`'s JSON schemas against the real documents, field for field:
a field added, renamed or dropped on either side fails. The manual is the
one JSON reference; README and docs/ point at `ovs-rescue help json`."""
import json
import re

import pytest

from rescue.cmdline.manual import load_manual
from tests.hosts import K835, K847, K_OLD, Kernel, run_cli

# a document's kind, by a field only it has
KINDS = {"kernels": "report", "changed": "change", "exit_code": "error",
         "kind": "snapshot", "candidates": "preflight"}
# maps from file names to entries: their keys are data, not fields
NAME_MAPS = ("boot", "module_files", "modprobe", "modules_dep_problems",
             "includes")


def schema_blocks(text):
    """{kind: field names} of each indented JSON example in text."""
    blocks = {}
    for block in re.findall(r'^    (\{"schema_version".*?)(?=\n\S|\n\n|\Z)',
                            text, re.M | re.S):
        fields = set(re.findall(r'"([a-z_]+)":', block))
        kind = [KINDS[f] for f in KINDS if f in fields]
        assert len(kind) == 1, block
        blocks[kind[0]] = fields
    return blocks


def fields(document):
    """Every field name in a document, at any depth."""
    found = set()
    if isinstance(document, dict):
        for key, value in document.items():
            found.add(key)
            values = value.values() if key in NAME_MAPS else [value]
            for inner in values:
                found |= fields(inner)
    elif isinstance(document, list):
        for item in document:
            found |= fields(item)
    return found


@pytest.fixture(scope="module")
def real_documents(tmp_path_factory, rpm_factory):
    from tests import hosts
    root = hosts.make_host(str(tmp_path_factory.mktemp("schema") / "h"),
                           rpm_factory,
                           [Kernel(K835), Kernel(K847, module_build=None)],
                           pending=K847)
    candidates = [rpm_factory.build(r) for r in (
        hosts.ovs_rpm("1.12.0"), hosts.module_rpm(K835, "1.12.0"),
        hosts.module_rpm(K_OLD, "1.12.0")._replace(
            requires=("kernel-xen = %s" % K_OLD[:-3],)))]
    return root, candidates


def run_json(capsys, *argv):
    return json.loads(run_cli(capsys, *argv)[1])


def documents(capsys, host):
    root, candidates = host
    common = ["--root", root, "--running-kernel", K835]
    return {
        "report": [run_json(capsys, "status", "--json", *common),
                   run_json(capsys, "check", "--json", *common)],
        "change": [run_json(capsys, "rollback", "--json", "--dry-run",
                            *common),
                   run_json(capsys, "undo", "--json", *common),
                   run_json(capsys, "rollback", "--json", "--to", "9xen",
                            *common)],
        "error": [run_json(capsys, "status", "--json", "--root",
                           root + "/missing")],
        "snapshot": [run_json(capsys, "snapshot", *common)],
        "preflight": [run_json(capsys, "preflight", "--json", *(
            common + candidates))],
    }


def help_json():
    topic = [t for t in load_manual()[1] if t.name == "json"][0]
    return "\n".join(topic.lines)


def test_documented_schemas_match_the_output_field_for_field(
        real_documents, capsys):
    documented = schema_blocks(help_json())
    real = documents(capsys, real_documents)
    assert sorted(documented) == sorted(real)
    for kind, docs in real.items():
        # a refusal's empty "links" shows no link fields: the union counts
        assert set().union(*map(fields, docs)) == documented[kind], kind


def test_refusals_and_successes_of_a_change_have_the_same_fields(
        real_documents, capsys):
    docs = documents(capsys, real_documents)["change"]
    assert len({frozenset(doc) for doc in docs}) == 1
    assert [doc["ok"] for doc in docs] == [True, False, False]
    assert [doc["action"] for doc in docs] == ["rollback", "undo",
                                               "rollback"]
