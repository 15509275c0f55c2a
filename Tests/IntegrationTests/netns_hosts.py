"""Test hosts on one machine: network namespaces joined by veth pairs, with addresses from the
benchmarking range 198.18.0.0/15, created by the tests and removed after them.

    root namespace (tests, web server) 198.18.0.1 --- 198.18.0.2  core (Parley)
                                                      198.18.1.1  core --- 198.18.1.2  peer (softphones: baresip)
                                                                           198.18.1.3  peer (the carrier: SIPp)
                                                   2001:2:0:1::1  core --- 2001:2:0:1::2  peer
                                                                               198.19.0.1  peer --- 198.19.0.2  home

Parley is bound to the wildcard address in `core`, so what it advertises to the peer must be
198.18.1.1, the interface that routes toward it, never 127.0.0.1. `home` is a softphone's
private network: `peer` routes it and masquerades it behind 198.18.1.2 (nftables), and `core`
has no route to it, so Parley reaches a softphone there only through the NAT's mappings. The
carrier has an address of its own, since Parley routes whatever comes from it as a PSTN call;
SIPp binds it for signalling and media, whereas baresip's media sockets take the interface's
first address."""
import os
import shutil
import subprocess

from sip_peers import wait_for

CORE, PEER, HOME = "parley-it-core", "parley-it-peer", "parley-it-home"
ROOT_ADDRESS, CORE_HTTP_ADDRESS = "198.18.0.1", "198.18.0.2"
CORE_SIP_ADDRESS, PEER_ADDRESS, CARRIER_ADDRESS = "198.18.1.1", "198.18.1.2", "198.18.1.3"
NAT_INSIDE_ADDRESS, HOME_ADDRESS = "198.19.0.1", "198.19.0.2"
# IPv6 on the core–peer link, from the IPv6 benchmarking range 2001:2::/48 (RFC 5180).
CORE_SIP_ADDRESS6, PEER_ADDRESS6 = "2001:2:0:1::1", "2001:2:0:1::2"
LINKS = (("pit-root", None, ROOT_ADDRESS, "pit-core0", CORE, CORE_HTTP_ADDRESS),
         ("pit-core1", CORE, CORE_SIP_ADDRESS, "pit-peer", PEER, PEER_ADDRESS),
         ("pit-nat", PEER, NAT_INSIDE_ADDRESS, "pit-home", HOME, HOME_ADDRESS))
NAT_RULES = """table ip parley_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 198.19.0.0/24 oifname "pit-peer" masquerade
  }
}
"""


def unavailable_reason():
    """Why these hosts cannot be made here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root (the tests across hosts create them)"
    for command, package in (("ip", "iproute2"), ("nft", "nftables"), ("tcpdump", "tcpdump")):
        if shutil.which(command) is None:
            return f"{package}'s {command} command is not installed"
    return None


def _ip(*args, namespace=None, check=True):
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    return subprocess.run([*prefix, "ip", *args], capture_output=True, text=True, check=check)


class Hosts:
    """The two namespaces and their links; `in_core` and `in_peer` prefix a command to run there."""

    def __init__(self, core_hosts_file=""):
        """`core_hosts_file` is added to /etc/hosts as Parley's host sees it."""
        self.core_hosts_file = core_hosts_file

    def create(self):
        self.remove()
        for namespace in (CORE, PEER, HOME):
            _ip("netns", "add", namespace)
            _ip("link", "set", "lo", "up", namespace=namespace)
        for left, left_ns, left_address, right, right_ns, right_address in LINKS:
            _ip("link", "add", left, "type", "veth", "peer", "name", right)
            for name, namespace, address in ((left, left_ns, left_address), (right, right_ns, right_address)):
                if namespace:
                    _ip("link", "set", name, "netns", namespace)
                _ip("addr", "add", f"{address}/24", "dev", name, namespace=namespace)
                _ip("link", "set", name, "up", namespace=namespace)
        _ip("addr", "add", f"{CARRIER_ADDRESS}/24", "dev", "pit-peer", namespace=PEER)
        for namespace, device, address in ((CORE, "pit-core1", CORE_SIP_ADDRESS6), (PEER, "pit-peer", PEER_ADDRESS6)):
            _ip("-6", "addr", "add", f"{address}/64", "dev", device, "nodad", namespace=namespace)
        _ip("route", "add", "default", "via", NAT_INSIDE_ADDRESS, namespace=HOME)
        subprocess.run(self.in_peer("sysctl", "-qw", "net.ipv4.ip_forward=1"), check=True)
        subprocess.run(self.in_peer("nft", "-f", "-"), input=NAT_RULES, text=True, check=True)
        # `ip netns exec` shows a namespace the files of /etc/netns/NAME in place of /etc's.
        os.makedirs(f"/etc/netns/{CORE}", exist_ok=True)
        with open(f"/etc/netns/{CORE}/hosts", "w") as hosts:
            hosts.write("127.0.0.1 localhost\n::1 localhost\n" + self.core_hosts_file)
        return self

    def remove(self):
        for namespace in (CORE, PEER, HOME):
            _ip("netns", "del", namespace, check=False)
        _ip("link", "del", "pit-root", check=False)
        shutil.rmtree(f"/etc/netns/{CORE}", ignore_errors=True)

    @staticmethod
    def in_core(*command):
        return ["ip", "netns", "exec", CORE, *command]

    @staticmethod
    def in_peer(*command):
        return ["ip", "netns", "exec", PEER, *command]

    @staticmethod
    def in_home(*command):
        return ["ip", "netns", "exec", HOME, *command]

    @staticmethod
    def wait_for_listener(namespace, port, protocol="udp", timeout=10.0):
        """Waits until something in `namespace` (None: this host) listens on `port` over
        `protocol` ("udp" or "tcp"): a SIPp UAS or a softphone being ready."""
        prefix = ["ip", "netns", "exec", namespace] if namespace else []
        flags = "-Hlun" if protocol == "udp" else "-Hltn"
        return wait_for(lambda: subprocess.run([*prefix, "ss", flags, f"sport = :{port}"], capture_output=True, text=True).stdout.strip(),
                        timeout=timeout)
