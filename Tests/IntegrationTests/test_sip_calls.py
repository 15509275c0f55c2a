"""Inbound calls from the trunk (loopback) with SIPp as the caller: routing to the number's
account, SDP answer, call records through the twilio library, and crash recovery."""
import secrets
import signal
import subprocess
import time

from conftest import free_port
from openapi_check import assert_valid
from sip_peers import RawSIP, wait_for

OFFER = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 7000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n")


def sipp_call(parley, number, hold_ms=1000, background=False):
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-sn", "uac", "-s", number, "-m", "1", "-d", str(hold_ms),
               "-i", "127.0.0.1", "-p", str(free_port()), "-nostdin", "-timeout", "30s", "-timeout_error"]
    if background:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def bind_number(parley, number):
    client = parley.client()
    app = client.applications.create(friendly_name=f"app for {number}", voice_url="https://example.com/rcml")
    return client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def invite(raw, parley, user, body=OFFER):
    """Sends an INVITE and returns the final status and reason line."""
    branch = "z9hG4bK" + secrets.token_hex(6)
    raw.send(f"INVITE sip:{user}@127.0.0.1:{parley.sip_port} SIP/2.0\n"
             f"Via: SIP/2.0/UDP 127.0.0.1:{raw.port};branch={branch};rport\n"
             f"From: <sip:0470111111@127.0.0.1>;tag=c{secrets.token_hex(3)}\nTo: <sip:{user}@127.0.0.1>\n"
             f"Call-ID: {secrets.token_hex(8)}\nCSeq: 1 INVITE\nContact: <sip:caller@127.0.0.1:{raw.port}>\n"
             f"Max-Forwards: 70\nContent-Type: application/sdp\nContent-Length: {len(body)}\n\n{body}".replace("\r\n", "\n"))
    while True:
        status, line, headers = raw.receive()
        if status >= 200:
            return status, line


def test_sipp_calls_a_bound_number_and_the_call_record_follows(parley, twilio_spec):
    number = bind_number(parley, "+32470206110")
    result = sipp_call(parley, "+32470206110", hold_ms=1200)
    assert result.returncode == 0, result.stdout[-2000:]
    client = parley.client()
    calls = client.calls.list(to="+32470206110")
    assert len(calls) == 1
    call = calls[0]
    assert call.status == "completed" and call.direction == "inbound"
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
