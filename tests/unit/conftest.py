"""The pure tests run with nothing on PATH: no rpm, no other program, so
a test here that reaches for one fails instead of passing by luck."""
import pytest


@pytest.fixture(autouse=True)
def no_programs(tmp_path_factory, monkeypatch):
    empty = tmp_path_factory.mktemp("empty-path")
    monkeypatch.setenv("PATH", str(empty))
    return empty
