"""Read `vermagic=` from the `.modinfo` section of a kernel module (ELF).

Every offset and size the file states is checked against the file's own
size before it is used: a damaged module is a ModinfoError (a fact about
its kernel), never another exception.
"""
import os
import struct

MAX_MODULE_BYTES = 64 * 1024 * 1024
MAX_MODINFO_BYTES = 1024 * 1024
MAX_SECTION_NAME = 16

# (header layout after e_ident, section header layout) per ELF class
_LAYOUTS = {
    1: ("HHIIIIIHHHHHH", "IIIIIIIIII"),      # ELFCLASS32
    2: ("HHIQQQIHHHHHH", "IIQQQQIIQQ"),      # ELFCLASS64
}
_ENDIAN = {1: "<", 2: ">"}


class ModinfoError(ValueError):
    """The file is not a kernel module we can read."""


def modinfo_fields(data):
    """The key=value strings of an ELF file's .modinfo section, as a dict
    (data: the module's bytes, e.g. a decompressed .ko.xz)."""
    data = bytes(data)
    return _fields(lambda offset, size: data[offset:offset + size], len(data))


def file_fields(handle):
    """modinfo_fields of a binary file object that can seek (an open .ko,
    an io.BytesIO of decompressed bytes); only the parts named are read."""
    def read(offset, size):
        handle.seek(offset)
        return handle.read(size)
    try:
        size = handle.seek(0, os.SEEK_END)
        return _fields(read, size)
    except OSError as error:
        raise ModinfoError("cannot read: %s" % (error.strerror or error))


def _within(size, offset, length, what):
    """Refuse a stated offset and length that leave the file (or are
    larger than any real one: os.pread takes a C off_t)."""
    if not (0 <= offset <= size and 0 <= length <= size - offset):
        raise ModinfoError("%s lies outside the file (%d bytes at %d, "
                           "file %d)" % (what, length, offset, size))


def _fields(read, size):
    """modinfo_fields over read(offset, size) -> bytes and the file's size:
    only the header, the section table, the section names and .modinfo are
    read, never the whole module (a real openvswitch.ko is megabytes)."""
    if size > MAX_MODULE_BYTES:
        raise ModinfoError("larger than %d bytes" % MAX_MODULE_BYTES)
    ident = read(0, 16)
    if ident[:4] != b"\x7fELF" or len(ident) < 16:
        raise ModinfoError("not an ELF file")
    layouts = _LAYOUTS.get(ident[4])
    endian = _ENDIAN.get(ident[5])
    if layouts is None or endian is None:
        raise ModinfoError("unknown ELF class or byte order")
    header_fmt, section_fmt = endian + layouts[0], endian + layouts[1]
    sections = _section_table(read, size, header_fmt, section_fmt)
    names = sections[0]
    for section in sections[1]:
        if section[0] >= names[5]:
            continue                    # a name outside the name table
        at = names[4] + section[0]
        name = read(at, min(MAX_SECTION_NAME, names[5] - section[0]))
        if name.split(b"\0", 1)[0] == b".modinfo":
            if section[5] > MAX_MODINFO_BYTES:
                raise ModinfoError(".modinfo larger than %d bytes"
                                   % MAX_MODINFO_BYTES)
            _within(size, section[4], section[5], ".modinfo")
            return _parse_modinfo(read(section[4], section[5]))
    raise ModinfoError("no .modinfo section")


def _section_table(read, size, header_fmt, section_fmt):
    """(the section-name table's header, all section headers), checked."""
    header = read(16, struct.calcsize(header_fmt))
    if len(header) != struct.calcsize(header_fmt):
        raise ModinfoError("truncated ELF header")
    fields = struct.unpack(header_fmt, header)
    shoff, (shentsize, shnum, shstrndx) = fields[5], fields[10:13]
    if shentsize < struct.calcsize(section_fmt):
        raise ModinfoError("truncated ELF section table (entries of %d "
                           "bytes)" % shentsize)
    if shnum * shentsize > MAX_MODINFO_BYTES:
        raise ModinfoError("ELF section table larger than %d bytes"
                           % MAX_MODINFO_BYTES)
    _within(size, shoff, shnum * shentsize, "ELF section table")
    table = read(shoff, shnum * shentsize)
    if len(table) != shnum * shentsize:
        raise ModinfoError("truncated ELF section table")
    sections = [struct.unpack_from(section_fmt, table, i * shentsize)
                for i in range(shnum)]
    if shstrndx >= shnum:
        raise ModinfoError("truncated ELF section table (no section %d for "
                           "the names)" % shstrndx)
    names = sections[shstrndx]
    _within(size, names[4], names[5], "ELF section names")
    return names, sections


def _parse_modinfo(body):
    fields = {}
    for entry in body.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep:
            fields.setdefault(key.decode("ascii", "replace"),
                              value.decode("ascii", "replace"))
    return fields


def release_of_fields(fields):
    """The kernel release in a module's .modinfo (vermagic's first word)."""
    vermagic = fields.get("vermagic", "").split()
    if not vermagic:
        raise ModinfoError("no vermagic in .modinfo")
    return vermagic[0]


def vermagic_of(module):
    """The kernel release a module was built for, from its bytes or a
    binary file object (a decompressed .ko.gz or .ko.xz)."""
    if isinstance(module, (bytes, bytearray, memoryview)):
        return release_of_fields(modinfo_fields(module))
    return release_of_fields(file_fields(module))


def vermagic_release(path):
    """The kernel release a module file was built for."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise ModinfoError("cannot read: %s" % error.strerror)
    try:
        size = os.fstat(fd).st_size
        fields = _fields(lambda offset, length: os.pread(fd, length, offset),
                         size)
    except OSError as error:
        raise ModinfoError("cannot read: %s" % error.strerror)
    finally:
        os.close(fd)
    return release_of_fields(fields)
