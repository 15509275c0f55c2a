#!/usr/bin/env python3
"""SMS throughput through one SMPP bind: N messages are accepted through the REST API while the
SMSC (Fixtures/smsc/smsc.pl, Net::SMPP) is down, then the SMSC starts and Parley drains its
queue through one transceiver bind. Prints the submit_sm rate the SMSC saw (first to last),
the time until every receipt was answered, and checks that every message went exactly once.

    python3 Fixtures/smsc/sms_load.py [--messages 5000] [--window 64] [--binary .build/release/parley]
"""
import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../sipp"))
from parley_process import DEFAULT_BINARY, ParleyProcess, free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--binary", default=DEFAULT_BINARY)
    args = parser.parse_args()
    smpp_port, control_port = free_port(), free_port()
    log = tempfile.mktemp(prefix="parley-smsc-load-", suffix=".log")
    with ParleyProcess(args.binary, "--smpp", f"127.0.0.1:{smpp_port}", "--smpp-system-id", "parley", "--smpp-password", "secret",
                       "--smpp-window", str(args.window), "--sms-rate", "100000") as parley:
        status, _ = parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": "+32490206100"})
        assert status == 201, status
        # Destinations ending in 10: the test SMSC treats 94–99 as failures (see smsc.pl).
        destinations = [f"+3247{n:05d}10" for n in range(args.messages)]
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda to: parley.post("Messages.json", {"To": to, "From": "+32490206100", "Body": "load " + to})[0],
                                     destinations))
        accepting = time.time() - started
        assert statuses.count(201) == args.messages, {s: statuses.count(s) for s in set(statuses)}
        print(f"{args.messages} messages accepted by the API in {accepting:.1f} s ({args.messages / accepting:.0f}/s), queued while the SMSC is down")
        smsc = subprocess.Popen(["perl", os.path.join(HERE, "smsc.pl"), "--port", str(smpp_port), "--control-port", str(control_port),
                                 "--log", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert smsc.stdout.readline().startswith("listening")
        try:
            deadline = time.time() + 600
            receipts_answered = 0
            while time.time() < deadline:
                with open(log) as handle:
                    events = [json.loads(line) for line in handle if line.strip()]
                receipts_answered = sum(1 for e in events if e["event"] == "deliver_sm_resp")
                if receipts_answered >= args.messages:
                    break
                time.sleep(0.5)
        finally:
            smsc.kill()
        submits = [e for e in events if e["event"] == "submit_sm"]
        accepted = [e for e in submits if e["status"] == 0]
        bind = next(e["time"] for e in events if e["event"] == "bind")
        first, last = submits[0]["time"], submits[-1]["time"]
        done = max(e["time"] for e in events if e["event"] == "deliver_sm_resp")
        unique = {e["destination"] for e in accepted}
        print(f"submit_sm: {len(submits)} ({len(accepted)} accepted, {len(unique)} destinations) in {last - first:.2f} s: "
              f"{len(submits) / max(last - first, 1e-9):.0f} per second through one bind (window {args.window})")
        print(f"from the bind to the last receipt answered: {done - bind:.2f} s ({args.messages / (done - bind):.0f} messages per second end to end)")
        lost = args.messages - len(unique)
        duplicated = len(accepted) - len(unique)
        print(f"lost: {lost}, duplicated: {duplicated}")
        sys.exit(0 if lost == 0 and duplicated == 0 else 1)


if __name__ == "__main__":
    main()
