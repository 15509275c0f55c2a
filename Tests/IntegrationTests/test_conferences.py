"""Conferences with real peers: three SIPp callers, each sending its own tone, meet in one
room. The third reaches the room through a second number whose <Dial> records both
directions, so its second channel holds exactly what the room sent that participant: the
other two tones and not its own. Muting and removing participants with the twilio library
takes effect on that audio; the Conference and Participant JSON validates against Twilio's
schema."""
import io
import os
import subprocess
import tempfile
import time
import wave

import numpy
import requests

from audio_check import amplitude, tone, write_alaw_pcap
from conftest import free_port
from openapi_check import assert_valid
from sip_peers import FIXTURES, wait_for
from webhook_server import webhook

ROOM_NUMBER, RECORDING_NUMBER = "+32476206100", "+32476206101"
TONES = {"a": 500, "b": 900, "c": 1300}
CALLER_IDS = {"a": "0470111101", "b": "0470111102", "c": "0470111103"}


def bind(parley, number, path, document):
    url = webhook().serve(path, document)
    client = parley.client()
    app = client.applications.create(friendly_name=f"conference {number}", voice_url=url)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def caller(parley, number, pcap, directory, name, caller_id):
    scenario = open(os.path.join(FIXTURES, "uac_speaks_g711a.xml")).read().replace("/usr/share/sip-tester/g711a.pcap", pcap)
    scenario = scenario.replace("0470111111", caller_id)
    path = os.path.join(directory, f"{name}.xml")
    with open(path, "w") as handle:
        handle.write(scenario)
    return subprocess.Popen(
        ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", path, "-s", number, "-m", "1", "-i", "127.0.0.1",
         "-p", str(free_port()), "-mp", str(free_port() & ~1), "-nostdin", "-timeout", "40s", "-timeout_error"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_each_participant_hears_the_others_and_mute_and_kick_take_effect(parley, twilio_spec):
    bind(parley, ROOM_NUMBER, "/conf/room", '<Response><Dial timeLimit="11"><Conference beep="false">standup</Conference></Dial></Response>')
    bind(parley, RECORDING_NUMBER, "/conf/listener",
         f'<Response><Dial action="/conf/listener/done" record="record-from-answer-dual"><Sip>sip:{ROOM_NUMBER}@127.0.0.1:{parley.sip_port}</Sip></Dial></Response>')
    webhook().serve("/conf/listener/done", "<Response><Hangup/></Response>")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
    with tempfile.TemporaryDirectory() as directory:
        processes = {}
        for name, frequency in TONES.items():
            pcap = os.path.join(directory, f"{name}.pcap")
            write_alaw_pcap(pcap, tone(frequency, 11))
            processes[name] = caller(parley, RECORDING_NUMBER if name == "c" else ROOM_NUMBER, pcap, directory, name, CALLER_IDS[name])
        # Everyone is in: one room in progress, three participants.
        assert wait_for(lambda: len(parley.http("GET", base + ".json", params={"Status": "in-progress"}).json()["conferences"]) == 1, timeout=5)
        listed = parley.http("GET", base + ".json", params={"FriendlyName": "standup"}).json()
        assert_valid(twilio_spec, listed, "/2010-04-01/Accounts/{AccountSid}/Conferences.json")
        conference = listed["conferences"][0]["sid"]
        assert wait_for(lambda: len(parley.client().conferences(conference).participants.list()) == 3, timeout=5)
        participants = parley.http("GET", f"{base}/{conference}/Participants.json").json()
        assert_valid(twilio_spec, participants, "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants.json")
        [a] = parley.client().calls.list(to=ROOM_NUMBER, from_="+32470111101")
        [b] = parley.client().calls.list(to=ROOM_NUMBER, from_="+32470111102")
        time.sleep(4)
        assert parley.client().conferences(conference).participants(a.sid).update(muted=True).muted is True
        time.sleep(2)
        parley.client().conferences(conference).participants(b.sid).delete()
        outputs = {name: process.communicate(timeout=60) for name, process in processes.items()}
    for name, process in processes.items():
        assert process.returncode == 0, (name, outputs[name][0][-1500:], outputs[name][1][-500:])

    [action] = [r["form"] for r in webhook().received("/conf/listener/done") if r["form"]["To"] == RECORDING_NUMBER]
    media = requests.get(action["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    with wave.open(io.BytesIO(media.content)) as reader:
        frames = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").reshape(-1, 2).astype(float)
    heard = frames[:, 1]  # what the room sent to participant c

    def levels(start):
        segment = heard[int(start * 8000):int((start + 0.5) * 8000)]
        return {name: amplitude(segment, frequency) for name, frequency in TONES.items()}

    def state(level):
        if level["a"] > 1000 and level["b"] > 1000:
            return "a+b"
        if level["a"] < 100 and level["b"] > 1000:
            return "b"
        if level["a"] < 100 and level["b"] < 100:
            return "silence"
        return "changing"

    windows = [levels(start) for start in numpy.arange(0, len(heard) / 8000 - 0.5, 0.5)]
    assert all(level["c"] < 100 for level in windows), windows  # never its own tone
    states = [state(level) for level in windows if state(level) != "changing"]
    sequence = [name for index, name in enumerate(states) if index == 0 or states[index - 1] != name]
    # Both others, then only b once a is muted, then nothing once b is removed.
    together = sequence.index("a+b")
    assert sequence[together:together + 3] == ["a+b", "b", "silence"] and "a+b" not in sequence[together + 1:], (sequence, windows)
    assert states.count("a+b") >= 4 and states.count("b") >= 2, states
    assert frames[:, 0].std() > 1000  # c itself was speaking all along
    assert wait_for(lambda: parley.client().conferences(conference).fetch().status == "completed", timeout=5)
