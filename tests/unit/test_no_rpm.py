"""The guard of tests/unit/conftest.py holds: no rpm to be found here."""
import shutil

from rescue.host import process


def test_no_rpm_is_on_path_for_a_pure_test():
    assert process.find_program("rpm") is None
    assert shutil.which("rpm") is None

