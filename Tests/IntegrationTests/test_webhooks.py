"""Inbound calls fetch their application's RCML from a real web server over loopback: the
request parameters, the X-Twilio-Signature checked with the twilio library's RequestValidator,
GET and POST, the fallback URL and the Notifications written for each kind of failure, and a
caller hanging up (SIPp CANCEL) while the application is still answering."""
import os
import subprocess
import time

from twilio.request_validator import RequestValidator

from conftest import CARRIER_HOST, free_port
from sip_peers import FIXTURES, wait_for
from webhook_server import webhook


def bind(parley, number, **application):
    client = parley.client()
    app = client.applications.create(friendly_name=f"app for {number}", **application)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    return app


def call(parley, number, scenario=None, hold_ms=500):
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-s", number, "-m", "1", "-i", CARRIER_HOST,
               "-p", str(free_port()), "-nostdin", "-timeout", "30s", "-timeout_error"]
    command += ["-sf", os.path.join(FIXTURES, scenario)] if scenario else ["-sn", "uac", "-d", str(hold_ms)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def notifications(parley, call_sid):
    path = f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json"
    return parley.http("GET", path, params={"CallSid": call_sid}).json()["notifications"]


def only_call_to(parley, number):
    calls = parley.client().calls.list(to=number)
    assert len(calls) == 1, calls
    return calls[0]


def test_the_application_gets_twilio_parameters_and_a_valid_signature(parley):
    url = webhook().url("/rcml?app=signed")
    bind(parley, "+32476206115", voice_url=url)
    before = len(webhook().received("/rcml"))
    result = call(parley, "+32476206115")
    assert result.returncode == 0, result.stdout[-2000:]
    request = webhook().received("/rcml")[before]
    form = request["form"]
    record = only_call_to(parley, "+32476206115")
    assert request["method"] == "POST"
    assert form["CallSid"] == record.sid and form["AccountSid"] == parley.admin_sid
    assert form["From"] == "sipp" and form["To"] == "+32476206115"  # SIPp's uac calls from "sipp"
    assert form["CallStatus"] == "ringing" and form["Direction"] == "inbound" and form["ApiVersion"] == "2010-04-01"
    signature = request["headers"]["X-Twilio-Signature"]
    assert RequestValidator(parley.admin_token).validate(url, form, signature)
    assert not RequestValidator("another-token").validate(url, form, signature)
    assert record.status == "completed"


def test_the_applications_status_callback_hears_of_the_completed_call(parley):
    bind(parley, "+32476206119", voice_url=webhook().url("/rcml"), status_callback=webhook().url("/inbound/status"))
    assert call(parley, "+32476206119", hold_ms=1500).returncode == 0
    record = only_call_to(parley, "+32476206119")
    assert wait_for(lambda: len(webhook().received("/inbound/status")) == 1)
    request = webhook().received("/inbound/status")[0]
    form = request["form"]
    assert form["CallSid"] == record.sid and form["CallStatus"] == "completed" and form["Direction"] == "inbound"
    assert int(form["CallDuration"]) >= 1 and form["SequenceNumber"] == "0"
    assert RequestValidator(parley.admin_token).validate(webhook().url("/inbound/status"), form, request["headers"]["X-Twilio-Signature"])


def test_get_puts_the_parameters_in_the_query_and_signs_the_full_url(parley):
    bind(parley, "+32476206116", voice_url=webhook().url("/rcml"), voice_method="GET")
    before = len(webhook().received("/rcml"))
    assert call(parley, "+32476206116").returncode == 0
    request = webhook().received("/rcml")[before]
    assert request["method"] == "GET" and request["form"]["To"] == "+32476206116"
    full_url = webhook().url("/rcml") + "?" + request["query"]
    assert RequestValidator(parley.admin_token).validate(full_url, {}, request["headers"]["X-Twilio-Signature"])


def test_each_failure_is_a_notification_and_the_fallback_answers(parley):
    cases = [("/status/500", 11200), ("/notxml", 12300), ("/badroot", 12100), (None, 11205)]
    for index, (path, code) in enumerate(cases):
        number = f"+3247720611{index}"
        primary = webhook().url(path) if path else f"http://127.0.0.1:{free_port()}/closed"
        bind(parley, number, voice_url=primary, voice_fallback_url=webhook().url("/rcml?fallback=1"))
        before = len(webhook().received("/rcml"))
        result = call(parley, number)
        assert result.returncode == 0, (path, result.stdout[-1500:])
        record = only_call_to(parley, number)
        assert record.status == "completed"
        [entry] = notifications(parley, record.sid)
        assert entry["error_code"] == str(code) and entry["request_url"] == primary, entry
        fallback = webhook().received("/rcml")[before]
        assert fallback["form"]["ErrorCode"] == str(code) and fallback["form"]["ErrorUrl"] == primary


def test_no_usable_document_is_a_spoken_error_then_a_clean_hang_up(parley):
    bind(parley, "+32476206117", voice_url=webhook().url("/status/404"), voice_fallback_url=webhook().url("/badroot"))
    started = time.monotonic()
    result = call(parley, "+32476206117", scenario="uac_parley_hangs_up.xml")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    # Parley answered, spoke its apology (a few seconds of speech) and sent the BYE itself.
    assert time.monotonic() - started > 2
    record = only_call_to(parley, "+32476206117")
    assert record.status == "completed" and int(record.duration) >= 2
    assert sorted(n["error_code"] for n in notifications(parley, record.sid)) == ["11200", "12100"]


def test_the_caller_cancels_while_the_application_is_answering(parley):
    bind(parley, "+32476206118", voice_url=webhook().url("/slow/3"))
    result = call(parley, "+32476206118", scenario="uac_cancel.xml")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert wait_for(lambda: only_call_to(parley, "+32476206118").status == "canceled")
