"""Read `vermagic=` from the `.modinfo` section of a kernel module (ELF)."""
import os
import struct

MAX_MODULE_BYTES = 64 * 1024 * 1024
MAX_MODINFO_BYTES = 1024 * 1024

# (header layout after e_ident, section header layout) per ELF class
_LAYOUTS = {
    1: ("HHIIIIIHHHHHH", "IIIIIIIIII"),      # ELFCLASS32
    2: ("HHIQQQIHHHHHH", "IIQQQQIIQQ"),      # ELFCLASS64
}
_ENDIAN = {1: "<", 2: ">"}


class ModinfoError(ValueError):
    """The file is not a kernel module we can read."""


def modinfo_fields(data):
    """The key=value strings of an ELF file's .modinfo section, as a dict."""
    return _fields(lambda offset, size: data[offset:offset + size])


def _fields(read):
    """modinfo_fields over read(offset, size) -> bytes: only the header,
    the section table, the section names and .modinfo are read, never the
    whole module (a real openvswitch.ko is megabytes)."""
    ident = read(0, 16)
    if ident[:4] != b"\x7fELF" or len(ident) < 16:
        raise ModinfoError("not an ELF file")
    layouts = _LAYOUTS.get(ident[4])
    endian = _ENDIAN.get(ident[5])
    if layouts is None or endian is None:
        raise ModinfoError("unknown ELF class or byte order")
    header_fmt, section_fmt = endian + layouts[0], endian + layouts[1]
    try:
        header = struct.unpack(header_fmt, read(16, struct.calcsize(
            header_fmt)))
        shoff, shentsize, shnum, shstrndx = (header[5], header[10],
                                             header[11], header[12])
        if (shentsize < struct.calcsize(section_fmt)
                or shnum * shentsize > MAX_MODINFO_BYTES):
            raise IndexError
        table = read(shoff, shnum * shentsize)
        sections = [struct.unpack_from(section_fmt, table, i * shentsize)
                    for i in range(shnum)]
        names = sections[shstrndx]
    except (struct.error, IndexError):
        raise ModinfoError("truncated ELF section table")
    for section in sections:
        name = read(names[4] + section[0], 16)
        if name.split(b"\0", 1)[0] == b".modinfo":
            if section[5] > MAX_MODINFO_BYTES:
                raise ModinfoError(".modinfo larger than %d bytes"
                                   % MAX_MODINFO_BYTES)
            return _parse_modinfo(read(section[4], section[5]))
    raise ModinfoError("no .modinfo section")


def _parse_modinfo(body):
    fields = {}
    for entry in body.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep:
            fields.setdefault(key.decode("ascii", "replace"),
                              value.decode("ascii", "replace"))
    return fields


def vermagic_release(path):
    """The kernel release a module was built for (vermagic's first word)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise ModinfoError("cannot read: %s" % error.strerror)
    try:
        if os.fstat(fd).st_size > MAX_MODULE_BYTES:
            raise ModinfoError("larger than %d bytes" % MAX_MODULE_BYTES)
        fields = _fields(lambda offset, size: os.pread(fd, size, offset))
    except OSError as error:
        raise ModinfoError("cannot read: %s" % error.strerror)
    finally:
        os.close(fd)
    vermagic = fields.get("vermagic", "").split()
    if not vermagic:
        raise ModinfoError("no vermagic in .modinfo")
    return vermagic[0]
