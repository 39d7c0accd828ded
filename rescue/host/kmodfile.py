"""The vermagic of a kernel module file, plain or compressed (.ko.gz, .ko.xz).

A plain .ko is read by modinfo in place (only its headers); a compressed
one is opened and decompressed in memory, bounded, then read the same way.
"""

from rescue.host import modinfo


def vermagic_release(path):
    """The kernel release a module file was built for (ModinfoError if
    it cannot be read as a module)."""
    if path.endswith(".gz"):
        import gzip
        opener = gzip.open
    elif path.endswith(".xz"):
        try:
            import lzma
        except ImportError:
            raise modinfo.ModinfoError("cannot read .xz modules here (no "
                                       "lzma in this Python)")
        opener = lzma.open
    else:
        return modinfo.vermagic_release(path)
    try:
        with opener(path, "rb") as stream:
            data = stream.read(modinfo.MAX_MODULE_BYTES + 1)
    except (OSError, EOFError, ValueError) as error:
        raise modinfo.ModinfoError("cannot decompress: %s" % (
            getattr(error, "strerror", None) or error))
    if len(data) > modinfo.MAX_MODULE_BYTES:
        raise modinfo.ModinfoError("larger than %d bytes"
                                   % modinfo.MAX_MODULE_BYTES)
    fields = modinfo.modinfo_fields(data)
    vermagic = fields.get("vermagic", "").split()
    if not vermagic:
        raise modinfo.ModinfoError("no vermagic in .modinfo")
    return vermagic[0]
