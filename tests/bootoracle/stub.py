"""The stub hypervisor: built once from stub.c, copied per file with a tag."""
import gzip
import io
import os
import subprocess

from tests.bootoracle.cache import HERE, cached, input_key, tool_version

SOURCES = [os.path.join(HERE, name) for name in ("entry.S", "stub.c",
                                                  "stub.ld")]
TAG_MARK = b"OVSRESCUE-STUB-TAG:"
TAG_ROOM = 80 - len(TAG_MARK) - 1
CFLAGS = ["-m32", "-ffreestanding", "-nostdlib", "-fno-pic", "-static",
          "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-O2",
          "-Wall", "-Werror", "-Wl,--build-id=none", "-Wl,-n",
          "-Wl,--no-warn-rwx-segments"]


def build_stub(path):
    subprocess.run(["gcc"] + CFLAGS + ["-Wl,-T," + SOURCES[2], "-o", path]
                   + SOURCES[:2], check=True)


def stub_elf():
    """Path of the cached stub ELF (Multiboot and Multiboot2 headers)."""
    key = input_key(SOURCES, [" ".join(CFLAGS), tool_version(["gcc"])])
    return cached("stub.elf", key, build_stub)


def tagged_stub(tag, compress):
    """Bytes of the stub that reports `tag` as its name, gzip'd or ELF."""
    with open(stub_elf(), "rb") as source:
        image = bytearray(source.read())
    at = image.index(TAG_MARK) + len(TAG_MARK)
    name = tag.encode()[:TAG_ROOM]
    image[at:at + TAG_ROOM] = name + b"\0" * (TAG_ROOM - len(name))
    if not compress:
        return bytes(image)
    out = io.BytesIO()
    with gzip.GzipFile(filename="xen", mode="wb", fileobj=out,
                       mtime=0) as packed:
        packed.write(bytes(image))
    return out.getvalue()
