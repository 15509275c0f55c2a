"""Inbound calls from the trunk (loopback) with SIPp as the caller: routing to the number's
account, SDP answer, call records through the twilio library, and crash recovery."""
import os
import re
import secrets
import signal
import subprocess
import time

from conftest import CARRIER_HOST, free_port
from openapi_check import assert_valid
from sip_peers import FIXTURES, SOFTPHONE_ADDRESS, RawSIP, wait_for
from webhook_server import webhook

OFFER = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 7000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n")


def sipp_call(parley, number, hold_ms=1000, background=False):
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-sn", "uac", "-s", number, "-m", "1", "-d", str(hold_ms),
               "-i", CARRIER_HOST, "-p", str(free_port()), "-nostdin", "-timeout", "30s", "-timeout_error"]
    if background:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def sipp_scenario(parley, scenario, number, calls=1, rate=10):
    """Runs a caller scenario of Fixtures/sipp against `number`; exit code 0 means every call passed."""
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(FIXTURES, scenario), "-s", number,
               "-m", str(calls), "-r", str(rate), "-i", CARRIER_HOST, "-p", str(free_port()), "-nostdin",
               "-timeout", "60s", "-timeout_error"]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def bind_number(parley, number):
    client = parley.client()
    app = client.applications.create(friendly_name=f"app for {number}", voice_url=webhook().url())
    return client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def send_invite(raw, parley, user, from_user, body=OFFER, extra="", call_id=None, from_tag=None, to_user=None, max_forwards=70):
    """Sends an INVITE (a new Call-ID and From tag unless given), acknowledges its final
    response (so Parley stops retransmitting it) and returns (status, reason line, headers,
    Call-ID)."""
    branch = "z9hG4bK" + secrets.token_hex(6)
    call_id = call_id or secrets.token_hex(8)
    via = f"Via: SIP/2.0/UDP {raw.host}:{raw.port};branch={branch};rport\n"
    from_header = f"From: <sip:{from_user}@{raw.host}>;tag={from_tag or 'c' + secrets.token_hex(3)}\n"
    raw.send(f"INVITE sip:{user}@127.0.0.1:{parley.sip_port} SIP/2.0\n{via}{from_header}"
             f"To: <sip:{to_user or user}@127.0.0.1>\nCall-ID: {call_id}\nCSeq: 1 INVITE\n"
             f"Contact: <sip:{from_user}@{raw.host}:{raw.port}>\n{extra}"
             f"Max-Forwards: {max_forwards}\nContent-Type: application/sdp\nContent-Length: {len(body)}\n\n{body}".replace("\r\n", "\n"))
    while True:
        status, line, headers = raw.receive()
        if status >= 200:
            break
    ack_via = via if status >= 300 else f"Via: SIP/2.0/UDP 127.0.0.1:{raw.port};branch=z9hG4bK{secrets.token_hex(6)};rport\n"
    raw.send(f"ACK sip:{user}@127.0.0.1:{parley.sip_port} SIP/2.0\n{ack_via}{from_header}To: {headers['to'][0]}\n"
             f"Call-ID: {call_id}\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n")
    return status, line, headers, call_id


def invite(raw, parley, user, body=OFFER):
    """Sends an INVITE from a PSTN caller and returns the final status and reason line."""
    status, line, _, _ = send_invite(raw, parley, user, "0470111111", body)
    return status, line


def test_sipp_calls_a_bound_number_and_the_call_record_follows(parley, twilio_spec):
    number = bind_number(parley, "+32470206110")
    result = sipp_call(parley, "+32470206110", hold_ms=1200)
    assert result.returncode == 0, result.stdout[-2000:]
    client = parley.client()
    # The record is written as the BYE is answered: SIPp may read its 200 first.
    assert wait_for(lambda: [c.status for c in client.calls.list(to="+32470206110")] == ["completed"])
    call = client.calls.list(to="+32470206110")[0]
    assert call.direction == "inbound"
    assert call.phone_number_sid == number.sid
    assert int(call.duration) >= 1 and call.start_time is not None and call.end_time is not None
    assert client.calls(call.sid).fetch().to == "+32470206110"
    assert [c.sid for c in client.calls.list(status="completed", to="+32470206110")] == [call.sid]
    assert client.calls.list(status="busy", to="+32470206110") == []
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Calls"
    assert_valid(twilio_spec, parley.http("GET", f"{base}.json").json(), "/2010-04-01/Accounts/{AccountSid}/Calls.json")
    assert_valid(twilio_spec, parley.http("GET", f"{base}/{call.sid}.json").json(), "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json")


def test_routing_refusals(parley):
    raw = RawSIP(parley)
    assert invite(raw, parley, "+33123456789")[0] == 404          # not a Belgian number
    assert invite(raw, parley, "+32470999999")[0] == 404          # not in the pool
    assert invite(raw, parley, "0474206101")[0] == 404            # in the pool, not reserved
    parley.client().incoming_phone_numbers.create(phone_number="+32474206102")
    assert invite(raw, parley, "0474206102")[0] == 480            # reserved, no application
    bind_number(parley, "+32474206103")
    assert invite(raw, parley, "+32474206103", body=OFFER.replace("RTP/AVP 0 8 101", "RTP/AVP 18"))[0] == 488


def test_bye_outside_a_dialog_gets_481(parley):
    raw = RawSIP(parley)
    status, _, _ = raw.request(
        f"BYE sip:x@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:{raw.port};branch=z9hG4bKbye1;rport\n"
        "From: <sip:a@b>;tag=1\nTo: <sip:c@d>;tag=nope\nCall-ID: none\nCSeq: 2 BYE\nContent-Length: 0\n\n")
    assert status == 481


def test_a_call_cut_by_kill_9_is_closed_in_its_record_after_restart(fresh_parley):
    server = fresh_parley().start()
    bind_number(server, "+32475206113")
    caller = sipp_call(server, "+32475206113", hold_ms=20000, background=True)
    try:
        assert wait_for(lambda: [c.status for c in server.client().calls.list(to="+32475206113")] == ["in-progress"], timeout=15)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
    finally:
        caller.kill()
        caller.wait()
    server.start()
    call = server.client().calls.list(to="+32475206113")[0]
    assert call.status == "completed" and call.end_time is not None
    assert server.stop() == 0


def client_invite(raw, parley, login, target, authorization=None):
    """An INVITE from a Client; returns (final status, headers, Call-ID)."""
    auth = f"Proxy-Authorization: {authorization}\n" if authorization else ""
    status, _, headers, call_id = send_invite(raw, parley, target, login, extra=auth)
    return status, headers, call_id


def test_a_client_calling_out_is_challenged_then_answered(parley):
    from sip_peers import challenge_fields, create_client, digest
    app = parley.client().applications.create(friendly_name="softphone calls", voice_url=webhook().url())
    create_client(parley, "caller", "Caller-pass-1", VoiceApplicationSid=app.sid)
    create_client(parley, "noapp", "Noapp-pass-1")
    create_client(parley, "off", "Off-pass-1", Status="0", VoiceApplicationSid=app.sid)
    raw = RawSIP(parley, host=SOFTPHONE_ADDRESS)

    def authenticated_call(login, password, dialled="+3222060799"):
        status, headers, _ = client_invite(raw, parley, login, dialled)
        assert status == 407 and "proxy-authenticate" in headers
        nonce = challenge_fields(headers["proxy-authenticate"][0])["nonce"]
        uri = f"sip:{dialled}@127.0.0.1:{parley.sip_port}"
        return client_invite(raw, parley, login, dialled, digest(login, password, "parley", nonce, uri, method="INVITE"))

    assert authenticated_call("caller", "Wrong-pass-9")[0] == 407
    status, headers, call_id = authenticated_call("caller", "Caller-pass-1")
    assert status == 200 and headers["content-type"] == ["application/sdp"]
    to = headers["to"][0]
    raw.send(f"BYE sip:x@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP {raw.host}:{raw.port};branch=z9hG4bKb{secrets.token_hex(4)};rport\n"
             f"From: <sip:caller@{raw.host}>;tag=x\nTo: {to}\nCall-ID: {call_id}\nCSeq: 2 BYE\nContent-Length: 0\n\n")
    assert raw.receive()[0] == 200
    assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:caller")] == ["completed"])
    assert parley.client().calls.list(from_="client:caller")[0].to == "+3222060799"
    assert authenticated_call("noapp", "Noapp-pass-1")[0] == 480
    assert authenticated_call("off", "Off-pass-1")[0] == 403
    # The emergency number is refused to softphones too, with a Notification saying why.
    status, headers, _ = authenticated_call("caller", "Caller-pass-1", dialled="112")
    assert status == 403
    texts = [n["message_text"] for n in parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json").json()["notifications"]]
    assert any("client:caller" in text and "112" in text for text in texts), texts


def test_baresip_registered_as_a_client_calls_a_number(parley):
    from sip_peers import create_client, start_baresip
    app = parley.client().applications.create(friendly_name="baresip calls", voice_url=webhook().url())
    create_client(parley, "deskphone", "Deskphone-pass-1", VoiceApplicationSid=app.sid)
    process, log = start_baresip(parley, "deskphone", "Deskphone-pass-1",
                                 commands=[f"/dial sip:+3222060798@127.0.0.1:{parley.sip_port}"])
    try:
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:deskphone")] == ["in-progress"], timeout=15), open(log).read()
        # Parley's RTP (silence until verbs play) reaches baresip from the port of its SDP answer.
        assert wait_for(lambda: re.search(r"incoming rtp for 'audio' established, receiving from 127\.0\.0\.1:\d+", open(log).read()),
                        timeout=5), open(log).read()[-2000:]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:deskphone")] == ["completed"])


def test_hold_resume_info_dtmf_and_update_inside_a_call(parley):
    bind_number(parley, "+32476206110")
    result = sipp_scenario(parley, "uac_hold_info.xml", "+32476206110")
    assert result.returncode == 0, result.stdout[-3000:]
    assert wait_for(lambda: [c.status for c in parley.client().calls.list(to="+32476206110")] == ["completed"])


def test_calls_survive_lost_invites_acks_and_byes(parley):
    bind_number(parley, "+32476206111")
    result = sipp_scenario(parley, "uac_lost.xml", "+32476206111", calls=20, rate=20)
    assert result.returncode == 0, result.stdout[-3000:]
    statuses = lambda: sorted(c.status for c in parley.client().calls.list(to="+32476206111"))
    assert wait_for(lambda: statuses() == ["completed"] * 20), (len(statuses()), sorted(set(statuses())))  # a retransmitted INVITE never makes a second call


def test_in_dialog_requests_are_checked(parley):
    bind_number(parley, "+32476206112")
    raw = RawSIP(parley)
    status, _, headers, call_id = send_invite(raw, parley, "+32476206112", "0470111111")
    assert status == 200
    to = headers["to"][0]

    def in_dialog(method, cseq, extra="", body=""):
        return raw.request(
            f"{method} sip:x@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:{raw.port};branch=z9hG4bK{secrets.token_hex(5)};rport\n"
            f"From: <sip:0470111111@127.0.0.1>;tag=x\nTo: {to}\nCall-ID: {call_id}\nCSeq: {cseq} {method}\n"
            f"Max-Forwards: 70\n{extra}Content-Length: {len(body)}\n\n{body}")

    assert in_dialog("INFO", 1, "Content-Type: application/dtmf-relay\n", "Signal=1\n")[0] == 500  # CSeq not above the INVITE's
    status, _, headers = in_dialog("INFO", 2, "Content-Type: text/plain\n", "hello")
    assert status == 415 and "application/dtmf-relay" in headers["accept"][0]
    assert in_dialog("INFO", 3, "Content-Type: application/dtmf-relay\n", "Signal=X\n")[0] == 400
    status, _, headers = in_dialog("UPDATE", 4, "Content-Type: application/sdp\n", OFFER.replace("RTP/AVP 0 8 101", "RTP/AVP 18"))
    assert status == 488
    assert in_dialog("BYE", 5)[0] == 200
    assert in_dialog("INFO", 6, "Content-Type: application/dtmf\n", "1")[0] == 481  # the dialog is over


def test_an_invite_out_of_hops_gets_483(parley):
    bind_number(parley, "+32476206113")
    raw = RawSIP(parley)
    status, line, _, _ = send_invite(raw, parley, "+32476206113", "0470111111", extra="Max-Forwards: 0\n")
    assert status == 483, line


def test_the_same_invite_by_another_path_is_a_loop(parley):
    bind_number(parley, "+32476206114")
    raw = RawSIP(parley)
    status, _, headers, call_id = send_invite(raw, parley, "+32476206114", "0470111111")
    assert status == 200
    from_tag = re.search(r"tag=([^;>]+)", headers["from"][0]).group(1)
    # The same Call-ID, From tag and CSeq on a new branch: the request came round again.
    status, line, _, _ = send_invite(raw, parley, "+32476206114", "0470111111", call_id=call_id, from_tag=from_tag)
    assert status == 482, line


def test_parley_hangs_up_an_inbound_call_by_call_sid(parley):
    bind_number(parley, "+32476206119")
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"),
               "-s", "+32476206119", "-m", "1", "-i", CARRIER_HOST, "-p", str(free_port()), "-nostdin", "-timeout", "30s",
               "-timeout_error"]
    caller = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(to="+32476206119")] == ["in-progress"])
        sid = parley.client().calls.list(to="+32476206119")[0].sid
        assert parley.client().calls(sid).update(status="completed").status == "completed"
        out, err = caller.communicate(timeout=30)
        assert caller.returncode == 0, out[-2000:] + err[-1000:]
    finally:
        if caller.poll() is None:
            caller.kill()


def test_a_caller_that_sends_no_rtp_is_hung_up_after_the_rtp_timeout(fresh_parley):
    server = fresh_parley().start(extra_args=("--rtp-timeout", "2"))
    bind_number(server, "+32476206119")
    started = time.time()
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{server.sip_port}", "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"),
         "-s", "+32476206119", "-m", "1", "-i", CARRIER_HOST, "-p", str(free_port()), "-nostdin", "-timeout", "30s",
         "-timeout_error"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:]  # SIPp got Parley's BYE
    assert 2 <= time.time() - started < 10
    [call] = server.client().calls.list(to="+32476206119")
    assert call.status == "completed" and int(call.duration) >= 2
    assert "no RTP from the caller" in server.logs()


def test_a_caller_that_is_not_the_trunk_is_challenged_like_a_softphone_even_on_loopback(fresh_parley):
    parley = fresh_parley()
    parley.env["PARLEY_TRUNK"] = "sip:127.0.0.2:5999"  # a trunk elsewhere; nothing is sent there
    parley.start()
    client = parley.client()
    app = client.applications.create(friendly_name="trunk only", voice_url="http://127.0.0.1:9/rcml")
    client.incoming_phone_numbers.create(phone_number="+32485206100", voice_application_sid=app.sid)
    status, line, headers, _ = send_invite(RawSIP(parley), parley, "+32485206100", "0470111111")
    assert status == 407 and "proxy-authenticate" in headers, line  # only a Client could answer that
    assert client.calls.list() == []


def test_a_carrier_calling_the_registered_contact_gives_the_number_in_to(parley):
    """A carrier with which Parley registers sends calls to the Contact (its user is the
    trunk's user name) and the dialled number in To."""
    bind_number(parley, "+32485206101")
    caller = RawSIP(parley)
    status, line, headers, call_id = send_invite(caller, parley, "parley-trunk", "0470111111", to_user="+32485206101", from_tag="carrier1")
    assert status == 200, line
    [call] = parley.client().calls.list(to="+32485206101")
    assert call.status == "in-progress"
    status, line, _ = caller.request(
        f"BYE sip:parley-trunk@127.0.0.1:{parley.sip_port} SIP/2.0\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{caller.port};branch=z9hG4bK{secrets.token_hex(6)};rport\n"
        f"From: <sip:0470111111@127.0.0.1>;tag=carrier1\nTo: {headers['to'][0]}\nCall-ID: {call_id}\nCSeq: 2 BYE\n"
        "Max-Forwards: 70\nContent-Length: 0\n\n")
    assert status == 200, line
    assert wait_for(lambda: parley.client().calls(call.sid).fetch().status == "completed")


def test_a_call_that_comes_back_through_parley_runs_out_of_hops_instead_of_looping(parley, mirror):
    """Two Parleys whose applications dial each other's number over SIP: each pass through a
    Parley takes one off Max-Forwards, so the loop ends with a Notification."""
    number = "+32485206102"
    url = webhook().serve("/loop", f'<Response><Dial timeout="10"><Sip>sip:{number}@{mirror.sip_host}:{mirror.sip_port}</Sip></Dial></Response>')
    app = parley.client().applications.create(friendly_name="loop", voice_url=url)
    parley.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    back = webhook().serve("/loop/back", f'<Response><Dial timeout="10"><Sip>sip:{number}@127.0.0.1:{parley.sip_port}</Sip></Dial></Response>')
    app = mirror.client().applications.create(friendly_name="loop back", voice_url=back)
    mirror.client().incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    caller = RawSIP(parley, timeout=20)
    status, line, _, _ = send_invite(caller, parley, number, "0470111111", max_forwards=3)
    assert status == 200, line
    # The third pass (back on this Parley) cannot dial (no hop left): its Dial fails, and the chain unwinds.
    assert wait_for(lambda: any("Max-Forwards used up" in n.message_text for n in parley.client().notifications.list()), timeout=20)
    inbound = [c for c in parley.client().calls.list(to=number) if c.direction == "inbound"]
    assert len(inbound) == 2, [(c.sid, c.status) for c in inbound]
    assert len([c for c in mirror.client().calls.list(to=number) if c.direction == "inbound"]) == 1
    # The chain unwinds: the first pass's Dial ends and Parley hangs up on the caller.
    while True:
        _, request_line, headers = caller.receive()
        if request_line.startswith("BYE "):
            break
    caller.send("SIP/2.0 200 OK\n" + "".join(f"{name}: {headers[name.lower()][0]}\n" for name in ("Via", "From", "To", "Call-ID", "CSeq"))
                + "Content-Length: 0\n\n")
    assert wait_for(lambda: all(c.status in ("completed", "failed", "no-answer") for c in parley.client().calls.list(to=number)), timeout=30)
