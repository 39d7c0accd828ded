"""Read `vermagic=` from the `.modinfo` section of a kernel module (ELF)."""
import struct

MAX_MODULE_BYTES = 64 * 1024 * 1024

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
    if data[:4] != b"\x7fELF" or len(data) < 16:
        raise ModinfoError("not an ELF file")
    layouts = _LAYOUTS.get(data[4])
    endian = _ENDIAN.get(data[5])
    if layouts is None or endian is None:
        raise ModinfoError("unknown ELF class or byte order")
    header_fmt, section_fmt = endian + layouts[0], endian + layouts[1]
    try:
        header = struct.unpack_from(header_fmt, data, 16)
        shoff, shentsize, shnum, shstrndx = (header[5], header[10],
                                             header[11], header[12])
        sections = [struct.unpack_from(section_fmt, data, shoff + i * shentsize)
                    for i in range(shnum)]
        names = sections[shstrndx]
    except (struct.error, IndexError):
        raise ModinfoError("truncated ELF section table")
    for section in sections:
        if _c_string(data, names[4] + section[0]) == b".modinfo":
            body = data[section[4]:section[4] + section[5]]
            return _parse_modinfo(body)
    raise ModinfoError("no .modinfo section")


def _c_string(data, offset):
    end = data.find(b"\0", offset)
    return data[offset:end if end >= 0 else len(data)]


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
        with open(path, "rb") as module:
            data = module.read(MAX_MODULE_BYTES + 1)
    except OSError as error:
        raise ModinfoError("cannot read: %s" % error.strerror)
    if len(data) > MAX_MODULE_BYTES:
        raise ModinfoError("larger than %d bytes" % MAX_MODULE_BYTES)
    vermagic = modinfo_fields(data).get("vermagic", "").split()
    if not vermagic:
        raise ModinfoError("no vermagic in .modinfo")
    return vermagic[0]
