"""check --nagios: one plugin line, exit 0/1/2/3 by the plugin rules."""
import os
import re

import pytest

from rescue.show.nagios import nagios_result
from rescue.core.report import inspect_host
from tests.hosts import K835, K847, Kernel, facts_of, run_cli

LINE = re.compile(r"^OVS-RESCUE (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+"
                  r"( \| ('?[a-z_]+'?=\d+;;;0 ?)+)?$")


def result(kernels, pending, running):
    return nagios_result(inspect_host(facts_of(kernels, pending, running)))


def test_safe_host_is_ok_with_perfdata():
    code, line = result([Kernel(K847)], K847, K847)
    assert code == 0 and LINE.match(line)
    assert line == ("OVS-RESCUE OK - safe to reboot; pending %s has OVS 1.11.0"
                    " | kernels=1;;;0 safe_kernels=1;;;0 problems=0;;;0" % K847)


def test_unsafe_reboot_is_critical_and_names_the_pending_kernel():
    code, line = result([Kernel(K835), Kernel(K847, module_build=None)],
                        K847, K835)
    assert code == 2 and LINE.match(line)
    assert "the kernel that boots next has no usable OVS module" in line
    assert "pending %s" % K847 in line and "safe_kernels=1;" in line


def test_safe_host_with_a_problem_is_a_warning():
    code, line = result([Kernel(K847)], K847, None)
    assert code == 1 and LINE.match(line)
    assert line.startswith("OVS-RESCUE WARNING - safe to reboot, but 1 problem")


def test_cli_nagios_line_on_a_real_host(make_host, capsys):
    root = make_host([Kernel(K835), Kernel(K847, module_build=None)],
                     pending=K847)
    code, out, err = run_cli(capsys, "check", "--nagios", "--root", root,
                             "--running-kernel", K835)
    assert (code, err) == (2, "")
    assert out.startswith("OVS-RESCUE CRITICAL - ") and out.count("\n") == 1


@pytest.mark.parametrize("argv", [
    ["check", "--nagios", "--root", "/nonexistent"],
    ["check", "--nagios", "--bogus"],
    ["check", "--nagios", "--json", "--root", "/"],
])
def test_errors_are_unknown_on_stdout_with_exit_3(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 3 and err == ""
    assert out.startswith("OVS-RESCUE UNKNOWN - ") and out.count("\n") == 1


@pytest.mark.parametrize("root", ["/nonexistent/a|b=1;;;0",
                                  "/nonexistent/a\nOVS-RESCUE OK - b",
                                  "/nonexistent/a\rb\tc\x1bd"])
def test_a_path_cannot_start_perfdata_or_split_the_line(capsys, root):
    code, out, err = run_cli(capsys, "check", "--nagios", "--root", root)
    assert code == 3 and err == ""
    assert LINE.match(out.rstrip("\n")) and out.count("\n") == 1, out
    assert "|" not in out


def test_a_file_name_in_boot_cannot_start_perfdata(make_host, capsys):
    root = make_host([Kernel(K847)], pending=K847)
    with open(os.path.join(root, "boot", "vmlinuz-%s|x=9;;;0\nz" % K847),
              "w") as odd:
        odd.write("not a kernel\n")
    code, out, err = run_cli(capsys, "check", "--nagios", "--root", root,
                             "--running-kernel", K847)
    assert err == "" and out.count("\n") == 1, out
    assert LINE.match(out.rstrip("\n")) and out.count("|") == 1, out
