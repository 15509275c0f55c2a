#!/usr/bin/env python3
"""Writes the synthetic packet traces the jitter-buffer benchmark replays: 60 s of 20 ms
packets (8 kHz timestamps, 160 a packet), one line per packet that reached the receiver:
sequence,timestamp,arrival_us. Seeded, so the files are the same on every run.

  steady.csv       30 ms of network delay with 1 ms of Gaussian jitter
  bursty.csv       40 ms base delay, exponential jitter (mean 6 ms), and every 4-8 s a
                   congestion burst: the delay climbs to 120-250 ms over half a second,
                   then the queue drains and the held packets arrive together
  loss-drift.csv   10% of packets lost (in runs, mean 1.5), the sender's clock 10% fast
                   (a packet every 18.2 ms of real time), 5 ms exponential jitter
  loss-drift-slow.csv  the same with the sender's clock 10% slow (a packet every 22.2 ms)
  netem.csv        Linux netem's model of a wide-area path, as `tc qdisc ... netem delay
                   50ms 20ms 25% distribution paretonormal loss 2% 25%` applies it: delay
                   50 ms ± 20 ms, a quarter Pareto and three quarters normal, each draw 25%
                   correlated with the last, packets passing each other when the delay
                   falls faster than 20 ms, and 2% loss, 25% correlated. (The sandbox's
                   kernel has no sch_netem, so the model is drawn here rather than captured.)"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
PACKETS = 3000


def write(name, rows):
    rows.sort(key=lambda row: row[2])
    with open(os.path.join(HERE, name), "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["sequence", "timestamp", "arrival_us"])
        writer.writerows(rows)


def steady(rng):
    return [(n, n * 160, int((n * 20 + 30 + rng.gauss(0, 1)) * 1000)) for n in range(PACKETS)]


def bursty(rng):
    rows, extra, burst_at, burst = [], 0.0, rng.uniform(4000, 8000), None
    for n in range(PACKETS):
        sent = n * 20.0
        if burst is None and sent >= burst_at:
            burst = (sent, rng.uniform(120, 250))
        if burst is not None:
            start, peak = burst
            elapsed = sent - start
            if elapsed < 500:
                extra = peak * elapsed / 500          # the queue builds
            else:
                extra = max(0.0, peak - (elapsed - 500) * 2)  # and drains at twice real time
                if extra == 0.0:
                    burst, burst_at = None, sent + rng.uniform(4000, 8000)
        arrival = sent + 40 + extra + rng.expovariate(1 / 6)
        rows.append((n, n * 160, int(arrival * 1000)))
    # A draining queue delivers in order: no packet passes the one before it.
    rows.sort(key=lambda row: row[0])
    for index in range(1, len(rows)):
        if rows[index][2] < rows[index - 1][2]:
            rows[index] = (rows[index][0], rows[index][1], rows[index - 1][2] + 50)
    return rows


def loss_drift(rng, period):
    rows, lost_run = [], 0
    for n in range(PACKETS):
        if lost_run == 0 and rng.random() < 0.10 / 1.5:
            lost_run = max(1, round(rng.expovariate(1 / 1.5)))
        if lost_run:
            lost_run -= 1
            continue
        rows.append((n, n * 160, int((n * period + 35 + rng.expovariate(1 / 5)) * 1000)))
    return rows


def netem(rng):
    rows, last_draw, last_loss = [], 0.0, False
    for n in range(PACKETS):
        lost = rng.random() < (0.25 if last_loss else 0.02 * 0.75 / (1 - 0.02 * 0.25))
        last_loss = lost
        # Pareto (alpha 3, mean 0) and normal parts, mixed as netem's paretonormal table is.
        pareto = (rng.paretovariate(3) - 1.5) / 0.866
        draw = 0.25 * pareto + 0.75 * rng.gauss(0, 1)
        draw = 0.25 * last_draw + 0.75 * draw
        last_draw = draw
        if lost:
            continue
        rows.append((n, n * 160, int((n * 20 + max(0.0, 50 + 20 * draw)) * 1000)))
    return rows


if __name__ == "__main__":
    write("steady.csv", steady(random.Random(1)))
    write("bursty.csv", bursty(random.Random(2)))
    write("loss-drift.csv", loss_drift(random.Random(3), 20 / 1.1))
    write("loss-drift-slow.csv", loss_drift(random.Random(4), 20 / 0.9))
    write("netem.csv", netem(random.Random(5)))
