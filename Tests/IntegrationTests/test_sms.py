"""SMS through a real SMSC (Net::SMPP in server mode, Fixtures/smsc/smsc.pl): the twilio
library sends, the SMSC receives submit_sm from the shared sender 8640 and sends delivery
receipts, status callbacks follow every change in order, signed; long and non-GSM texts are
split and coded as handsets expect; refusals carry Twilio's codes; back-pressure slows Parley
down without failing messages; an SMSC outage and a kill -9 of Parley lose nothing; messages
from mobiles run the number's SmsUrl (or its fallback), and what it answers replies."""
import os
import signal
import subprocess

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from conftest import CARRIER_HOST, free_port, make_parley
from openapi_check import assert_valid
from sip_peers import FIXTURES, wait_for
from smsc import SMSC
from webhook_server import webhook

OWNED = "+32490206100"


@pytest.fixture(scope="module")
def smsc():
    server = SMSC().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sms_parley(smsc):
    server = make_parley()
    server.start(extra_args=("--test-clock", *smsc.parley_args(), "--sms-rate", "50"))
    server.client().incoming_phone_numbers.create(phone_number=OWNED)
    yield server
    assert server.stop() == 0, "parley did not shut down cleanly on SIGTERM"


def message_status(parley, sid):
    return parley.client().messages(sid).fetch().status


def wait_status(parley, sid, status, timeout=15):
    assert wait_for(lambda: message_status(parley, sid) == status, timeout), (sid, message_status(parley, sid), parley.logs()[-3000:])


def test_an_sms_from_the_twilio_library_goes_from_8640_and_its_receipt_makes_it_delivered(sms_parley, smsc):
    url = webhook().url("/sms-status?case=delivered")
    message = sms_parley.client().messages.create(to="+32470000001", from_=OWNED, body="Your code is 123456", status_callback=url)
    assert message.status == "queued" and message.num_segments == "1" and message.direction == "outbound-api"
    assert message.from_ == "8640" and message.to == "+32470000001"
    wait_status(sms_parley, message.sid, "delivered")
    [submitted] = smsc.accepted("32470000001")
    assert submitted["source"] == "8640" and submitted["source_ton"] == 3
    assert submitted["registered_delivery"] == 1 and submitted["data_coding"] == 0 and submitted["esm_class"] == 0
    assert bytes.fromhex(submitted["short_message"]) == b"Your code is 123456"
    assert wait_for(lambda: len(webhook().received("/sms-status")) >= 4)
    callbacks = [request for request in webhook().received("/sms-status") if request["form"]["MessageSid"] == message.sid]
    assert [request["form"]["MessageStatus"] for request in callbacks] == ["queued", "sending", "sent", "delivered"]
    for request in callbacks:
        assert RequestValidator(sms_parley.admin_token).validate(url, request["form"], request["headers"]["X-Twilio-Signature"])
    fetched = sms_parley.client().messages(message.sid).fetch()
    assert fetched.date_sent is not None and fetched.error_code is None


def test_a_long_text_outside_gsm_is_sent_as_ucs2_parts_with_a_concatenation_header(sms_parley, smsc):
    body = "Prix: 5 € — " + "é" * 100
    message = sms_parley.client().messages.create(to="+32470000002", from_=OWNED, body=body)
    assert message.num_segments == "2"
    wait_status(sms_parley, message.sid, "delivered")
    parts = [bytes.fromhex(entry["short_message"]) for entry in smsc.accepted("32470000002")]
    assert len(parts) == 2
    assert all(entry["data_coding"] == 8 and entry["esm_class"] == 0x40 for entry in smsc.accepted("32470000002"))
    assert parts[0][:3] == b"\x05\x00\x03" and parts[0][4:6] == b"\x02\x01" and parts[1][4:6] == b"\x02\x02"
    assert parts[0][3] == parts[1][3]
    assert (parts[0][6:] + parts[1][6:]).decode("utf-16-be") == body


@pytest.mark.parametrize("to, from_, body, code", [
    ("+32470000003", "+32490206199", "hi", 21606),   # a number of the pool this account does not hold
    ("+3222222222", OWNED, "hi", 21614),             # a fixed number
    ("+33612345678", OWNED, "hi", 21211),            # a foreign mobile
    ("+32470000003", OWNED, "", 21602),
    ("+32470000003", OWNED, "x" * 1601, 21617),
])
def test_messages_parley_refuses_get_twilio_s_codes(sms_parley, to, from_, body, code):
    with pytest.raises(TwilioRestException) as refused:
        sms_parley.client().messages.create(to=to, from_=from_, body=body)
    assert refused.value.status == 400 and refused.value.code == code


def test_failure_receipts_and_refusals_end_as_undelivered_or_failed(sms_parley):
    client = sms_parley.client()
    undelivered = client.messages.create(to="+32470000099", from_=OWNED, body="a")
    rejected = client.messages.create(to="+32470000098", from_=OWNED, body="b")
    refused = client.messages.create(to="+32470000097", from_=OWNED, body="c")
    wait_status(sms_parley, undelivered.sid, "undelivered")
    wait_status(sms_parley, rejected.sid, "failed")
    wait_status(sms_parley, refused.sid, "failed")
    assert client.messages(undelivered.sid).fetch().error_code == 30003
    assert "ESME_RINVDSTADR" in client.messages(refused.sid).fetch().error_message


def test_back_pressure_from_the_smsc_delays_messages_without_failing_them(sms_parley, smsc):
    client = sms_parley.client()
    throttled = client.messages.create(to="+32470000096", from_=OWNED, body="slow down")
    full = client.messages.create(to="+32470000095", from_=OWNED, body="queue full")
    wait_status(sms_parley, throttled.sid, "delivered")
    wait_status(sms_parley, full.sid, "delivered")
    tries = [entry["status"] for entry in smsc.events("submit_sm") if entry["destination"] in ("32470000096", "32470000095")]
    assert sorted(tries) == [0, 0, 0x14, 0x58]


def test_messages_accepted_while_the_smsc_is_down_go_once_it_is_back(sms_parley, smsc):
    smsc.stop()
    client = sms_parley.client()
    sids = [client.messages.create(to=f"+3247100001{n}", from_=OWNED, body=f"outage {n}").sid for n in range(5)]
    assert all(message_status(sms_parley, sid) == "queued" for sid in sids)
    smsc.start()
    for sid in sids:
        wait_status(sms_parley, sid, "delivered", timeout=60)
    for n in range(5):
        assert len(smsc.accepted(f"3247100001{n}")) == 1


def test_a_message_from_a_mobile_runs_the_number_s_sms_url_signed(sms_parley, smsc):
    url = webhook().url("/incoming-sms")
    client = sms_parley.client()
    number = client.incoming_phone_numbers.create(phone_number="+32490206101", sms_url=url)
    before = len(webhook().received("/incoming-sms"))
    assert smsc.send_from_mobile("32470000005", "32490206101", "Hello Parley") == "ok"
    assert wait_for(lambda: len(webhook().received("/incoming-sms")) > before)
    request = webhook().received("/incoming-sms")[before]
    form = request["form"]
    assert form["From"] == "+32470000005" and form["To"] == number.phone_number and form["Body"] == "Hello Parley"
    assert form["SmsStatus"] == "received" and form["AccountSid"] == sms_parley.admin_sid
    assert RequestValidator(sms_parley.admin_token).validate(url, form, request["headers"]["X-Twilio-Signature"])
    [received] = client.messages.list(to="+32490206101")
    assert received.sid == form["MessageSid"] and received.direction == "inbound" and received.status == "received"
    # A message to a number nobody holds is refused to the SMSC, and nothing is written.
    assert smsc.send_from_mobile("32470000005", "32490206119", "anyone?") == "status 11"


def test_the_webhook_s_answer_replies_and_a_failing_sms_url_falls_back(sms_parley, smsc):
    hook = webhook()
    client = sms_parley.client()
    # The answer's <Message> goes back to the mobile, from 8640, as an outbound-reply.
    reply_url = hook.serve("/sms/reply", "<Response><Message>Thanks, we got it</Message></Response>")
    client.incoming_phone_numbers.create(phone_number="+32490206104", sms_url=reply_url)
    assert smsc.send_from_mobile("32470000031", "32490206104", "Hi there") == "ok"
    assert wait_for(lambda: smsc.accepted("32470000031"), timeout=15), sms_parley.logs()[-3000:]
    assert bytes.fromhex(smsc.accepted("32470000031")[0]["short_message"]) == b"Thanks, we got it"
    [reply] = client.messages.list(to="+32470000031")
    assert reply.direction == "outbound-reply" and reply.from_ == "8640" and reply.body == "Thanks, we got it"

    # An SmsUrl that fails: its SmsFallbackUrl is asked, with the error, and redirects to a
    # document whose <Message><Body> is the reply; the <Play> there is skipped with a warning.
    fallback_url = hook.serve("/sms/fallback", "<Response><Redirect>/sms/redirected</Redirect></Response>")
    hook.serve("/sms/redirected", "<Response><Play>x.wav</Play><Message><Body>From the fallback</Body></Message></Response>")
    number = client.incoming_phone_numbers.create(phone_number="+32490206105", sms_url=hook.url("/status/500"),
                                                  sms_fallback_url=fallback_url)
    assert number.sms_fallback_url == fallback_url and number.sms_fallback_method == "POST"
    assert smsc.send_from_mobile("32470000032", "32490206105", "Anyone?") == "ok"
    assert wait_for(lambda: smsc.accepted("32470000032"), timeout=15), sms_parley.logs()[-3000:]
    assert bytes.fromhex(smsc.accepted("32470000032")[0]["short_message"]) == b"From the fallback"
    [asked] = hook.received("/sms/fallback")
    assert asked["form"]["ErrorCode"] == "11200" and asked["form"]["Body"] == "Anyone?"
    assert hook.received("/sms/redirected")[0]["form"]["From"] == "+32470000032"
    notices = [n["message_text"] for n in sms_parley.http("GET", f"/2010-04-01/Accounts/{sms_parley.admin_sid}/Notifications.json",
                                                          params={"PageSize": 1000}).json()["notifications"]]
    assert any("<Play> is not a messaging verb" in text for text in notices), notices


def test_the_parts_of_a_long_message_from_a_mobile_make_one_message(sms_parley, smsc):
    hook = webhook()
    client = sms_parley.client()
    client.incoming_phone_numbers.create(phone_number="+32490206106", sms_url=hook.serve("/sms/long", "<Response/>"))
    text = "".join(f"Sentence {n} of a long message from a mobile phone. " for n in range(1, 9))
    chunks = [text[start:start + 153] for start in range(0, len(text), 153)]
    assert len(chunks) == 3
    # GSM 03.38 letters, digits, spaces and full stops are their ASCII codes, one per septet.
    parts = [bytes([5, 0x00, 3, 0x5A, 3, n + 1]) + chunk.encode() for n, chunk in enumerate(chunks)]
    for index in (1, 0, 1):  # out of order, and one part sent twice
        assert smsc.send_from_mobile("32470000033", "32490206106", payload=parts[index], esm_class=0x40) == "ok"
    assert client.messages.list(to="+32490206106") == [] and hook.received("/sms/long") == []
    assert smsc.send_from_mobile("32470000033", "32490206106", payload=parts[2], esm_class=0x40) == "ok"
    assert wait_for(lambda: hook.received("/sms/long"))
    [request] = hook.received("/sms/long")
    assert request["form"]["Body"] == text and request["form"]["NumSegments"] == "3"
    [received] = client.messages.list(to="+32490206106")
    assert received.body == text and received.num_segments == "3" and received.direction == "inbound"
    # A header that runs past the message is refused to the SMSC, and nothing is written.
    assert smsc.send_from_mobile("32470000033", "32490206106", payload=bytes([9, 0x00, 3, 1]), esm_class=0x40) == "status 1"
    assert len(client.messages.list(to="+32490206106")) == 1


def test_lists_filter_by_to_and_date_sent_under_both_roots(sms_parley):
    client = sms_parley.client()
    message = client.messages.create(to="+32470000006", from_=OWNED, body="filtered")
    wait_status(sms_parley, message.sid, "delivered")
    assert [m.sid for m in client.messages.list(to="+32470000006")] == [message.sid]
    sent = client.messages(message.sid).fetch().date_sent
    assert message.sid in [m.sid for m in client.messages.list(date_sent=sent.date())]
    assert message.sid not in [m.sid for m in client.messages.list(date_sent_before=sent.replace(year=sent.year - 1))]
    restcomm = sms_parley.http("GET", f"/restcomm/2012-04-24/Accounts/{sms_parley.admin_sid}/SMS/Messages/{message.sid}")
    assert restcomm.status_code == 200 and f"<Sid>{message.sid}</Sid>" in restcomm.text and "<Status>delivered</Status>" in restcomm.text


def test_after_kill_9_every_accepted_message_is_sent_and_one_caught_in_flight_goes_once_more(fresh_parley):
    smsc = SMSC().start()
    try:
        parley = fresh_parley()
        parley.start(extra_args=("--test-clock", *smsc.parley_args(), "--sms-rate", "50"))
        client = parley.client()
        client.incoming_phone_numbers.create(phone_number=OWNED)
        # The SMSC never answers this one's first submit_sm: it is in flight when Parley dies.
        in_flight = client.messages.create(to="+32470000094", from_=OWNED, body="caught in flight")
        assert wait_for(lambda: any(e["destination"] == "32470000094" for e in smsc.events("submit_sm")))
        parley.stop(signal.SIGKILL)
        # Accepted while the SMSC is down, then Parley dies again.
        smsc.stop()
        parley.start(extra_args=("--test-clock", *smsc.parley_args(), "--sms-rate", "50"))
        queued = [client.messages.create(to=f"+3247200002{n}", from_=OWNED, body=f"queued {n}").sid for n in range(3)]
        parley.stop(signal.SIGKILL)
        smsc.start()
        parley.start(extra_args=("--test-clock", *smsc.parley_args(), "--sms-rate", "50"))
        for sid in queued + [in_flight.sid]:
            wait_status(parley, sid, "delivered", timeout=30)
        for n in range(3):
            assert len(smsc.accepted(f"3247200002{n}")) == 1
        assert len([e for e in smsc.events("submit_sm") if e["destination"] == "32470000094"]) == 2
        assert parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Messages/{in_flight.sid}.json").json()["attempts"] == 2
    finally:
        smsc.stop()


def test_message_json_matches_twilio_s_openapi_description(sms_parley, twilio_spec):
    base = f"/2010-04-01/Accounts/{sms_parley.admin_sid}/Messages"
    created = sms_parley.http("POST", base + ".json", data={"To": "+32470000007", "From": OWNED, "Body": "schema"})
    assert created.status_code == 201, created.text
    assert_valid(twilio_spec, created.json(), "/2010-04-01/Accounts/{AccountSid}/Messages.json", "post", "201")
    wait_status(sms_parley, created.json()["sid"], "delivered")
    fetched = sms_parley.http("GET", f"{base}/{created.json()['sid']}.json")
    assert_valid(twilio_spec, fetched.json(), "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json")
    listed = sms_parley.http("GET", base + ".json", params={"To": "+32470000007"})
    assert_valid(twilio_spec, listed.json(), "/2010-04-01/Accounts/{AccountSid}/Messages.json")
    assert [m["sid"] for m in listed.json()["messages"]] == [created.json()["sid"]]


def call_number(parley, number):
    """A PSTN caller (SIPp, from the carrier's address) that hangs up when Parley does."""
    return subprocess.run(
        ["sipp", f"127.0.0.1:{parley.sip_port}", "-s", number, "-m", "1", "-i", CARRIER_HOST, "-p", str(free_port()),
         "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"), "-nostdin", "-timeout", "30s", "-timeout_error"],
        capture_output=True, text=True, timeout=60)


def test_sms_in_rcml_sends_from_the_called_number_and_tells_the_action(sms_parley, smsc):
    client = sms_parley.client()
    action = webhook().serve("/sms-verb-action", "<Response><Hangup/></Response>")
    document = webhook().serve(
        "/sms-verb", f'<Response><Play digits="w"/><Sms to="+32470000008" action="{action}">Thanks for calling</Sms><Pause length="30"/></Response>')
    refused_action = webhook().serve("/sms-verb-refused-action", "<Response><Hangup/></Response>")
    refused = webhook().serve(
        "/sms-verb-refused", f'<Response><Play digits="w"/><Sms to="+3222222222" action="{refused_action}">Not to a fixed line</Sms></Response>')
    client.incoming_phone_numbers.create(phone_number="+32490206102", voice_url=document)
    client.incoming_phone_numbers.create(phone_number="+32490206103", voice_url=refused)

    result = call_number(sms_parley, "+32490206102")
    assert result.returncode == 0, result.stdout[-2000:]
    [request] = webhook().received("/sms-verb-action")
    assert request["form"]["SmsStatus"] == "sending"
    message = client.messages(request["form"]["SmsSid"]).fetch()
    assert message.to == "+32470000008" and message.body == "Thanks for calling" and message.direction == "outbound-call"
    wait_status(sms_parley, message.sid, "delivered")
    [submitted] = smsc.accepted("32470000008")
    assert submitted["source"] == "8640" and bytes.fromhex(submitted["short_message"]) == b"Thanks for calling"

    result = call_number(sms_parley, "+32490206103")
    assert result.returncode == 0, result.stdout[-2000:]
    [request] = webhook().received("/sms-verb-refused-action")
    assert request["form"]["SmsStatus"] == "failed" and "SmsSid" not in request["form"]
    call_sid = request["form"]["CallSid"]
    notes = sms_parley.http("GET", f"/2010-04-01/Accounts/{sms_parley.admin_sid}/Notifications.json", params={"CallSid": call_sid}).json()
    assert [note["error_code"] for note in notes["notifications"]] == ["14101"]
