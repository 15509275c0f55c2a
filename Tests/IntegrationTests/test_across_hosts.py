"""Parley between real hosts: Parley bound to the wildcard address in one network namespace,
SIPp in another, joined by a veth pair (see netns_hosts.py). What Parley writes where the peer
must reach it (Via, Contact, SDP) is the address of its interface toward the peer, so the
peer's ACK, BYE and audio reach Parley; the carrier trunk is given by a host name that Parley's
host resolves; nothing but the configured trunk is a trunk, loopback included."""
import hashlib
import os
import re
import subprocess

import pytest
import requests

from certificates import make_certificates
from conftest import free_port, make_parley
from netns_hosts import (CORE_HTTP_ADDRESS, CORE_SIP_ADDRESS, CORE_SIP_ADDRESS6, HOME_ADDRESS, PEER, PEER_ADDRESS,
                         PEER_ADDRESS6, CARRIER_ADDRESS, ROOT_ADDRESS, Hosts, unavailable_reason)
from pcap_reader import packets
from sip_peers import FIXTURES, baresip_sip_port, create_client, registrations, start_baresip, stop, wait_for
from webhook_server import WebhookServer

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")

CARRIER_NAME = "carrier.parley.test"
# A desk phone on the test host's side, reached by name (never the carrier's address: Parley
# refuses sip: targets at its trunk).
DESK_NAME = "desk.parley.test"
CALLER_ID = "+32483206100"


@pytest.fixture(scope="module")
def hosts():
    made = Hosts(core_hosts_file=f"{CARRIER_ADDRESS} {CARRIER_NAME}\n{ROOT_ADDRESS} {DESK_NAME}\n").create()
    yield made
    made.remove()


@pytest.fixture(scope="module")
def web(hosts):
    """The customer's web server, on the test host's side of the link."""
    server = WebhookServer(host=ROOT_ADDRESS)
    yield server
    server.httpd.shutdown()


TRUNK_CREDENTIALS = {"PARLEY_TRUNK_USERNAME": "parley-trunk", "PARLEY_TRUNK_PASSWORD": "Trunk-secret-1"}


def on_core(parley, *extra_args):
    """Starts `parley` on the `core` host, bound to every interface, with the carrier by name
    (and the credentials it asks for)."""
    parley.http_host, parley.sip_host, parley.launcher = CORE_HTTP_ADDRESS, "0.0.0.0", tuple(Hosts.in_core())
    parley.env.update(TRUNK_CREDENTIALS, PARLEY_TRUNK=f"sip:{CARRIER_NAME}:{parley.trunk_port}")
    parley.peer_args = ("--sip-allow-cidr", "198.18.0.0/15,2001:2::/48", "--webhook-allow-cidr", ROOT_ADDRESS)
    return parley.start(extra_args=("--public-url", f"{parley.base_url}", *extra_args))


@pytest.fixture(scope="module")
def remote(hosts):
    """Parley on the `core` host with two RTP port pairs (so a port that is not given back
    shows at the third call)."""
    parley = on_core(make_parley(), "--rtp-ports", "31000-31003")
    yield parley
    assert parley.stop() == 0, "parley did not shut down cleanly on SIGTERM"


@pytest.fixture(scope="module")
def secure(hosts, tmp_path_factory):
    """Parley on the `core` host with a certificate: SIP over TLS on a port of its own, HTTPS."""
    ca, certificate, key = make_certificates(str(tmp_path_factory.mktemp("tls")), [CORE_SIP_ADDRESS, CORE_HTTP_ADDRESS])
    parley = make_parley()
    parley.ca, parley.tls_port = ca, free_port()
    on_core(parley, "--tls-certificate", certificate, "--tls-key", key, "--sip-tls-port", str(parley.tls_port))
    yield parley
    assert parley.stop() == 0, "parley did not shut down cleanly on SIGTERM"


def sipp_in_peer(scenario, *extra, port=None, trace_dir=None, address=CARRIER_ADDRESS):
    """A SIPp command in the peer's namespace, on the carrier's address unless told otherwise,
    tracing its messages."""
    command = ["sipp", "-sf", os.path.join(FIXTURES, scenario), "-i", address, "-p", str(port or free_port()),
               "-mp", str(free_port() & ~1), "-m", "1", "-nostdin", "-timeout", "40s", "-timeout_error", *extra]
    if trace_dir:
        command += ["-trace_msg", "-message_file", os.path.join(trace_dir, "messages.log")]
    return Hosts.in_peer(*command)


def messages(trace_dir):
    return open(os.path.join(trace_dir, "messages.log")).read()


def parley_said(trace, start_line):
    """The messages SIPp received (so Parley sent) that begin with `start_line`, in order."""
    found = []
    for block in re.split(r"\n-{10,}[^\n]*\n", "\n" + trace):
        head, _, message = block.partition("\n")
        if "message received" in head and message.lstrip().startswith(start_line):
            found.append(message.lstrip())
    return found


def assert_advertises_its_interface_toward_the_peer(message):
    assert "127.0.0.1" not in message, message
    contact = re.search(r"^Contact:\s*<sip:([^>;]+)", message, re.MULTILINE | re.IGNORECASE)
    assert contact and contact.group(1).split("@")[-1].startswith(f"{CORE_SIP_ADDRESS}:"), message
    if "v=0" in message:
        assert f"c=IN IP4 {CORE_SIP_ADDRESS}" in message and f"IN IP4 {CORE_SIP_ADDRESS}" in message.split("o=")[1].split("\n")[0], message


def bind(parley, web, number, document):
    url = web.serve(f"/app/{number}", document)
    app = parley.client().applications.create(friendly_name=f"app for {number}", voice_url=url)
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def test_a_client_on_another_host_registers_from_its_own_address(remote, tmp_path):
    create_client(remote, "roamer", "Roamer-pass-1")
    users = tmp_path / "users.csv"
    users.write_text("SEQUENTIAL\nroamer;[authentication username=roamer password=Roamer-pass-1]\n")
    result = subprocess.run(
        [*sipp_in_peer("register_digest.xml", "-inf", str(users), address=PEER_ADDRESS), f"{CORE_SIP_ADDRESS}:{remote.sip_port}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [client] = [c for c in remote.http("GET", f"/2010-04-01/Accounts/{remote.admin_sid}/Clients.json").json()["clients"]
                if c["login"] == "roamer"]
    registrations = remote.http("GET", f"/2010-04-01/Accounts/{remote.admin_sid}/Clients/{client['sid']}/Registrations.json").json()
    [registration] = registrations["registrations"]
    assert registration["source"].startswith(f"udp:{PEER_ADDRESS}:"), registration


def test_a_call_from_another_host_carries_audio_both_ways_and_either_side_hangs_up(remote, web, tmp_path):
    number = "+32484206100"
    bind(remote, web, number, '<Response><Play digits="w"/><Pause length="5"/><Hangup/></Response>')
    # Three calls on two RTP port pairs: each call gives its ports back.
    for index in range(3):
        trace_dir = tmp_path / f"call{index}"
        trace_dir.mkdir()
        # SIPp speaks A-law from its pcap to the address in Parley's SDP; Parley hangs up.
        result = subprocess.run(
            [*sipp_in_peer("uac_speaks_g711a.xml", "-s", number, trace_dir=str(trace_dir)), f"{CORE_SIP_ADDRESS}:{remote.sip_port}"],
            capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
        trace = messages(str(trace_dir))
        [answer] = parley_said(trace, "SIP/2.0 200 OK")[:1]
        assert_advertises_its_interface_toward_the_peer(answer)
        [bye] = parley_said(trace, "BYE ")
        assert f"SIP/2.0/UDP {CORE_SIP_ADDRESS}:{remote.sip_port};" in bye, bye
    calls = remote.client().calls.list(to=number)
    assert [call.status for call in calls] == ["completed"] * 3
    for call in calls:
        # About 4 s of SIPp's speech (30 ms packets) reached the address Parley advertised.
        assert media_quality(remote, call.sid)["packets_received"] > 100

    # This caller echoes what Parley sends and hangs up itself: Parley's audio reached the
    # peer's SDP address and came back, and the caller's BYE reached Parley's Contact.
    echo_number = "+32484206101"
    bind(remote, web, echo_number, '<Response><Play digits="w"/><Pause length="30"/></Response>')
    result = subprocess.run(
        [*Hosts.in_peer("sipp", f"{CORE_SIP_ADDRESS}:{remote.sip_port}", "-sn", "uac", "-s", echo_number, "-m", "1",
                        "-d", "3000", "-rtp_echo", "-i", CARRIER_ADDRESS, "-p", str(free_port()), "-mp", str(free_port() & ~1),
                        "-nostdin", "-timeout", "30s", "-timeout_error")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:]
    assert wait_for(lambda: [c.status for c in remote.client().calls.list(to=echo_number)] == ["completed"])
    [call] = remote.client().calls.list(to=echo_number)
    assert media_quality(remote, call.sid)["packets_received"] > 100  # 3 s of Parley's 20 ms packets, echoed


def media_quality(parley, sid):
    return parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{sid}.json").json()["media_quality"]


@pytest.fixture(scope="module")
def caller_id(remote):
    """A number of the remote Parley's administrator, for the calls it starts."""
    remote.client().incoming_phone_numbers.create(phone_number=CALLER_ID)
    return CALLER_ID


def test_an_outbound_call_reaches_the_carrier_given_by_name_on_another_host_with_its_credentials(remote, web, caller_id, tmp_path):
    trace_dir = str(tmp_path)
    # The carrier challenges the INVITE (407) and answers only once SIPp's verifyauth accepts
    # the digest Parley computed from its trunk credentials.
    gateway = subprocess.Popen(sipp_in_peer("uas_digest_answer_hangup.xml", port=remote.trunk_port, trace_dir=trace_dir),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert Hosts.wait_for_listener(PEER, remote.trunk_port)
    call = remote.client().calls.create(to="+32470206190", from_=caller_id, url=web.url("/rcml"))
    out, err = gateway.communicate(timeout=60)
    assert gateway.returncode == 0, out[-2000:] + err[-1000:]
    assert wait_for(lambda: remote.client().calls(call.sid).fetch().status == "completed")
    first, second = parley_said(messages(trace_dir), "INVITE ")[:2]
    assert first.startswith(f"INVITE sip:+32470206190@{CARRIER_NAME}:{remote.trunk_port} SIP/2.0"), first
    assert f"SIP/2.0/UDP {CORE_SIP_ADDRESS}:{remote.sip_port};" in first, first
    assert_advertises_its_interface_toward_the_peer(first)
    assert "CSeq: 2 INVITE" in second and "Trunk-secret-1" not in second, second
    # The digest is the one RFC 7616 gives for the trunk's credentials, computed here with hashlib.
    fields = dict(re.findall(r'(\w+)="?([^",\r\n]+)"?', re.search(r"Proxy-Authorization: Digest (.*)", second).group(1)))
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    ha1, ha2 = md5("parley-trunk:carrier.test:Trunk-secret-1"), md5(f"INVITE:{fields['uri']}")
    assert fields["uri"] == f"sip:+32470206190@{CARRIER_NAME}:{remote.trunk_port}" and fields["opaque"] == "x1", fields
    assert fields["response"] == md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}"), fields


def test_parley_registers_with_the_carrier_and_refreshes_before_expiry(hosts, fresh_parley, tmp_path):
    parley = fresh_parley()
    registrar = subprocess.Popen(sipp_in_peer("uas_registrar_digest.xml", port=parley.trunk_port, trace_dir=str(tmp_path)),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert Hosts.wait_for_listener(PEER, parley.trunk_port)
    on_core(parley, "--trunk-register")
    # Two challenged REGISTERs, the second one the refresh of a 2-second registration.
    out, err = registrar.communicate(timeout=60)
    assert registrar.returncode == 0, out[-2000:] + err[-1000:]
    registers = parley_said(messages(str(tmp_path)), "REGISTER ")
    assert len(registers) == 4 and all(r.startswith(f"REGISTER sip:{CARRIER_NAME}:{parley.trunk_port} SIP/2.0") for r in registers)
    assert all(f"Contact: <sip:parley-trunk@{CORE_SIP_ADDRESS}:{parley.sip_port}>" in r for r in registers), registers[0]
    assert len({re.search(r"Call-ID: (\S+)", r).group(1) for r in registers}) == 1


def test_the_api_is_served_over_https_with_the_operators_certificate(secure):
    assert secure.http("GET", "/health").status_code == 200  # verified against the test CA
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://{CORE_HTTP_ADDRESS}:{secure.port}/health", timeout=5)  # the system's CAs do not know it
    try:
        plain = requests.get(f"http://{CORE_HTTP_ADDRESS}:{secure.port}/health", timeout=5)
        assert plain.status_code != 200
    except requests.RequestException:
        pass  # no plain HTTP beside HTTPS
    assert secure.client().api.v2010.accounts(secure.admin_sid).fetch().sid == secure.admin_sid


def test_clients_on_another_host_register_over_udp_tcp_and_tls(secure):
    for transport, port in (("udp", secure.sip_port), ("tcp", secure.sip_port), ("tls", secure.tls_port)):
        login = f"reg{transport}"
        client = create_client(secure, login, "Register-pass-1")
        process, log = start_baresip(secure, login, "Register-pass-1", transport=transport, launcher=Hosts.in_peer(),
                                     local_address=PEER_ADDRESS, registrar=f"{CORE_SIP_ADDRESS}:{port}", cafile=secure.ca)
        try:
            assert wait_for(lambda: registrations(secure, client["sid"]), timeout=15), open(log).read()[-2000:]
            [registration] = registrations(secure, client["sid"])
            assert registration["source"].startswith(f"{transport}:{PEER_ADDRESS}:"), registration
        finally:
            stop(process)


def test_clients_call_each_other_over_tls_with_srtp_and_nothing_crosses_in_clear(secure, web, tmp_path):
    url = web.serve("/tls/alice", '<Response><Dial timeLimit="4"><Client>bob</Client></Dial></Response>')
    app = secure.client().applications.create(friendly_name="tls dial", voice_url=url)
    create_client(secure, "alice", "Alice-pass-1", VoiceApplicationSid=app.sid)
    bob_sid = create_client(secure, "bob", "Bob-pass-1")["sid"]
    capture_path = str(tmp_path / "peer.pcap")
    capture = subprocess.Popen(Hosts.in_peer("tcpdump", "-i", "pit-peer", "-U", "-n", "-w", capture_path, "host", CORE_SIP_ADDRESS),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert "listening on" in capture.stderr.readline()
    common = dict(transport="tls", mediaenc="srtp-mand", launcher=Hosts.in_peer(), local_address=PEER_ADDRESS,
                  registrar=f"{CORE_SIP_ADDRESS}:{secure.tls_port}", cafile=secure.ca)
    bob, bob_log = start_baresip(secure, "bob", "Bob-pass-1", answermode="auto", **common)
    alice = None
    try:
        assert wait_for(lambda: registrations(secure, bob_sid), timeout=15), open(bob_log).read()[-2000:]
        alice, alice_log = start_baresip(
            secure, "alice", "Alice-pass-1", tone_hz=600,
            commands=[f"/dial sip:+3222060795@{CORE_SIP_ADDRESS}:{secure.tls_port};transport=tls"], **common)
        assert wait_for(lambda: [c.status for c in secure.client().calls.list(to="+3222060795")] == ["completed"], timeout=40), \
            open(alice_log).read()[-3000:]
    finally:
        stop(alice, bob, capture)
    [parent] = secure.client().calls.list(to="+3222060795")
    [child] = secure.client().calls.list(parent_call_sid=parent.sid)
    assert child.to == "client:bob" and child.status == "completed"
    for sid in (parent.sid, child.sid):
        quality = media_quality(secure, sid)
        # SRTP both ways on both legs: every packet authenticated, about 4 s of audio each way.
        assert quality["srtp"] is True and quality["srtp_packets_rejected"] == 0, quality
        assert quality["packets_received"] > 100 and quality["packets_sent"] > 100, quality
    # On the wire: the signalling is encrypted (no SIP, no SDES key), and every RTP packet
    # carries SRTP's 10-byte tag after its 160 bytes of G.711: none went in clear.
    seen = list(packets(capture_path))
    assert not any(b"a=crypto" in payload or b"SIP/2.0" in payload for _, _, _, payload in seen)
    rtp = [payload for protocol, _, _, payload in seen if protocol == "udp" and len(payload) >= 12 and payload[0] >> 6 == 2
           and payload[1] & 0x7F in (0, 8)]
    assert len(rtp) > 300, len(rtp)
    assert all(len(payload) == 12 + 160 + 10 for payload in rtp), sorted({len(p) for p in rtp})


def test_a_client_behind_nat_is_reached_and_heard(remote, web):
    """bob's softphone sits on a private network behind a masquerading NAT: Parley reaches it at
    the address its REGISTER came from, and hears it although its SDP names a private address."""
    url = web.serve("/nat/alice", '<Response><Dial timeLimit="4"><Client>natbob</Client></Dial></Response>')
    app = remote.client().applications.create(friendly_name="nat dial", voice_url=url)
    create_client(remote, "natalice", "Alice-pass-1", VoiceApplicationSid=app.sid)
    bob_sid = create_client(remote, "natbob", "Bob-pass-1")["sid"]
    registrar = f"{CORE_SIP_ADDRESS}:{remote.sip_port}"
    bob, bob_log = start_baresip(remote, "natbob", "Bob-pass-1", answermode="auto", sip_trace=True, launcher=Hosts.in_home(),
                                 local_address=HOME_ADDRESS, registrar=registrar)
    alice = None
    try:
        assert wait_for(lambda: registrations(remote, bob_sid), timeout=15), open(bob_log).read()[-2000:]
        [registration] = registrations(remote, bob_sid)
        assert registration["source"].startswith(f"udp:{PEER_ADDRESS}:"), registration  # the NAT's address, not bob's
        alice, alice_log = start_baresip(remote, "natalice", "Alice-pass-1", tone_hz=600, launcher=Hosts.in_peer(),
                                         local_address=PEER_ADDRESS, registrar=registrar,
                                         commands=[f"/dial sip:+3222060794@{registrar}"])
        assert wait_for(lambda: [c.status for c in remote.client().calls.list(to="+3222060794")] == ["completed"], timeout=40), \
            open(alice_log).read()[-3000:]
    finally:
        stop(alice, bob)
    assert f"c=IN IP4 {HOME_ADDRESS}" in open(bob_log).read()  # bob's answer named his private address
    [parent] = remote.client().calls.list(to="+3222060794")
    [child] = remote.client().calls.list(parent_call_sid=parent.sid)
    assert child.to == "client:natbob" and child.status == "completed"
    # About 4 s of each softphone's tone reached Parley, bob's through the NAT's mapping.
    for sid in (parent.sid, child.sid):
        quality = media_quality(remote, sid)
        assert quality["packets_received"] > 100 and quality["packets_sent"] > 100, quality


def test_a_parley_bound_to_both_families_takes_calls_over_ipv6_and_ipv4(hosts, web, fresh_parley, tmp_path):
    parley = on_core(fresh_parley(), "--sip-host", "::", "--trunk-source", PEER_ADDRESS6)
    bind(parley, web, "+32484206102", '<Response><Play digits="w"/><Pause length="5"/><Hangup/></Response>')
    # Over IPv6: the answer names Parley's IPv6 interface toward the peer; SIPp echoes
    # Parley's audio back to it.
    trace_dir = tmp_path / "v6"
    trace_dir.mkdir()
    result = subprocess.run(
        Hosts.in_peer("sipp", f"[{CORE_SIP_ADDRESS6}]:{parley.sip_port}", "-sn", "uac", "-s", "+32484206102", "-m", "1",
                      "-d", "3000", "-rtp_echo", "-i", PEER_ADDRESS6, "-p", str(free_port()), "-mp", str(free_port() & ~1),
                      "-nostdin", "-timeout", "30s", "-timeout_error", "-trace_msg", "-message_file", str(trace_dir / "messages.log")),
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [answer] = parley_said(messages(str(trace_dir)), "SIP/2.0 200 OK")[:1]
    assert f"Contact: <sip:[{CORE_SIP_ADDRESS6}]:{parley.sip_port}>" in answer and f"c=IN IP6 {CORE_SIP_ADDRESS6}" in answer, answer
    # Over IPv4 to the same socket: SIPp speaks to the IPv4 address in Parley's SDP.
    trace_dir = tmp_path / "v4"
    trace_dir.mkdir()
    result = subprocess.run(
        [*sipp_in_peer("uac_speaks_g711a.xml", "-s", "+32484206102", trace_dir=str(trace_dir)), f"{CORE_SIP_ADDRESS}:{parley.sip_port}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [answer] = parley_said(messages(str(trace_dir)), "SIP/2.0 200 OK")[:1]
    assert_advertises_its_interface_toward_the_peer(answer)
    calls = parley.client().calls.list(to="+32484206102")
    assert [call.status for call in calls] == ["completed", "completed"]
    for call in calls:
        assert media_quality(parley, call.sid)["packets_received"] > 100


def test_the_twilio_library_starts_a_call_to_a_client_on_another_host(remote, web, caller_id):
    client_sid = create_client(remote, "deskphone", "Desk-pass-1")["sid"]
    phone, log = start_baresip(remote, "deskphone", "Desk-pass-1", answermode="auto", launcher=Hosts.in_peer(),
                               local_address=PEER_ADDRESS, registrar=f"{CORE_SIP_ADDRESS}:{remote.sip_port}")
    try:
        assert wait_for(lambda: registrations(remote, client_sid), timeout=15), open(log).read()[-2000:]
        url = web.serve("/twilio/desk", '<Response><Play digits="w"/><Pause length="3"/><Hangup/></Response>')
        call = remote.client().calls.create(to="client:deskphone", from_=caller_id, url=url)
        assert wait_for(lambda: remote.client().calls(call.sid).fetch().status == "completed", timeout=30), open(log).read()[-3000:]
    finally:
        stop(phone)
    record = remote.client().calls(call.sid).fetch()
    assert int(record.duration) >= 3
    assert media_quality(remote, call.sid)["packets_received"] > 100  # baresip's tone, across the link


def tls_phone(parley, directory):
    """A baresip on the test host listening for TLS with a certificate for DESK_NAME from a
    CA of its own (made in `directory`); gives (process, log, TLS port, that CA)."""
    ca, certificate, key = make_certificates(str(directory), [], names=(DESK_NAME,))
    bundle = directory / "phone.pem"
    bundle.write_text(open(certificate).read() + open(key).read())
    phone, log = start_baresip(parley, "tlsdesk", "Desk-pass-1", regint=0, answermode="auto", transport="tls", mediaenc="srtp-mand",
                               sip_trace=True, local_address=ROOT_ADDRESS, registrar=ROOT_ADDRESS, certificate=str(bundle))
    tls_port = baresip_sip_port(log) + 1
    assert Hosts.wait_for_listener(None, tls_port, protocol="tcp"), open(log).read()[-2000:]
    return phone, log, tls_port, ca


def test_parley_opens_a_tls_connection_to_call_a_sips_address(hosts, web, fresh_parley, tmp_path):
    """A `sips:` target by name: Parley connects over TLS itself, checks that the far end's
    certificate is for that name and signed by the CA it was given, and offers SRTP."""
    trusted, stranger = tmp_path / "trusted", tmp_path / "stranger"
    for directory in (trusted, stranger):
        directory.mkdir()
    parley = fresh_parley()
    phone, log, tls_port, ca = tls_phone(parley, trusted)
    url = web.serve("/sips/desk", '<Response><Play digits="w"/><Pause length="3"/><Hangup/></Response>')
    try:
        on_core(parley, "--tls-ca-file", ca)
        parley.client().incoming_phone_numbers.create(phone_number=CALLER_ID)
        call = parley.client().calls.create(to=f"sips:tlsdesk@{DESK_NAME}:{tls_port}", from_=CALLER_ID, url=url)
        assert wait_for(lambda: parley.client().calls(call.sid).fetch().status == "completed", timeout=30), \
            open(log).read()[-3000:] + parley.logs()[-2000:]
    finally:
        stop(phone)
    quality = media_quality(parley, call.sid)
    assert quality["srtp"] is True and quality["packets_received"] > 100, quality
    assert f"INVITE sips:tlsdesk@{DESK_NAME}" in open(log).read()  # over TLS, Parley's own connection

    # A phone whose certificate comes from a CA Parley was not given is never called.
    phone, log, tls_port, _ = tls_phone(parley, stranger)
    try:
        call = parley.client().calls.create(to=f"sips:tlsdesk@{DESK_NAME}:{tls_port}", from_=CALLER_ID, url=url, timeout=5)
        assert wait_for(lambda: parley.client().calls(call.sid).fetch().status == "no-answer", timeout=20)
    finally:
        stop(phone)
    assert "INVITE sips:" not in open(log).read()  # the handshake failed: nothing reached the phone
