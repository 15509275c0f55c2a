"""RTCP with a real peer: baresip (as a registered Client) calls a number for about nine
seconds, sending its tone and its RTCP reports; the call record then shows what Parley
counted and what baresip reported: packets both ways, no loss on loopback, small jitter, a
round-trip time computed from baresip's reports about Parley's sender reports, and what the
jitter buffer did."""
import re
import signal

from sip_peers import create_client, start_baresip, wait_for
from webhook_server import webhook


def test_a_call_record_keeps_the_rtp_and_rtcp_figures(parley, twilio_spec):
    from openapi_check import assert_valid
    url = webhook().serve("/rtcp/app", '<Response><Play digits="w"/><Pause length="9"/><Hangup/></Response>')
    app = parley.client().applications.create(friendly_name="rtcp", voice_url=url)
    create_client(parley, "reporter", "Reporter-pass-1", VoiceApplicationSid=app.sid)
    process, log = start_baresip(parley, "reporter", "Reporter-pass-1", commands=[f"/dial sip:+3222060797@127.0.0.1:{parley.sip_port}"])
    try:
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:reporter")] == ["completed"], timeout=30), open(log).read()[-3000:]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    [call] = parley.client().calls.list(from_="client:reporter")
    body = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{call.sid}.json").json()
    assert_valid(twilio_spec, body, "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json")
    quality = body["media_quality"]
    assert quality["packets_sent"] > 400 and quality["packets_received"] > 300, quality  # 50 a second each way
    assert quality["packets_lost"] == 0 and float(quality["jitter_ms"]) < 20, quality
    assert quality["rtcp_reports_received"] >= 1, quality
    assert quality["far_end_packets_lost"] == 0, quality
    assert quality["round_trip_ms"] is not None and 0 <= float(quality["round_trip_ms"]) < 200, quality
    # The jitter buffer played baresip's audio (for the recorder, DTMF, a mixer) with little
    # delay. In its first second it is still learning baresip's timing (a handful of packets
    # come after their frame, or are skipped when the estimate settles): about 1–2% here.
    assert 0 < float(quality["playout_delay_ms"]) < 80, quality
    assert float(quality["late_loss_rate"]) < 0.03 and float(quality["concealment_ratio"]) < 0.05, quality


def test_an_srtp_offer_gets_srtp_and_the_audio_flows_encrypted(parley):
    url = webhook().serve("/srtp/app", '<Response><Play digits="w1234"/><Pause length="3"/><Hangup/></Response>')
    app = parley.client().applications.create(friendly_name="srtp", voice_url=url)
    create_client(parley, "secure", "Secure-pass-1", VoiceApplicationSid=app.sid)
    process, log = start_baresip(parley, "secure", "Secure-pass-1", sip_trace=True, mediaenc="srtp-mand",
                                 commands=[f"/dial sip:+3222060796@127.0.0.1:{parley.sip_port}"])
    try:
        assert wait_for(lambda: [c.status for c in parley.client().calls.list(from_="client:secure")] == ["completed"], timeout=30), open(log).read()[-3000:]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    trace = open(log).read()
    # baresip offered RTP/SAVP with an SDES key, and Parley answered in kind with a key of its own.
    answer = trace[trace.index("SIP/2.0 200 OK"):]
    assert re.search(r"m=audio \d+ RTP/SAVP", answer) and re.search(r"a=crypto:\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:", answer), answer[:1500]
    [call] = parley.client().calls.list(from_="client:secure")
    quality = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{call.sid}.json").json()["media_quality"]
    # Every packet baresip sent passed authentication and was counted; baresip's RTCP (SRTCP) was read.
    assert quality["srtp"] is True and quality["srtp_packets_rejected"] == 0, quality
    assert quality["packets_received"] > 150 and quality["packets_lost"] == 0, quality
    # And baresip decrypted Parley's SRTP: its stream saw RTP arrive (after its srtp layer),
    # and it reported no packet failing authentication.
    assert re.search(r"incoming rtp for 'audio' established", trace), trace[-2000:]
    assert not re.search(r"srtp.*(fail|error)", trace, re.IGNORECASE), trace[-2000:]
