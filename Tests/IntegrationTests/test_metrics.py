"""/metrics, scraped with prometheus_client's parser during and after a SIPp run: the figures
match what the run did (registrations, calls, SIP messages by method and class, RTP packets
of SIPp's pcap, webhooks, per-call media histograms), and it listens on its own port."""
import os
import subprocess

import pytest
import requests

from conftest import CARRIER_HOST, free_port
from pcap_reader import packets
from rcml_calls import bind
from sip_peers import FIXTURES, create_client, run_sipp, wait_for

PCAP = "/usr/share/sip-tester/g711a.pcap"


def value(scrape, name, **labels):
    return scrape.get((name, frozenset(labels.items())), 0)


def test_a_scrape_during_and_after_a_sipp_run_matches_the_run(fresh_parley):
    server = fresh_parley().start()
    users = [(f"metric{i}", f"Metric-pass-{i}1") for i in range(5)]
    for login, password in users:
        create_client(server, login, password)
    assert run_sipp(server, "register_digest.xml", users).returncode == 0

    # Three callers speak SIPp's pcap into a call that Parley holds, then hangs up.
    number = "+32476206102"
    bind(server, number, "/metrics/hold", '<?xml version="1.0"?><Response><Play digits="w"/><Pause length="10"/></Response>')
    callers = subprocess.Popen(
        ["sipp", f"127.0.0.1:{server.sip_port}", "-sf", os.path.join(FIXTURES, "uac_speaks_g711a.xml"), "-s", number,
         "-m", "3", "-l", "3", "-r", "10", "-i", CARRIER_HOST, "-p", str(free_port()), "-mp", str(free_port() & ~1),
         "-nostdin", "-timeout", "60s", "-timeout_error"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: value(server.metrics(), "parley_calls_active", direction="inbound") == 3, timeout=20)
        during = server.metrics()
        assert value(during, "parley_media_sessions") == 3
        assert value(during, "parley_registrations") == 5
        assert value(during, "parley_calls_started_total", direction="inbound") == 3
        assert value(during, "parley_calls_ended_total", direction="inbound", status="completed") == 0
        stdout, stderr = callers.communicate(timeout=60)
        assert callers.returncode == 0, stdout[-2000:] + stderr[-2000:]
    finally:
        if callers.poll() is None:
            callers.kill()

    assert wait_for(lambda: value(server.metrics(), "parley_calls_active", direction="inbound") == 0)
    after = server.metrics()
    assert value(after, "parley_calls_ended_total", direction="inbound", status="completed") == 3
    assert value(after, "parley_media_sessions") == 0
    # Every RTP packet of the pcap, from each caller, arrived and was counted once.
    assert value(after, "parley_rtp_packets_received_total") == 3 * len(list(packets(PCAP)))
    assert value(after, "parley_rtp_packets_sent_total") > 3 * 500  # 11 s of Pause is 550 frames per call
    assert value(after, "parley_rtp_packets_lost_total") == 0
    assert value(after, "parley_rtp_stranger_packets_dropped_total") == 0
    # SIP: each REGISTER twice (challenge, then credentials); INVITE and ACK per call; Parley's BYEs answered 200.
    assert value(after, "parley_sip_requests_received_total", method="REGISTER") == 10
    assert value(after, "parley_sip_requests_received_total", method="INVITE") == 3
    assert value(after, "parley_sip_requests_received_total", method="ACK") == 3
    assert value(after, "parley_sip_requests_received_total", method="BYE") == 0
    assert value(after, "parley_sip_responses_received_total", **{"class": "2xx"}) == 3
    assert value(after, "parley_sip_responses_sent_total", **{"class": "4xx"}) == 5  # the 401 challenges
    assert value(after, "parley_sip_responses_sent_total", **{"class": "2xx"}) == 5 + 3
    assert value(after, "parley_sip_responses_sent_total", **{"class": "1xx"}) == 3 * 2  # 100 Trying, 180 Ringing
    # One RCML fetch per call, none failed; each call's jitter observed once.
    assert value(after, "parley_webhook_duration_seconds_count", kind="rcml") == 3
    assert not any(name == "parley_webhook_failures_total" for name, _ in after)
    assert value(after, "parley_call_jitter_milliseconds_count") == 3
    assert value(after, "parley_database_write_duration_seconds_count") > 0
    assert server.stop() == 0


def test_metrics_listen_on_their_own_port_only(parley):
    assert requests.get(parley.base_url + "/metrics", timeout=5).status_code == 404
    response = requests.get(f"http://127.0.0.1:{parley.metrics_port}/metrics", timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "parley_sip_invite_transactions" in response.text
