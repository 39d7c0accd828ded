"""bench/check_vs_shell.py's arithmetic: the ratio of each block of runs."""
from bench.check_vs_shell import block_ratios


def test_each_block_is_the_ratio_of_its_two_medians():
    launcher = [2.0, 9.0, 2.2, 3.0, 3.3, 3.0]
    shell = [1.0, 1.1, 1.0, 2.0, 2.0, 9.0]
    assert block_ratios(launcher, shell, 3) == [2.2 / 1.0, 3.0 / 2.0]


def test_a_block_cut_short_at_the_end_is_left_out():
    assert len(block_ratios([1.0] * 25, [1.0] * 25, 10)) == 2
