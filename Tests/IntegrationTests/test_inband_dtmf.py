"""In-band DTMF through a real call: SIPp plays a pcap of A-law audio carrying the tones of
1, 2 and # (generated here, offered without telephone-event), and the Gather's action gets
Digits=12; SIPp's own recording of human speech (g711a.pcap) gives no key (talk-off)."""
import os
import tempfile

from audio_check import dtmf, write_alaw_pcap
from rcml_calls import bind, sipp, speaking_scenario
from webhook_server import webhook


def test_in_band_keys_reach_the_gather_action(parley):
    bind(parley, "+32476206100", "/inband/menu",
         '<Response><Gather action="/inband/keys" timeout="6"><Say>Enter your code, then the pound key.</Say></Gather></Response>')
    webhook().serve("/inband/keys", "<Response><Hangup/></Response>")
    with tempfile.TemporaryDirectory() as directory:
        pcap = os.path.join(directory, "keys.pcap")
        write_alaw_pcap(pcap, dtmf("12#"))
        scenario = speaking_scenario(directory, "keys", pcap, telephone_events=False)
        assert "telephone-event" not in open(scenario).read()
        result = sipp(parley, scenario, number="+32476206100")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [action] = [r["form"] for r in webhook().received("/inband/keys") if r["form"]["To"] == "+32476206100"]
    assert action["Digits"] == "12"


def test_human_speech_gives_no_key(parley):
    bind(parley, "+32476206101", "/inband/speech",
         '<Response><Gather action="/inband/never" timeout="9"/><Say>Nothing was pressed.</Say></Response>')
    with tempfile.TemporaryDirectory() as directory:
        scenario = speaking_scenario(directory, "speech", "/usr/share/sip-tester/g711a.pcap")
        result = sipp(parley, scenario, number="+32476206101")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert webhook().received("/inband/never") == []
    [call_record] = parley.client().calls.list(to="+32476206101")
    assert call_record.status == "completed" and int(call_record.duration) >= 9
