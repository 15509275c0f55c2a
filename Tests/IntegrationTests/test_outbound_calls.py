"""Outbound calls started with the official twilio library (`calls.create`) to SIPp acting as
the carrier behind the trunk: answer, busy, unavailable, no answer, hang-up by CallSid from
either side, the statuses Twilio users expect in the call records, the application at `Url`
run once answered, a redirect by CallSid and the status callbacks in order."""
import os
import subprocess
import time

import pytest
from twilio.base.exceptions import TwilioRestException

from conftest import CARRIER_HOST, free_port
from netns_hosts import Hosts
from openapi_check import assert_valid
from sip_peers import FIXTURES, wait_for
from twilio.request_validator import RequestValidator
from webhook_server import webhook

CALLER_ID = "+32477206101"
HOLD_URL = webhook().url("/rcml")  # answers and holds the call


@pytest.fixture(scope="module")
def caller_id(parley):
    parley.client().incoming_phone_numbers.create(phone_number=CALLER_ID)
    return CALLER_ID


def carrier(parley, scenario):
    """SIPp as the carrier's gateway on Parley's trunk port, for one call."""
    command = ["sipp", "-sf", os.path.join(FIXTURES, scenario), "-i", CARRIER_HOST, "-p", str(parley.trunk_port),
               "-m", "1", "-nostdin", "-timeout", "40s", "-timeout_error"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)  # let it bind
    return process


def finished(process):
    out, err = process.communicate(timeout=60)
    return process.returncode, out[-2500:] + err[-1500:]


def status_of(parley, sid):
    return parley.client().calls(sid).fetch().status


def test_answered_call_hung_up_by_call_sid(parley, caller_id, twilio_spec):
    gateway = carrier(parley, "uas_answer.xml")
    call = parley.client().calls.create(to="+32470206130", from_=caller_id, url=HOLD_URL)
    assert call.status == "queued" and call.direction == "outbound-api" and call.to == "+32470206130"
    assert wait_for(lambda: status_of(parley, call.sid) == "in-progress", timeout=10)
    time.sleep(1.1)
    updated = parley.client().calls(call.sid).update(status="completed")
    assert updated.status == "completed"
    code, output = finished(gateway)
    assert code == 0, output
    record = parley.client().calls(call.sid).fetch()
    assert record.start_time is not None and int(record.duration) >= 1 and record._from == caller_id
    assert_valid(twilio_spec, parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{call.sid}.json").json(),
                 "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json")
    created = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json",
                          data={"To": f"sip:nobody@127.0.0.1:{free_port()}", "From": caller_id,
                                "Url": HOLD_URL, "Timeout": "1"})
    assert created.status_code == 201
    assert_valid(twilio_spec, created.json(), "/2010-04-01/Accounts/{AccountSid}/Calls.json", method="post", status="201")
    # Nobody answers there, not even provisionally: no-answer once the timeout passes.
    assert wait_for(lambda: status_of(parley, created.json()["sid"]) == "no-answer", timeout=5)
    # A finished call cannot be steered any more.
    with pytest.raises(TwilioRestException) as refused:
        parley.client().calls(call.sid).update(status="completed")
    assert refused.value.status == 409


def test_the_callee_hangs_up(parley, caller_id):
    gateway = carrier(parley, "uas_answer_hangup.xml")
    call = parley.client().calls.create(to="0470206131", from_=caller_id, url=HOLD_URL)
    code, output = finished(gateway)
    assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")
    assert parley.client().calls(call.sid).fetch().to == "+32470206131"


@pytest.mark.parametrize("scenario, status", [("uas_busy.xml", "busy"), ("uas_unavailable.xml", "no-answer")])
def test_refusals_map_to_twilio_statuses(parley, caller_id, scenario, status):
    gateway = carrier(parley, scenario)
    call = parley.client().calls.create(to="+32470206132", from_=caller_id, url=HOLD_URL)
    code, output = finished(gateway)
    assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == status), status_of(parley, call.sid)
    assert parley.client().calls(call.sid).fetch().duration in ("0", 0)


def test_no_answer_within_the_timeout_cancels(parley, caller_id):
    gateway = carrier(parley, "uas_no_answer.xml")
    call = parley.client().calls.create(to="+32470206133", from_=caller_id, url=HOLD_URL, timeout=2)
    assert wait_for(lambda: status_of(parley, call.sid) == "ringing", timeout=5)
    code, output = finished(gateway)
    assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == "no-answer")


def test_canceled_by_call_sid_while_ringing(parley, caller_id):
    gateway = carrier(parley, "uas_no_answer.xml")
    call = parley.client().calls.create(to="+32470206134", from_=caller_id, url=HOLD_URL)
    assert wait_for(lambda: status_of(parley, call.sid) == "ringing", timeout=5)
    assert parley.client().calls(call.sid).update(status="canceled").status == "canceled"
    code, output = finished(gateway)
    assert code == 0, output


def test_the_url_runs_when_answered_a_redirect_by_call_sid_ends_it_and_callbacks_arrive_in_order(parley, caller_id):
    goodbye = webhook().serve("/outbound/goodbye", "<Response><Say>Goodbye.</Say><Hangup/></Response>")
    gateway = carrier(parley, "uas_answer.xml")
    before = len(webhook().received("/rcml"))
    call = parley.client().calls.create(
        to="+32470206136", from_=caller_id, url=HOLD_URL, status_callback=webhook().url("/outbound/progress"),
        status_callback_event=["initiated", "ringing", "answered", "completed"])
    assert wait_for(lambda: len(webhook().received("/rcml")) > before, timeout=10)
    fetched = webhook().received("/rcml")[before]["form"]
    assert fetched["CallSid"] == call.sid and fetched["Direction"] == "outbound-api"
    assert fetched["CallStatus"] == "in-progress" and fetched["From"] == caller_id and fetched["To"] == "+32470206136"
    time.sleep(1.1)
    # Redirected by CallSid: the new document says goodbye and hangs up (Parley's BYE ends SIPp).
    assert parley.client().calls(call.sid).update(url=goodbye, method="POST").sid == call.sid
    code, output = finished(gateway)
    assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")
    assert webhook().received("/outbound/goodbye")[-1]["form"]["CallSid"] == call.sid
    assert wait_for(lambda: len(webhook().received("/outbound/progress")) == 4, timeout=5), webhook().received("/outbound/progress")
    callbacks = webhook().received("/outbound/progress")
    forms = [request["form"] for request in callbacks]
    assert [form["CallStatus"] for form in forms] == ["initiated", "ringing", "in-progress", "completed"]
    assert [form["SequenceNumber"] for form in forms] == ["0", "1", "2", "3"]
    assert all(form["CallbackSource"] == "call-progress-events" and form["CallSid"] == call.sid for form in forms)
    assert int(forms[-1]["CallDuration"]) >= 1 and "Timestamp" in forms[0]
    validator = RequestValidator(parley.admin_token)
    assert all(validator.validate(webhook().url("/outbound/progress"), request["form"], request["headers"]["X-Twilio-Signature"])
               for request in callbacks)


def test_an_unanswered_call_reports_only_completed_by_default(parley, caller_id):
    gateway = carrier(parley, "uas_busy.xml")
    call = parley.client().calls.create(to="+32470206137", from_=caller_id, url=HOLD_URL,
                                        status_callback=webhook().url("/outbound/busy"))
    code, output = finished(gateway)
    assert code == 0, output
    assert wait_for(lambda: len(webhook().received("/outbound/busy")) == 1, timeout=5)
    time.sleep(0.3)
    [only] = webhook().received("/outbound/busy")
    assert only["form"]["CallStatus"] == "busy" and only["form"]["CallDuration"] == "0" and only["form"]["CallSid"] == call.sid
    bad = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json",
                      data={"To": "+32470206137", "From": caller_id, "Url": HOLD_URL,
                            "StatusCallback": HOLD_URL, "StatusCallbackEvent": "answered finished"})
    assert bad.status_code == 400 and "StatusCallbackEvent" in bad.json()["message"]


def test_bad_requests_name_their_parameter(parley, caller_id):
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json"
    good = {"To": "+32470206135", "From": caller_id, "Url": "https://example.com/rcml"}
    cases = [
        ({**good, "To": "+33123456789"}, 21215, "Belgian"),  # Twilio: not authorized to call this destination
        ({**good, "To": "112"}, 21215, "emergency"),
        ({**good, "To": "+32 101"}, 21215, "emergency"),
        ({**good, "From": "+32477206102"}, 21210, "From"),  # in the pool, not this account's
        ({k: v for k, v in good.items() if k != "Url"}, 20001, "Url"),
        ({**good, "Url": "ftp://x"}, 20001, "Url"),
        ({**good, "Timeout": "0"}, 20001, "Timeout"),
    ]
    for form, code, name in cases:
        response = parley.http("POST", base, data=form)
        assert response.status_code == 400, (form, response.text)
        body = response.json()
        assert body["code"] == code and name in body["message"], body
    assert parley.client().calls.list(to="+32470206135") == []
    texts = [n["message_text"] for n in parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json").json()["notifications"]]
    assert any("112" in text and "emergency" in text for text in texts), texts
    unknown = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/CA{'0' * 32}.json", data={"Status": "completed"})
    assert unknown.status_code == 404


def test_a_client_rings_on_every_registered_softphone_and_the_first_answer_wins(parley, caller_id):
    from sip_peers import create_client, registrations, start_baresip
    client = create_client(parley, "twodesks", "Twodesks-pass-1")
    answering, answering_log = start_baresip(parley, "twodesks", "Twodesks-pass-1", answermode="auto")
    ringing, ringing_log = start_baresip(parley, "twodesks", "Twodesks-pass-1", sip_trace=True)
    try:
        assert wait_for(lambda: len(registrations(parley, client["sid"])) == 2, timeout=10)
        call = parley.client().calls.create(to="client:twodesks", from_=caller_id, url=HOLD_URL)
        assert wait_for(lambda: status_of(parley, call.sid) == "in-progress", timeout=10), open(answering_log).read()
        # The softphone that did not answer was told to stop ringing.
        assert wait_for(lambda: "CANCEL sip:" in open(ringing_log).read(), timeout=5), open(ringing_log).read()[-3000:]
        assert parley.client().calls(call.sid).update(status="completed").status == "completed"
        assert parley.client().calls(call.sid).fetch().to == "client:twodesks"
    finally:
        for process in (answering, ringing):
            process.terminate()
            process.wait(timeout=10)


def test_a_sip_address_is_called_directly(parley, caller_id):
    port = free_port()
    desk = subprocess.Popen(["sipp", "-sf", os.path.join(FIXTURES, "uas_answer_hangup.xml"), "-i", "127.0.0.1", "-p", str(port),
                             "-m", "1", "-nostdin", "-timeout", "40s", "-timeout_error"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert Hosts.wait_for_listener(None, port)
    call = parley.client().calls.create(to=f"sip:desk@127.0.0.1:{port}", from_=caller_id, url=HOLD_URL)
    code, output = finished(desk)
    assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")
    assert parley.client().calls(call.sid).fetch().to == f"sip:desk@127.0.0.1:{port}"


def test_a_client_registered_over_tcp_is_called_on_its_connection(parley, caller_id):
    from sip_peers import create_client, registrations, start_baresip
    client = create_client(parley, "tcpdesk", "Tcpdesk-pass-1")
    phone, log = start_baresip(parley, "tcpdesk", "Tcpdesk-pass-1", answermode="auto", transport="tcp")
    try:
        assert wait_for(lambda: [r["source"].split(":")[0] for r in registrations(parley, client["sid"])] == ["tcp"], timeout=10), open(log).read()
        call = parley.client().calls.create(to="client:tcpdesk", from_=caller_id, url=HOLD_URL)
        assert wait_for(lambda: status_of(parley, call.sid) == "in-progress", timeout=10), open(log).read()[-3000:]
        assert parley.client().calls(call.sid).update(status="completed").status == "completed"
    finally:
        phone.terminate()
        phone.wait(timeout=10)


def test_pstn_calls_fail_over_to_the_next_trunk_gateway(fresh_parley):
    parley = fresh_parley()
    first, second = free_port(), free_port()
    parley.env["PARLEY_TRUNK"] = f"sip:127.0.0.1:{first},sip:127.0.0.1:{second}"
    parley.start()
    parley.client().incoming_phone_numbers.create(phone_number=CALLER_ID)

    def gateway(scenario, port):
        command = ["sipp", "-sf", os.path.join(FIXTURES, scenario), "-i", "127.0.0.1", "-p", str(port), "-m", "1", "-nostdin",
                   "-timeout", "40s", "-timeout_error"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert Hosts.wait_for_listener(None, port)
        return process

    # The first gateway is overloaded (503): the second one takes the call.
    overloaded, answering = gateway("uas_overloaded.xml", first), gateway("uas_answer_hangup.xml", second)
    call = parley.client().calls.create(to="+32470206140", from_=CALLER_ID, url=HOLD_URL)
    for process in (overloaded, answering):
        code, output = finished(process)
        assert code == 0, output
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")

    # The first gateway is down (nothing answers, not even 100 Trying): after a few seconds
    # the second one takes the call.
    answering = gateway("uas_answer_hangup.xml", second)
    started = time.time()
    call = parley.client().calls.create(to="+32470206141", from_=CALLER_ID, url=HOLD_URL)
    code, output = finished(answering)
    assert code == 0, output
    assert 3 < time.time() - started < 15
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")
    assert parley.logs().count("trunk gateway failed; trying the next") == 2


def test_twiml_and_application_sid_start_calls_as_in_twilios_quick_starts(parley, caller_id):
    # Twiml: the document itself; Parley plays it to the answering carrier (SIPp) and hangs up.
    gateway = carrier(parley, "uas_answer.xml")
    call = parley.client().calls.create(to="+32470206138", from_=caller_id, twiml='<Response><Play digits="ww"/><Hangup/></Response>')
    code, output = finished(gateway)
    assert code == 0, output  # Parley's BYE ended SIPp's call
    assert wait_for(lambda: status_of(parley, call.sid) == "completed")
    # ApplicationSid: the application's voice URL runs and its status callback hears the end.
    hangup = webhook().serve("/outbound/app", '<Response><Play digits="w"/><Hangup/></Response>')
    app = parley.client().applications.create(friendly_name="quick start", voice_url=hangup,
                                              status_callback=webhook().url("/outbound/app-status"))
    gateway = carrier(parley, "uas_answer.xml")
    call = parley.client().calls.create(to="+32470206139", from_=caller_id, application_sid=app.sid)
    code, output = finished(gateway)
    assert code == 0, output
    assert webhook().received("/outbound/app")[-1]["form"]["CallSid"] == call.sid
    assert wait_for(lambda: len(webhook().received("/outbound/app-status")) == 1, timeout=5)
    assert webhook().received("/outbound/app-status")[0]["form"]["CallStatus"] == "completed"
    # Bad instructions are refused before anything is dialled, naming the parameter.
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Calls.json"
    for form, name in (({"Twiml": "<Response><Play>"}, "Twiml"), ({"Twiml": "<Html/>"}, "Twiml"),
                       ({"Twiml": "<Response/>", "Url": HOLD_URL}, "Url"), ({"ApplicationSid": "AP" + "0" * 32}, "ApplicationSid"),
                       ({"Twiml": "<Response>" + "<Pause/>" * 600 + "</Response>"}, "Twiml")):
        response = parley.http("POST", base, data={"To": "+32470206140", "From": caller_id, **form})
        assert response.status_code == 400 and name in response.json()["message"], response.text
    assert parley.client().calls.list(to="+32470206140") == []
