"""OpenSSH for the fleet: keys, each host's sshd_config, the client's options.

Every host gets its own sshd on 127.0.0.1 and a free port, root login by
key only, its session chrooted into the host's dom0 root with sftp served
by sshd itself. An old-sshd host offers exactly what OpenSSH 4.3 (XenServer
5.6-6.5) offers that today's sshd can still speak; OLD_SSHD_CLIENT_ARGS
are the client options that reach it.
"""
import os
import socket
import subprocess

# OpenSSH 4.3's algorithms that OpenSSH 9.x still implements: an ssh-rsa
# host key signing with SHA-1, SHA-1 key exchange, CBC and CTR ciphers,
# hmac-sha1/md5, RSA user keys only. (4.3 also had ssh-dss, arcfour,
# blowfish, cast128 and hmac-ripemd160, which 9.x no longer offers.)
#
# One thing a 9.x sshd cannot pretend: 4.3 sends no server-sig-algs (RFC
# 8308 came ten years later), so a current client signs its RSA key with
# ssh-rsa, which it refuses unless told PubkeyAcceptedAlgorithms=+ssh-rsa
# (sshconnect2.c, key_sig_algorithm). A 9.x sshd always advertises
# rsa-sha2-*, whatever it accepts, and the client then signs with
# rsa-sha2-512; so this sshd accepts those signatures of the RSA key too.
# The host key and key exchange are 4.3's exactly: without the documented
# client options the client cannot connect at all.
OLD_SSHD_ALGORITHMS = {
    "HostKeyAlgorithms": "ssh-rsa",
    "KexAlgorithms": "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,"
                     "diffie-hellman-group-exchange-sha1",
    "Ciphers": "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes192-cbc,"
               "aes256-cbc,3des-cbc",
    "MACs": "hmac-sha1,hmac-sha1-96,hmac-md5,hmac-md5-96",
    "PubkeyAcceptedAlgorithms": "ssh-rsa,rsa-sha2-256,rsa-sha2-512",
}
# What a current client (OpenSSH 8.8+) must be told to reach such a host;
# its default ciphers (aes*-ctr) and MACs (hmac-sha1) already overlap.
OLD_SSHD_CLIENT_ARGS = ("-o HostKeyAlgorithms=+ssh-rsa "
                        "-o PubkeyAcceptedAlgorithms=+ssh-rsa "
                        "-o KexAlgorithms=+diffie-hellman-group14-sha1")
# Every fleet connection: a throwaway host key each run, no prompts.
CLIENT_ARGS = ("-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no "
               "-o LogLevel=ERROR")


def keygen(path, kind):
    """A passphrase-less key pair (kind: rsa or ed25519) at path, path.pub."""
    command = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "ovs-fleet",
               "-f", path]
    if kind == "rsa":
        command[4:4] = ["-b", "2048"]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
    return path


# Every port free_port() handed out in this process: the kernel may offer
# one again before the server it was meant for has bound it.
_HANDED_OUT = set()


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now, and never one
    this process was given before (its server may not have bound it yet;
    another process can still take it: see harness._start_host)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def sshd_config(port, host_key, authorized_keys, chroot, old_sshd):
    """The text of one host's sshd_config (every path absolute)."""
    lines = [
        "Port %d" % port,
        "ListenAddress 127.0.0.1",
        "HostKey %s" % host_key,
        "PidFile none",
        "AuthorizedKeysFile %s" % authorized_keys,
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes yes",
        "UseDNS no",
        "PrintMotd no",
        "PrintLastLog no",
        "X11Forwarding no",
        # Ansible opens many sessions at once over one ControlMaster.
        "MaxStartups 64",
        "MaxSessions 64",
        "LogLevel VERBOSE",
        "ChrootDirectory %s" % chroot,
        "Subsystem sftp internal-sftp",
    ]
    if old_sshd:
        lines += ["%s %s" % item for item in OLD_SSHD_ALGORITHMS.items()]
    return "\n".join(lines) + "\n"


def client_command(port, key, extra_args=""):
    """argv prefix of an ssh client reaching one host as root."""
    return (["ssh", "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes",
             "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
             "-p", str(port)]
            + (CLIENT_ARGS + " " + extra_args).split()
            + ["root@127.0.0.1"])


def scp_command(port, key, extra_args=""):
    """argv prefix of scp to one host as root (sources and target follow)."""
    return (["scp", "-F", "/dev/null", "-q", "-i", key, "-o",
             "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-P", str(port)]
            + (CLIENT_ARGS + " " + extra_args).split())


def close_control_sockets(directory):
    """`ssh -O exit` every ControlPersist master whose socket is here."""
    if not os.path.isdir(directory):
        return
    for name in sorted(os.listdir(directory)):
        subprocess.run(["ssh", "-F", "/dev/null", "-o",
                        "ControlPath=" + os.path.join(directory, name),
                        "-O", "exit", "fleet"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=10)
