"""Damaged copies of the zipapp, as a bad disk or a cut copy leaves them."""
import io
import struct
import subprocess
import zipfile
from functools import partial

_DIRECTORY_ENTRY = b"PK\x01\x02"


def python_tag(python):
    """'36' for a Python 3.6: the archive's site-packages-<tag>/ tree."""
    return subprocess.run(
        [python, "-c", "import sys; print('%d%d' % sys.version_info[:2])"],
        stdout=subprocess.PIPE, universal_newlines=True,
        check=True).stdout.strip()


def _entry(data, name):
    """(local header offset, data offset, compressed size) of name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)        # offsets count the shebang
    name_len, extra_len = struct.unpack_from("<HH", data,
                                             info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    return info.header_offset, start, info.compress_size


def flipped(data, name):
    """One bit flipped in each of 8 bytes a third into name's data."""
    data = bytearray(data)
    _, start, size = _entry(bytes(data), name)
    for at in range(start + size // 3, start + size // 3 + 8):
        data[at] ^= 0x10
    return bytes(data)


def header_broken(data, name):
    """name's local header signature overwritten."""
    data = bytearray(data)
    offset, _, _ = _entry(bytes(data), name)
    data[offset + 2:offset + 4] = b"\0\0"
    return bytes(data)


def missing(data, name):
    """name renamed in the central directory: the archive lacks it."""
    data = bytearray(data)
    at = data.find(name.encode())
    while data[at - 46:at - 42] != _DIRECTORY_ENTRY:
        if at < 0:                      # not a member: say so, never loop
            raise KeyError("no %s in the archive" % name)
        at = data.find(name.encode(), at + 1)
    data[at + len(name) - 5] ^= 0x20            # x.pyc -> X.pyc
    return bytes(data)


def truncated(data, fraction):
    """The first fraction of the file, as an interrupted copy leaves it."""
    return data[:int(len(data) * fraction)]


def _in_tree(kind, module, data, tag):
    path = module.replace(".", "/") + ("/__init__" if module == "rescue"
                                       else "")
    return kind(data, "site-packages-%s/%s.pyc" % (tag, path))


# (label, damage(data, tag)): each a module the demo loads, damaged in the
# tree of the Python that runs it. A missing __init__.pyc is not among
# them: the archive then runs its sources (site-packages/), as any Python
# without its own tree does.
# (dotted names, so that a move of the modules renames them here too)
MODULES = ["rescue", "rescue.preload", "rescue.cli",
           "rescue.cmdline.quickparse", "rescue.zipmain",
           "rescue.commands.rollback", "rescue.act.apply"]
KINDS = [("flipped bits in", flipped), ("broken header of", header_broken),
         ("missing", missing)]


def _short(module):
    """A label's name: the path inside rescue/ (cli, commands/rollback)."""
    return "__init__" if module == "rescue" else \
        module[len("rescue."):].replace(".", "/")


DAMAGE = [("%s %s" % (label, _short(module)),
           partial(_in_tree, kind, module))
          for label, kind in KINDS for module in MODULES
          if not (kind is missing and module == "rescue")]
# Cut short, the archive has no directory left: only the launcher can say
# so (a direct run is Python's own SyntaxError: see docs/install.md).
TRUNCATED = [("truncated to %s%%" % (fraction * 100),
              partial(lambda fraction, data, tag: truncated(data, fraction),
                      fraction))
             for fraction in (0.001, 0.1, 0.5, 0.9, 0.99, 0.9999)]
