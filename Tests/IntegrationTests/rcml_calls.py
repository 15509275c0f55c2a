"""What the RCML, media, conference and queue tests share: binding a number to a document
served by the tests' web server, SIPp callers that speak a pcap (the scenario
uac_speaks_g711a.xml with another pcap, caller ID or offer), and running SIPp."""
import os
import subprocess
import time

from conftest import CARRIER_HOST, free_port
from sip_peers import FIXTURES
from webhook_server import webhook


def bind(parley, number, path, document):
    """Serves `document` at `path` and binds `number` to an application whose voice URL it is."""
    url = webhook().serve(path, document)
    client = parley.client()
    app = client.applications.create(friendly_name=f"app for {number}", voice_url=url)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)


def speaking_scenario(directory, name, pcap, caller_id=None, telephone_events=True):
    """uac_speaks_g711a.xml playing `pcap` instead, calling from `caller_id` (national form),
    and without telephone-event in its offer if asked; written into `directory`."""
    scenario = open(os.path.join(FIXTURES, "uac_speaks_g711a.xml")).read().replace("/usr/share/sip-tester/g711a.pcap", pcap)
    if caller_id:
        scenario = scenario.replace("0470111111", caller_id)
    if not telephone_events:
        scenario = scenario.replace("RTP/AVP 8 101", "RTP/AVP 8").replace("      a=rtpmap:101 telephone-event/8000\n", "")
        scenario = scenario.replace("      a=fmtp:101 0-15\n", "")
    path = os.path.join(directory, f"{name}.xml")
    with open(path, "w") as handle:
        handle.write(scenario)
    return path


def sipp(parley, scenario, number=None, port=None, background=False):
    """One SIPp call with `scenario` (a Fixtures name or a path), to `number` on Parley or, with
    `port`, listening there (as the carrier behind the trunk). Returns the finished process,
    or the running one with `background`."""
    command = ["sipp", "-sf", os.path.join(FIXTURES, scenario), "-m", "1", "-i", CARRIER_HOST,
               "-p", str(port or free_port()), "-mp", str(free_port() & ~1), "-nostdin", "-timeout", "40s", "-timeout_error"]
    if number:
        command = command[:1] + [f"{parley.sip_host}:{parley.sip_port}", "-s", number] + command[1:]
    if background:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)  # let it bind
        return process
    return subprocess.run(command, capture_output=True, text=True, timeout=60)
