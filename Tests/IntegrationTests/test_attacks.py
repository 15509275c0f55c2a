"""Attacks on Parley, each a test that fails if the attack succeeds: toll fraud through the
REST API and through <Dial> (the carrier's trunk as a SIP address, emergency, premium and
foreign numbers, CR/LF in user parts and caller IDs, Parley dialling itself), SSRF through
webhooks, redirects and <Play> (loopback outside the operator's allow-list, cloud metadata,
private addresses, http+unix, Parley's own API), a stranger spraying the RTP port range
during a call, a suspended customer (with its sub-accounts) or a disabled Client still
taking or making calls, logins probed or impersonated by INVITE, an account going past its
limits, refusals retransmitted toward spoofed sources, slow or greedy connections
(slowloris on HTTP and SIP over TCP, more connections than a source may hold), and a flood
of INVITE transactions. The tests' own peers are
on loopback, which the shared Parley allows for SIP (as an operator would allow a lab) and at
127.0.0.1 for webhooks; everything else stays refused."""
import os
import re
import select
import socket
import subprocess
import threading
import time

import pytest
import requests

from audio_check import best_correlation, pcap_alaw_samples, wav_samples
from conftest import CARRIER_HOST, free_port
from rcml_calls import sipp
from sip_peers import SOFTPHONE_ADDRESS, RawSIP, challenge_fields, create_client, digest, registrations, run_sipp, wait_for
from test_sip_calls import send_invite
from webhook_server import WebhookServer, webhook

PCAP = "/usr/share/sip-tester/g711a.pcap"


@pytest.fixture
def trunk_listener(parley):
    """A UDP socket on the carrier's port: an attack that reaches the trunk shows up here."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((CARRIER_HOST, parley.trunk_port))
    yield listener
    listener.close()


def nothing_arrived(listener):
    readable, _, _ = select.select([listener], [], [], 0.3)
    return not readable


@pytest.fixture(scope="module")
def inside():
    """A web server at 127.0.0.2: on loopback, outside the shared Parley's allow-list
    (127.0.0.1), standing for the operator's internal services."""
    server = WebhookServer(host="127.0.0.2")
    yield server
    server.httpd.shutdown()


def own(parley, number):
    app = parley.client().applications.create(friendly_name=f"attacker {number}", voice_url=webhook().url("/attack/hold"))
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def notifications(parley, **filters):
    path = f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json"
    return parley.http("GET", path, params={"PageSize": 1000, **filters}).json()["notifications"]


def test_the_api_refuses_toll_fraud_destinations(parley, trunk_listener):
    caller_id = "+32490206100"
    own(parley, caller_id)
    attacks = {
        f"sip:+32470206135@{CARRIER_HOST}:{parley.trunk_port}": (21215, "trunk"),
        f"sip:+32470206135@{CARRIER_HOST}:{parley.trunk_port};transport=tcp": (21215, "trunk"),
        "112": (21215, "emergency"),
        "+32 101": (21215, "emergency"),
        "0900 12 345": (21215, "emergency or special"),
        "+88213000001": (21215, "not a Belgian number"),
        "tel:+88213000001": (21215, "not a Belgian number"),
        "sip:+88213000001@carrier.example.net": (21215, "not a Belgian number"),
        "sip:112@carrier.example.net": (21215, "emergency"),
        "sip:%0D%0AP-Asserted-Identity%3A%20%3Csip%3A%2B3222222222%40x%3E@127.0.0.1:5999": (21211, "cannot be sent"),
        "sip:desk@127.0.0.1:5999?P-Asserted-Identity=%3Csip%3A%2B3222222222%40x%3E": (21211, "cannot be sent"),
        f"sip:desk@127.0.0.1:{parley.sip_port}": (21215, "Parley itself"),
        "sip:desk@169.254.169.254": (21215, "not a public address"),
        "sip:desk@10.0.0.1": (21215, "not a public address"),
        "sip:desk@[::1]:5999": (21215, "not a public address"),
    }
    url = webhook().url("/attack/hold")
    for to, (code, reason) in attacks.items():
        response = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json", data={"To": to, "From": caller_id, "Url": url})
        assert response.status_code == 400, (to, response.text)
        assert response.json()["code"] == code and reason in response.json()["message"], (to, response.json())
    # A caller ID that is not the account's, toward the PSTN or a SIP address.
    for to in ("+32470206135", "sip:desk@127.0.0.1:5999"):
        response = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json",
                               data={"To": to, "From": "+3222222222", "Url": url})
        assert response.status_code == 400 and response.json()["code"] == 21210, response.text
    assert parley.client().calls.list(from_=caller_id) == []
    assert nothing_arrived(trunk_listener)
    # Each refused destination is on record for the account.
    texts = [n["message_text"] for n in notifications(parley)]
    assert sum("refused" in text for text in texts) >= len(attacks), texts


def test_dial_cannot_reach_the_trunk_parley_or_a_private_address_nor_inject_headers(parley, trunk_listener):
    number = "+32490206101"
    injected = "+32490206101&#13;&#10;P-Asserted-Identity: &lt;sip:+3222222222@carrier&gt;"
    document = (
        "<Response>"
        f'<Dial callerId="{injected}" timeout="3">+32470206135</Dial>'
        '<Dial callerId="+3222222222" timeout="3">+32470206135</Dial>'
        f'<Dial timeout="3"><Sip>sip:+32470206135@{CARRIER_HOST}:{parley.trunk_port}</Sip></Dial>'
        f'<Dial timeout="3"><Sip>sip:{number}@127.0.0.1:{parley.sip_port}</Sip></Dial>'
        '<Dial timeout="3"><Sip>sip:desk@169.254.169.254</Sip></Dial>'
        '<Dial timeout="3"><Sip>sip:%0D%0AX-Evil%3A%201@127.0.0.1:5999</Sip></Dial>'
        '<Dial timeout="3">+88213000001</Dial>'
        '<Dial timeout="3">112</Dial>'
        "<Hangup/></Response>")
    app = parley.client().applications.create(friendly_name="fraud", voice_url=webhook().serve("/attack/fraud", document))
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    result = sipp(parley, "uac_parley_hangs_up.xml", number=number)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [call] = parley.client().calls.list(to=number)
    assert parley.client().calls.list(parent_call_sid=call.sid) == []  # no Dial placed a call
    assert nothing_arrived(trunk_listener)
    texts = sorted((n["error_code"], n["message_text"]) for n in notifications(parley, CallSid=call.sid))
    codes = [code for code, _ in texts]
    assert codes.count("13214") == 2, texts  # both caller IDs refused
    assert sum("trunk" in text for _, text in texts) == 1, texts
    assert sum("Parley itself" in text for _, text in texts) == 1, texts
    assert sum("not a public address" in text for _, text in texts) == 1, texts
    assert sum("cannot be sent" in text for _, text in texts) == 1, texts
    assert "13227" in codes and sum("emergency" in text for _, text in texts) == 1, texts


def fetched_nothing(server):
    return server.received() == []


def test_webhooks_and_audio_cannot_reach_the_operators_network(parley, inside):
    secret = inside.serve("/secret", "<Response><Say>internal</Say></Response>")
    wav = inside.serve("/prompt.wav", b"RIFF")
    targets = {
        "+32490206102": secret,  # loopback outside the allow-list
        "+32490206103": "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "+32490206104": "http://10.20.30.40/rcml",  # a private address
        "+32490206105": webhook().url(f"/redirect?to={secret}"),  # an allowed host redirecting inside
        "+32490206106": f"http://127.0.0.1:{parley.port}/2010-04-01/Accounts.json",  # Parley's own API
        "+32490206107": f"http://[::1]:{inside.port}/secret",
    }
    for number, url in targets.items():
        app = parley.client().applications.create(friendly_name=f"ssrf {number}", voice_url=url)
        parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
        result = sipp(parley, "uac_parley_hangs_up.xml", number=number)
        assert result.returncode == 0, (url, result.stdout[-1500:])
        [call] = parley.client().calls.list(to=number)
        [entry] = notifications(parley, CallSid=call.sid)[-1:]
        assert "refused" in entry["message_text"] and entry["error_code"] == "11200", (url, entry)
        assert not entry.get("response_body"), entry  # nothing from a refused address reaches the tenant
    # An application whose own document is allowed, pointing <Play> and a status callback inside.
    number = "+32490206108"
    document = webhook().serve("/attack/play", f"<Response><Play>{wav}</Play><Hangup/></Response>")
    app = parley.client().applications.create(friendly_name="ssrf play", voice_url=document, status_callback=secret)
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    result = sipp(parley, "uac_parley_hangs_up.xml", number=number)
    assert result.returncode == 0, result.stdout[-1500:]
    [call] = parley.client().calls.list(to=number)
    assert wait_for(lambda: len([n for n in notifications(parley, CallSid=call.sid) if "refused" in n["message_text"]]) == 2), \
        notifications(parley, CallSid=call.sid)
    assert fetched_nothing(inside)
    # Only http and https: the API refuses any other scheme where a URL is given.
    response = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Applications.json",
                           data={"FriendlyName": "unix", "VoiceUrl": "http+unix://%2Fvar%2Frun%2Fdocker.sock/containers/json"})
    assert response.status_code == 400 and "VoiceUrl" in response.json()["message"], response.text


def test_a_stranger_spraying_the_rtp_ports_neither_hears_nor_changes_a_call(fresh_parley):
    parley = fresh_parley()
    first, last = 32100, 32119
    parley.start(extra_args=("--test-clock", "--rtp-ports", f"{first}-{last}"))
    number = "+32490206109"
    done = webhook().serve("/attack/spray/done", "<Response><Hangup/></Response>")
    document = webhook().serve("/attack/spray", f'<Response><Record action="{done}" timeout="3" playBeep="false"/></Response>')
    app = parley.client().applications.create(friendly_name="sprayed", voice_url=document)
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    sprayer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sprayer.bind(("127.0.0.1", 0))
    sprayer.setblocking(False)
    heard, stop = [], threading.Event()
    noise = bytes([0x80, 0x08, 0, 1, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78]) + bytes([0xD5 ^ 0x55] * 160)

    def spray():
        sequence = 0
        while not stop.is_set():
            for port in range(first, last + 1, 2):
                try:
                    sprayer.sendto(noise[:2] + sequence.to_bytes(2, "big") + noise[4:], ("127.0.0.1", port))
                except OSError:
                    pass
            sequence = (sequence + 1) & 0xFFFF
            try:
                while True:
                    heard.append(sprayer.recv(2048))
            except OSError:  # nothing more to read (or an ICMP error from a port not in use)
                pass
            stop.wait(0.01)

    thread = threading.Thread(target=spray, daemon=True)
    thread.start()
    try:
        result = sipp(parley, "uac_speaks_g711a.xml", number=number)
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert heard == [], f"the sprayer received {len(heard)} packets"
    [call] = parley.client().calls.list(to=number)
    quality = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{call.sid}.json").json()["media_quality"]
    assert quality["stranger_packets_dropped"] > 0, quality
    [form] = [r["form"] for r in webhook().received("/attack/spray/done") if r["form"]["CallSid"] == call.sid]
    media = requests.get(form["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    assert best_correlation(pcap_alaw_samples(PCAP), wav_samples(media.content)[1]) >= 0.9  # the caller's audio, intact


def register(parley, login, password):
    """One authenticated REGISTER from a new socket: the final status."""
    raw = RawSIP(parley)
    _, _, headers = raw.register(login)
    fields = challenge_fields(headers["www-authenticate"][0])
    status, _, _ = raw.register(login, authorization=digest(login, password, fields["realm"], fields["nonce"], f"sip:127.0.0.1:{parley.sip_port}"))
    return status


def as_account(parley, sid, token, method, path, **kwargs):
    return parley.http(method, f"/2010-04-01/Accounts/{sid}{path}", auth=(sid, token), **kwargs)


def test_a_suspended_customer_its_sub_accounts_and_a_disabled_client_are_shut_out(parley):
    from conftest import PARLEY_BIN
    created = subprocess.run([PARLEY_BIN, "accounts", "create", "--data-dir", parley.data_dir, "--friendly-name", "Customer"],
                             capture_output=True, text=True, check=True).stdout
    customer, token = re.search(r"AccountSid: (\S+)", created).group(1), re.search(r"AuthToken:\s+(\S+)", created).group(1)
    shop = parley.http("POST", "/2010-04-01/Accounts.json", auth=(customer, token), data={"FriendlyName": "Shop"}).json()
    shop_sid, shop_token = shop["sid"], shop["auth_token"]
    number = "+32490206111"
    app = as_account(parley, shop_sid, shop_token, "POST", "/Applications.json",
                     data={"FriendlyName": "shop", "VoiceUrl": webhook().url("/attack/hold")}).json()
    bought = as_account(parley, shop_sid, shop_token, "POST", "/IncomingPhoneNumbers.json",
                        data={"PhoneNumber": number, "VoiceApplicationSid": app["sid"]})
    assert bought.status_code == 201, bought.text
    client = as_account(parley, shop_sid, shop_token, "POST", "/Clients.json", data={"Login": "shopdesk", "Password": "Shop-pass-1"})
    assert client.status_code == 201, client.text
    assert register(parley, "shopdesk", "Shop-pass-1") == 200
    status, _, _, _ = send_invite(RawSIP(parley), parley, number, "0470111111")
    assert status == 200  # the shop takes calls while its owner is active

    subprocess.run([PARLEY_BIN, "accounts", "set-status", "--data-dir", parley.data_dir, customer, "suspended"], check=True,
                   capture_output=True)
    # The SIP and call paths read accounts through a cache that another process's change
    # reaches within 10 s (a change through the API, at once).
    assert wait_for(lambda: register(parley, "shopdesk", "Shop-pass-1") == 403, timeout=15)  # its Client cannot register
    status, line, _, _ = send_invite(RawSIP(parley), parley, number, "0470111111")
    assert status == 480, line  # the sub-account's number rings no more
    assert as_account(parley, shop_sid, shop_token, "GET", ".json").status_code == 403  # nor its credentials be used
    assert as_account(parley, customer, token, "GET", ".json").status_code == 403

    # A disabled Client's registrations end at once, and it cannot register again.
    desk = create_client(parley, "desk-to-disable", "Desk-pass-1")
    assert register(parley, "desk-to-disable", "Desk-pass-1") == 200
    assert len(registrations(parley, desk["sid"])) == 1
    parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Clients/{desk['sid']}.json", data={"Status": "0"})
    assert registrations(parley, desk["sid"]) == []
    assert register(parley, "desk-to-disable", "Desk-pass-1") == 403


def test_invites_reveal_no_login_and_a_client_cannot_pass_for_a_caller_id(parley):
    create_client(parley, "realdesk", "Realdesk-pass-1")
    # From a softphone's address, a known and an unknown login get the same challenge.
    answers = []
    for login in ("realdesk", "nosuchdesk"):
        status, line, headers, _ = send_invite(RawSIP(parley, host=SOFTPHONE_ADDRESS), parley, "+3222060799", login)
        challenge = challenge_fields(headers["proxy-authenticate"][0])
        answers.append((status, line, sorted(headers), {k: v for k, v in challenge.items() if k != "nonce"}))
    assert answers[0] == answers[1] and answers[0][0] == 407, answers
    # Wrong answers to the challenge look alike too.
    for login in ("realdesk", "nosuchdesk"):
        raw = RawSIP(parley, host=SOFTPHONE_ADDRESS)
        _, _, headers, _ = send_invite(raw, parley, "+3222060799", login)
        nonce = challenge_fields(headers["proxy-authenticate"][0])["nonce"]
        authorization = digest(login, "Wrong-pass-1", "parley", nonce, f"sip:+3222060799@127.0.0.1:{parley.sip_port}", method="INVITE")
        status, _, _, _ = send_invite(raw, parley, "+3222060799", login, extra=f"Proxy-Authorization: {authorization}\n")
        assert status == 407
    # A digest computed for another Request-URI is not accepted for this one.
    raw = RawSIP(parley, host=SOFTPHONE_ADDRESS)
    _, _, headers, _ = send_invite(raw, parley, "+3222060799", "realdesk")
    nonce = challenge_fields(headers["proxy-authenticate"][0])["nonce"]
    elsewhere = digest("realdesk", "Realdesk-pass-1", "parley", nonce, f"sip:+3222060798@127.0.0.1:{parley.sip_port}", method="INVITE")
    status, line, _, _ = send_invite(raw, parley, "+3222060799", "realdesk", extra=f"Proxy-Authorization: {elsewhere}\n")
    assert status == 400 and "uri" in line, line
    # No Client may be named like a caller ID (or anonymous): the carrier's calls stay PSTN calls.
    for login in ("+32470111111", "0470111111", "anonymous"):
        response = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Clients.json",
                               data={"Login": login, "Password": "Pass-word-1"})
        assert response.status_code == 400 and "Login" in response.json()["message"], response.text
    number = "+32490206112"
    own(parley, number)
    status, line, _, _ = send_invite(RawSIP(parley), parley, number, "realdesk")  # from the carrier, whatever the From
    assert status == 200, line


def test_an_account_over_its_limits_is_refused_clearly(parley):
    # The operator limits a customer's sub-account: one call at a time, a short <Say>.
    limited = parley.client().api.accounts.create(friendly_name="Limited")
    sid, token = limited.sid, limited.auth_token
    refused = as_account(parley, sid, token, "POST", ".json", data={"MaxConcurrentCalls": "5"})
    assert refused.status_code == 403 and "administrator" in refused.json()["message"]  # not by the account itself
    updated = parley.http("POST", f"/2010-04-01/Accounts/{sid}.json", data={"MaxConcurrentCalls": "1", "MaxSayCharacters": "20"})
    assert updated.status_code == 200 and updated.json()["max_concurrent_calls"] == 1, updated.text
    assert updated.json()["max_calls_per_second"] is None  # the server's default
    number, talker = "+32490206113", "+32490206114"
    for owned, document in ((number, "<Response><Play digits=\"w\"/><Pause length=\"20\"/></Response>"),
                            (talker, "<Response><Say>This sentence is longer than twenty characters.</Say></Response>")):
        app = as_account(parley, sid, token, "POST", "/Applications.json",
                         data={"FriendlyName": owned, "VoiceUrl": webhook().serve(f"/attack/limits/{owned}", document)}).json()
        bought = as_account(parley, sid, token, "POST", "/IncomingPhoneNumbers.json", data={"PhoneNumber": owned, "VoiceApplicationSid": app["sid"]})
        assert bought.status_code == 201, bought.text
    first = RawSIP(parley, timeout=5)
    status, _, first_headers, first_call = send_invite(first, parley, number, "0470111111")
    assert status == 200
    # A second call while the first goes on: SIP 503 with Retry-After, REST 429, a Notification.
    status, line, headers, _ = send_invite(RawSIP(parley), parley, number, "0470111112")
    assert status == 503 and headers["retry-after"] == ["30"], line
    response = as_account(parley, sid, token, "POST", "/Calls.json", data={"To": "+32470206135", "From": number, "Url": webhook().url("/attack/hold")})
    assert response.status_code == 429 and response.json()["code"] == 20429 and "limit" in response.json()["message"], response.text
    texts = [n["message_text"] for n in as_account(parley, sid, token, "GET", "/Notifications.json").json()["notifications"]]
    assert any("refused" in text and "1 calls in progress" in text for text in texts), texts
    # Once the first call ends, the next one is taken, and its long <Say> is refused.
    first.send(f"BYE sip:{number}@127.0.0.1:{parley.sip_port} SIP/2.0\nVia: SIP/2.0/UDP {first.host}:{first.port};branch=z9hG4bKbye{first_call[:8]};rport\n"
               f"From: <sip:0470111111@{first.host}>;tag=x\nTo: {first_headers['to'][0]}\nCall-ID: {first_call}\nCSeq: 2 BYE\nContent-Length: 0\n\n")
    assert wait_for(lambda: [c["status"] for c in as_account(parley, sid, token, "GET", "/Calls.json", params={"To": number}).json()["calls"]]
                    == ["completed"])
    result = sipp(parley, "uac_parley_hangs_up.xml", number=talker)
    assert result.returncode == 0, result.stdout[-1500:]
    texts = [n["message_text"] for n in as_account(parley, sid, token, "GET", "/Notifications.json").json()["notifications"]]
    assert any("Say refused" in text and "more than this account's 20" in text for text in texts), texts


def test_unauthenticated_refusals_are_not_retransmitted_over_udp(parley):
    """A challenge goes once to a source that proved nothing (a spoofed one would be flooded
    with them), while a refused call from the carrier is retransmitted until its ACK."""
    phone = RawSIP(parley, timeout=2, host=SOFTPHONE_ADDRESS)
    phone.send(f"INVITE sip:+3222060799@127.0.0.1:{parley.sip_port} SIP/2.0\nVia: SIP/2.0/UDP {phone.host}:{phone.port};branch=z9hG4bKspoof1;rport\n"
               f"From: <sip:someone@{phone.host}>;tag=a\nTo: <sip:+3222060799@127.0.0.1>\nCall-ID: spoof-1\nCSeq: 1 INVITE\n"
               f"Contact: <sip:someone@{phone.host}:{phone.port}>\nMax-Forwards: 70\nContent-Length: 0\n\n")
    status = 100
    while status < 200:
        status = phone.receive()[0]
    assert status == 407
    with pytest.raises(socket.timeout):  # T1 doubling: retransmissions would come at 0.5 s and 1.5 s
        phone.receive()
    carrier = RawSIP(parley, timeout=2)
    carrier.send(f"INVITE sip:+3222060788@127.0.0.1:{parley.sip_port} SIP/2.0\nVia: SIP/2.0/UDP {carrier.host}:{carrier.port};branch=z9hG4bKnumber1;rport\n"
                 f"From: <sip:0470111111@{carrier.host}>;tag=a\nTo: <sip:+3222060788@127.0.0.1>\nCall-ID: unknown-number-1\nCSeq: 1 INVITE\n"
                 f"Contact: <sip:0470111111@{carrier.host}:{carrier.port}>\nMax-Forwards: 70\nContent-Length: 0\n\n")
    statuses = []
    while len(statuses) < 2:
        status, _, _ = carrier.receive()
        if status >= 200:
            statuses.append(status)
    assert statuses == [404, 404]  # the carrier's refusal is retransmitted until acknowledged


def cut_while_dripping(sock, first, drip, limit):
    """Sends `first`, then a byte of `drip` every second, until Parley closes the connection;
    the seconds that took (or None if it stayed open past `limit`)."""
    started = time.monotonic()
    sock.sendall(first)
    sock.settimeout(1)
    for byte in drip:
        if time.monotonic() - started > limit:
            return None
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except socket.timeout:
            pass
        except ConnectionResetError:
            return time.monotonic() - started
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - started
    return None


def closed_among(sockets):
    """How many of `sockets` Parley closes at once (within 2 s, before any request: no
    deadline is that short)."""
    closed = set()
    readable, _, _ = select.select(sockets, [], [], 2)
    while readable:
        for sock in readable:
            try:
                if sock.recv(1) == b"":
                    closed.add(sock)
            except ConnectionResetError:
                closed.add(sock)
        readable, _, _ = select.select([s for s in sockets if s not in closed], [], [], 0.5)
    return len(closed)


def closed_at_once(port):
    """Whether Parley closes a new connection from 127.0.0.1 at once (within 2 s, before any
    request: no deadline is that short)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(2)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    finally:
        sock.close()


def four_places_held(port):
    """Four connections from 127.0.0.1 that Parley keeps open, or None (all closed again) if
    it closed any: a place was still taken by a connection it had not yet seen close."""
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
    if closed_among(held) == 0:
        return held
    for sock in held:
        sock.close()
    return None


def test_slow_and_greedy_connections_are_cut_while_others_are_served(fresh_parley):
    parley = fresh_parley()
    parley.start(extra_args=("--test-clock", "--max-connections-per-source", "4"))
    # A source gets four connections, not five, over HTTP or SIP; another source still connects.
    for port in (parley.port, parley.sip_port):
        # Parley releases a place when it sees the close, a moment after the client's own (the
        # start-up health checks' connections included): wait until all four places are free.
        deadline = time.monotonic() + 20
        while (held := four_places_held(port)) is None and time.monotonic() < deadline:
            pass
        assert held is not None, port
        fifth = socket.create_connection(("127.0.0.1", port))
        held.append(fifth)
        try:
            assert closed_among([fifth]) == 1, port
            assert closed_among(held[:4]) == 0, port  # the four kept theirs
            other = socket.socket()
            other.bind(("127.0.0.4", 0))
            other.connect(("127.0.0.1", port))
            other.settimeout(0.5)
            with pytest.raises(socket.timeout):  # open: Parley waits for its request
                other.recv(1)
            other.close()
        finally:
            for sock in held:
                sock.close()
    assert wait_for(lambda: not closed_at_once(parley.port), timeout=10)  # places come back when connections close
    # Slowloris: a request head that never ends, a byte a second, on HTTP and on SIP over TCP.
    results = {}

    def drip(name, port, first, limit):
        results[name] = cut_while_dripping(socket.create_connection(("127.0.0.1", port)), first, b"X" * 120, limit)

    threads = [
        threading.Thread(target=drip, args=("http", parley.port, b"GET /health HTTP/1.1\r\nHost: parley\r\nX-Slow: ", 30)),
        threading.Thread(target=drip, args=("sip", parley.sip_port, b"OPTIONS sip:parley SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999\r\nX-Slow: ", 60)),
    ]
    for thread in threads:
        thread.start()
    # Meanwhile everyone else is served: the API answers, and a softphone registers over TCP.
    assert requests.get(parley.base_url + "/health", timeout=5).status_code == 200
    create_client(parley, "tcpwhileslow", "Tcpslow-pass-1")
    assert run_sipp(parley, "register_digest.xml", [("tcpwhileslow", "Tcpslow-pass-1")], transport="t1").returncode == 0
    for thread in threads:
        thread.join()
    assert results["http"] is not None and results["http"] < 15, results  # the head is due within 10 s
    assert results["sip"] is not None and results["sip"] < 40, results  # a message is due within 30 s of its first byte


def test_svwar_finds_no_login(parley, tmp_path):
    create_client(parley, "frontdesk", "Frontdesk-pass-1")
    create_client(parley, "backoffice", "Backoffice-pass-1")
    logins = tmp_path / "logins.txt"
    logins.write_text("\n".join(["admin", "frontdesk", "100", "backoffice", "test", "operator", "200"]) + "\n")
    for method in ("REGISTER", "INVITE", "OPTIONS"):
        # --force: svwar gives up by itself when unknown logins are challenged like known ones.
        scan = subprocess.run(["svwar", "--force", "-m", method, "-d", str(logins), "-p", str(parley.sip_port), "127.0.0.1"],
                              capture_output=True, text=True, timeout=120)
        assert "found nothing" in scan.stderr, (method, scan.stdout, scan.stderr[-1000:])
        assert "frontdesk" not in scan.stdout and "backoffice" not in scan.stdout, (method, scan.stdout)


def test_svcrack_cracks_no_password(fresh_parley, tmp_path):
    """svcrack (sending from 127.0.0.1, whatever its -b says) with the right password as its
    41st guess: its source is refused after 30 failures, while another source registers."""
    parley = fresh_parley().start()
    create_client(parley, "frontdesk", "Frontdesk-pass-1")
    passwords = tmp_path / "passwords.txt"
    passwords.write_text("\n".join([f"Guess-{i}-pass" for i in range(40)] + ["Frontdesk-pass-1"]) + "\n")
    try:
        crack = subprocess.run(["svcrack", "-u", "frontdesk", "-d", str(passwords), "-p", str(parley.sip_port), "127.0.0.1"],
                               capture_output=True, text=True, timeout=10)
        output = crack.stdout + crack.stderr
    except subprocess.TimeoutExpired as stopped:  # still waiting for Parley to let it guess again
        output = (stopped.stdout or b"").decode() + (stopped.stderr or b"").decode()
    assert "Frontdesk-pass-1" not in output, output[-2000:]
    assert "SIP authentication throttled" in parley.logs()
    status, line, _ = RawSIP(parley, host="127.0.0.1").register("frontdesk")
    assert status == 403 and "Too Many Failed Attempts" in line, line  # svcrack's source, refused before any check
    assert register(parley, "frontdesk", "Frontdesk-pass-1") == 200  # from 127.0.0.3, another source


def rss_kib(process):
    with open(f"/proc/{process.pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read())[1])


def test_an_invite_flood_keeps_the_transaction_table_and_memory_bounded_and_passes(fresh_parley):
    """SIPp floods new INVITE transactions (each its own Call-ID, tag and branch) that never
    answer the challenge: Parley keeps at most 20,000 of them (each until Timer H, 32 s),
    refuses the rest statelessly with 503, stays within a bounded amount of memory, and takes
    calls again once the flood is over."""
    server = fresh_parley().start()
    baseline = rss_kib(server.process)
    flood = subprocess.Popen(
        ["sipp", f"127.0.0.1:{server.sip_port}", "-sf", "Fixtures/sipp/uac_invite_flood.xml", "-m", "40000", "-r", "1500",
         "-i", SOFTPHONE_ADDRESS, "-p", str(free_port()), "-nostdin", "-timeout", "60s"],
        cwd=os.path.join(os.path.dirname(__file__), "../.."), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"transactions": 0, "rss": 0}

    def full():
        scrape = server.metrics()
        peak["transactions"] = max(peak["transactions"], scrape[("parley_sip_invite_transactions", frozenset())])
        peak["rss"] = max(peak["rss"], rss_kib(server.process))
        return scrape[("parley_sip_responses_sent_total", frozenset({("class", "5xx")}))] > 100
    try:
        assert wait_for(full, timeout=60), peak
    finally:
        flood.kill()
        flood.wait()
    assert peak["transactions"] == 20000
    # About 6 KiB per transaction in a debug build: the whole table stays far below this.
    assert peak["rss"] - baseline < 256 * 1024, (baseline, peak)
    # Once Timer H has run out for the flood's transactions, calls go through again.
    assert wait_for(lambda: server.metrics()[("parley_sip_invite_transactions", frozenset())] == 0, timeout=60)
    number = "+32476206103"
    server.client().incoming_phone_numbers.create(phone_number=number, voice_url=webhook().url("/rcml"))
    status, line, _, _ = send_invite(RawSIP(server), server, number, "0470111111")
    assert status == 200, line
    assert server.stop() == 0
