"""`status` fits a 24-row console; `status -v` has every detail."""
import os

import pytest

from tests.hosts import K835, K847, K_OLD, Kernel, run_cli

FOUR = [Kernel(K_OLD), Kernel(K835), Kernel(K847, module_build=None),
        Kernel("2.6.32.43-0.4.1.xs1.8.0.900.170900xen", initrd=False)]


def many_kernels(count):
    return [Kernel("2.6.32.43-0.4.1.xs1.8.0.%d.1xen" % (100 + n),
                   module_build=None if n % 3 else "1.11.0")
            for n in range(count)] + [Kernel(K835),
                                      Kernel(K847, module_build=None)]


@pytest.mark.parametrize("kernels", [FOUR, many_kernels(14)],
                         ids=["4 kernels", "16 kernels"])
def test_status_fits_22_rows_with_the_verdict_first(make_host, capsys,
                                                    kernels):
    root = make_host(kernels, pending=K847)
    code, out, _ = run_cli(capsys, "status", "--root", root,
                           "--running-kernel", K835)
    lines = out.rstrip("\n").split("\n")
    assert code == 0 and len(lines) <= 22
    assert max(len(line) for line in lines) <= 79
    assert lines[0].startswith("UNSAFE to reboot")
    rows = [l for l in lines if l[3:4].isdigit()]
    assert rows[0].startswith(" P %s" % K847) or rows[0].startswith("R ")
    assert any(l.startswith("R  %s" % K835) for l in rows)


def test_kernels_that_do_not_fit_are_summed_up_safe_ones_first(make_host,
                                                               capsys):
    root = make_host(many_kernels(14), pending=K847)
    _, out, _ = run_cli(capsys, "status", "--root", root,
                        "--running-kernel", K835)
    lines = out.splitlines()
    shown_safe = [l for l in lines if l.endswith(" safe")]
    rest = [l for l in lines if "more kernels (" in l][0]
    assert len(shown_safe) >= 2
    assert rest == "  ... and 13 more kernels (4 safe)"


def test_one_line_per_kernel_with_its_one_word_reason(make_host, capsys):
    root = make_host(FOUR, pending=K847)
    _, out, _ = run_cli(capsys, "status", "--root", root,
                        "--running-kernel", K835)
    assert [l.split()[-1] for l in out.splitlines()
            if "xs1.8.0.900" in l] == ["initrd"]
    assert any(l.endswith("NOT SAFE: no module") for l in out.splitlines())
    assert "every detail: ovs-rescue status -v" in out


def test_status_verbose_has_every_detail_and_the_ignored_files(make_host,
                                                               capsys):
    root = make_host(FOUR, pending=K847)
    open(os.path.join(root, "boot", "vmlinuz-2.6-xen.orig"), "w").close()
    for argv in (["status", "-v"], ["status", "--verbose"],
                 ["-v", "status"][::-1]):
        code, out, _ = run_cli(capsys, *argv + ["--root", root,
                                                "--running-kernel", K835])
        assert code == 0
        assert "     rpm     " in out and "Ignored files in /boot" in out
        assert "vmlinuz-2.6-xen.orig" in out


def test_the_verdict_is_on_screen_after_status_in_80x24(terminal, make_host):
    root = make_host(many_kernels(14), pending=K847)
    screen = terminal(["status", "--root", root, "--running-kernel", K835],
                      ["TERM=dumb"], typed="status")
    assert screen[0] == "$ ovs-rescue status"
    assert screen[1].startswith("UNSAFE to reboot")
