#!/usr/bin/env python3
"""REGISTER load against a real `parley serve`: 1,000 distinct Clients registering with digest
authentication through SIPp (challenge, then credentials), at rising rates. Prints each step
and the highest rate sustained (within 10% of the step's time) with zero failed registrations. Loopback only; stops by itself.

    python3 Fixtures/sipp/register_load.py [--parley .build/release/parley] [--rates 1000,2000,3000]
"""
import argparse
import os
import sys

from parley_process import DEFAULT_BINARY, HERE, ParleyProcess, free_port, rising_rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parley", default=DEFAULT_BINARY)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rates", default="1000,2000,3000,4000,5000,6000")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each step")
    args = parser.parse_args()

    with ParleyProcess(args.parley) as parley:
        csv_path = os.path.join(parley.data_dir, "clients.csv")
        with open(csv_path, "w") as csv:
            csv.write("SEQUENTIAL\n")
            for index in range(args.clients):
                login, password = f"load{index:04d}", f"Load-pass-{index:04d}"
                parley.post("Clients.json", {"Login": login, "Password": password})
                csv.write(f"{login};[authentication username={login} password={password}]\n")
        print(f"{args.clients} clients created; parley {args.parley}; SIPp over UDP on 127.0.0.1")
        rising_rates(
            [int(r) for r in args.rates.split(",")], args.seconds,
            lambda rate, total: [
                "sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(HERE, "register_digest.xml"), "-inf", csv_path,
                "-r", str(rate), "-m", str(total), "-l", str(max(rate, 1000)), "-t", "u1", "-i", "127.0.0.1",
                "-p", str(free_port()), "-nostdin", "-timeout", f"{args.seconds * 6}s", "-recv_timeout", "5000",
                "-max_recv_loops", "10000", "-max_sched_loops", "10000"],
            "authenticated registrations")


if __name__ == "__main__":
    sys.exit(main())
