"""Decide, from the facts alone, which kernels can boot with OVS."""
from rescue.core import bootlinks, naming
from rescue.core.bootlinks import cannot_tell_text
from rescue.core.journal import journal_problems
from rescue.core.eligibility import kernel_report
from rescue.core.layouts import OWN_LINK_PAIRS, accepts
from rescue.core.remedies import fix_commands
from rescue.core.records import record
from rescue.core.rpmvercmp import release_key


_ReportFields = record("Report", (
    "ok ovs_build running pending kernels problems "
    "any_build next_boot notes commands links_ours ignored links_note "
    "entry_problems file_problems"))


class Report(_ReportFields):
    # ok: bool
    # ovs_build: str
    # running: Optional[str]
    # pending: Optional[str]
    # kernels: Tuple[KernelReport, ...]   # newest first
    # problems: Tuple[str, ...]
    # any_build: bool
    # next_boot: bootlinks.NextBoot     # config, entry and layout read
    # notes: Tuple[str, ...]            # worth saying, not problems
    # commands: Tuple[str, ...]         # exact commands that fix problems
    # links_ours: bool                  # rollback may move the boot links
    # ignored: Tuple[str, ...]          # vmlinuz-* in /boot that are no
    #                                   # kernel of this generation
    # links_note: Optional[str]         # why the links are not ours
    # entry_problems: Tuple[str, ...]   # those of problems about the boot
    #                                   # loader's next entry itself
    # file_problems: Tuple[str, ...]    # those about the files it opens
    __slots__ = ()

    def kernel(self, release):
        for kernel in self.kernels:
            if kernel.release == release:
                return kernel
        return None

    @property
    def eligible(self):
        return tuple(k for k in self.kernels if k.eligible)


def inspect_host(facts, any_build=False):
    """The report on a host: each kernel's eligibility and the verdict."""
    image_rel, initrd_rel = bootlinks.pending_pair(facts.boot.links)
    pending = image_rel
    layout = facts.next_boot.layout
    releases = {r for r in set(facts.boot.images) | set(facts.modules)
                if accepts(layout, r)}
    releases.update(r for r in (image_rel, facts.running) if r)
    ignored = tuple(sorted(naming.image_name(r) for r in facts.boot.images
                           if r not in releases))
    kernels = tuple(
        kernel_report(facts, release, release == facts.running,
                       release == pending, any_build)
        for release in sorted(releases, key=release_key, reverse=True))
    note = links_not_ours(facts)
    report = Report(False, facts.ovs_build, facts.running, pending, kernels,
                    (), any_build, facts.next_boot, boot_notes(facts), (),
                    note is None, ignored, note, (), ())
    entry = entry_problems(facts.next_boot)
    files = boot_file_problems(facts.next_boot, facts.boot.links) \
        if facts.next_boot.entry is not None and not entry else ()
    problems = entry + files + host_problems(facts, report, initrd_rel)
    ok = (pending is not None and initrd_rel == pending and not entry
          and not files and facts.next_boot.boots is not None
          and report.kernel(pending).eligible
          and (facts.running is None or report.kernel(facts.running).eligible))
    report = report._replace(ok=ok, problems=problems, entry_problems=entry,
                             file_problems=files)
    return report._replace(commands=fix_commands(facts, report))


def links_not_ours(facts):
    """Why rollback may not move the links the next entry names, or None.

    Only a layout's own pair of boot links is the tool's to move, and only
    where no package owns them: never the kernel's files themselves (a
    fallback entry names them), never another name an entry was given.
    """
    layout = facts.next_boot.layout
    if facts.next_boot.cannot_tell is not None:
        return ("%s; ovs-rescue moves no link it cannot prove the boot "
                "loader opens" % cannot_tell_text(facts.next_boot.cannot_tell))
    if facts.next_boot.boots is None:
        return ("the boot loader's next entry is not known, so no link is "
                "proven to be the one it opens")
    names = tuple(facts.boot.links)
    owners = sorted({facts.link_owners[n] for n in names
                     if n in facts.link_owners})
    if owners:
        return ("on %s the boot links are files of the %s package"
                % (layout.releases, owners[0]))
    if names not in OWN_LINK_PAIRS:
        return ("the next boot entry names %s, not boot links ovs-rescue "
                "may move (%s, %s): make the host's own entry the default"
                % (" and ".join(names), layout.image_link,
                   layout.initrd_link))
    if not layout.links_ours:
        return "on %s the kernel package writes the boot links" % (
            layout.releases)
    return None


def entry_problems(next_boot):
    """What is wrong with the entry the boot loader picks next."""
    if next_boot.cannot_tell is not None:
        return (cannot_tell_text(next_boot.cannot_tell),)
    if next_boot.config_path is None:
        return ()
    entry = next_boot.entry
    if entry is None:
        return ("%s: %s" % (next_boot.config_path, next_boot.how),)
    if (entry.kernel or "") == (entry.initrd or ""):
        return ("%s: the next entry %r names %s as both kernel and initrd"
                % (next_boot.config_path, entry.title, entry.kernel),)
    problems = [entry.problem] if entry.problem else []
    words = ("%s %s" % (entry.title, entry.key)).lower()
    if "upgrade" in words:
        problems.append("the next boot runs the %r entry of %s (an "
                        "upgrade), not the host" % (entry.title,
                                                    next_boot.config_path))
    return tuple(problems)


def boot_file_problems(next_boot, links):
    """The files the entry opens: there, whole, and the ones the links
    name (the kernel's embedded release agreeing with its name)."""
    boots = next_boot.boots
    if boots is None:
        return ("the files the next entry opens were not read",)
    problems = [f.problem for f in (boots.hypervisor,) + tuple(boots.extras)
                + (boots.kernel, boots.initrd) if f.problem]
    names = next_boot.link_names
    for boot_file, name in ((boots.kernel, names[0]),
                            (boots.initrd, names[-1])):
        link = links.get(name)
        if boot_file.file is None or link is None or link.file_name is None:
            continue
        expected = "/boot/" + link.file_name
        if boot_file.file != expected:
            problems.append("the boot loader opens %s for %s, not %s"
                            % (boot_file.file, boot_file.written, expected))
    kernel, link = boots.kernel, links.get(names[0])
    if (kernel.version and link is not None and link.release
            and kernel.version != link.release):
        problems.append("kernel %s is release %s inside, not %s as its "
                        "name says" % (kernel.file, kernel.version,
                                       link.release))
    return tuple(problems)


def boot_notes(facts):
    """Facts worth a line that do not make a reboot unsafe."""
    notes = list(facts.next_boot.notes)
    if facts.next_boot.override_entry:
        notes.append("grubenv's override_entry=%s picks the next boot (once)"
                     % facts.next_boot.override_entry)
    if facts.markers.reboot_required:
        notes.append("a kernel update waits for a reboot (%s)"
                     % ", ".join(facts.markers.reboot_required))
    if facts.markers.network_backend == "bridge":
        notes.append("network.conf says bridge: OVS is not in use, so check "
                     "asks only whether the host boots")
    return tuple(notes)


def host_problems(facts, report, initrd_rel):
    """The host's problems: links, running kernel, journal, options."""
    problems = list(bootlinks.link_problems(facts.boot.links))
    pending = report.pending
    if pending and initrd_rel and initrd_rel != pending:
        problems.append("boot pair is mixed: kernel %s with initrd of %s"
                        % (pending, initrd_rel))
    if facts.running is None:
        problems.append("running kernel unknown (another --root; pass "
                        "--running-kernel)")
    for kernel in report.kernels:
        if (kernel.running or kernel.pending) and not kernel.eligible:
            role = "running" if kernel.running else "pending"
            if kernel.running and kernel.pending:
                role = "running and pending"
            problems.append("%s kernel %s cannot boot with OVS: %s"
                            % (role, kernel.release, "; ".join(kernel.problems)))
    problems.extend(journal_problems(facts.journal or (), facts.boot.links))
    if report.any_build:
        problems.append("--any-build: module RPMs of any OVS build count; "
                        "userspace %s and the datapath may differ"
                        % facts.ovs_build)
    return tuple(problems)
