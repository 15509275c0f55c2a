#!/usr/bin/env python3
"""INVITE load against a real `parley serve`: SIPp's built-in caller (INVITE, 100/180/200, ACK,
a short hold, BYE) calls a number bound to an application, at rising call rates. Every call
fetches the application's RCML from a local web server (signed POST) before it is answered,
and gets a call record written at each state change (ringing, in-progress, completed). Prints
each step and the highest rate with zero failed calls. Loopback only; stops by itself.

    python3 Fixtures/sipp/invite_load.py [--parley .build/release/parley] [--rates 200,400,800] [--hold-ms 1000]
"""
import argparse
import json
import sys

from parley_process import DEFAULT_BINARY, ParleyProcess, RCMLServer, free_port, rising_rates

NUMBER = "+3222060700"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--rates", default="200,400,600,800,1000,1200")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each step")
    parser.add_argument("--hold-ms", type=int, default=1000, help="how long each call stays up")
    args = parser.parse_args()

    web = RCMLServer('<?xml version="1.0"?><Response><Play digits="w"/><Pause length="60"/></Response>')
    with ParleyProcess(args.parley) as parley:
        _, body = parley.post("Applications.json", {"FriendlyName": "load", "VoiceUrl": web.url})
        application = json.loads(body)["sid"]
        parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": NUMBER, "VoiceApplicationSid": application,
                                                  "AddressInZoneConfirmed": "true"})
        print(f"parley {args.parley}; SIPp uac over UDP on 127.0.0.1 calling {NUMBER}, {args.hold_ms} ms per call; "
              f"RCML from {web.kind}")
        rising_rates(
            [int(r) for r in args.rates.split(",")], args.seconds,
            lambda rate, total: [
                "sipp", f"127.0.0.1:{parley.sip_port}", "-sn", "uac", "-s", NUMBER, "-d", str(args.hold_ms),
                "-r", str(rate), "-m", str(total), "-l", str(rate * (args.hold_ms // 1000 + 3)), "-t", "u1",
                "-i", "127.0.0.1", "-p", str(free_port()), "-nostdin", "-timeout", f"{args.seconds * 6}s",
                "-recv_timeout", "10000", "-max_recv_loops", "10000", "-max_sched_loops", "10000"],
            "calls", settle=args.hold_ms / 1000)


if __name__ == "__main__":
    sys.exit(main())
