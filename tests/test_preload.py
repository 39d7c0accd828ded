"""rescue.preload: the package's bytecode from one read of the archive."""
import io
import marshal
import os
import subprocess
import sys
import zipfile

import pytest

from rescue import preload

PREFIX = "site-packages-%d%d/" % sys.version_info[:2]


def archive_with(tmp_path, modules, method=zipfile.ZIP_DEFLATED,
                 shebang=b"#!/usr/bin/env python3\n", magic=None):
    """A zipapp-like file: a shebang, then a zip of rescue/*.pyc."""
    from importlib.util import MAGIC_NUMBER
    MAGIC_NUMBER = magic or MAGIC_NUMBER
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, source in modules.items():
            code = compile(source, name, "exec")
            archive.writestr(PREFIX + name, MAGIC_NUMBER + bytes(12)
                             + marshal.dumps(code))
    path = tmp_path / "app.pyz"
    path.write_bytes(shebang + buffer.getvalue())
    return str(path)


def payload_of(data, module):
    """Where the stored bytes of rescue/<module>.pyc lie in data: (start,
    size), with a local header whose name is the entry's and no extra."""
    name = PREFIX + "rescue/%s.pyc" % module
    offset, _, size, _ = preload._index(bytes(data), PREFIX + "rescue/")[name]
    return offset + 30 + len(name), size


def flip_a_bit(path, module):
    """Flip a bit near the end of rescue/<module>.pyc's stored bytes in
    the archive at path: its CRC-32 then fails, its length does not."""
    data = bytearray(open(path, "rb").read())
    start, size = payload_of(data, module)
    data[start + size - 2] ^= 0x01
    with open(path, "wb") as out:
        out.write(bytes(data))


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED,
                                    zipfile.ZIP_DEFLATED])
def test_each_module_is_read_from_the_one_snapshot(tmp_path, method):
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1",
                                   "rescue/cli.pyc": "Y = 2"}, method)
    data = open(path, "rb").read()
    index = preload._index(data, PREFIX + "rescue/")
    finder = preload._Finder(path, PREFIX, data, index, preload._magic())
    namespace = {}
    exec(finder.code(PREFIX + "rescue/cli.pyc"), namespace)
    assert namespace["Y"] == 2
    assert finder.find_spec("rescue.cli").origin == \
        path + "/" + PREFIX + "rescue/cli.pyc"
    assert finder.find_spec("rescue.absent") is None
    assert finder.find_spec("os") is None


def test_a_damaged_entry_is_left_to_zipimport(tmp_path):
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1",
                                   "rescue/cli.pyc": "Y = 2\n" * 200},
                        zipfile.ZIP_DEFLATED)
    data = bytearray(open(path, "rb").read())
    index = preload._index(bytes(data), PREFIX + "rescue/")
    start, size = payload_of(data, "cli")
    data[start:start + size] = b"\xff" * size          # not deflate data
    finder = preload._Finder(path, PREFIX, bytes(data), index,
                             preload._magic())
    assert finder.find_spec("rescue.cli") is None


def test_bytes_that_fail_their_crc_are_damage_not_left_to_zipimport(
        tmp_path):
    """zipimport loads a stored entry without checking its CRC-32: a
    flipped byte in bytecode would run as other code."""
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1",
                                   "rescue/cli.pyc": "Y = 2"},
                        zipfile.ZIP_STORED)
    flip_a_bit(path, "cli")
    data = open(path, "rb").read()
    index = preload._index(data, PREFIX + "rescue/")
    finder = preload._Finder(path, PREFIX, data, index, preload._magic())
    with pytest.raises(preload.DamagedEntry, match="CRC-32"):
        finder.find_spec("rescue.cli")


def test_bytecode_of_another_python_is_not_installed(tmp_path):
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1"},
                        zipfile.ZIP_STORED, magic=b"\x00\x00\r\n")
    assert preload.install(path) is False


def test_the_zipapp_imports_its_package_through_preload(zipapp):
    """Under this Python, from the archive built for it: one read."""
    code = ("import sys; archive = sys.argv[1]\n"
            "sys.path[:0] = [archive + '/%s'.rstrip('/')]\n"
            "from rescue.preload import install\n"
            "assert install(archive)\n"
            "import rescue.cli, rescue.commands.check\n"
            "print(type(rescue.cli.__loader__).__name__,"
            " rescue.commands.check.__file__)" % PREFIX)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, zipapp],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if done.returncode and "site-packages-" in done.stderr:
        pytest.skip("the zipapp holds no bytecode for this Python")
    assert done.returncode == 0, done.stderr
    kind, origin = done.stdout.split()
    assert kind == "_Finder"
    assert origin == os.path.join(zipapp, PREFIX + "rescue/commands/check.pyc")


def test_install_refuses_its_own_entry_when_it_fails_its_crc(tmp_path):
    """This module comes in through zipimport, unchecked: install checks
    its bytes before serving the package from the archive."""
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1",
                                   "rescue/preload.pyc": "Z = 3"},
                        zipfile.ZIP_STORED)
    flip_a_bit(path, "preload")
    with pytest.raises(preload.DamagedEntry, match="preload.pyc fails"):
        preload.install(path)


def fresh_zipimport_table(path):
    """zipimport's directory table of path, read now (as the launcher's
    zipimporter(archive) reads it)."""
    import zipimport
    zipimport._zip_directory_cache.pop(path, None)
    zipimport.zipimporter(path)
    return zipimport._zip_directory_cache[path]


def test_with_zipimports_table_only_the_trees_bytes_are_read(tmp_path):
    """The launcher has zipimport read the directory: preload reads just
    the span of this Python's tree, and finds the same entries there."""
    modules = {"rescue/__init__.pyc": "X = 1", "rescue/cli.pyc": "Y = 2"}
    path = archive_with(tmp_path, modules, zipfile.ZIP_STORED)
    # another tree after this one, as in the zipapp (site-packages-36/)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("site-packages-00/rescue/cli.pyc", b"x" * 5000)
    whole = open(path, "rb").read()
    fresh_zipimport_table(path)
    data, index, base = preload._snapshot(path, PREFIX + "rescue/")
    assert index == preload._index(whole, PREFIX + "rescue/")
    assert 0 < base and data == whole[base:base + len(data)]
    assert len(data) < len(whole) - 5000
    finder = preload._Finder(path, PREFIX, data, index, preload._magic(),
                             base)
    namespace = {}
    exec(finder.code(PREFIX + "rescue/cli.pyc"), namespace)
    assert namespace["Y"] == 2


def test_with_zipimports_table_a_crc_failure_is_still_damage(tmp_path):
    path = archive_with(tmp_path, {"rescue/__init__.pyc": "X = 1",
                                   "rescue/cli.pyc": "Y = 2"},
                        zipfile.ZIP_STORED)
    flip_a_bit(path, "cli")
    fresh_zipimport_table(path)
    assert preload.install(path) is True
    finder = sys.meta_path.pop(0)
    assert isinstance(finder, preload._Finder) and finder.base > 0
    with pytest.raises(preload.DamagedEntry, match="cli.pyc fails"):
        finder.find_spec("rescue.cli")
