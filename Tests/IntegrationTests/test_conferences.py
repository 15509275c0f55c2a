"""Conferences with real peers: three SIPp callers, each sending its own tone, meet in one
room. The third reaches the room through a second number whose <Dial> records both
directions, so its second channel holds exactly what the room sent that participant: the
other two tones and not its own. Muting and removing participants with the twilio library
takes effect on that audio; the room records its mix (all three tones, then without the muted
one); the Conference, Participant and Recording JSON validates against Twilio's schema."""
import io
import os
import tempfile
import time
import wave

import numpy
import requests

from audio_check import amplitude, tone, write_alaw_pcap
from openapi_check import assert_valid
from rcml_calls import bind, sipp, speaking_scenario
from sip_peers import wait_for
from webhook_server import webhook

ROOM_NUMBER, RECORDING_NUMBER = "+32476206100", "+32476206101"
TONES = {"a": 500, "b": 900, "c": 1300}
CALLER_IDS = {"a": "0470111101", "b": "0470111102", "c": "0470111103"}


def test_each_participant_hears_the_others_and_mute_and_kick_take_effect(parley, mirror, twilio_spec):
    events = webhook().url("/conf/events")
    recorded = webhook().url("/conf/recorded")
    bind(parley, ROOM_NUMBER, "/conf/room",
         f'<Response><Dial timeLimit="11"><Conference beep="false" statusCallback="{events}" '
         f'statusCallbackEvent="start end join leave mute hold" record="record-from-start" recordingStatusCallback="{recorded}">'
         'standup</Conference></Dial></Response>')
    # c joins through the other Parley, whose <Dial> records what the room sends it.
    bind(mirror, RECORDING_NUMBER, "/conf/listener",
         f'<Response><Dial action="/conf/listener/done" record="record-from-answer-dual"><Sip>sip:{ROOM_NUMBER}@127.0.0.1:{parley.sip_port}</Sip></Dial></Response>')
    webhook().serve("/conf/listener/done", "<Response><Hangup/></Response>")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
    with tempfile.TemporaryDirectory() as directory:
        processes = {}
        for name, frequency in TONES.items():
            pcap = os.path.join(directory, f"{name}.pcap")
            write_alaw_pcap(pcap, tone(frequency, 11))
            scenario = speaking_scenario(directory, name, pcap, caller_id=CALLER_IDS[name])
            processes[name] = sipp(mirror, scenario, number=RECORDING_NUMBER, background=True) if name == "c" else \
                sipp(parley, scenario, number=ROOM_NUMBER, background=True)
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
    media = requests.get(action["RecordingUrl"] + ".wav", auth=(mirror.admin_sid, mirror.admin_token), timeout=10)
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
    assert parley.client().conferences(conference).fetch().reason_conference_ended == "last-participant-left"
    # The room's status callbacks, in order, signed like every webhook.
    assert wait_for(lambda: any(r["form"]["StatusCallbackEvent"] == "conference-end" for r in webhook().received("/conf/events")))
    callbacks = [r["form"] for r in webhook().received("/conf/events") if r["form"]["ConferenceSid"] == conference]
    names = [form["StatusCallbackEvent"] for form in callbacks]
    assert names[0] == "conference-start" and names[-1] == "conference-end", names
    assert names.count("participant-join") == 3 and names.count("participant-leave") == 3, names
    assert [form["CallSid"] for form in callbacks if form["StatusCallbackEvent"] == "participant-mute"] == [a.sid]
    assert [int(form["SequenceNumber"]) for form in callbacks] == list(range(len(callbacks)))
    assert all(form["FriendlyName"] == "standup" for form in callbacks)

    # The room's own recording: the conference's, no call's; the whole mix.
    assert wait_for(lambda: webhook().received("/conf/recorded"), timeout=5)
    [told] = [r["form"] for r in webhook().received("/conf/recorded")]
    listed = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings.json", params={"ConferenceSid": conference}).json()
    assert_valid(twilio_spec, listed, "/2010-04-01/Accounts/{AccountSid}/Recordings.json")
    [room_recording] = listed["recordings"]
    assert room_recording["call_sid"] is None and room_recording["conference_sid"] == conference and room_recording["source"] == "Conference"
    assert told["RecordingSid"] == room_recording["sid"] and told["ConferenceSid"] == conference and told["RecordingStatus"] == "completed"
    under_room = parley.http("GET", f"{base}/{conference}/Recordings.json").json()["recordings"]
    assert [r["sid"] for r in under_room] == [room_recording["sid"]]
    media = requests.get(told["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    assert media.status_code == 200
    with wave.open(io.BytesIO(media.content)) as reader:
        mix = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(float)
    assert 6 <= len(mix) / 8000 <= 13 and int(room_recording["duration"]) >= 6, len(mix)
    mixed = [{name: amplitude(mix[int(start * 8000):int((start + 0.5) * 8000)], frequency) for name, frequency in TONES.items()}
             for start in numpy.arange(0, len(mix) / 8000 - 0.5, 0.5)]
    everyone = [index for index, level in enumerate(mixed) if all(value > 1000 for value in level.values())]
    assert len(everyone) >= 4, mixed
    # After a was muted, its tone is gone from the mix while b and c go on.
    assert any(level["a"] < 100 and level["b"] > 1000 and level["c"] > 1000 for level in mixed[everyone[-1]:]), mixed


def hold_requests():
    """The hold document's requests from the held participant's leg (not the first try, for audio)."""
    return [r for r in webhook().received("/conf/hold-doc") if "CallSid" in r["form"]]


def test_hold_announce_and_ending_a_room_through_the_api(parley):
    from test_rcml import wav
    events = webhook().url("/conf/hold-events")
    bind(parley, "+32476206102", "/conf/holdroom",
         f'<Response><Dial action="/conf/holdroom/done"><Conference statusCallback="{events}" statusCallbackEvent="start end hold">'
         'hold-room</Conference></Dial></Response>')
    webhook().serve("/conf/holdroom/done", "<Response><Hangup/></Response>")
    announcement = webhook().serve("/conf/announce.wav", wav(8000), content_type="audio/wav")
    with tempfile.TemporaryDirectory() as directory:
        pcap = os.path.join(directory, "hold.pcap")
        write_alaw_pcap(pcap, tone(700, 12))
        process = sipp(parley, speaking_scenario(directory, "hold", pcap, caller_id="0470111104"), number="+32476206102", background=True)
        base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "hold-room"}).json()["conferences"], timeout=5)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "hold-room"}).json()["conferences"][0]["sid"]
        assert wait_for(lambda: len(parley.client().conferences(conference).participants.list()) == 1, timeout=5)
        [call] = parley.client().calls.list(from_="+32470111104")
        room = parley.client().conferences(conference)
        time.sleep(2)  # SIPp starts its tone 1.5 s after the answer and only then waits for a BYE
        # A HoldUrl that is an RCML document: the held participant's leg runs it in a loop
        # (GET, Twilio's default HoldMethod) until taken off hold.
        hold_document = webhook().serve("/conf/hold-doc", "<Response><Say>You are on hold.</Say></Response>")
        assert room.participants(call.sid).update(hold=True, hold_url=hold_document).hold is True
        assert wait_for(lambda: len(hold_requests()) >= 2, timeout=10), webhook().received("/conf/hold-doc")
        assert all(r["method"] == "GET" and r["form"]["ConferenceSid"] == conference and r["form"]["CallSid"] == call.sid
                   for r in hold_requests())
        assert room.participants(call.sid).update(hold=False, announce_url=announcement).hold is False
        asked = len(hold_requests())
        time.sleep(2)
        assert len(hold_requests()) == asked  # off hold: the document runs no more
        refused = parley.http("POST", f"{base}/{conference}/Participants/{call.sid}.json", data={"AnnounceUrl": webhook().url("/notxml")})
        assert refused.status_code == 400 and "AnnounceUrl" in refused.json()["message"]
        assert parley.http("POST", f"{base}/{conference}.json", data={"AnnounceUrl": announcement}).status_code == 200
        ended = room.update(status="completed")
        assert ended.status == "completed" and ended.reason_conference_ended == "conference-ended-via-api"
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, out[-1500:] + err[-500:]
    [done] = [r["form"] for r in webhook().received("/conf/holdroom/done") if r["form"]["CallSid"] == call.sid]
    assert done["DialCallStatus"] == "completed"
    assert wait_for(lambda: len([r for r in webhook().received("/conf/hold-events") if r["form"]["ConferenceSid"] == conference]) == 4)
    names = [r["form"]["StatusCallbackEvent"] for r in webhook().received("/conf/hold-events") if r["form"]["ConferenceSid"] == conference]
    assert names == ["conference-start", "participant-hold", "participant-unhold", "conference-end"], names


def wait_requests():
    """The wait document's requests from the waiting caller's leg (the room's first try, for
    audio, carries no call)."""
    return [r for r in webhook().received("/conf/wait-doc") if "CallSid" in r["form"]]


def test_a_room_waits_for_its_moderator_and_ends_when_the_moderator_leaves(parley):
    # The waiting caller's waitUrl is an RCML document: its leg runs it again and again (GET,
    # as waitMethod asks) until the moderator starts the room.
    webhook().serve("/conf/wait-doc", '<Response><Say>Please hold for the moderator.</Say></Response>')
    bind(parley, "+32476206103", "/conf/waiting",
         '<Response><Dial timeLimit="30"><Conference startConferenceOnEnter="false" beep="false" '
         'waitUrl="/conf/wait-doc" waitMethod="GET">moderated</Conference></Dial></Response>')
    bind(parley, "+32476206104", "/conf/moderator",
         '<Response><Dial timeLimit="3"><Conference endConferenceOnExit="true" beep="false">moderated</Conference></Dial></Response>')
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
    with tempfile.TemporaryDirectory() as directory:
        pcap = os.path.join(directory, "waiting.pcap")
        write_alaw_pcap(pcap, tone(600, 20))
        waiting = sipp(parley, speaking_scenario(directory, "waiting", pcap, caller_id="0470111105"), number="+32476206103", background=True)
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "moderated"}).json()["conferences"], timeout=5)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "moderated"}).json()["conferences"][0]
        # Without a participant who starts it, the room waits, the document playing in a loop.
        assert wait_for(lambda: len(wait_requests()) >= 2, timeout=10), webhook().received("/conf/wait-doc")
        assert parley.client().conferences(conference["sid"]).fetch().status == "init"
        assert all(r["method"] == "GET" and r["form"]["ConferenceSid"] == conference["sid"] and r["form"]["FriendlyName"] == "moderated"
                   for r in wait_requests())
        started = time.monotonic()
        moderator = sipp(parley, speaking_scenario(directory, "moderator", pcap, caller_id="0470111106"), number="+32476206104", background=True)
        assert wait_for(lambda: parley.client().conferences(conference["sid"]).fetch().status == "in-progress", timeout=5)
        time.sleep(0.5)
        asked = len(wait_requests())
        time.sleep(2)
        assert len(wait_requests()) == asked  # the room started: the document runs no more
        outputs = [process.communicate(timeout=40) for process in (waiting, moderator)]
    assert waiting.returncode == 0 and moderator.returncode == 0, [output[0][-1000:] for output in outputs]
    # The moderator's 3 s limit ended the room, and with it the waiting caller's 30 s Dial.
    assert time.monotonic() - started < 15
    ended = parley.client().conferences(conference["sid"]).fetch()
    assert ended.status == "completed" and ended.reason_conference_ended == "participant-with-end-conference-on-exit-left"


def test_a_live_call_is_moved_into_a_room_by_its_call_sid(parley):
    bind(parley, "+32476206105", "/conf/holding", '<Response><Play digits="w"/><Pause length="30"/></Response>')
    webhook().serve("/conf/move", '<Response><Dial timeLimit="3"><Conference beep="false">moved-in</Conference></Dial></Response>')
    with tempfile.TemporaryDirectory() as directory:
        pcap = os.path.join(directory, "moved.pcap")
        write_alaw_pcap(pcap, tone(800, 12))
        process = sipp(parley, speaking_scenario(directory, "moved", pcap, caller_id="0470111107"), number="+32476206105", background=True)
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="+32470111107")] == ["in-progress"], timeout=5)
        [call] = parley.client().calls.list(from_="+32470111107")
        time.sleep(2)
        parley.client().calls(call.sid).update(url=webhook().url("/conf/move"), method="POST")
        base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "moved-in"}).json()["conferences"], timeout=5)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "moved-in"}).json()["conferences"][0]["sid"]
        assert [p.call_sid for p in parley.client().conferences(conference).participants.list()] == [call.sid]
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, out[-1500:]


def test_a_coach_is_heard_by_the_coached_participant_only(parley, mirror, twilio_spec):
    # a and b reach the room through numbers of the other Parley whose <Dial> records both
    # directions (channel 2: what the room sends them); the coach's <Conference coach> names
    # a's call in the room.
    room_number, coach_number = "+32476206108", "+32476206109"
    tones = {"a": 500, "b": 900, "coach": 1300}
    bind(parley, room_number, "/coach/room", '<Response><Dial timeLimit="14"><Conference beep="false">coached</Conference></Dial></Response>')
    for name, number in (("a", "+32476206106"), ("b", "+32476206107")):
        bind(mirror, number, f"/coach/{name}",
             f'<Response><Dial action="/coach/{name}/done" record="record-from-answer-dual">'
             f'<Sip>sip:{room_number}@127.0.0.1:{parley.sip_port}</Sip></Dial></Response>')
        webhook().serve(f"/coach/{name}/done", "<Response><Hangup/></Response>")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Conferences"
    with tempfile.TemporaryDirectory() as directory:
        processes = {}
        for name, number, caller in (("a", "+32476206106", "0470111108"), ("b", "+32476206107", "0470111109")):
            pcap = os.path.join(directory, f"{name}.pcap")
            write_alaw_pcap(pcap, tone(tones[name], 14))
            processes[name] = sipp(mirror, speaking_scenario(directory, name, pcap, caller_id=caller), number=number, background=True)
        assert wait_for(lambda: parley.http("GET", base + ".json", params={"FriendlyName": "coached"}).json()["conferences"], timeout=5)
        conference = parley.http("GET", base + ".json", params={"FriendlyName": "coached"}).json()["conferences"][0]["sid"]
        assert wait_for(lambda: len(parley.client().conferences(conference).participants.list()) == 2, timeout=5)
        [a_in_room] = parley.client().calls.list(to=room_number, from_="+32476206106")
        bind(parley, coach_number, "/coach/coach",
             f'<Response><Dial timeLimit="8"><Conference beep="false" coach="{a_in_room.sid}">coached</Conference></Dial></Response>')
        pcap = os.path.join(directory, "coach.pcap")
        write_alaw_pcap(pcap, tone(tones["coach"], 8))
        processes["coach"] = sipp(parley, speaking_scenario(directory, "coach", pcap, caller_id="0470111110"), number=coach_number,
                                  background=True)
        assert wait_for(lambda: len(parley.client().conferences(conference).participants.list()) == 3, timeout=5)
        participants = parley.http("GET", f"{base}/{conference}/Participants.json").json()
        assert_valid(twilio_spec, participants, "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants.json")
        coaches = [p for p in participants["participants"] if p["coaching"]]
        assert [p["call_sid_to_coach"] for p in coaches] == [a_in_room.sid], participants
        outputs = {name: process.communicate(timeout=60) for name, process in processes.items()}
    for name, process in processes.items():
        assert process.returncode == 0, (name, outputs[name][0][-1500:], outputs[name][1][-500:])

    def heard(name):
        [action] = [r["form"] for r in webhook().received(f"/coach/{name}/done")]
        media = requests.get(action["RecordingUrl"] + ".wav", auth=(mirror.admin_sid, mirror.admin_token), timeout=10)
        with wave.open(io.BytesIO(media.content)) as reader:
            frames = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").reshape(-1, 2).astype(float)
        channel = frames[:, 1]  # what the room sent
        return [{other: amplitude(channel[int(start * 8000):int((start + 0.5) * 8000)], frequency) for other, frequency in tones.items()}
                for start in numpy.arange(0, len(channel) / 8000 - 0.5, 0.5)]

    to_a, to_b = heard("a"), heard("b")
    assert sum(1 for level in to_a if level["coach"] > 1000 and level["b"] > 1000) >= 4, to_a  # a hears b and the coach
    assert sum(1 for level in to_b if level["a"] > 1000) >= 4, to_b  # b hears a ...
    assert all(level["coach"] < 100 for level in to_b), to_b  # ... and never the coach
