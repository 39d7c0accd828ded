"""Reading vermagic from real ELF kernel modules."""
import shutil
import subprocess

import pytest
from hypothesis import given, strategies as st

from rescue import modinfo, sample


@pytest.mark.parametrize("elf_class", [1, 2])
@pytest.mark.parametrize("big_endian", [False, True])
def test_vermagic_is_read_from_32_and_64_bit_modules(tmp_path, elf_class,
                                                     big_endian):
    path = tmp_path / "openvswitch.ko"
    path.write_bytes(sample.module_elf("2.6.32.43-0.4.1xen", elf_class,
                                       big_endian))
    assert modinfo.vermagic_release(str(path)) == "2.6.32.43-0.4.1xen"


@pytest.mark.skipif(not shutil.which("readelf"), reason="no readelf")
def test_sample_modules_are_elf_files_readelf_agrees_with(tmp_path):
    path = tmp_path / "m.ko"
    path.write_bytes(sample.module_elf("3.10.0xen"))
    out = subprocess.run(["readelf", "-p", ".modinfo", str(path)],
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert "vermagic=3.10.0xen SMP" in out


@pytest.mark.parametrize("data, message", [
    (b"", "not an ELF file"),
    (b"hello world, not a module", "not an ELF file"),
    (b"\x7fELF\x09\x01" + bytes(10), "unknown ELF class"),
    (b"\x7fELF\x02\x01" + bytes(10), "truncated"),
])
def test_non_modules_are_refused_with_a_reason(data, message):
    with pytest.raises(modinfo.ModinfoError, match=message):
        modinfo.modinfo_fields(data)


def test_module_without_vermagic_is_refused(tmp_path):
    data = sample.module_elf("x").replace(b"vermagic=", b"vermagix=")
    path = tmp_path / "m.ko"
    path.write_bytes(data)
    with pytest.raises(modinfo.ModinfoError, match="no vermagic"):
        modinfo.vermagic_release(str(path))


def test_missing_file_is_a_modinfo_error(tmp_path):
    with pytest.raises(modinfo.ModinfoError, match="cannot read"):
        modinfo.vermagic_release(str(tmp_path / "absent.ko"))


@given(st.binary(max_size=400))
def test_parser_never_crashes_on_garbage(data):
    try:
        modinfo.modinfo_fields(b"\x7fELF" + data)
    except modinfo.ModinfoError:
        pass


@given(st.binary(min_size=1, max_size=200))
def test_parser_survives_corrupted_real_modules(noise):
    data = bytearray(sample.module_elf("2.6.32xen"))
    for i, byte in enumerate(noise):
        data[(i * 37) % len(data)] ^= byte
    try:
        modinfo.modinfo_fields(bytes(data))
    except modinfo.ModinfoError:
        pass


def test_only_the_parts_of_a_module_that_name_its_kernel_are_read(tmp_path):
    """A real openvswitch.ko is megabytes: the header, section table,
    names and .modinfo are read, not the whole file (reads counted)."""
    import os
    path = tmp_path / "big.ko"
    elf = sample.module_elf("4.19.0+1")
    path.write_bytes(elf + bytes(8 * 1024 * 1024))
    reads = []
    real = os.pread

    def counting(fd, size, offset):
        reads.append(size)
        return real(fd, size, offset)
    os.pread = counting
    try:
        assert modinfo.vermagic_release(str(path)) == "4.19.0+1"
    finally:
        os.pread = real
    assert sum(reads) < 64 * 1024
