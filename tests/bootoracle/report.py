"""What the stub reported, and which files of the root its modules are."""
import gzip
import lzma
import os
from typing import NamedTuple, Optional, Tuple

HEAD_BYTES = 256
# The loaders' own files: never handed to the hypervisor, and a fixture's
# empty grub/i386-pc/normal.mod would match every empty module.
LOADER_FILES = (".mod", ".c32", "ldlinux.sys")


class Module(NamedTuple):
    cmdline: str
    length: int
    head: bytes
    files: Tuple[str, ...]     # files of /boot with these bytes, as loaded


class Boot(NamedTuple):
    loader: str                # multiboot1 or multiboot2
    hypervisor: str            # the stub's tag: its path inside the root
    cmdline: str
    modules: Tuple[Module, ...]


class Outcome(NamedTuple):
    boot: Optional[Boot]       # None: nothing was booted
    ending: str                # stub, exited, waits, timeout
    serial: str                # the loader's output, for failure messages

    def pair(self):
        """(hypervisor, kernel files, initrd files), or None."""
        if self.boot is None:
            return None
        mods = self.boot.modules
        return (self.boot.hypervisor,
                mods[0].files if len(mods) > 0 else (),
                mods[1].files if len(mods) > 1 else ())


def unescape(text):
    return text.encode().decode("unicode_escape")


def parse(serial):
    """Boot from the stub's lines, or None when they are not all there."""
    text = serial.decode("latin-1")
    begin = text.rfind("ORACLE BEGIN\n")
    if begin < 0 or "ORACLE END" not in text[begin:]:
        return None
    fields = {"modules": []}
    for line in text[begin:].splitlines()[1:]:
        word, _, rest = line.partition(" ")
        if word in ("LOADER", "TAG", "CMDLINE"):
            fields[word] = unescape(rest)
        elif word == "MODULE":
            parts = rest.split(" ", 6)
            fields["modules"].append((unescape(parts[6]) if len(parts) > 6
                                      else "", int(parts[2]),
                                      bytes.fromhex(parts[4])))
        elif word == "ORACLE":
            break
    return fields


def loaded_forms(data):
    """The bytes a loader may hand over for a file: as is, or unpacked."""
    forms = [data]
    for unpack in (gzip.decompress, lzma.decompress):
        try:
            forms.append(unpack(data))
        except Exception:
            pass
    return forms


def file_index(staging, exclude):
    """{(length, head): [paths]} of every regular file under staging/boot."""
    index = {}
    for directory, _, names in os.walk(os.path.join(staging, "boot")):
        for name in names:
            path = os.path.join(directory, name)
            inside = "/" + os.path.relpath(path, staging)
            if (os.path.islink(path) or inside in exclude
                    or name.endswith(LOADER_FILES)):
                continue
            with open(path, "rb") as source:
                data = source.read()
            for form in loaded_forms(data):
                index.setdefault((len(form), form[:HEAD_BYTES]),
                                 set()).add(inside)
    return index


def outcome(serial, ending, staging, stubs):
    fields = parse(serial)
    log = serial.decode("latin-1")[-2000:]
    if fields is None:
        return Outcome(None, ending, log)
    index = file_index(staging, stubs)
    modules = tuple(
        Module(cmdline, length, head,
               tuple(sorted(index.get((length, head), ()))))
        for cmdline, length, head in fields["modules"])
    tag = fields.get("TAG", "").split("\0")[0].strip()
    return Outcome(Boot(fields.get("LOADER", "?"), tag,
                        fields.get("CMDLINE", ""), modules), ending, log)
