"""RCML run by inbound calls, against documents served by a real web server over loopback:
Gather with RFC 2833 keys sent by SIPp from the pcaps it ships, the action request with the
digits, Redirect with a relative URL, Reject, Hangup, a leading Pause that delays answering,
and documents with errors giving a Notification that names the element and its line."""
import io
import math
import struct
import time
import wave

from rcml_calls import bind, sipp
from sip_peers import RawSIP, wait_for
from test_sip_calls import send_invite
from webhook_server import webhook


def notifications(parley):
    return parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json").json()["notifications"]


def test_gather_collects_rfc2833_keys_and_posts_them_to_its_action(parley):
    bind(parley, "+32476206100", "/ivr/menu", """<?xml version="1.0"?>
        <Response>
          <!-- spoken prompts and a DTMF tone; the caller's first key interrupts them -->
          <Gather action="choice" method="POST" timeout="5">
            <Say language="fr">Bonjour. Pour le service clients, tapez un, puis deux, puis dièse.</Say>
            <Play digits="9"/>
          </Gather>
        </Response>""")
    webhook().serve("/ivr/choice", "<Response><Hangup/></Response>")
    result = sipp(parley, "uac_rfc2833_digits.xml", number="+32476206100")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [action] = webhook().received("/ivr/choice")
    assert action["form"]["Digits"] == "12" and action["form"]["CallStatus"] == "in-progress"
    [call] = parley.client().calls.list(to="+32476206100")
    assert call.status == "completed" and int(call.duration) >= 2


def test_redirect_follows_a_relative_url_and_reject_busy_gives_486(parley):
    bind(parley, "+32476206101", "/flow/start", '<Response><Redirect method="GET">next</Redirect><Hangup/></Response>')
    webhook().serve("/flow/next", '<Response><Reject reason="busy"/></Response>')
    status, line, _, _ = send_invite(RawSIP(parley), parley, "+32476206101", "0470111111")
    assert status == 486, line
    [redirected] = webhook().received("/flow/next")
    assert redirected["method"] == "GET" and redirected["form"]["To"] == "+32476206101"
    assert parley.client().calls.list(to="+32476206101")[0].status == "busy"


def test_a_leading_pause_delays_the_answer_and_hangup_declines(parley):
    bind(parley, "+32476206102", "/pause", '<Response><Pause length="2"/><Hangup/></Response>')
    started = time.time()
    status, line, _, _ = send_invite(RawSIP(parley, timeout=5), parley, "+32476206102", "0470111111")
    assert status == 603 and time.time() - started >= 2, line
    assert parley.client().calls.list(to="+32476206102")[0].status == "no-answer"


def test_document_errors_are_notifications_naming_the_element_and_line(parley):
    cases = [
        ("+32476206103", "<Response>\n  <Pause/>\n  <Dance/>\n</Response>", "unknown verb <Dance>", "line 3"),
        ("+32476206104", '<Response>\n<Gather timeout="soon"/>\n</Response>', 'timeout="soon"', "line 2"),
        ("+32476206105", "<Response><Gather><Hangup/></Gather></Response>", "<Hangup> cannot be nested in <Gather>", "line 1"),
    ]
    for number, document, reason, line in cases:
        bind(parley, number, f"/bad/{number}", document)
        raw = RawSIP(parley, timeout=10)
        status, _, _, _ = send_invite(raw, parley, number, "0470111111")
        assert status == 200  # answered to say that the application failed, then hung up
        assert raw.receive()[1].startswith("BYE ")
        call = parley.client().calls.list(to=number)[0]
        entries = [n for n in notifications(parley) if n["call_sid"] == call.sid]
        assert len(entries) == 1 and entries[0]["error_code"] == "12100", entries
        assert reason in entries[0]["message_text"] and line in entries[0]["message_text"], entries[0]["message_text"]


def test_say_speaks_then_the_end_of_the_document_hangs_up(parley):
    bind(parley, "+32476206106", "/say", '<Response><Say voice="woman" language="nl-BE">Tot ziens en bedankt voor uw oproep.</Say></Response>')
    started = time.time()
    result = sipp(parley, "uac_parley_hangs_up.xml", number="+32476206106")
    assert result.returncode == 0, result.stdout[-2000:]  # Parley hung up after speaking
    assert time.time() - started > 1.0  # the sentence took its time to say
    [call] = parley.client().calls.list(to="+32476206106")
    assert call.status == "completed"
    assert [n for n in notifications(parley) if n["call_sid"] == call.sid] == []



def wav(rate, seconds=1.0, channels=1):
    """A 440 Hz tone as a 16-bit WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = (struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) * channels for i in range(int(rate * seconds)))
        out.writeframes(b"".join(frames))
    return buffer.getvalue()


def test_play_fetches_wav_files_at_any_rate_once_and_refuses_what_it_cannot_play(parley):
    for rate, channels in [(8000, 1), (16000, 1), (48000, 2)]:
        webhook().serve(f"/audio/tone-{rate}.wav", wav(rate, channels=channels), content_type="audio/wav")
    bind(parley, "+32476206107", "/play/ok", """<Response>
        <Play>../audio/tone-8000.wav</Play><Play>/audio/tone-16000.wav</Play><Play loop="2">/audio/tone-48000.wav</Play>
        </Response>""")
    for _ in range(2):
        started = time.time()
        result = sipp(parley, "uac_parley_hangs_up.xml", number="+32476206107")
        assert result.returncode == 0, result.stdout[-2000:]
        assert time.time() - started >= 4.0  # four seconds of tone, then the hang-up
    assert len(webhook().received("/audio/tone-16000.wav")) == 1  # fetched once, then cached
    assert all(n["call_sid"] not in {c.sid for c in parley.client().calls.list(to="+32476206107")} for n in notifications(parley))
    # With validators and no max-age, each use asks again: If-None-Match, answered 304, and the
    # prompt still plays from the samples held; a new version (a new ETag) is fetched whole.
    webhook().serve("/audio/tagged.wav", wav(8000), content_type="audio/wav", headers={"ETag": '"v1"'})
    bind(parley, "+32476206109", "/play/tagged", "<Response><Play>/audio/tagged.wav</Play></Response>")
    for version in ("v1", "v1", "v2"):
        if version == "v2":
            webhook().serve("/audio/tagged.wav", wav(16000), content_type="audio/wav", headers={"ETag": '"v2"'})
        started = time.time()
        result = sipp(parley, "uac_parley_hangs_up.xml", number="+32476206109")
        assert result.returncode == 0, result.stdout[-2000:]
        assert time.time() - started >= 1.0  # the tone played each time, then the hang-up
    asked = [r["headers"].get("If-None-Match") for r in webhook().received("/audio/tagged.wav")]
    assert asked == [None, '"v1"', '"v1"'], asked
    webhook().serve("/audio/text.wav", "not audio", content_type="text/plain")
    bind(parley, "+32476206108", "/play/bad", "<Response><Play>/audio/text.wav</Play></Response>")
    status, _, _, _ = send_invite(RawSIP(parley), parley, "+32476206108", "0470111111")
    assert status == 200  # answered for the Play, then hung up
    call = parley.client().calls.list(to="+32476206108")[0]
    assert wait_for(lambda: [n["error_code"] for n in notifications(parley) if n["call_sid"] == call.sid] == ["12300"])
