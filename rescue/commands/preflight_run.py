"""The preflight's reads, once each, then its pure decision."""
from rescue.host import candidates as reads
from rescue.commands.boundary import load_report
from rescue.core.preflight import decide
from rescue.host.reloadfacts import read_reload_facts


def run_preflight(source, arguments, accepted, any_build):
    """Preflight of rpm -U of the packages named, on the source's host.

    rpm runs three times besides check's own query: the candidates'
    headers, the installed packages of their names and the kernels', and
    rpm's own --test transaction.
    """
    paths = reads.package_files(arguments)
    facts, report = load_report(source, any_build)
    headers = reads.read_candidates(source.root, source.dbpath, paths,
                                    source.timeout)
    names = set(reads.HOST_NAMES) | {h.name for h in headers}
    installed = reads.read_installed(source.root, source.dbpath, names,
                                     source.timeout)
    rpm_test = reads.run_rpm_test(source.root, source.dbpath, paths,
                                  source.timeout,
                                  oldpackage="downgrade" in accepted)
    reload = read_reload_facts(source.root, source.timeout)
    return decide(facts, report, headers, installed, reload, accepted,
                  rpm_test)
