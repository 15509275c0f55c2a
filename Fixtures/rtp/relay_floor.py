#!/usr/bin/env python3
"""The C floor for the relay benchmark: `relay_floor.c` relays what `rtp_blast.c` sends,
1,000 bridges, at each offered rate for 3 s, and prints packets relayed per CPU second of the
relay, the figure the MediaPaths relay benchmark prints for Parley.

    python3 Fixtures/rtp/relay_floor.py [--rates 50000,100000,150000]
"""
import argparse
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def build(name):
    binary = os.path.join(tempfile.gettempdir(), f"parley-{name}")
    subprocess.run(["gcc", "-O2", "-o", binary, os.path.join(HERE, f"{name}.c")], check=True)
    return binary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50000,100000,150000")
    parser.add_argument("--pairs", type=int, default=1000)
    arguments = parser.parse_args()
    blast, relay = build("rtp_blast"), build("relay_floor")
    for rate in [int(r) for r in arguments.rates.split(",")]:
        blaster = subprocess.Popen([blast, str(arguments.pairs), str(rate), "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = blaster.stdout.readline().split()[-1]
        relayer = subprocess.Popen([relay, str(arguments.pairs), port], stdout=subprocess.PIPE, text=True)
        ports = relayer.stdout.readline()
        blaster.stdin.write(ports)
        blaster.stdin.flush()
        sent, received = (int(x) for x in blaster.stdout.read().split()[1::2])
        relayed, cpu = relayer.stdout.read().split()[1::2]
        relayer.wait()
        blaster.wait()
        print(f"offered {rate}/s: sent {sent}, back {received} ({100 * (sent - received) / sent:.2f}% lost); "
              f"relay CPU {float(cpu):.2f} s: {int(relayed) / float(cpu):.0f} packets/s per core")


if __name__ == "__main__":
    main()
