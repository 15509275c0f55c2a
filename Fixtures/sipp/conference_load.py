#!/usr/bin/env python3
"""Conference load against a real `parley serve` (the conference issue's load script): SIPp
callers (`uac_conference.xml`, each playing SIPp's g711a.pcap speech) fill rooms of 10, one
number per room, every room's document served by nginx (or Python's http.server). A probe
participant (plain sockets here) joins the first room and times the mix it receives: a frame
is late when it arrives more than 20 ms after its 20 ms slot (measured against the first
frame, so clock drift and queueing both show). Steps of rising participant counts; prints
the late-frame rate and SIPp's failures for each. Loopback only; stops by itself.

    python3 Fixtures/sipp/conference_load.py [--parley .build/release/parley] [--participants 100,200,400]
"""
import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time

from parley_process import DEFAULT_BINARY, HERE, ParleyProcess, RCMLServer, free_port, sipp_counts

ROOM_SIZE = 10
HOLD_SECONDS = 25


def room_number(index):
    """The pool's mobile test blocks: 20 numbers in 0476 and 20 in 0477, so 40 rooms at most."""
    return f"+3247{6 + index // 20}206{100 + index % 20:03d}"


def probe(sip_port, number, seconds):
    """Joins a room from plain sockets and returns (frames received, frames late)."""
    sip, rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind(("127.0.0.1", 0))
    rtp.bind(("127.0.0.1", 0))
    sip.settimeout(10)
    rtp.settimeout(2)
    port, media = sip.getsockname()[1], rtp.getsockname()[1]
    call_id, tag = secrets.token_hex(8), secrets.token_hex(4)
    sdp = (f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {media} RTP/AVP 8\r\n"
           "a=rtpmap:8 PCMA/8000\r\n")
    via = f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{secrets.token_hex(6)};rport\r\n"
    head = f"From: <sip:0470999999@127.0.0.1>;tag={tag}\r\n"
    sip.sendto((f"INVITE sip:{number}@127.0.0.1:{sip_port} SIP/2.0\r\n{via}{head}To: <sip:{number}@127.0.0.1>\r\n"
                f"Call-ID: {call_id}\r\nCSeq: 1 INVITE\r\nContact: <sip:probe@127.0.0.1:{port}>\r\nMax-Forwards: 70\r\n"
                f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}").encode(), ("127.0.0.1", sip_port))
    to = None
    while to is None:
        message = sip.recv(65535).decode(errors="replace")
        if message.startswith("SIP/2.0 200"):
            to = next(line for line in message.split("\r\n") if line.lower().startswith("to:"))
            parley_media = int(re.search(r"m=audio (\d+)", message).group(1))
    sip.sendto((f"ACK sip:{number}@127.0.0.1:{sip_port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{secrets.token_hex(6)};rport\r\n"
                f"{head}{to}\r\nCall-ID: {call_id}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", sip_port))
    # Speak too (silence), so the room hears a live participant: one A-law frame every 20 ms.
    silence = bytes([0x80, 8]) + bytes(10) + bytes([0xD5]) * 160
    arrivals = []
    started = time.monotonic()
    next_send = started
    rtp.setblocking(False)
    sequence = 0
    while time.monotonic() - started < seconds:
        now = time.monotonic()
        if now >= next_send:
            packet = bytearray(silence)
            packet[2:4] = sequence.to_bytes(2, "big")
            rtp.sendto(packet, ("127.0.0.1", parley_media))
            next_send += 0.02
            sequence += 1
        try:
            rtp.recv(2048)
            arrivals.append(time.monotonic())
        except BlockingIOError:
            time.sleep(0.001)
    sip.close()
    rtp.close()
    if len(arrivals) < 2:
        return len(arrivals), len(arrivals)
    first = arrivals[0]
    late = sum(1 for index, arrival in enumerate(arrivals) if arrival - (first + index * 0.02) > 0.02)
    return len(arrivals), late


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--participants", default="100,200,400")
    args = parser.parse_args()
    steps = [int(value) for value in args.participants.split(",")]
    rooms = max(steps) // ROOM_SIZE
    documents = {f"/room{index}": f'<?xml version="1.0"?><Response><Dial timeLimit="{HOLD_SECONDS}"><Conference beep="false">'
                                  f'room{index}</Conference></Dial></Response>' for index in range(rooms)}
    web = RCMLServer(documents["/room0"], documents)
    with ParleyProcess(args.parley, "--rtp-ports", "20000-39999") as parley:
        for index in range(rooms):
            _, body = parley.post("Applications.json", {"FriendlyName": f"room{index}", "VoiceUrl": web.url_of(f"/room{index}")})
            parley.post("IncomingPhoneNumbers.json", {"PhoneNumber": room_number(index), "VoiceApplicationSid": json.loads(body)["sid"]})
        print(f"parley {args.parley}; rooms of {ROOM_SIZE} SIPp participants playing g711a.pcap; documents from {web.kind}")
        print(f"{'participants':>12} {'rooms':>6} {'sipp ok':>8} {'failed':>7} {'probe frames':>13} {'late':>6} {'late %':>7}")
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
            frames, late = probe(parley.sip_port, room_number(0), seconds=10)
            out, _ = sipp.communicate(timeout=HOLD_SECONDS + 120)
            ok, failed = sipp_counts(out)
            os.unlink(fields.name)
            print(f"{count:>12} {count // ROOM_SIZE:>6} {ok:>8} {failed:>7} {frames:>13} {late:>6} {100 * late / max(1, frames):>6.1f}%", flush=True)
            time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
