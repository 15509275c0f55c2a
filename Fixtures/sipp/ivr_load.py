#!/usr/bin/env python3
"""IVR load against a real `parley serve` (issue 6's benchmark): SIPp calls a number whose
application, served by nginx (or Python's http.server when nginx is absent), says a short
sentence (cached after the first call), gathers one digit, which SIPp presses as an RFC 2833
event (`uac_ivr.xml`), and hangs up from the action's document. Every call fetches two
signed webhooks, plays speech over RTP and writes its record at each state change. Runs at
rising call rates and prints each step, the highest rate with zero failed calls, and the
time from INVITE to the first packet of speech measured by probe calls during each step.
Loopback only; stops by itself.

    python3 Fixtures/sipp/ivr_load.py [--parley .build/release/parley] [--rates 100,200,300,400] [--seconds 10]
"""
import argparse
import json
import os
import socket
import statistics
import sys
import threading
import time

from parley_process import DEFAULT_BINARY, HERE, ParleyProcess, ProbeCall, RCMLServer, free_port, rising_rates

NUMBER = "+3222060701"
GREETING = '<?xml version="1.0"?><Response><Gather numDigits="1" timeout="5" action="/done"><Say>Press one.</Say></Gather><Hangup/></Response>'
DONE = '<?xml version="1.0"?><Response><Hangup/></Response>'


def first_speech_ms(sip_port):
    """One probe call: milliseconds from sending the INVITE to the first RTP packet that is not
    silence (A-law 0xD5), and from the 200 OK (sent when the Say verb starts: it answers) to
    that packet; then BYE. None when no answer or no speech came."""
    call = ProbeCall(sip_port, NUMBER, caller="0470111111", telephone_events=True)
    try:
        call.wait_for_answer()
        while True:
            packet = call.rtp.recv(2048)
            if any(byte != 0xD5 for byte in packet[12:]):
                now = time.monotonic()
                call.hang_up()
                return (now - call.started) * 1000, (now - call.answered) * 1000
    except socket.timeout:
        return None
    finally:
        call.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--rates", default="100,200,300,400,500")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each step")
    args = parser.parse_args()

    web = RCMLServer(GREETING, {"/done": DONE})
    with ParleyProcess(args.parley, "--rtp-ports", "20000-39999") as parley:
        _, body = parley.post("Applications.json", {"FriendlyName": "ivr", "VoiceUrl": web.url})
        parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": NUMBER, "VoiceApplicationSid": json.loads(body)["sid"],
                                                  "AddressInZoneConfirmed": "true"})
        print(f"parley {args.parley}; SIPp uac_ivr.xml over UDP on 127.0.0.1 calling {NUMBER}; RCML from {web.kind}")
        first_speech_ms(parley.sip_port)  # the first call synthesises the sentence; later ones use the cache
        latencies = {}

        def probes(rate):
            time.sleep(1)
            for _ in range(args.seconds - 2):
                value = first_speech_ms(parley.sip_port)
                latencies.setdefault(rate, []).append(value)
                time.sleep(0.8)

        def command(rate, total):
            threading.Thread(target=probes, args=(rate,), daemon=True).start()
            return ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(HERE, "uac_ivr.xml"), "-s", NUMBER,
                    "-r", str(rate), "-m", str(total), "-l", str(rate * 5), "-t", "u1", "-i", "127.0.0.1",
                    "-p", str(free_port()), "-mp", str(free_port() & ~1), "-nostdin", "-timeout", f"{args.seconds * 6}s",
                    "-recv_timeout", "10000", "-max_recv_loops", "10000", "-max_sched_loops", "10000"]

        rising_rates([int(r) for r in args.rates.split(",")], args.seconds, command, "calls", settle=1.5)
        print("probe calls during each step (cached sentence): INVITE to first speech packet; 200 OK (the Say verb) to it")
        for rate, values in latencies.items():
            measured = [v for v in values if v is not None]
            if measured:
                invite, verb = sorted(v[0] for v in measured), sorted(v[1] for v in measured)
                print(f"  {rate:>5}/s: INVITE median {statistics.median(invite):.0f} ms, max {invite[-1]:.0f} ms; "
                      f"verb median {statistics.median(verb):.0f} ms, max {verb[-1]:.0f} ms "
                      f"({len(measured)} probes, {len(values) - len(measured)} without audio)")


if __name__ == "__main__":
    sys.exit(main())
