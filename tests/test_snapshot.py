"""snapshot and --snapshot: a host saved on one machine, replayed on another."""
import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from rescue.core import rpmquery
from tests.hosts import (K835, K847, K_OLD, Kernel, OLD_BUILD, run_cli,
                         tree_state)

# A host with a kernel of every kind: safe, module file gone, old OVS
# build, no module RPM (the pending hotfix), no initrd.
KERNELS = [Kernel(K_OLD, module_build=OLD_BUILD), Kernel(K835),
           Kernel(K847, module_build=None),
           Kernel("2.6.32.43-0.4.1.xs1.8.0.800.170700xen",
                  module_on_disk=False),
           Kernel("2.6.32.43-0.4.1.xs1.8.0.900.170900xen", initrd=False)]


@pytest.fixture
def host(make_host):
    root = make_host(KERNELS, pending=K847)
    os.symlink("vmlinuz-gone", os.path.join(root, "boot", "vmlinuz-dangling"))
    os.mkdir(os.path.join(root, "boot", "grub"))
    return root


def snapshot_of(capsys, root, tmp_path, *extra):
    code, out, err = run_cli(capsys, "snapshot", "--root", root,
                             "--running-kernel", K835, *extra)
    assert (code, err) == (0, "")
    path = tmp_path / "host-042.json"
    path.write_text(out)
    return str(path)


@pytest.mark.parametrize("command", [
    ["status", "--json"], ["check", "--json"], ["check"],
    ["rollback", "--dry-run", "--json"], ["rollback", "--dry-run"],
    ["rollback", "--dry-run", "--to", K_OLD, "--any-build"],
    ["undo", "--dry-run"],
])
def test_replay_says_what_the_host_says(host, capsys, tmp_path, command):
    saved = snapshot_of(capsys, host, tmp_path)
    on_host = run_cli(capsys, *command + ["--root", host,
                                          "--running-kernel", K835])
    replay = run_cli(capsys, *command + ["--snapshot", saved])
    assert replay == on_host


def test_undo_replay_after_a_rollback_uses_the_saved_journal(host, capsys,
                                                             tmp_path):
    assert run_cli(capsys, "rollback", "--root", host,
                   "--running-kernel", K835)[0] == 0
    saved = snapshot_of(capsys, host, tmp_path)
    on_host = run_cli(capsys, "undo", "--dry-run", "--root", host)
    replay = run_cli(capsys, "undo", "--dry-run", "--snapshot", saved)
    assert replay == on_host and replay[1].startswith("Would undo")


def test_snapshot_changes_nothing_and_names_its_source(host, capsys, tmp_path):
    before = tree_state(host)
    document = json.loads(open(snapshot_of(capsys, host, tmp_path)).read())
    assert tree_state(host) == before
    assert document["kind"] == "ovs-rescue snapshot"
    assert document["schema_version"] == 1
    assert document["running"] == K835
    assert document["source"]["root"] == host
    assert document["boot"]["vmlinuz-2.6-xen"] == {
        "type": "link", "target": "vmlinuz-%s" % K847}


def test_replay_leaves_no_temporary_host_behind(host, capsys, tmp_path,
                                                monkeypatch):
    saved = snapshot_of(capsys, host, tmp_path)
    replays = tmp_path / "tmp"
    replays.mkdir()
    monkeypatch.setenv("TMPDIR", str(replays))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert run_cli(capsys, "status", "--snapshot", saved)[0] == 0
    assert list(replays.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["rollback"], "only replays a host"),
    (["undo"], "only replays a host"),
    (["snapshot"], "only replays a host"),
    (["status", "--root", "/srv"], "leave out --root"),
    (["status", "--packages", "list.txt"], "leave out --root"),
])
def test_replay_of_a_change_or_with_a_root_is_a_usage_error(
        host, capsys, tmp_path, argv, message):
    saved = snapshot_of(capsys, host, tmp_path)
    before = tree_state(host)
    code, out, err = run_cli(capsys, *argv + ["--snapshot", saved])
    assert code == 2 and message in err and len(err.splitlines()) == 1
    assert tree_state(host) == before


@pytest.mark.parametrize("content, message", [
    (None, "cannot read snapshot"),
    ("{not json", "is not JSON"),
    ('{"kind": "something else"}', "is not an ovs-rescue snapshot"),
    ('{"kind": "ovs-rescue snapshot", "schema_version": 9}',
     "has schema_version 9"),
    ('{"kind": "ovs-rescue snapshot", "schema_version": 1}',
     "is incomplete or damaged"),
    ('{"kind": "ovs-rescue snapshot", "schema_version": 1, "packages": "",'
     ' "module_files": {}, "boot": {"../../escape": {"type": "file"}}}',
     "is incomplete or damaged"),
    ('{"kind": "ovs-rescue snapshot", "schema_version": 1, "packages": "",'
     ' "module_files": {}, "boot": {}, "running": "rm -rf"}',
     "is not a kernel release"),
])
def test_a_bad_snapshot_is_one_line_and_exit_3(capsys, tmp_path, content,
                                               message):
    path = tmp_path / "snap.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run_cli(capsys, "check", "--snapshot", path)
    assert code == 3 and out == ""
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path.parent / "escape").exists()


def test_snapshot_runs_from_the_zipapp_under_python36(host, run_pyz,
                                                      tmp_path):
    done = run_pyz("snapshot", "--root", host, "--running-kernel", K835)
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "saved.json"
    saved.write_text(done.stdout)
    done = run_pyz("rollback", "--dry-run", "--snapshot", saved)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Would roll back: boot pair would be " + K835)


names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl",
                                                    "Zp")), min_size=1)
packages = st.lists(st.builds(
    rpmquery.Package, names, names, names,
    st.lists(names.map(lambda n: "/" + n), max_size=3).map(tuple)),
    max_size=5)


@given(packages)
def test_package_listing_reads_back_as_the_same_packages(found):
    parsed, missing = rpmquery.parse_query_output(rpmquery.package_listing(found))
    expected = {}
    for package in found:
        expected.setdefault(package.name, []).append(package)
    assert missing == 0
    assert {name: list(each) for name, each in parsed.items()} == expected


def test_a_replay_needs_no_temp_directory(host, capsys, tmp_path,
                                          monkeypatch):
    saved = snapshot_of(capsys, host, tmp_path)
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "absent"))
    on_host = run_cli(capsys, "check", "--root", host,
                      "--running-kernel", K835)
    assert run_cli(capsys, "check", "--snapshot", saved) == on_host


ODD = [
    {"boot": []}, {"boot": {"vmlinuz-2.6-xen": {"type": ["link"]}}},
    {"boot": {"vmlinuz-2.6-xen": {"type": "link", "target": 5}}},
    {"boot": {"a/b": {"type": "file"}}}, {"boot": {"x": 5}},
    {"module_files": []}, {"packages": 5}, {"journal": 5},
    {"journal": '{"changes": [{"id": 5}]}'}, {"running": ["x"]},
    {"journal": "[" * 100000},
    "every vermagic a number",
]


@pytest.mark.parametrize("change", ODD, ids=range(len(ODD)))
def test_a_snapshot_of_odd_types_is_one_line_and_exit_3(
        host, capsys, tmp_path, change):
    document = json.loads(open(snapshot_of(capsys, host, tmp_path)).read())
    if change == "every vermagic a number":
        for module in document["module_files"].values():
            module["vermagic"] = 5
    else:
        document.update(change)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(document))
    for command in (["check"], ["rollback", "--dry-run"], ["status"]):
        code, out, err = run_cli(capsys, *command + ["--snapshot", path])
        assert (code, out) == (3, ""), (command, err)
        assert len(err.splitlines()) == 1 and "internal" not in err


@pytest.mark.parametrize("target", ["..", "/", "/boot/..", "../../..",
                                    "/boot/vmlinuz-2.6-xen"])
def test_a_snapshot_link_leading_nowhere_is_judged_not_a_crash(
        host, capsys, tmp_path, target):
    document = json.loads(open(snapshot_of(capsys, host, tmp_path)).read())
    document["boot"]["vmlinuz-2.6-xen"] = {"type": "link", "target": target}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(document))
    code, out, err = run_cli(capsys, "check", "--snapshot", path)
    assert code == 1 and err == "" and out.startswith("UNSAFE")


# Python's own words, which a refusal must never be in.
PYTHON_WORDS = ("Error", "NoneType", "' object", "indices", "unhashable",
                "subscriptable", "iterable", "attribute", "argument")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
REMOVED = object()


def places(document, at=()):
    """Every key path in document, down to three levels."""
    found = []
    if isinstance(document, dict) and len(at) < 3:
        for key, value in document.items():
            found.append(at + (key,))
            found.extend(places(value, at + (key,)))
    return found


def changed_at(document, place, value):
    """A copy of document with the value at place replaced (or removed)."""
    copy = json.loads(json.dumps(document))
    holder = copy
    for key in place[:-1]:
        holder = holder[key]
    if value is REMOVED:
        del holder[place[-1]]
    else:
        holder[place[-1]] = value
    return copy


def test_a_snapshot_damaged_anywhere_is_refused_in_the_tools_words(
        host, capsys, tmp_path):
    """Fuzzed: any value at any place of a real snapshot, or none there.
    A replay then judges it or refuses it in one line of its own."""
    document = json.loads(open(snapshot_of(capsys, host, tmp_path)).read())
    keys = sorted(places(document), key=repr)
    refused, unnamed = [], []

    @settings(max_examples=300, derandomize=True, deadline=None)
    @given(place=st.sampled_from(keys),
           value=st.one_of(st.just(REMOVED), JSON_VALUES))
    def each(place, value):
        path = tmp_path / "fuzzed.json"
        path.write_text(json.dumps(changed_at(document, place, value)))
        for command in (["check"], ["rollback", "--dry-run"]):
            code, out, err = run_cli(capsys, *command + ["--snapshot", path])
            assert code in (0, 1, 3), (place, value, err)
            if code == 3:
                assert out == "" and len(err.splitlines()) == 1, err
                assert "internal" not in err, (place, value, err)
                assert not any(w in err for w in PYTHON_WORDS), (place, err)
                refused.append(err)
                if "wrong kind" in err:     # the words that name no part
                    unnamed.append((place, value))

    each()
    assert refused                  # the fuzzer reached the refusals
    assert unnamed == []            # and each refusal names the part
