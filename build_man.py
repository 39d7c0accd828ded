#!/usr/bin/env python3
"""Build dist/ovs-rescue.8, the man page, from rescue/data/manual.txt: the
text `ovs-rescue help` prints, so the two cannot drift.

Usage: python3 build_man.py [--output FILE]

python3 build_pyz.py writes the same page beside the zipapp it builds
(dist/ovs-rescue.8), where install.sh looks for it.

Paragraphs are filled by man; indented blocks (tables, examples) are kept
as written. The date comes from SOURCE_DATE_EPOCH (default as build_pyz.py)
so that two builds of one commit are identical.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUTPUT = os.path.join(HERE, "dist", "ovs-rescue.8")
DEFAULT_EPOCH = "1577836800"


def roff_text(line):
    """One line of text as roff: backslashes, minus signs, leading dots."""
    line = line.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + line if line.startswith((".", "'")) else line


def blocks(lines):
    """Runs of non-blank lines."""
    block = []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []


def body(lines):
    """roff for one topic's lines: paragraphs are filled by man, indented
    lines (tables, lists, examples) are kept as written."""
    out = []
    for block in blocks(lines):
        out.append(".PP")
        for kept, run in runs(block):
            if kept:      # at the left margin: examples are up to 80 wide
                out += [".nf", ".in 0"] + [roff_text(l) for l in run] \
                    + [".in", ".fi"]
            else:
                out += [roff_text(l) for l in run]
    return out


def runs(block):
    """(indented?, lines) for each run of indented or unindented lines."""
    result = []
    for line in block:
        kept = line.startswith(" ")
        if result and result[-1][0] == kept:
            result[-1][1].append(line)
        else:
            result.append((kept, [line]))
    return result


def man_page(text, version, epoch):
    sys.path.insert(0, HERE)
    from rescue.cmdline.manual import parse_manual
    preamble, topics = parse_manual(text)
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    out = ['.TH OVS-RESCUE 8 "%s" "ovs-rescue %s" "System Administration"'
           % (date, version),
           ".SH NAME",
           "ovs-rescue \\- keep a XenServer host bootable with its "
           "Open vSwitch kernel module",
           ".SH SYNOPSIS", ".B ovs-rescue",
           "[\\fIcommon options\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]",
           ".SH DESCRIPTION"] + body(preamble)
    out += [".PP", "On a console without man, the same text: "
            "\\fBovs\\-rescue help\\fR [\\fITOPIC\\fR]."]
    for topic in topics:
        out += [".SH " + roff_text(topic.title.upper())] + body(topic.lines)
    return "\n".join(out) + "\n"


def build(output):
    """Write the man page of this tree to output (build_pyz.py calls this
    too, so a bundle's page and zipapp come from one tree)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    with open(os.path.join(HERE, "rescue", "data", "manual.txt"),
              encoding="utf-8") as source:
        text = source.read()
    sys.path.insert(0, HERE)
    from rescue import __version__
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as out:
        out.write(man_page(text, __version__, epoch))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    build(args.output)
    print(os.path.relpath(args.output))


if __name__ == "__main__":
    main()
