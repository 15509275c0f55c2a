"""In-band DTMF through a real call: SIPp plays a pcap of A-law audio carrying the tones of
1, 2 and # (generated here, offered without telephone-event), and the Gather's action gets
Digits=12; SIPp's own recording of human speech (g711a.pcap) gives no key (talk-off)."""
import os
import subprocess
import tempfile

from audio_check import dtmf, write_alaw_pcap
from conftest import free_port
from sip_peers import FIXTURES
from webhook_server import webhook


def bind(parley, number, path, document):
    url = webhook().serve(path, document)
    client = parley.client()
    app = client.applications.create(friendly_name=f"inband {number}", voice_url=url)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def caller_playing(pcap, directory, telephone_events):
    """uac_speaks_g711a.xml with another pcap and, if asked, no telephone-event in its offer."""
    scenario = open(os.path.join(FIXTURES, "uac_speaks_g711a.xml")).read().replace("/usr/share/sip-tester/g711a.pcap", pcap)
    if not telephone_events:
        scenario = scenario.replace("RTP/AVP 8 101", "RTP/AVP 8").replace("      a=rtpmap:101 telephone-event/8000\n", "")
        scenario = scenario.replace("      a=fmtp:101 0-15\n", "")
    path = os.path.join(directory, "caller.xml")
    with open(path, "w") as handle:
        handle.write(scenario)
    return path


def call(parley, number, scenario):
    return subprocess.run(
        ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", scenario, "-s", number, "-m", "1", "-i", "127.0.0.1",
         "-p", str(free_port()), "-mp", str(free_port() & ~1), "-nostdin", "-timeout", "40s", "-timeout_error"],
        capture_output=True, text=True, timeout=60)


def test_in_band_keys_reach_the_gather_action(parley):
    bind(parley, "+32476206100", "/inband/menu",
         '<Response><Gather action="/inband/keys" timeout="6"><Say>Enter your code, then the pound key.</Say></Gather></Response>')
    webhook().serve("/inband/keys", "<Response><Hangup/></Response>")
    with tempfile.TemporaryDirectory() as directory:
        pcap = os.path.join(directory, "keys.pcap")
        write_alaw_pcap(pcap, dtmf("12#"))
        scenario = caller_playing(pcap, directory, telephone_events=False)
        assert "telephone-event" not in open(scenario).read()
        result = call(parley, "+32476206100", scenario)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [action] = [r["form"] for r in webhook().received("/inband/keys") if r["form"]["To"] == "+32476206100"]
    assert action["Digits"] == "12"


def test_human_speech_gives_no_key(parley):
    bind(parley, "+32476206101", "/inband/speech",
         '<Response><Gather action="/inband/never" timeout="9"/><Say>Nothing was pressed.</Say></Response>')
    with tempfile.TemporaryDirectory() as directory:
        scenario = caller_playing("/usr/share/sip-tester/g711a.pcap", directory, telephone_events=True)
        result = call(parley, "+32476206101", scenario)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert webhook().received("/inband/never") == []
    [call_record] = parley.client().calls.list(to="+32476206101")
    assert call_record.status == "completed" and int(call_record.duration) >= 9
