"""Gather by speech through a real call: SIPp plays a pcap of words said by espeak-ng (the
command-line synthesizer, not Parley's; Fixtures/speech, band-limited to 8 kHz) A-law coded as
a phone sends them; Parley end-points the utterance and pocketsphinx recognises it among the
hints."""
import os
import tempfile
import wave

import numpy

from audio_check import write_alaw_pcap
from rcml_calls import bind, sipp, speaking_scenario
from sip_peers import FIXTURES
from webhook_server import webhook


def spoken(text, lead_in=1.0, tail=3.0):
    """`text` (a phrase of Fixtures/speech) at 8 kHz, after `lead_in` and before `tail` seconds of quiet."""
    path = os.path.join(FIXTURES, "..", "speech", text.replace(" ", "-") + ".wav")
    with wave.open(path) as audio:
        assert audio.getframerate() == 8000
        words = numpy.frombuffer(audio.readframes(audio.getnframes()), dtype=numpy.int16).astype(float)
    return numpy.concatenate([numpy.zeros(int(lead_in * 8000)), words, numpy.zeros(int(tail * 8000))])


def call_saying(parley, number, text, **quiet):
    with tempfile.TemporaryDirectory() as directory:
        return call_sending(parley, number, spoken(text, **quiet), directory)


def call_sending(parley, number, samples, directory):
    pcap = os.path.join(directory, "speech.pcap")
    write_alaw_pcap(pcap, samples)
    return sipp(parley, speaking_scenario(directory, "speech", pcap), number=number)


def test_a_spoken_choice_interrupts_the_prompt_and_reaches_the_action(parley):
    bind(parley, "+32476206100", "/speech/menu",
         '<Response><Gather input="speech" hints="sales, support, billing, talk to an agent" action="/speech/heard" timeout="5" '
         'speechTimeout="auto"><Say>Welcome to Parley. Please say sales, support, billing, or talk to an agent, after the tone.</Say>'
         '</Gather><Say>We did not hear you.</Say></Response>')
    webhook().serve("/speech/heard", "<Response><Hangup/></Response>")
    result = call_saying(parley, "+32476206100", "talk to an agent")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [action] = [r["form"] for r in webhook().received("/speech/heard") if r["form"]["To"] == "+32476206100"]
    assert action["SpeechResult"] == "talk to an agent"
    assert "Digits" not in action
    # Under a grammar of hints pocketsphinx computes no posterior, so no Confidence is made up.
    assert "Confidence" not in action
    [call_record] = parley.client().calls.list(to="+32476206100")
    # SIPp starts speaking 1.5 s + 1 s after the answer, the words last about 1 s and a second
    # of quiet ends them: the action and its Hangup come well before the 7 s of the pcap are over,
    # and long before the prompt (about 6 s) plus the 5 s timeout would have run out.
    assert int(call_record.duration) <= 6


def test_a_caller_who_says_nothing_gets_the_next_verb_after_the_timeout(parley):
    bind(parley, "+32476206101", "/speech/quiet",
         '<Response><Gather input="speech" hints="sales, support" action="/speech/never" timeout="3"/><Hangup/></Response>')
    with tempfile.TemporaryDirectory() as directory:
        result = call_sending(parley, "+32476206101", numpy.zeros(8000 * 8), directory)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert webhook().received("/speech/never") == []
    [call_record] = parley.client().calls.list(to="+32476206101")
    assert 3 <= int(call_record.duration) <= 5


def test_an_unknown_language_is_a_warning_and_the_gather_goes_on_without_speech(parley):
    bind(parley, "+32476206102", "/speech/french",
         '<Response><Gather input="speech" language="fr-FR" action="/speech/never" timeout="2"/><Hangup/></Response>')
    result = call_saying(parley, "+32476206102", "support", tail=1.0)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert webhook().received("/speech/never") == []
    [call_record] = parley.client().calls.list(to="+32476206102")
    path = f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json"
    notes = parley.http("GET", path, params={"CallSid": call_record.sid}).json()["notifications"]
    assert [(n["error_code"], n["log"]) for n in notes] == [("13331", "1")], notes  # log 1: a warning
    assert "fr-FR" in notes[0]["message_text"]


def test_keys_still_count_when_a_gather_takes_keys_and_speech(parley):
    bind(parley, "+32476206103", "/speech/either",
         '<Response><Gather input="dtmf speech" action="/speech/keys" timeout="5"><Say>Say or press your choice.</Say></Gather>'
         '</Response>')
    webhook().serve("/speech/keys", "<Response><Hangup/></Response>")
    result = sipp(parley, "uac_rfc2833_digits.xml", number="+32476206103")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    [action] = [r["form"] for r in webhook().received("/speech/keys") if r["form"]["To"] == "+32476206103"]
    assert action["Digits"] == "12" and "SpeechResult" not in action
