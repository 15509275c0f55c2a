"""Smart 2FA with Twilio Verify v2's shape, driven by the twilio library with its Verify base
URL pointed at Parley: codes by SMS (the Net::SMPP SMSC), e-mail (aiosmtpd) and voice call
(SIPp as the carrier, or baresip answering and recording, the code then recognised by
pocketsphinx), fallback from a failed SMS to a busy callee to e-mail with the same code,
checks approved once, expiry, and the limits on sends and checks."""
import glob
import os
import re
import subprocess
import wave

import numpy
import pytest
from twilio.base.exceptions import TwilioRestException

from conftest import CARRIER_HOST, make_parley
from mail_server import MailServer
from sip_peers import FIXTURES, start_baresip, stop, wait_for
from smsc import SMSC

OPERATOR_NUMBER = "+3222060700"


@pytest.fixture(scope="module")
def peers():
    smsc, relay = SMSC().start(), MailServer().start()
    yield smsc, relay
    smsc.stop()
    relay.stop()


@pytest.fixture(scope="module")
def verify_parley(peers):
    smsc, relay = peers
    server = make_parley()
    server.start(extra_args=("--test-clock", *smsc.parley_args(), *relay.parley_args(), "--sms-rate", "50",
                             "--verify-caller-id", OPERATOR_NUMBER))
    yield server
    assert server.stop() == 0, "parley did not shut down cleanly on SIGTERM"


def verify(parley):
    client = parley.client()
    client.verify.base_url = parley.base_url
    return client.verify.v2


def sms_code(smsc, destination):
    """The code in the last SMS the SMSC took for `destination` (digits without +)."""
    texts = [bytes.fromhex(entry["short_message"]).decode("latin-1") for entry in smsc.accepted(destination)]
    return re.search(r"(\d{4,10})\s*$", texts[-1]).group(1) if texts else None


def carrier(parley, scenario):
    """SIPp as the carrier's gateway for one call, once it listens on the trunk port."""
    process = subprocess.Popen(["sipp", "-sf", os.path.join(FIXTURES, scenario), "-i", CARRIER_HOST, "-p", str(parley.trunk_port),
                                "-m", "1", "-nostdin", "-timeout", "60s", "-timeout_error"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    listening = lambda: f"{CARRIER_HOST}:{parley.trunk_port}" in subprocess.run(["ss", "-Hlun"], capture_output=True, text=True).stdout
    assert wait_for(listening), "SIPp did not bind"
    return process


def test_a_code_by_sms_is_approved_once(verify_parley, peers):
    smsc, _ = peers
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Parley Shop", code_length=7)
    assert service.sid.startswith("VA") and service.code_length == 7
    verification = api.services(service.sid).verifications.create(to="+32470000101", channel="sms")
    assert verification.status == "pending" and verification.channel == "sms" and verification.valid is False
    assert verification.send_code_attempts[0]["channel"] == "sms"
    assert wait_for(lambda: sms_code(smsc, "32470000101"))
    code = sms_code(smsc, "32470000101")
    assert len(code) == 7 and "Parley Shop" in bytes.fromhex(smsc.accepted("32470000101")[-1]["short_message"]).decode("latin-1")
    wrong = api.services(service.sid).verification_checks.create(to="+32470000101", code="0000000" if code != "0000000" else "1111111")
    assert wrong.status == "pending" and wrong.valid is False
    right = api.services(service.sid).verification_checks.create(to="+32470000101", code=code)
    assert right.status == "approved" and right.valid is True and right.sid == verification.sid
    with pytest.raises(TwilioRestException) as again:
        api.services(service.sid).verification_checks.create(to="+32470000101", code=code)
    assert again.value.status == 404
    assert api.services(service.sid).verifications(verification.sid).fetch().status == "approved"


def test_a_failed_sms_falls_back_to_a_busy_call_then_to_email_with_the_same_code(verify_parley, peers):
    smsc, relay = peers
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Fallback")
    gateway = carrier(verify_parley, "uas_busy.xml")
    # The SMSC reports 32470000199 undelivered; the carrier answers the call busy.
    verification = api.services(service.sid).verifications.create(to="+32470000199", channel="auto",
                                                                channel_configuration={"email": "fallback@example.com"})
    assert wait_for(lambda: relay.received("fallback@example.com"), timeout=60), verify_parley.logs()[-3000:]
    gateway.communicate(timeout=60)
    fetched = api.services(service.sid).verifications(verification.sid).fetch()
    attempts = fetched.send_code_attempts
    assert [(a["channel"], a["outcome"]) for a in attempts] == [("sms", "failed"), ("call", "failed"), ("email", "delivered")], attempts
    assert "busy" in attempts[1]["detail"]
    sms_sent = sms_code(smsc, "32470000199")
    mail = relay.received("fallback@example.com")[-1]["message"]
    mailed = re.search(r"(\d{6})", mail.get_content()).group(1)
    assert sms_sent == mailed
    check = api.services(service.sid).verification_checks.create(verification_sid=verification.sid, code=mailed)
    assert check.status == "approved"


def test_a_voice_code_is_spoken_to_an_answering_callee(verify_parley):
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Voice")
    gateway = carrier(verify_parley, "uas_answer.xml")
    verification = api.services(service.sid).verifications.create(to="+3222060799", channel="call", locale="fr")
    assert wait_for(lambda: api.services(service.sid).verifications(verification.sid).fetch().send_code_attempts[0]["outcome"] != "sending",
                    timeout=60)
    attempt = api.services(service.sid).verifications(verification.sid).fetch().send_code_attempts[0]
    assert attempt["channel"] == "call" and attempt["outcome"] == "delivered" and attempt["detail"] == "code spoken"
    gateway.communicate(timeout=60)
    assert gateway.returncode == 0
    [call] = verify_parley.client().calls.list(to="+3222060799")
    assert call._from == OPERATOR_NUMBER
    assert wait_for(lambda: verify_parley.client().calls(call.sid).fetch().status == "completed")
    # Twice the code and the offer to hear it again, then the wait for a key: well over 10 s.
    assert int(verify_parley.client().calls(call.sid).fetch().duration) >= 10


def test_sends_and_checks_are_limited(verify_parley):
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Limits")
    for _ in range(5):
        api.services(service.sid).verifications.create(to="+32470000102", channel="sms")
    with pytest.raises(TwilioRestException) as too_many:
        api.services(service.sid).verifications.create(to="+32470000102", channel="sms")
    assert too_many.value.status == 429 and too_many.value.code == 60203
    verification = api.services(service.sid).verifications.create(to="+32470000103", channel="sms")
    for _ in range(5):
        assert api.services(service.sid).verification_checks.create(to="+32470000103", code="99999999"[:6]).valid is False
    with pytest.raises(TwilioRestException) as checks:
        api.services(service.sid).verification_checks.create(to="+32470000103", code="123456")
    assert checks.value.status == 429 and checks.value.code == 60202
    assert api.services(service.sid).verifications(verification.sid).fetch().status == "pending"


def test_codes_expire_after_ten_minutes(verify_parley, peers):
    smsc, _ = peers
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Expiry")
    verification = api.services(service.sid).verifications.create(to="+32470000104", channel="sms")
    assert wait_for(lambda: sms_code(smsc, "32470000104"))
    verify_parley.advance_clock(601)
    with pytest.raises(TwilioRestException) as expired:
        api.services(service.sid).verification_checks.create(to="+32470000104", code=sms_code(smsc, "32470000104"))
    assert expired.value.status == 404
    assert api.services(service.sid).verifications(verification.sid).fetch().status == "expired"


def test_the_operator_sets_the_code_lifetime_and_the_rate(peers):
    _, relay = peers
    server = make_parley()
    server.start(extra_args=("--test-clock", *relay.parley_args(), "--verify-code-lifetime", "2", "--verify-rate", "3"))
    try:
        api = verify(server)
        service = api.services.create(friendly_name="Short")
        verification = api.services(service.sid).verifications.create(to="short@example.com", channel="email")
        assert wait_for(lambda: relay.received("short@example.com"), timeout=30)
        text = relay.received("short@example.com")[-1]["message"].get_content()
        assert "It expires in 2 minutes." in text, text
        for index in range(2):
            api.services(service.sid).verifications.create(to=f"short{index}@example.com", channel="email")
        with pytest.raises(TwilioRestException) as too_many:
            api.services(service.sid).verifications.create(to="short9@example.com", channel="email")
        assert too_many.value.status == 429 and too_many.value.code == 20429
        server.advance_clock(121)
        with pytest.raises(TwilioRestException) as expired:
            api.services(service.sid).verification_checks.create(to="short@example.com", code=re.search(r"(\d{6})", text).group(1))
        assert expired.value.status == 404
        assert api.services(service.sid).verifications(verification.sid).fetch().status == "expired"
    finally:
        assert server.stop() == 0


def test_bad_requests_name_what_is_wrong(verify_parley):
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Errors")
    for fields, code in [({"to": "+3222060701", "channel": "sms"}, 60205), ({"to": "not a number", "channel": "sms"}, 60200),
                         ({"to": "+32470000105", "channel": "fax"}, 60200), ({"to": "+32470000105", "channel": "sms", "locale": "xx"}, 60200)]:
        with pytest.raises(TwilioRestException) as refused:
            api.services(service.sid).verifications.create(**fields)
        assert refused.value.status == 400 and refused.value.code == code, fields
    with pytest.raises(TwilioRestException) as bad_length:
        api.services.create(friendly_name="x", code_length=3)
    assert bad_length.value.code == 60200
    assert api.services(service.sid).fetch().friendly_name == "Errors"
    sub = verify_parley.client().api.accounts.create(friendly_name="another tenant")
    outsider = verify_parley.client(sub.sid, sub.auth_token)
    outsider.verify.base_url = verify_parley.base_url
    with pytest.raises(TwilioRestException) as foreign:
        outsider.verify.v2.services(service.sid).fetch()
    assert foreign.value.status == 404
    with pytest.raises(TwilioRestException) as missing:
        api.services("VA" + "0" * 32).fetch()
    assert missing.value.status == 404



DIGITS = "zero one two three four five six seven eight nine".split()


def recognised_codes(recording, workdir, name, length):
    """The codes pocketsphinx (its batch decoder, the en-US model) hears in baresip's recording
    of the call, with a grammar of what the call says around `length` digits: one code for
    each time it is read out (the digits after each "is"). The recording is Opus at 48 kHz, two channels; the recogniser
    wants 16 kHz mono, and what Parley sends over Opus has nothing above 8 kHz to fold back."""
    with wave.open(recording) as heard:
        channels, frames = heard.getnchannels(), heard.readframes(heard.getnframes())
        assert heard.getframerate() == 48000
    samples = numpy.frombuffer(frames, dtype="<i2").reshape(-1, channels).mean(axis=1)[::3].astype("<i2")
    with wave.open(os.path.join(workdir, "call.wav"), "wb") as call:
        call.setnchannels(1)
        call.setsampwidth(2)
        call.setframerate(16000)
        call.writeframes(samples.tobytes())
    code = " ".join(["<digit>"] * length)
    with open(os.path.join(workdir, "call.gram"), "w") as grammar:
        grammar.write(f"#JSGF V1.0;\ngrammar otp;\npublic <call> = your {name} verification code is {code} again your code is {code} "
                      f"press one to hear it again;\n<digit> = {' | '.join(DIGITS)};\n")
    with open(os.path.join(workdir, "call.ctl"), "w") as control:
        control.write("call\n")
    model = "/usr/share/pocketsphinx/model/en-us"
    subprocess.run(["pocketsphinx_batch", "-ctl", os.path.join(workdir, "call.ctl"), "-cepdir", workdir, "-cepext", ".wav",
                    "-adcin", "yes", "-adchdr", "44", "-cmn", "current", "-jsgf", os.path.join(workdir, "call.gram"),
                    "-hmm", f"{model}/en-us", "-dict", f"{model}/cmudict-en-us.dict", "-hyp", os.path.join(workdir, "call.hyp"),
                    "-logfn", os.path.join(workdir, "pocketsphinx.log")], check=True, timeout=120)
    words = open(os.path.join(workdir, "call.hyp")).read().split()
    codes = []
    for position in (index + 1 for index, word in enumerate(words) if word == "is"):
        codes.append("".join(str(DIGITS.index(word)) for word in words[position:position + length]))
    return codes


def test_a_voice_code_recorded_by_the_callee_is_recognised_and_approved(verify_parley, tmp_path):
    """baresip answers as the callee over Opus, so what it records is wideband, and writes the
    call down; pocketsphinx recognises the code in it, and that code is approved."""
    api = verify(verify_parley)
    service = api.services.create(friendly_name="Parley", code_length=6)
    callee, log = start_baresip(verify_parley, "+3222060798", "unused", regint=0, answermode="auto", tone_hz=0, codecs=("opus",),
                                dump_dir=str(tmp_path), local_address=CARRIER_HOST,
                                registrar=f"{CARRIER_HOST}:{verify_parley.trunk_port}", sip_port=verify_parley.trunk_port)
    try:
        verification = api.services(service.sid).verifications.create(to="+3222060798", channel="call", locale="en")
        [call] = verify_parley.client().calls.list(to="+3222060798")
        # Parley ends the call once the offer to hear the code again has gone unanswered.
        assert wait_for(lambda: verify_parley.client().calls(call.sid).fetch().status == "completed", timeout=60), open(log).read()[-3000:]
    finally:
        stop(callee)
    assert api.services(service.sid).verifications(verification.sid).fetch().send_code_attempts[0]["outcome"] == "delivered"
    [recording] = glob.glob(str(tmp_path / "dump-*-dec.wav"))
    first, second = recognised_codes(recording, str(tmp_path), "parley", 6)
    assert first == second, (first, second)
    check = api.services(service.sid).verification_checks.create(to="+3222060798", code=first)
    assert check.status == "approved", first
