"""The Ansible play with ansible_connection=local, for what the fleet over
real SSH (tests/test_fleet_ssh.py) does not show: the play on hosts that
are folders (no root, no sshd needed), the role's older inputs
ovs_rescue_pyz, _runtime and _installer, and ovs_rescue_stage=false."""
import hashlib
import json
import os
import sys

import pytest

from bench.standin import standin_runtime
from tests.conftest import REPO
from tests.fleet import recap, run_playbook
from tests.hosts import K835, K847, Kernel
from tests.test_bundle import bundle  # noqa: F401  (the fixture)

HOSTS = ["xs01", "xs02", "xs03"]
BROKEN = "xs03"


def inventory(make_host, tmp_path, **variables):
    """Three local hosts, each its own root; xs03 broken; xs02 named i686
    as a 32-bit dom0's uname -m says. variables: [xenservers:vars]."""
    lines = ["[xenservers]"]
    for name in HOSTS:
        pending = Kernel(K847, module_build=None if name == BROKEN
                         else "1.11.0")
        root = make_host([Kernel(K835), pending], pending=K847, name=name)
        lines.append("%s ovs_rescue_root=%s%s" % (
            name, root, " ovs_rescue_arch=i686" if name == "xs02" else ""))
    variables = dict({"ansible_connection": "local",
                      "ansible_python_interpreter": sys.executable,
                      "ovs_rescue_summary": tmp_path / "summary.json",
                      "ovs_rescue_running_kernel": K835}, **variables)
    lines += ["", "[xenservers:vars]"] + ["%s=%s" % item
                                          for item in variables.items()]
    path = tmp_path / "inventory"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def play(path, tmp_path, *extra):
    return run_playbook(path, *extra, base=str(tmp_path), env={
        "ANSIBLE_REMOTE_TMP": str(tmp_path / "ansible-remote")})


def staged_zipapp(tmp_path, host):
    path = tmp_path / host / "boot" / "ovs-rescue" / "ovs-rescue.pyz"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_play_on_folder_roots_fails_exactly_the_broken_host(
        make_host, tmp_path, bundle):  # noqa: F811
    code, output = play(inventory(make_host, tmp_path,
                                  ovs_rescue_bundle=bundle[0]), tmp_path)
    assert code == 2, output
    stats = recap(output)
    assert {h for h, s in stats.items() if s.failed} == {BROKEN}, output
    assert all(s.changed == 1 for s in stats.values()), output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [u["host"] for u in summary["unsafe"]] == [BROKEN]


@pytest.fixture
def parts(tmp_path, zipapp, python36):
    """An older layout of the parts: zipapp and man page in one folder, the
    runtimes in another, install.sh in a third."""
    folder = tmp_path / "parts"
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "ovs-rescue.pyz").write_bytes(open(zipapp, "rb").read())
    standin_runtime(folder / "runtime", python36)
    (folder / "tools").mkdir()
    (folder / "tools" / "install.sh").write_bytes(
        open(os.path.join(REPO, "install.sh"), "rb").read())
    return {"ovs_rescue_pyz": folder / "app" / "ovs-rescue.pyz",
            "ovs_rescue_runtime": folder / "runtime",
            "ovs_rescue_installer": folder / "tools" / "install.sh",
            "ovs_rescue_bundle_cache": tmp_path / "bundles",
            # Not there: the parts are what is sent.
            "ovs_rescue_bundle": tmp_path / "no-such-bundle.sh"}


def test_the_older_part_variables_build_the_bundle_that_is_sent(
        make_host, tmp_path, parts, zipapp):
    path = inventory(make_host, tmp_path, **parts)
    code, output = play(path, tmp_path)
    assert code == 2 and recap(output)[BROKEN].failed, output
    want = hashlib.sha256(open(zipapp, "rb").read()).hexdigest()
    assert all(staged_zipapp(tmp_path, host) == want for host in HOSTS)
    built = sorted(os.listdir(str(tmp_path / "bundles")))
    assert len(built) == 2 and built[0].endswith(".payload-sha256"), built
    code, output = play(path, tmp_path)
    assert all(s.changed == 0 for s in recap(output).values()), output
    assert output.count("[up to date]") == len(HOSTS), output


def test_stage_false_sends_nothing_and_checks_the_copy_there(
        make_host, tmp_path, bundle):  # noqa: F811
    path = inventory(make_host, tmp_path, ovs_rescue_bundle=bundle[0])
    play(path, tmp_path)
    code, output = play(path, tmp_path, "-e", "ovs_rescue_stage=false")
    stats = recap(output)
    assert {h for h, s in stats.items() if s.failed} == {BROKEN}, output
    assert all(s.changed == 0 for s in stats.values()), output
    assert "UNSAFE to reboot: pending kernel %s" % K847 in output
