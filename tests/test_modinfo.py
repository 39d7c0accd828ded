"""Reading vermagic from real ELF kernel modules."""
import io
import os
import shutil
import struct
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rescue.host import modinfo
from rescue.sample import trees as sample


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


# Where each header field sits after e_ident, per ELF class: (offset, format)
_HEADER_FIELDS = {
    cls: [(16 + struct.calcsize("<" + fmt[:i]), fmt[i])
          for i in range(len(fmt))]
    for cls, fmt in ((1, "HHIIIIIHHHHHH"), (2, "HHIQQQIHHHHHH"))}
_SECTION_FORMAT = {1: "IIIIIIIIII", 2: "IIQQQQIIQQ"}
_LIMITS = {"H": 2 ** 16, "I": 2 ** 32, "Q": 2 ** 64}


def _section_fields(data, elf_class, endian):
    """(offset, format) of every field of every section header in data."""
    shoff = struct.unpack_from(endian + ("I" if elf_class == 1 else "Q"),
                               data, 16 + (16 if elf_class == 1 else 24))[0]
    fmt = _SECTION_FORMAT[elf_class]
    size = struct.calcsize("<" + fmt)
    return [(shoff + n * size + struct.calcsize("<" + fmt[:i]), fmt[i])
            for n in range(3) for i in range(len(fmt))]


def _edge(letter):
    """Field values that break naive arithmetic: 0, one past the file,
    2**63 and up (os.pread's off_t), the top of each width."""
    top = _LIMITS[letter]
    return st.one_of(st.sampled_from(sorted({0, 1, 64, 327, 328, 4096,
                                             top // 2, top // 2 + 1,
                                             top - 1})),
                     st.integers(0, top - 1))


@st.composite
def damaged_modules(draw):
    """A real sample module with header and section fields set to edge
    values, some bytes flipped, perhaps cut short."""
    elf_class = draw(st.sampled_from([1, 2]))
    big = draw(st.booleans())
    endian = ">" if big else "<"
    data = bytearray(sample.module_elf("4.19.0+1", elf_class, big))
    fields = _HEADER_FIELDS[elf_class] + _section_fields(data, elf_class,
                                                         endian)
    for _ in range(draw(st.integers(1, 4))):
        offset, letter = draw(st.sampled_from(fields))
        struct.pack_into(endian + letter, data, offset, draw(_edge(letter)))
    for _ in range(draw(st.integers(0, 3))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[:draw(st.integers(0, len(data)))
                      if draw(st.booleans()) else len(data)])


def _read_every_way(data, directory):
    """vermagic of data as bytes, as a file object, and as a file on disk
    (os.pread): the answers, each a release or ModinfoError's text."""
    path = os.path.join(directory, "openvswitch.ko")
    with open(path, "wb") as handle:
        handle.write(data)
    answers = []
    for read in (modinfo.vermagic_of, lambda d: modinfo.vermagic_of(
            io.BytesIO(d)), lambda d: modinfo.vermagic_release(path)):
        try:
            answers.append(read(data))
        except modinfo.ModinfoError as error:
            answers.append("error: %s" % error)
    return answers


@settings(max_examples=400, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(damaged_modules())
def test_a_damaged_module_is_a_modinfo_error_or_a_release(data):
    """Only ModinfoError escapes, whichever way the module is read, and
    the three ways agree (an e_shoff of 2**63 was an OverflowError)."""
    with tempfile.TemporaryDirectory() as directory:
        answers = _read_every_way(data, directory)
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize("elf_class", [1, 2])
@pytest.mark.parametrize("value", [2 ** 63, 2 ** 64 - 1, 2 ** 32 - 1])
def test_a_section_table_offset_past_the_file_is_refused(tmp_path,
                                                         elf_class, value):
    data = bytearray(sample.module_elf("2.6.32xen", elf_class))
    at, letter = _HEADER_FIELDS[elf_class][5]           # e_shoff
    struct.pack_into("<" + letter, data, at, value % _LIMITS[letter])
    path = tmp_path / "openvswitch.ko"
    path.write_bytes(bytes(data))
    with pytest.raises(modinfo.ModinfoError, match="outside the file"):
        modinfo.vermagic_release(str(path))


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview, io.BytesIO])
def test_vermagic_is_read_from_bytes_and_file_objects(wrap):
    """A decompressed .ko.xz is bytes in memory, never a path."""
    data = sample.module_elf("4.19.0+1")
    assert modinfo.vermagic_of(wrap(data)) == "4.19.0+1"
