"""The fleet harness itself (tests/fleet): every host answers as itself.

Once in a full run the play saw xs70-full's /boot (a full tmpfs) as
read-only: free_port() had handed xs70-full the port it had just handed
xs8-ro, whose sshd bound it first; xs70-full's sshd failed to bind, and a
connection to the port (xs8-ro's sshd, same key) passed for xs70-full
being up.
"""
import pytest

from tests.fleet import HostSpec, missing, sshd, start_fleet

SKIP = missing()


def test_free_port_never_hands_out_a_port_twice():
    # 500 draws from ~14000 free odd ports repeat one with p > 0.999.
    ports = [sshd.free_port() for _ in range(500)]
    assert len(set(ports)) == len(ports)


@pytest.mark.skipif(SKIP is not None, reason=SKIP or "")
def test_a_host_whose_port_another_sshd_took_gets_another_and_is_itself(
        tmp_path, rpm_factory, monkeypatch):
    handed = []
    real = sshd.free_port

    def same_port_twice():
        port = handed[0] if len(handed) == 1 else real()
        handed.append(port)
        return port

    monkeypatch.setattr(sshd, "free_port", same_port_twice)
    fleet = start_fleet(tmp_path, [HostSpec("ro", "xs70", boot="ro"),
                                   HostSpec("full", "xs70", boot="full")],
                        rpm_factory)
    try:
        assert handed[0] == handed[1]       # the collision did happen
        ports = {name: fleet.host(name).port for name in ("ro", "full")}
        assert ports["ro"] != ports["full"], ports
        for name in ("ro", "full"):
            assert fleet.ssh(name, "hostname")[:2] == (0, name + "\n")
        rc, out, err = fleet.ssh("full", "echo x > /boot/probe")
        assert rc != 0 and "No space left" in err, err
    finally:
        fleet.stop()
