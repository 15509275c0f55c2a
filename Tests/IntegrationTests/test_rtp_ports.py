"""RTP ports go back to the pool when calls end: with a pool of 40 ports, SIPp makes 1,000
calls (up to 20 at once) to an application that answers, sends half a second of audio and
hangs up. A port kept by any call would run the pool dry long before the end; afterwards
Parley holds exactly the UDP sockets it held before the calls (its SIP socket; other
descriptors, such as pooled HTTP connections to the webhook server, may come and go)."""
import os
import time

from conftest import CARRIER_HOST, free_port
from rcml_calls import bind
from sip_peers import FIXTURES


def udp_sockets(pid):
    """The UDP sockets process `pid` holds, by inode (its descriptors matched against /proc/net/udp)."""
    held = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[8:-1])
    udp = set()
    for table in ("udp", "udp6"):
        with open(f"/proc/{pid}/net/{table}") as lines:
            next(lines)
            udp |= {line.split()[9] for line in lines}
    return held & udp


def test_a_thousand_calls_leak_no_port_and_no_socket(fresh_parley):
    import subprocess
    parley = fresh_parley()
    # 40 even ports (the odd ones are RTCP's), below the ephemeral range SIPp's ports come from.
    # One account takes 100 calls a second here: its call rate limit is lifted.
    parley.start(extra_args=("--test-clock", "--rtp-ports", "31000-31079", "--max-calls-per-second", "1000"))
    bind(parley, "+32476206100", "/ports/app", '<Response><Play digits="w"/><Hangup/></Response>')
    time.sleep(0.5)
    before = udp_sockets(parley.process.pid)
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{parley.sip_port}", "-s", "0476206100", "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"),
         "-m", "1000", "-r", "100", "-l", "20", "-i", CARRIER_HOST, "-p", str(free_port()), "-mp", str(free_port() & ~1),
         "-nostdin", "-timeout", "120s", "-timeout_error", "-trace_stat", "-stf", os.path.join(parley.data_dir, "stat.csv")],
        capture_output=True, text=True, timeout=180)
    stats = open(os.path.join(parley.data_dir, "stat.csv")).read().splitlines()
    fields = dict(zip(stats[0].split(";"), stats[-1].split(";")))
    assert int(fields["SuccessfulCall(C)"]) == 1000 and int(fields["FailedCall(C)"]) == 0, (result.stderr[-2000:], fields)
    # Every call recorded as completed, none refused for want of a port.
    calls = parley.client().calls.list(limit=1000)
    assert len(calls) == 1000 and all(call.status == "completed" for call in calls)
    # Sessions close as their calls end: the sockets go with them.
    deadline = time.time() + 10
    while time.time() < deadline and udp_sockets(parley.process.pid) != before:
        time.sleep(0.2)
    assert udp_sockets(parley.process.pid) == before
    assert len(before) >= 1  # the SIP socket, at least: the check reads the right process
