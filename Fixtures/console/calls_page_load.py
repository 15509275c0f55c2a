#!/usr/bin/env python3
"""How long the console takes to answer a page of 1,000 calls: a release `parley serve` takes
real calls from SIPp (its built-in caller, to a number bound to an application), a console
user signs in over HTTP, and the calls page is fetched with PageSize=1000 again and again.
Prints the median, 90th percentile and worst time to the last byte. Loopback only; stops by
itself.

    python3 Fixtures/console/calls_page_load.py [--parley .build/release/parley] [--calls 1000] [--fetches 40]
"""
import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../sipp"))
from parley_process import DEFAULT_BINARY, ParleyProcess, RCMLServer, free_port  # noqa: E402

NUMBER = "+3222060700"
EMAIL, PASSWORD = "bench@example.com", "Bench-password-1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--fetches", type=int, default=40)
    args = parser.parse_args()

    web = RCMLServer('<?xml version="1.0"?><Response><Play digits="w"/><Pause length="60"/></Response>')
    with ParleyProcess(args.parley) as parley:
        _, body = parley.post("Applications.json", {"FriendlyName": "load", "VoiceUrl": web.url})
        parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": NUMBER, "VoiceApplicationSid": json.loads(body)["sid"],
                                                  "AddressInZoneConfirmed": "true"})
        calls = subprocess.run(
            ["sipp", f"127.0.0.1:{parley.sip_port}", "-sn", "uac", "-s", NUMBER, "-d", "100", "-r", "100", "-m", str(args.calls),
             "-l", "200", "-t", "u1", "-i", "127.0.0.1", "-p", str(free_port()), "-nostdin", "-timeout", "120s"],
            capture_output=True, text=True)
        print(f"SIPp made {args.calls} calls (exit {calls.returncode})")

        # A console user, invited through the API and given a password through their link.
        _, body = parley.post("Users.json", {"Email": EMAIL, "Role": "admin"})
        link = json.loads(body)["password_link"]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        browser.open(link, data=urllib.parse.urlencode({"Password": PASSWORD, "Confirm": PASSWORD}).encode(), timeout=30)

        url = parley.base + "/console/calls?PageSize=1000"
        times, size, rows = [], 0, 0
        for _ in range(args.fetches + 3):
            started = time.perf_counter()
            with browser.open(url, timeout=30) as response:
                page = response.read()
            times.append(time.perf_counter() - started)
            size, rows = len(page), len(re.findall(rb'<tr data-sid="CA', page))
        times = sorted(times[3:])  # the first fetches warm the caches
        print(f"calls page: {rows} rows, {size / 1024:.0f} KiB; {args.fetches} fetches: median {statistics.median(times) * 1000:.1f} ms, "
              f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.1f} ms, worst {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
