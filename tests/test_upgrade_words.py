"""The field's misspelt reload (it prints "Unknown command" and does
nothing) appears in nothing the product runs: the package, the Ansible
plays and roles, and every shell script the project ships."""
import os
import subprocess

from tests.conftest import REPO

MISSPELT = "force-kmod-" + "reload"


def shipped_files():
    listed = subprocess.run(
        ["git", "-C", REPO, "ls-files", "--cached", "--others",
         "--exclude-standard", "ansible", "rescue", "*.sh", "*.py"],
        stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    return [path for path in listed.split()
            if not path.startswith(("tests/", "docs/", "bench/"))]


def test_the_misspelt_reload_is_in_no_play_role_script_or_module():
    files = shipped_files()
    assert "ansible/upgrade.yml" in files
    assert "ansible/roles/ovs_upgrade/files/reload.sh" in files
    found = [path for path in files
             if MISSPELT.encode() in open(os.path.join(REPO, path), "rb").read()]
    assert found == []


def test_the_play_reloads_with_the_init_scripts_real_subcommand():
    with open(os.path.join(REPO, "ansible", "roles", "ovs_upgrade", "tasks",
                           "main.yml")) as tasks:
        assert "'/etc/init.d/openvswitch force-reload-kmod'" in tasks.read()
