"""Figures live in one generated block of docs/benchmark.md, nowhere else."""
import os
import re

import pytest

from bench import check_vs_shell
from tests.conftest import REPO

BENCHMARK = os.path.join(REPO, "docs", "benchmark.md")
# a number with a unit of time or size, a ratio, or a count of tests
FIGURE = re.compile(r"\b\d[\d.,]*\s?(ms|us|seconds?|minutes?|[KMG]i?B|"
                    r"tests)\b|\b\d+(\.\d+)?x(?![\d])")


@pytest.mark.parametrize("text, figures", [
    ("about 730 tests, 3 minutes", ["730 tests", "3 minutes"]),
    ("19.5 ms, 1.52x the shell, 6.7 MB", ["19.5 ms", "1.52x", "6.7 MB"]),
    ("an 80x24 console, XenServer 5.6-6.2, Linux 2.6.32", []),
])
def test_the_figure_pattern_finds_figures_and_only_them(text, figures):
    assert [m.group(0) for m in FIGURE.finditer(text)] == figures


def test_the_readme_quotes_no_figures():
    with open(os.path.join(REPO, "README.md")) as readme:
        found = [m.group(0) for m in FIGURE.finditer(readme.read())]
    assert found == [], "figures go stale: point at docs/benchmark.md"


def test_the_benchmark_page_has_one_block_to_write():
    head, tail = check_vs_shell.page_around_figures(BENCHMARK)
    assert head.endswith(check_vs_shell.BLOCK_START)
    assert tail.startswith(check_vs_shell.BLOCK_END)


def test_writing_the_figures_replaces_only_the_block(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# B\n\ntext\n%sold\n%safter\n" % (
        check_vs_shell.BLOCK_START, check_vs_shell.BLOCK_END))
    check_vs_shell.write_figures(str(page), "new\n")
    assert page.read_text() == "# B\n\ntext\n%snew\n%safter\n" % (
        check_vs_shell.BLOCK_START, check_vs_shell.BLOCK_END)


def test_a_page_without_its_block_stops_before_the_runs(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# no block\n")
    with pytest.raises(SystemExit) as stop:
        check_vs_shell.page_around_figures(str(page))
    assert "needs one" in str(stop.value)
    assert page.read_text() == "# no block\n"
