#!/usr/bin/env python3
"""Verifications created and checked per second over REST: N verifications by SMS through
Verify's `POST /v2/Services/{VA}/Verifications`, each to its own mobile number, sent by wrk
(Debian `wrk`, one connection per thread, Fixtures/smsc/verify_load.lua); the codes are read
from what the test SMSC (Fixtures/smsc/smsc.pl, Net::SMPP) received; then one
`POST …/VerificationCheck` per code. Prints the rate of each phase and of the whole, and fails
unless every verification was created and every code approved.

    python3 Fixtures/smsc/verify_load.py [--verifications 5000] [--connections 16] [--binary .build/release/parley]
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../sipp"))
from parley_process import DEFAULT_BINARY, ParleyProcess, free_port  # noqa: E402


def run_wrk(parley, lines, expect, connections):
    """Sends `lines` ("PATH BODY") through wrk; returns (seconds from start to the last answer,
    answers holding `expect`, other answers)."""
    requests = tempfile.mktemp(prefix="parley-verify-load-", suffix=".txt")
    with open(requests, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    auth = base64.b64encode(f"{parley.sid}:{parley.token}".encode()).decode()
    env = {**os.environ, "VERIFY_REQUESTS": requests, "VERIFY_THREADS": str(connections), "VERIFY_AUTH": auth, "VERIFY_EXPECT": expect}
    started = time.time()
    wrk = subprocess.Popen(["wrk", "-t", str(connections), "-c", str(connections), "-d", "600s", "-s", os.path.join(HERE, "verify_load.lua"),
                            parley.base], env=env, stdout=subprocess.PIPE, text=True)
    ok = other = finished = 0
    for line in wrk.stdout:
        if line.startswith("finished"):
            finished += 1
            ok, other = ok + int(line.split()[1]), other + int(line.split()[2])
            if finished == connections:
                break
    elapsed = time.time() - started
    wrk.terminate()
    wrk.wait()
    return elapsed, ok, other


def codes_received(log, count):
    """{destination: code} from the SMSC's log once it holds `count` destinations' codes."""
    deadline = time.time() + 300
    while time.time() < deadline:
        codes = {}
        with open(log) as handle:
            for entry in (json.loads(line) for line in handle if line.strip()):
                if entry["event"] == "submit_sm":
                    codes[entry["destination"]] = re.search(r"(\d+)$", bytes.fromhex(entry["short_message"]).decode("latin-1")).group(1)
        if len(codes) >= count:
            return codes
        time.sleep(0.5)
    raise SystemExit(f"the SMSC received {len(codes)} codes of {count}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verifications", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--binary", default=DEFAULT_BINARY)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    smpp_port, control_port = free_port(), free_port()
    log = tempfile.mktemp(prefix="parley-smsc-verify-", suffix=".log")
    smsc = subprocess.Popen(["perl", os.path.join(HERE, "smsc.pl"), "--port", str(smpp_port), "--control-port", str(control_port),
                             "--log", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert smsc.stdout.readline().startswith("listening")
    try:
        with ParleyProcess(args.binary, "--smpp", f"127.0.0.1:{smpp_port}", "--smpp-system-id", "parley", "--smpp-password", "secret",
                           "--sms-rate", "100000", "--verify-rate", "1000000") as parley:
            request = urllib.request.Request(f"{parley.base}/v2/Services", data=b"FriendlyName=Load", method="POST")
            request.add_header("Authorization", "Basic " + base64.b64encode(f"{parley.sid}:{parley.token}".encode()).decode())
            with urllib.request.urlopen(request, timeout=10) as response:
                service = json.load(response)["sid"]
            # Destinations ending in 10: the test SMSC treats 94–99 as failures (see smsc.pl).
            destinations = [f"3247{n:05d}10" for n in range(args.verifications)]
            creates = [f"/v2/Services/{service}/Verifications To=%2B{to}&Channel=sms" for to in destinations]
            created_in, created, refused = run_wrk(parley, creates, '"status":"pending"', args.connections)
            print(f"{created} verifications created in {created_in:.2f} s ({created / created_in:.0f}/s; {refused} other answers)")
            codes = codes_received(log, args.verifications)
            checks = [f"/v2/Services/{service}/VerificationCheck To=%2B{to}&Code={codes[to]}" for to in destinations]
            checked_in, approved, other = run_wrk(parley, checks, '"status":"approved"', args.connections)
            print(f"{approved} codes approved in {checked_in:.2f} s ({approved / checked_in:.0f}/s; {other} other answers)")
            print(f"created and checked: {args.verifications / (created_in + checked_in):.0f} verifications per second "
                  f"({args.connections} connections)")
            sys.exit(0 if created == approved == args.verifications else 1)
    finally:
        smsc.kill()


if __name__ == "__main__":
    main()
