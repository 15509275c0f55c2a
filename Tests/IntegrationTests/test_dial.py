"""Dial with real peers: what a SIPp caller says reaches the dialled party through Parley's
bridge (checked by recording it on the far side: Parley dialling one of its own numbers over
SIP), what a SIPp callee behind the trunk says reaches an outbound-API caller the same way,
a baresip Client is reached with <Dial><Client>, and the action receives DialCallStatus,
DialCallSid and DialCallDuration; callerId and emergency numbers follow the policy."""
import io
import os
import tempfile
import time
import wave

import numpy
import requests

from audio_check import best_correlation, pcap_alaw_samples, wav_samples
from conftest import free_port
from rcml_calls import bind, sipp
from sip_peers import FIXTURES, wait_for
from webhook_server import webhook

PCAP = "/usr/share/sip-tester/g711a.pcap"


def recording_of(parley, form):
    media = requests.get(form["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    assert media.status_code == 200, media.text
    return wav_samples(media.content)[1]


def test_the_callers_speech_reaches_the_dialled_party(parley, mirror):
    # +32476206110 dials +32476206111 over SIP on another Parley; that call records what it hears.
    bind(parley, "+32476206110", "/dial/a",
         f'<Response><Dial action="/dial/a/done" timeout="10" record="record-from-answer-dual"><Sip>sip:+32476206111@{mirror.sip_host}:{mirror.sip_port}</Sip></Dial></Response>')
    webhook().serve("/dial/a/done", "<Response><Hangup/></Response>")
    bind(mirror, "+32476206111", "/dial/b", '<Response><Record action="/dial/b/done" timeout="3" playBeep="false"/></Response>')
    webhook().serve("/dial/b/done", "<Response><Hangup/></Response>")
    result = sipp(parley, "uac_speaks_g711a.xml", number="+32476206110")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]

    [recorded] = [r["form"] for r in webhook().received("/dial/b/done") if r["form"]["To"] == "+32476206111"]
    correlation = best_correlation(pcap_alaw_samples(PCAP), recording_of(mirror, recorded))
    assert correlation >= 0.9, correlation
    [dial_action] = [r["form"] for r in webhook().received("/dial/a/done") if r["form"]["To"] == "+32476206110"]
    [parent] = parley.client().calls.list(to="+32476206110")
    [child] = parley.client().calls.list(parent_call_sid=parent.sid)
    assert dial_action["DialCallStatus"] == "completed" and dial_action["DialCallSid"] == child.sid
    assert int(dial_action["DialCallDuration"]) >= 7
    assert child.direction == "outbound-dial" and child.status == "completed"
    assert child._from == "+32476206110"  # out of Parley, the caller ID is always the account's own number
    assert recorded["From"] == "+32476206110"
    # record-from-answer-dual: the caller on the first channel, the callee on the second.
    [recording] = parley.client().recordings.list(call_sid=parent.sid)
    assert recording.source == "DialVerb" and recording.channels == 2 and recording.sid == dial_action["RecordingSid"]
    media = requests.get(dial_action["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    with wave.open(io.BytesIO(media.content)) as reader:
        assert reader.getnchannels() == 2 and reader.getframerate() == 8000
        frames = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").reshape(-1, 2).astype(float)
    assert best_correlation(pcap_alaw_samples(PCAP), frames[:, 0]) >= 0.9
    assert numpy.abs(frames[:, 1]).mean() < numpy.abs(frames[:, 0]).mean() / 10  # the callee only listened


def test_the_callees_speech_reaches_an_outbound_caller(parley, mirror):
    caller_id = "+32476206112"
    parley.client().incoming_phone_numbers.create(phone_number=caller_id)
    bind(mirror, "+32476206113", "/dial/c", '<Response><Record action="/dial/c/done" timeout="3" playBeep="false"/></Response>')
    webhook().serve("/dial/c/done", "<Response><Hangup/></Response>")
    dialler = webhook().serve("/dial/d", '<Response><Dial timeout="10">+32470206140</Dial><Say>Bye.</Say></Response>')
    carrier = sipp(parley, "uas_speaks_g711a.xml", port=parley.trunk_port, background=True)
    # Parley calls a number of the other Parley over SIP; once answered, that call dials the carrier.
    call = parley.client().calls.create(to=f"sip:+32476206113@{mirror.sip_host}:{mirror.sip_port}", from_=caller_id, url=dialler)
    out, err = carrier.communicate(timeout=60)
    assert carrier.returncode == 0, out[-2000:] + err[-1000:]
    assert wait_for(lambda: [r for r in webhook().received("/dial/c/done") if r["form"]["To"] == "+32476206113"], timeout=15)
    [recorded] = [r["form"] for r in webhook().received("/dial/c/done") if r["form"]["To"] == "+32476206113"]
    correlation = best_correlation(pcap_alaw_samples(PCAP), recording_of(mirror, recorded))
    assert correlation >= 0.9, correlation
    [child] = parley.client().calls.list(parent_call_sid=call.sid)
    assert child.to == "+32470206140" and child._from == caller_id and child.status == "completed"


def test_a_client_is_reached_and_bad_targets_are_notifications(parley):
    from sip_peers import create_client, registrations, start_baresip
    client = create_client(parley, "agent", "Agent-pass-1")
    phone, log = start_baresip(parley, "agent", "Agent-pass-1", answermode="auto")
    try:
        assert wait_for(lambda: len(registrations(parley, client["sid"])) == 1, timeout=10), open(log).read()
        bind(parley, "+32476206114", "/dial/e",
             '<Response><Dial action="/dial/e/done" timeLimit="2"><Client>agent</Client></Dial></Response>')
        webhook().serve("/dial/e/done", "<Response><Hangup/></Response>")
        result = sipp(parley, "uac_parley_hangs_up.xml", number="+32476206114")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
        [action] = [r["form"] for r in webhook().received("/dial/e/done") if r["form"]["To"] == "+32476206114"]
        assert action["DialCallStatus"] == "completed" and 1 <= int(action["DialCallDuration"]) <= 3, action  # the time limit
        [parent] = parley.client().calls.list(to="+32476206114")
        [child] = parley.client().calls.list(parent_call_sid=parent.sid)
        assert child.to == "client:agent" and child.status == "completed"
        # Two targets ring at once; the Client answers, the silent SIP address is cancelled. The
        # caller then presses * (sip-tester's RFC 2833 pcap) and, with hangupOnStar, the
        # dialled call ends long before its time limit.
        bind(parley, "+32476206117", "/dial/h",
             f'<Response><Dial action="/dial/h/done" hangupOnStar="true" timeLimit="30"><Client>agent</Client>'
             f'<Sip>sip:nobody@127.0.0.1:{free_port()}</Sip></Dial></Response>')
        webhook().serve("/dial/h/done", "<Response><Hangup/></Response>")
        with tempfile.TemporaryDirectory() as directory:
            scenario = os.path.join(directory, "star.xml")
            with open(scenario, "w") as handle:
                handle.write(open(os.path.join(FIXTURES, "uac_speaks_g711a.xml")).read().replace(
                    "/usr/share/sip-tester/g711a.pcap", "/usr/share/sip-tester/dtmf_2833_star.pcap"))
            started = time.monotonic()
            result = sipp(parley, scenario, number="+32476206117")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
        assert time.monotonic() - started < 15
        [action] = [r["form"] for r in webhook().received("/dial/h/done") if r["form"]["To"] == "+32476206117"]
        [parent] = parley.client().calls.list(to="+32476206117")
        children = {call.to: call for call in parley.client().calls.list(parent_call_sid=parent.sid)}
        assert action["DialCallStatus"] == "completed" and action["DialCallSid"] == children["client:agent"].sid
        assert int(action["DialCallDuration"]) < 10
        assert wait_for(lambda: parley.client().calls(children["client:agent"].sid).fetch().status == "completed")
        assert [call.status for to, call in children.items() if to.startswith("sip:")] == ["canceled"]
    finally:
        phone.terminate()
        phone.wait(timeout=10)

    # An emergency number and a caller ID the account does not own: the Dial fails, the
    # document goes on, and Notifications say why.
    bind(parley, "+32476206115", "/dial/f",
         '<Response><Dial action="/dial/f/done"><Number>112</Number></Dial></Response>')
    webhook().serve("/dial/f/done", "<Response><Hangup/></Response>")
    bind(parley, "+32476206116", "/dial/g",
         '<Response><Dial action="/dial/g/done" callerId="+32477206119">+32470206141</Dial></Response>')
    webhook().serve("/dial/g/done", "<Response><Hangup/></Response>")
    for number, path in (("+32476206115", "/dial/f/done"), ("+32476206116", "/dial/g/done")):
        result = sipp(parley, "uac_parley_hangs_up.xml", number=number)
        assert result.returncode == 0, result.stdout[-2000:]
        [action] = [r["form"] for r in webhook().received(path) if r["form"]["To"] == number]
        assert action["DialCallStatus"] == "failed", action
    texts = [n["message_text"] for n in parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json").json()["notifications"]]
    assert any("112" in text and "emergency" in text for text in texts), texts
    assert any("+32477206119" in text and "callerId" in text for text in texts), texts


def test_a_busy_callee_at_the_end_of_the_document_gives_the_busy_tone(parley, tmp_path):
    # A baresip Client's application dials a PSTN number; the carrier behind the trunk (SIPp)
    # answers 486 Busy Here, and the document has nothing after the Dial: baresip hears three
    # cadences of the busy tone (425 Hz, 0.5 s on, 0.5 s off) before Parley hangs up, instead
    # of a silent hang-up.
    import glob
    import signal
    from sip_peers import create_client, start_baresip
    from test_outbound_calls import carrier, finished
    bind(parley, "+32476206118", "/dial/busy/own", "<Response><Hangup/></Response>")  # the caller ID shown
    url = webhook().serve("/dial/busy/app", '<Response><Dial callerId="+32476206118" timeout="10">+32470206137</Dial></Response>')
    app = parley.client().applications.create(friendly_name="busy", voice_url=url)
    create_client(parley, "busycaller", "Busy-pass-1", VoiceApplicationSid=app.sid)
    gateway = carrier(parley, "uas_busy.xml")
    process, log = start_baresip(parley, "busycaller", "Busy-pass-1", codecs=("g711",), dump_dir=str(tmp_path),
                                 commands=[f"/dial sip:+32476206199@127.0.0.1:{parley.sip_port}"])

    def parent():
        return [call for call in parley.client().calls.list(from_="client:busycaller") if not call.parent_call_sid]

    try:
        assert wait_for(lambda: [call.status for call in parent()] == ["completed"], timeout=30), open(log).read()[-3000:]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    code, output = finished(gateway)
    assert code == 0, output
    [call] = parent()
    [child] = parley.client().calls.list(parent_call_sid=call.sid)
    assert child.status == "busy" and int(call.duration) >= 3, (child.status, call.duration)

    [decoded] = glob.glob(str(tmp_path / "dump-*-dec.wav"))
    with wave.open(decoded) as file:
        rate = file.getframerate()
        heard = numpy.frombuffer(file.readframes(file.getnframes()), dtype="<i2").astype(float).reshape(-1, file.getnchannels())[:, 0]
    window = rate // 10
    t = numpy.arange(window) / rate
    loud = [2 * abs(numpy.dot(heard[start:start + window], numpy.exp(-2j * numpy.pi * 425 * t))) / window > 1500
            for start in range(0, len(heard) - window, window)]
    runs = []  # (loud, length in 100 ms windows), in order
    for flag in loud:
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1] + 1)
        else:
            runs.append((flag, 1))
    tones = [index for index, (flag, _) in enumerate(runs) if flag]
    # The last three tones are the busy cadences (any ringback before them is 1 s on, 3 s off),
    # each followed by its half second of silence.
    assert len(tones) >= 3 and all(4 <= runs[index][1] <= 6 for index in tones[-3:]), runs
    assert all(4 <= runs[index + 1][1] <= 6 for index in tones[-3:-1]), runs
