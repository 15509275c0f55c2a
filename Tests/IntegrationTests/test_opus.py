"""Opus with a real peer: baresip, offering only Opus, calls a number. Parley answers
opus/48000/2 with in-band FEC, plays a 1,000 Hz prompt (a WAV file, encoded into Opus by
Parley), then records what baresip sends (its 440 Hz tone, decoded from Opus by Parley).
baresip's sndfile module writes what it decoded from Parley, so both directions are heard."""
import glob
import io
import re
import signal
import time
import wave

import numpy
import requests

from audio_check import tone, write_alaw_pcap
from rcml_calls import bind, sipp, speaking_scenario
from sip_peers import create_client, start_baresip, wait_for
from webhook_server import webhook


def amplitude(samples, frequency, rate):
    t = numpy.arange(len(samples)) / rate
    return 2 * abs(numpy.dot(samples, numpy.exp(-2j * numpy.pi * frequency * t))) / max(1, len(samples))


def wav(body):
    with wave.open(io.BytesIO(body)) as file:
        frames = numpy.frombuffer(file.readframes(file.getnframes()), dtype="<i2").astype(float)
        return file.getframerate(), frames.reshape(-1, file.getnchannels())[:, 0]


def tone_wav(frequency, seconds, rate=8000):
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        t = numpy.arange(int(seconds * rate)) / rate
        file.writeframes((8000 * numpy.sin(2 * numpy.pi * frequency * t)).astype("<i2").tobytes())
    return out.getvalue()


def test_an_opus_caller_is_answered_in_opus_and_heard_both_ways(parley, tmp_path):
    hook = webhook()
    prompt = hook.serve("/opus/prompt.wav", tone_wav(1000, 2), content_type="audio/wav")
    done = hook.serve("/opus/done", "<Response><Hangup/></Response>")
    url = hook.serve("/opus/app", f'<Response><Play>{prompt}</Play>'
                                  f'<Record maxLength="3" playBeep="false" action="{done}"/></Response>')
    app = parley.client().applications.create(friendly_name="opus", voice_url=url)
    create_client(parley, "wideband", "Wideband-pass-1", VoiceApplicationSid=app.sid)
    process, log = start_baresip(parley, "wideband", "Wideband-pass-1", sip_trace=True, codecs=("opus",), dump_dir=str(tmp_path),
                                 commands=[f"/dial sip:+3222060795@127.0.0.1:{parley.sip_port}"])
    try:
        assert wait_for(lambda: hook.received("/opus/done"), timeout=30), open(log).read()[-3000:]
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:wideband")] == ["completed"], timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    trace = open(log).read()
    answer = trace[trace.index("SIP/2.0 200 OK"):]
    payload_type = re.search(r"a=rtpmap:(\d+) opus/48000/2", answer)
    assert payload_type and f"a=fmtp:{payload_type.group(1)} useinbandfec=1" in answer, answer[:1500]

    # Parley decoded baresip's Opus: the recording holds its 440 Hz tone.
    form = hook.received("/opus/done")[0]["form"]
    media = requests.get(form["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    rate, recorded = wav(media.content)
    assert len(recorded) >= 2 * rate, len(recorded)
    steady = recorded[rate // 2:]
    assert amplitude(steady, 440, rate) > 3000 and amplitude(steady, 1000, rate) < 300, (amplitude(steady, 440, rate), amplitude(steady, 1000, rate))

    # baresip decoded Parley's Opus: what it played holds the 1,000 Hz prompt for about 2 s.
    [decoded_path] = [path for path in glob.glob(str(tmp_path / "dump-*-dec.wav"))]
    rate, heard = wav(open(decoded_path, "rb").read())
    windows = [heard[start:start + rate // 10] for start in range(0, len(heard) - rate // 10, rate // 10)]
    loud = [window for window in windows if amplitude(window, 1000, rate) > 4000]
    assert 15 <= len(loud) <= 22, [round(amplitude(window, 1000, rate)) for window in windows]


def test_silent_opus_listeners_in_a_room_hear_a_g711_speaker(parley, tmp_path):
    # Two baresip Clients offering only Opus and sending silence join a room; a SIPp caller
    # then plays a 700 Hz tone into it in A-law. The listeners are silent, so the room encodes
    # its mix in Opus once for both (the mixer's shared encoding), and each decodes the tone.
    room = webhook().serve("/opus/room", '<Response><Dial timeLimit="10"><Conference beep="false">opus-room</Conference></Dial></Response>')
    app = parley.client().applications.create(friendly_name="opus room", voice_url=room)
    listeners = []
    try:
        for index in (1, 2):
            create_client(parley, f"listener{index}", f"Listener-pass-{index}", VoiceApplicationSid=app.sid)
            dump = tmp_path / f"listener{index}"
            dump.mkdir()
            listeners.append((start_baresip(parley, f"listener{index}", f"Listener-pass-{index}", codecs=("opus",), dump_dir=str(dump),
                                            tone_hz=0, commands=[f"/dial sip:+3222060796@127.0.0.1:{parley.sip_port}"]), dump))
        base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "opus-room"}).json()["conferences"], timeout=10)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "opus-room"}).json()["conferences"][0]["sid"]
        assert wait_for(lambda: len(parley.client().conferences(conference).participants.list()) == 2, timeout=10)
        bind(parley, "+32476206112", "/opus/speaker", '<Response><Dial timeLimit="6"><Conference beep="false">opus-room</Conference></Dial></Response>')
        pcap = str(tmp_path / "speaker.pcap")
        write_alaw_pcap(pcap, tone(700, 6))
        speaker = sipp(parley, speaking_scenario(str(tmp_path), "speaker", pcap, caller_id="0470111111"), number="+32476206112", background=True)
        out, err = speaker.communicate(timeout=40)
        assert speaker.returncode == 0, out[-1500:] + err[-500:]
        assert wait_for(lambda: parley.client().conferences(conference).fetch().status == "completed", timeout=15)
    finally:
        for (process, _), _ in listeners:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    for (_, log), dump in listeners:
        [decoded] = glob.glob(str(dump / "dump-*-dec.wav"))
        rate, heard = wav(open(decoded, "rb").read())
        windows = [heard[start:start + rate // 2] for start in range(0, len(heard) - rate // 2, rate // 2)]
        loud = [window for window in windows if amplitude(window, 700, rate) > 2000]
        assert len(loud) >= 6, ([round(amplitude(window, 700, rate)) for window in windows], open(log).read()[-1500:])


def test_opus_participants_meet_in_a_wideband_room(parley, tmp_path):
    # Two baresip Clients offering only Opus meet in a room: one sends a 6 kHz tone, which
    # 8 kHz audio cannot carry (its band ends at 4 kHz). The room mixes at 16 kHz because its
    # participants are wideband, so the other one decodes the 6 kHz tone.
    room = webhook().serve("/opus/wide", '<Response><Dial timeLimit="8"><Conference beep="false">wide-room</Conference></Dial></Response>')
    app = parley.client().applications.create(friendly_name="wide room", voice_url=room)
    peers = []
    try:
        for name, tone_hz in (("wide-listener", 0), ("wide-speaker", 6000)):
            create_client(parley, name, "Wideband-pass-2", VoiceApplicationSid=app.sid)
            dump = tmp_path / name
            dump.mkdir()
            peers.append((start_baresip(parley, name, "Wideband-pass-2", codecs=("opus",), dump_dir=str(dump), tone_hz=tone_hz,
                                        commands=[f"/dial sip:+3222060797@127.0.0.1:{parley.sip_port}"]), dump))
            time.sleep(1)
        base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "wide-room"}).json()["conferences"], timeout=10)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "wide-room"}).json()["conferences"][0]["sid"]
        assert wait_for(lambda: parley.client().conferences(conference).fetch().status == "completed", timeout=20)
    finally:
        for (process, _), _ in peers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    (_, log), dump = peers[0]
    [decoded] = glob.glob(str(dump / "dump-*-dec.wav"))
    rate, heard = wav(open(decoded, "rb").read())
    windows = [heard[start:start + rate // 2] for start in range(0, len(heard) - rate // 2, rate // 2)]
    loud = [window for window in windows if amplitude(window, 6000, rate) > 2000]
    assert len(loud) >= 6, ([round(amplitude(window, 6000, rate)) for window in windows], open(log).read()[-1500:])
