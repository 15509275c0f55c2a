#!/usr/bin/env python3
"""Conference load against a real `parley serve` (the conference issue's load script): SIPp
callers (`uac_conference.xml`, each playing SIPp's g711a.pcap speech) fill rooms of 10, one
number per room, every room's document served by nginx (or Python's http.server). A probe
participant (plain sockets here) joins the first room and times the mix it receives: a frame
is late when it arrives more than 20 ms after its 20 ms slot (measured against the first
frame, so clock drift and queueing both show). Steps of rising participant counts; prints
the late-frame rate, SIPp's failures and the CPU Parley used while the probe listened (its
share of one core) for each. Loopback only; stops by itself.

    python3 Fixtures/sipp/conference_load.py [--parley .build/release/parley] [--participants 100,200,400,1000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from parley_process import DEFAULT_BINARY, HERE, ParleyProcess, ProbeCall, RCMLServer, free_port, sipp_counts

ROOM_SIZE = 10
HOLD_SECONDS = 25


def room_number(index):
    """The pool's Brussels block (+32 2 206 07 00 to 99): 100 rooms at most."""
    return f"+32220607{index:02d}"


def cpu_seconds(pid):
    """User and system CPU time of a process so far, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def probe(sip_port, number, seconds):
    """Joins a room from plain sockets, speaking silence every 20 ms, and returns (frames
    received, frames late)."""
    call = ProbeCall(sip_port, number, timeout=10)
    call.wait_for_answer()
    silence = bytearray([0x80, 8]) + bytearray(10) + bytearray([0xD5]) * 160
    arrivals = []
    started = next_send = time.monotonic()
    call.rtp.setblocking(False)
    sequence = 0
    while time.monotonic() - started < seconds:
        if time.monotonic() >= next_send:
            silence[2:4] = (sequence & 0xFFFF).to_bytes(2, "big")
            call.rtp.sendto(silence, ("127.0.0.1", call.parley_media))
            next_send += 0.02
            sequence += 1
        try:
            call.rtp.recv(2048)
            arrivals.append(time.monotonic())
        except BlockingIOError:
            time.sleep(0.001)
    call.hang_up()
    call.close()
    if len(arrivals) < 2:
        return len(arrivals), len(arrivals)
    first = arrivals[0]
    late = sum(1 for index, arrival in enumerate(arrivals) if arrival - (first + index * 0.02) > 0.02)
    return len(arrivals), late


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--participants", default="100,200,400,1000")
    args = parser.parse_args()
    steps = [int(value) for value in args.participants.split(",")]
    rooms = max(steps) // ROOM_SIZE
    documents = {f"/room{index}": f'<?xml version="1.0"?><Response><Dial timeLimit="{HOLD_SECONDS}"><Conference beep="false">'
                                  f'room{index}</Conference></Dial></Response>' for index in range(rooms)}
    web = RCMLServer(documents["/room0"], documents)
    with ParleyProcess(args.parley, "--rtp-ports", "20000-39999") as parley:
        for index in range(rooms):
            _, body = parley.post("Applications.json", {"FriendlyName": f"room{index}", "VoiceUrl": web.url_of(f"/room{index}")})
            parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": room_number(index), "VoiceApplicationSid": json.loads(body)["sid"],
                                                      "AddressInZoneConfirmed": "true"})  # a fixed number needs an address in its zone
        print(f"parley {args.parley}; rooms of {ROOM_SIZE} SIPp participants playing g711a.pcap; documents from {web.kind}")
        print(f"{'participants':>12} {'rooms':>6} {'sipp ok':>8} {'failed':>7} {'probe frames':>13} {'late':>6} {'late %':>7} {'parley cpu':>11}")
        for count in steps:
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fields:
                fields.write("SEQUENTIAL\n")
                for index in range(count - 1):  # the probe is the last participant of room 0
                    fields.write(f"{room_number(index % (count // ROOM_SIZE))}\n")
            rate = 50
            sipp = subprocess.Popen(
                ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(HERE, "uac_conference.xml"), "-inf", fields.name,
                 "-r", str(rate), "-m", str(count - 1), "-l", str(count), "-t", "u1", "-i", "127.0.0.1", "-p", str(free_port()),
                 "-mp", str(free_port() & ~1), "-nostdin", "-timeout", f"{HOLD_SECONDS + 60}s", "-max_recv_loops", "10000"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(count / rate + 1)  # everyone in
            cpu_before, wall_before = cpu_seconds(parley.process.pid), time.monotonic()
            frames, late = probe(parley.sip_port, room_number(0), seconds=10)
            cpu = (cpu_seconds(parley.process.pid) - cpu_before) / (time.monotonic() - wall_before)
            out, _ = sipp.communicate(timeout=HOLD_SECONDS + 120)
            ok, failed = sipp_counts(out)
            os.unlink(fields.name)
            print(f"{count:>12} {count // ROOM_SIZE:>6} {ok:>8} {failed:>7} {frames:>13} {late:>6} {100 * late / max(1, frames):>6.1f}% "
                  f"{100 * cpu:>10.0f}%", flush=True)
            time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
