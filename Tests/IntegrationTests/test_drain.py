"""Graceful drain: on SIGTERM Parley stops taking calls (/health 503 draining, INVITE and POST
Calls 503), lets the calls in progress (SIPp callers) go on for --drain-timeout, then sends
each a BYE, writes its record with the real end time, sends its status callback and exits;
a second signal cuts the wait short."""
import datetime
import os
import re
import signal
import subprocess
import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from conftest import CARRIER_HOST, free_port
from sip_peers import FIXTURES, RawSIP, wait_for
from test_sip_calls import send_invite
from webhook_server import webhook


def bind(server, number, status_path):
    client = server.client()
    app = client.applications.create(
        friendly_name="held", voice_url=webhook().url("/rcml"), status_callback=webhook().url(status_path))
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def callers(server, number, count, trace):
    """`count` SIPp callers that hold the line until Parley hangs up, tracing every message."""
    return subprocess.Popen(
        ["sipp", f"127.0.0.1:{server.sip_port}", "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"), "-s", number,
         "-m", str(count), "-l", str(count), "-r", "20", "-i", CARRIER_HOST, "-p", str(free_port()),
         "-mp", str(free_port() & ~1), "-nostdin", "-timeout", "60s", "-timeout_error",
         "-trace_msg", "-message_file", trace],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def answered_to_bye_seconds(trace):
    """From SIPp's message trace: for each Call-ID, seconds from the 200 OK it received to
    the BYE it received."""
    answered, ended = {}, {}
    for block in open(trace).read().split("----------------------------------------------- ")[1:]:
        stamp, _, rest = block.partition("\n")
        when = datetime.datetime.strptime(stamp.strip()[:26], "%Y-%m-%d %H:%M:%S.%f")
        if "message received" not in rest:
            continue
        first_line = rest.split("\n\n", 1)[1].lstrip().split("\n")[0]
        call_id = re.search(r"^Call-ID:\s*(\S+)", rest, re.M | re.I)[1]
        if first_line.startswith("SIP/2.0 200") and "INVITE" in re.search(r"^CSeq:.*$", rest, re.M | re.I)[0]:
            answered.setdefault(call_id, when)
        elif first_line.startswith("BYE "):
            ended.setdefault(call_id, when)
    return sorted((ended[c] - answered[c]).total_seconds() for c in answered if c in ended)


def in_progress(server, number):
    return [c for c in server.client().calls.list(to=number) if c.status == "in-progress"]


def test_sigterm_drains_calls_in_progress_then_hangs_up_writes_and_reports_them(fresh_parley, tmp_path):
    server = fresh_parley().start(extra_args=("--drain-timeout", "3"))
    number = "+32476206100"
    bind(server, number, "/drain/status")
    trace = str(tmp_path / "messages.log")
    sipp = callers(server, number, 3, trace)
    try:
        assert wait_for(lambda: len(in_progress(server, number)) == 3, timeout=20), sipp.poll()
        sids = {c.sid for c in in_progress(server, number)}
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)

        def draining():
            response = requests.get(server.base_url + "/health", timeout=2)
            return response.status_code == 503 and response.json()["status"] == "draining"
        assert wait_for(draining, timeout=5)
        # New calls are refused, by SIP and by REST, with a hint to retry elsewhere or later.
        status, line, headers, _ = send_invite(RawSIP(server), server, number, "0470999999")
        assert status == 503 and headers["retry-after"] == ["5"], line
        with pytest.raises(TwilioRestException) as refused:
            server.client().calls.create(to="+32470999999", from_=number, url=webhook().url("/rcml"))
        assert refused.value.status == 503 and refused.value.code == 20503
        # The calls in progress go on meanwhile.
        assert {c.sid for c in in_progress(server, number)} == sids

        stdout, stderr = sipp.communicate(timeout=60)
        assert sipp.returncode == 0, stdout[-2000:] + stderr[-2000:]  # each caller got a BYE and answered it
        assert server.process.wait(timeout=30) == 0
        assert time.monotonic() - signalled >= 3  # the calls had their drain timeout
    finally:
        if sipp.poll() is None:
            sipp.kill()

    # Every callback arrived before Parley exited.
    reported = {r["form"]["CallSid"]: r["form"] for r in webhook().received("/drain/status")}
    assert set(reported) == sids and all(f["CallStatus"] == "completed" for f in reported.values())
    truths = answered_to_bye_seconds(trace)
    assert len(truths) == 3, truths
    server.start()
    assert "closed the records of calls cut" not in server.logs()  # nothing was left open
    records = sorted(server.client().calls.list(to=number), key=lambda c: int(c.duration))
    assert {c.sid for c in records} == sids
    for record, truth in zip(records, truths):
        assert record.status == "completed"
        assert abs(int(record.duration) - truth) < 1, (record.duration, truths)
        assert int(reported[record.sid]["CallDuration"]) == int(record.duration)
    assert server.stop() == 0


def test_a_second_signal_cuts_the_drain_short(fresh_parley, tmp_path):
    server = fresh_parley().start(extra_args=("--drain-timeout", "600"))
    number = "+32476206101"
    bind(server, number, "/drain/cut")
    sipp = callers(server, number, 1, str(tmp_path / "messages.log"))
    try:
        assert wait_for(lambda: len(in_progress(server, number)) == 1, timeout=20), sipp.poll()
        server.process.send_signal(signal.SIGTERM)
        assert wait_for(lambda: requests.get(server.base_url + "/health", timeout=2).status_code == 503, timeout=5)
        assert "draining: no new calls" in server.logs()
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=30) == 0
        assert time.monotonic() - signalled < 25  # not the 600 s the calls were given
        stdout, stderr = sipp.communicate(timeout=30)
        assert sipp.returncode == 0, stdout[-2000:] + stderr[-2000:]
    finally:
        if sipp.poll() is None:
            sipp.kill()
    [reported] = webhook().received("/drain/cut")
    assert reported["form"]["CallStatus"] == "completed"
