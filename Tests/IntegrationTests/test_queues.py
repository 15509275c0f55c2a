"""Call queues with real peers: two SIPp callers (each playing a tone of its own) wait in a
queue created through the twilio library, their wait document requested with their positions;
an agent (a third SIPp, reaching Parley through a number whose <Dial> records both
directions) takes the front caller with <Dial><Queue> (whose url runs on the caller's end
first) and hears that caller's tone and not
the other's; the second caller moves to position 1 and is then taken out through the
Members resource. Queue and Member JSON validates against Twilio's schema."""
import io
import os
import tempfile
import wave

import numpy
import requests

from audio_check import amplitude, tone, write_alaw_pcap
from openapi_check import assert_valid
from rcml_calls import bind, sipp, speaking_scenario
from sip_peers import wait_for
from webhook_server import webhook

QUEUE_NUMBER, RECORDING_NUMBER, AGENT_NUMBER = "+32476206100", "+32476206101", "+32476206102"
CALLER_IDS = {"a": "+32470111101", "b": "+32470111102", "agent": "+32470111103"}
TONES = {"a": 500, "b": 900, "agent": 1300}


def caller(parley, number, pcap, directory, name):
    scenario = speaking_scenario(directory, name, pcap, caller_id="0" + CALLER_IDS[name][3:])
    return sipp(parley, scenario, number=number, background=True)


def waits_of(name):
    return [r["form"] for r in webhook().received("/queue/wait") if r["form"]["From"] == CALLER_IDS[name]]


def test_callers_wait_in_order_and_an_agent_takes_the_front_one(parley, mirror, twilio_spec):
    client = parley.client()
    queue = client.queues.create(friendly_name="support", max_size=5)
    bind(parley, QUEUE_NUMBER, "/queue/enter",
         '<Response><Enqueue waitUrl="/queue/wait" action="/queue/done">support</Enqueue></Response>')
    webhook().serve("/queue/wait", '<Response><Play digits="w"/><Pause length="1"/></Response>')
    webhook().serve("/queue/done", "<Response><Hangup/></Response>")
    webhook().serve("/queue/goodbye", "<Response><Hangup/></Response>")
    # The Queue's url runs on the dequeued caller's end before the bridge: half a second.
    bind(parley, AGENT_NUMBER, "/queue/agent", '<Response><Dial timeLimit="4"><Queue url="/queue/whisper">support</Queue></Dial></Response>')
    webhook().serve("/queue/whisper", '<Response><Play digits="w"/></Response>')
    # The agent calls in through the other Parley, whose <Dial> records what the agent hears.
    bind(mirror, RECORDING_NUMBER, "/queue/desk",
         f'<Response><Dial action="/queue/desk/done" record="record-from-answer-dual"><Sip>sip:{AGENT_NUMBER}@127.0.0.1:{parley.sip_port}</Sip></Dial></Response>')
    webhook().serve("/queue/desk/done", "<Response><Hangup/></Response>")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Queues/{queue.sid}"
    with tempfile.TemporaryDirectory() as directory:
        pcaps = {}
        for name, frequency in TONES.items():
            pcaps[name] = os.path.join(directory, f"{name}.pcap")
            write_alaw_pcap(pcaps[name], tone(frequency, 14))
        processes = {"a": caller(parley, QUEUE_NUMBER, pcaps["a"], directory, "a")}
        assert wait_for(lambda: waits_of("a"), timeout=5)
        processes["b"] = caller(parley, QUEUE_NUMBER, pcaps["b"], directory, "b")
        assert wait_for(lambda: waits_of("b"), timeout=5)
        assert waits_of("a")[0]["QueuePosition"] == "1" and waits_of("b")[0]["QueuePosition"] == "2"
        assert waits_of("b")[0]["CurrentQueueSize"] == "2" and waits_of("b")[0]["QueueSid"] == queue.sid
        members = parley.http("GET", f"{base}/Members.json").json()
        assert_valid(twilio_spec, members, "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members.json")
        assert [m["position"] for m in members["queue_members"]] == [1, 2]
        fetched = parley.http("GET", f"{base}.json").json()
        assert_valid(twilio_spec, fetched, "/2010-04-01/Accounts/{AccountSid}/Queues/{Sid}.json")
        assert fetched["current_size"] == 2 and fetched["max_size"] == 5

        # The agent takes the front caller (a); b moves up.
        processes["agent"] = caller(mirror, RECORDING_NUMBER, pcaps["agent"], directory, "agent")
        assert wait_for(lambda: [w for w in waits_of("b") if w["QueuePosition"] == "1"], timeout=8), waits_of("b")
        assert client.queues(queue.sid).fetch().current_size == 1
        front = client.queues(queue.sid).members("Front").fetch()
        [b_call] = client.calls.list(from_=CALLER_IDS["b"])
        assert front.call_sid == b_call.sid and front.position == 1
        # a's conversation with the agent ends at the agent's time limit; then b is sent away.
        out_a = processes["a"].communicate(timeout=40)
        dequeued = client.queues(queue.sid).members("Front").update(url=webhook().url("/queue/goodbye"), method="POST")
        assert dequeued.call_sid == b_call.sid
        outputs = {"a": out_a, **{name: processes[name].communicate(timeout=40) for name in ("b", "agent")}}
    for name, process in processes.items():
        assert process.returncode == 0, (name, outputs[name][0][-1500:], outputs[name][1][-500:])

    [a_call] = client.calls.list(from_=CALLER_IDS["a"])
    [a_done] = [r["form"] for r in webhook().received("/queue/done") if r["form"]["CallSid"] == a_call.sid]
    assert a_done["QueueResult"] == "bridged" and a_done["QueueSid"] == queue.sid
    # The whisper was fetched once, for a, naming the agent's call as the one dequeuing it.
    [whisper] = [r["form"] for r in webhook().received("/queue/whisper")]
    [agent_call] = client.calls.list(to=AGENT_NUMBER)
    assert whisper["CallSid"] == a_call.sid and whisper["QueueSid"] == queue.sid
    assert whisper["DequeingCallSid"] == agent_call.sid and 0 <= int(whisper["QueueTime"]) <= int(a_done["QueueTime"])
    assert [r["form"]["CallSid"] for r in webhook().received("/queue/goodbye")] == [b_call.sid]
    assert client.queues(queue.sid).fetch().current_size == 0

    [desk] = [r["form"] for r in webhook().received("/queue/desk/done") if r["form"]["To"] == RECORDING_NUMBER]
    media = requests.get(desk["RecordingUrl"] + ".wav", auth=(mirror.admin_sid, mirror.admin_token), timeout=10)
    with wave.open(io.BytesIO(media.content)) as reader:
        frames = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").reshape(-1, 2).astype(float)
    heard = frames[:, 1]  # what the agent heard
    assert len(heard) > 3 * 8000
    middle = heard[int(1.0 * 8000):int(3.0 * 8000)]
    levels = {name: amplitude(middle, frequency) for name, frequency in TONES.items()}
    assert levels["a"] > 1000 and levels["b"] < 100 and levels["agent"] < 100, levels


def test_a_caller_who_hangs_up_leaves_the_queue_at_once(parley):
    queue = parley.client().queues.create(friendly_name="short-lived")
    bind(parley, "+32476206103", "/queue/short", '<Response><Enqueue action="/queue/short/done">short-lived</Enqueue></Response>')
    webhook().serve("/queue/short/done", "<Response><Hangup/></Response>")
    result = sipp(parley, "uac_speaks_then_hangs_up.xml", number="+32476206103")
    assert result.returncode == 0, result.stdout[-1500:]
    # No wait document: hold music; the caller's BYE took it out of the queue at once.
    assert parley.client().queues(queue.sid).fetch().current_size == 0
    assert parley.client().queues(queue.sid).members.list() == []
    [done] = [r["form"] for r in webhook().received("/queue/short/done") if r["form"]["To"] == "+32476206103"]
    assert done["QueueResult"] == "hangup" and int(done["QueueTime"]) >= 4
