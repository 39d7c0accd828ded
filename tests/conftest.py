"""Shared fixtures: the RPM factory and a healthy fixture host."""
import os
import shutil

import pytest

from tests import hosts


def pytest_configure(config):
    missing = [tool for tool in ("rpm", "rpmbuild") if not shutil.which(tool)]
    if missing:
        raise pytest.UsageError("tests need %s on PATH (apt-get install rpm)"
                                % " and ".join(missing))


@pytest.fixture(scope="session")
def rpm_factory(tmp_path_factory):
    return hosts.RpmFactory(str(tmp_path_factory.mktemp("rpms")))


@pytest.fixture
def make_host(tmp_path, rpm_factory):
    """make_host(kernels, pending=..., ...) -> root, on the real disk."""
    def make(kernels, pending=None, name="host", **options):
        root = os.path.join(str(tmp_path), name)
        return hosts.make_host(root, rpm_factory, kernels, pending, **options)
    return make
