"""Import the package's bytecode from one read of the archive.

zipimport opens the archive again for every module (27 on `check`'s path,
about 4 ms under the bundled 3.11) and could read a file swapped in
between. This reads the bytecode this Python compiled
(site-packages-<major><minor>/, see build_pyz.py) in one read and imports
the rest of the package from that one snapshot. Where zipimport has read
the archive's directory already (the launcher and __main__.py import this
module through it), its table says where that tree lies and only those
bytes are read; else the whole archive is read and its directory indexed
here. Anything unexpected (another
layout, a bad magic number) leaves the work to zipimport, which then does
what it did before: never a different result, only a slower one. An
entry whose bytes fail the CRC-32 the archive's directory gives is
DamagedEntry: zipimport does not check CRCs, so it is not left to it.
"""
import marshal
import sys
import zlib
from _struct import error as _StructError, unpack_from  # struct's own core

from rescue.zipmain import bytecode_folder

# What a damaged archive raises while it is read: all of it means "leave
# it to zipimport", which then reports the damage in its own words.
_DAMAGE = (ImportError, ValueError, EOFError, TypeError, _StructError,
           zlib.error)
_END_OF_DIRECTORY = b"PK\x05\x06"
_ENTRY = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


def install(archive):
    """Serve rescue.* from archive's bytecode for this Python, if it has it.

    Returns True when the finder was installed.
    """
    prefix = bytecode_folder() + "/"
    try:
        data, index, base = _snapshot(archive, prefix + "rescue/")
    except (OSError,) + _DAMAGE:
        return False
    magic = _magic()
    if prefix + "rescue/__init__.pyc" not in index or magic is None:
        return False
    finder = _Finder(archive, prefix, data, index, magic, base)
    try:                    # the bytecode is this Python's, and readable
        finder.code(prefix + "rescue/__init__.pyc")
        # This module came through zipimport, unchecked: its own bytes
        # are checked here, so a damaged copy of it is not trusted either.
        if prefix + "rescue/preload.pyc" in index:
            finder.payload(prefix + "rescue/preload.pyc")
    except DamagedEntry:
        raise
    except _DAMAGE:
        return False
    sys.meta_path.insert(0, finder)
    return True


def _magic():
    """This Python's bytecode magic number, without importing importlib."""
    external = sys.modules.get("_frozen_importlib_external")
    return getattr(external, "MAGIC_NUMBER", None)


class DamagedEntry(ImportError):
    """An entry's bytes are not what the archive's directory says (its
    CRC-32): zipimport would load them unchecked, so this is not left to
    it."""


def _snapshot(archive, under):
    """(data, index, base): the bytes holding the entries below `under`,
    which begin at offset base of the archive, and their index
    (name -> (offset in the archive, method, size, crc))."""
    import zipimport
    known = getattr(zipimport, "_zip_directory_cache", {}).get(archive)
    with open(archive, "rb") as handle:
        if not known:
            data = handle.read()
            return data, _index(data, under), 0
        # zipimport's table: name -> (path, method, stored size, size,
        # offset of the local header, time, date, crc), from the same
        # central directory _index reads
        index = {name: (entry[4], entry[1], entry[2], entry[7])
                 for name, entry in known.items() if name.startswith(under)}
        if not index:
            return b"", index, 0
        start = min(entry[0] for entry in index.values())
        last = max(entry[0] for entry in index.values())
        after = [entry[4] for entry in known.values() if entry[4] > last]
        handle.seek(start)
        if after:       # each entry lies before the next one's header
            return handle.read(min(after) - start), index, start
        return handle.read(), index, start


def _index(data, under):
    """name -> (offset, method, size, crc) of the stored files below
    `under`."""
    end = data.rfind(_END_OF_DIRECTORY)
    if end < 0:
        raise ValueError("no end of central directory")
    count, size, start = unpack_from("<HII", data, end + 10)
    base = end - size - start          # what precedes the zip (a shebang)
    position, index = base + start, {}
    for _ in range(count):
        if data[position:position + 4] != _ENTRY:
            raise ValueError("damaged central directory")
        (method, crc, csize, name_len, extra_len, comment_len,
         local) = unpack_from("<10xH4xII4xHHH8xI", data, position)
        name = data[position + 46:position + 46 + name_len].decode("utf-8")
        if name.startswith(under):
            index[name] = (base + local, method, csize, crc)
        position += 46 + name_len + extra_len + comment_len
    return index


class _Finder:
    """A meta path finder and loader for rescue.* from the snapshot."""

    def __init__(self, archive, prefix, data, index, magic, base=0):
        self.archive, self.prefix = archive, prefix
        self.data, self.index, self.magic = data, index, magic
        self.base = base        # where data begins in the archive
        self.view = memoryview(data)    # payloads are slices of it, uncopied
        self.codes = {}         # name -> code, from find_spec to exec

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("rescue."):
            return None
        stem = self.prefix + fullname.replace(".", "/")
        for name, package in ((stem + "/__init__.pyc", True),
                              (stem + ".pyc", False)):
            if name in self.index:
                try:
                    self.codes[name] = self.code(name)
                except DamagedEntry:
                    raise
                except _DAMAGE:         # zipimport then says what is wrong
                    return None
                spec = type(__spec__)(fullname, self, origin=self.archive +
                                      "/" + name, is_package=package)
                if package:
                    spec.submodule_search_locations = [
                        self.archive + "/" + stem]
                spec.has_location = True
                return spec
        return None

    def create_module(self, spec):
        return None                     # the default module object

    def exec_module(self, module):
        name = module.__spec__.origin[len(self.archive) + 1:]
        code = self.codes.pop(name)
        module.__file__ = module.__spec__.origin
        if sys.flags.verbose:           # as zipimport says it under -v
            sys.stderr.write("# code object from %s (preloaded)\n"
                             % module.__file__)
        exec(code, module.__dict__)

    def code(self, name):
        """The code object of the bytecode file `name` in the archive."""
        payload = self.payload(name)
        if payload[:4] != self.magic:
            raise ImportError("%s is not bytecode of this Python" % name)
        header = 16 if sys.version_info >= (3, 7) else 12
        return marshal.loads(payload[header:])

    def payload(self, name):
        """The bytes of file `name` in the archive, once they pass the
        CRC-32 the archive's directory gives for them: of a stored entry, a
        view into the snapshot (copying check's 280 kB of bytecode twice,
        here and for marshal, cost about 0.5 ms of fresh memory)."""
        offset, method, size, crc = self.index[name]
        offset -= self.base
        data = self.data
        if offset < 0 or data[offset:offset + 4] != _LOCAL:
            raise ImportError("damaged archive entry %s" % name)
        name_len, extra_len = unpack_from("<HH", data, offset + 26)
        start = offset + 30 + name_len + extra_len
        payload = self.view[start:start + size]
        if method == 8:
            payload = zlib.decompressobj(-15).decompress(payload)
        elif method != 0:
            raise ImportError("unknown compression in %s" % name)
        if zlib.crc32(payload) & 0xFFFFFFFF != crc:
            raise DamagedEntry("%s fails its CRC-32 check" % name,
                               name="rescue")
        return payload
