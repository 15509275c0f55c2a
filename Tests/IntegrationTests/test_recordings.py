"""Record and the Recordings resource, with SIPp as the caller: SIPp plays the speech of its
own g711a.pcap into a call while Parley records; the WAV downloaded through the API matches the
pcap's audio; the public URL works without credentials until disabled; a caller hanging up
mid-recording leaves a complete file; after a year the recording is gone."""
import os
import time

import requests

from audio_check import best_correlation, pcap_alaw_samples, wav_samples
from openapi_check import assert_valid
from rcml_calls import bind, sipp
from sip_peers import wait_for
from webhook_server import webhook

PCAP = "/usr/share/sip-tester/g711a.pcap"


def test_a_recording_matches_what_the_caller_said_and_is_served_kept_and_deleted(fresh_parley, twilio_spec):
    parley = fresh_parley().start()
    bind(parley, "+32476206100", "/record/start",
         '<Response><Record action="/record/done" timeout="3" maxLength="20"/></Response>')
    webhook().serve("/record/done", "<Response><Say>Thank you.</Say><Hangup/></Response>")
    result = sipp(parley, "uac_speaks_g711a.xml", number="+32476206100")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]

    [action] = [r for r in webhook().received("/record/done") if r["form"]["To"] == "+32476206100"]
    form = action["form"]
    assert form["Digits"] == "" and 7 <= int(form["RecordingDuration"]) <= 11, form  # 7 s of speech, then 3 s of silence
    [call] = parley.client().calls.list(to="+32476206100")
    [recording] = parley.client().recordings.list(call_sid=call.sid)
    assert recording.sid == form["RecordingSid"] and recording.status == "completed" and recording.source == "RecordVerb"
    assert form["RecordingUrl"] == f"{parley.base_url}/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{recording.sid}"
    body = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{recording.sid}.json").json()
    assert_valid(twilio_spec, body, "/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json")
    listed = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Calls/{call.sid}/Recordings.json").json()
    assert_valid(twilio_spec, listed, "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json")
    assert [r["sid"] for r in listed["recordings"]] == [recording.sid]

    # The media, behind the account's credentials, holds what SIPp played.
    media = requests.get(form["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    assert media.status_code == 200 and media.headers["Content-Type"] == "audio/x-wav"
    assert requests.get(form["RecordingUrl"] + ".wav", timeout=10).status_code == 401
    rate, recorded = wav_samples(media.content)
    assert rate == 8000
    correlation = best_correlation(pcap_alaw_samples(PCAP), recorded)
    assert correlation >= 0.9, correlation

    # The public URL serves it without credentials until it is disabled.
    public = body["public_url"]
    assert public.startswith(parley.base_url + "/recordings/") and requests.get(public, timeout=10).content == media.content
    changed = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{recording.sid}.json", data={"PublicUrl": "false"})
    assert changed.status_code == 200 and changed.json()["public_url"] is None
    assert requests.get(public, timeout=10).status_code == 404

    # Kept for a year, then the retention job deletes record and file.
    parley.advance_clock(364 * 86400)
    time.sleep(2.5)
    assert parley.client().recordings.list(call_sid=call.sid) != []
    parley.advance_clock(2 * 86400)
    assert wait_for(lambda: parley.client().recordings.list(call_sid=call.sid) == [], timeout=10)
    assert not os.path.exists(os.path.join(parley.data_dir, "recordings", parley.admin_sid, recording.sid + ".wav"))


def test_a_caller_hanging_up_mid_recording_leaves_a_complete_file(parley):
    bind(parley, "+32476206101", "/record/long", '<Response><Record action="/record/cut" timeout="0" playBeep="false"/></Response>')
    result = sipp(parley, "uac_speaks_then_hangs_up.xml", number="+32476206101")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-1000:]
    assert wait_for(lambda: len(webhook().received("/record/cut")) == 1, timeout=5)
    form = webhook().received("/record/cut")[0]["form"]
    assert form["Digits"] == "hangup" and 3 <= int(form["RecordingDuration"]) <= 6, form
    media = requests.get(form["RecordingUrl"] + ".wav", auth=(parley.admin_sid, parley.admin_token), timeout=10)
    assert media.status_code == 200, media.text
    rate, recorded = wav_samples(media.content)
    assert rate == 8000 and abs(len(recorded) / 8000 - int(form["RecordingDuration"])) <= 1
    # What was recorded is the start of the pcap's speech.
    speech = pcap_alaw_samples(PCAP)[: len(recorded)]
    assert best_correlation(speech[8000:24000], recorded) >= 0.9
    deleted = parley.http("DELETE", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{form['RecordingSid']}.json")
    assert deleted.status_code == 204
    assert parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{form['RecordingSid']}.json").status_code == 404


def test_play_of_a_recording_url_plays_the_account_s_own_recording_from_disk(fresh_parley):
    """<Play>{RecordingUrl}</Play>, as Twilio's examples play a message back: Parley reads its
    own recording (the URL is its own listener, which no tenant URL may reach over HTTP),
    by resource URL and by public URL, but never another account's."""
    parley = fresh_parley().start()
    bind(parley, "+32476206102", "/playback/record", '<Response><Record action="/playback/recorded" timeout="0" playBeep="false"/></Response>')
    assert sipp(parley, "uac_speaks_then_hangs_up.xml", number="+32476206102").returncode == 0
    assert wait_for(lambda: len([r for r in webhook().received("/playback/recorded") if r["form"]["To"] == "+32476206102"]) == 1)
    form = [r for r in webhook().received("/playback/recorded") if r["form"]["To"] == "+32476206102"][0]["form"]
    seconds = int(form["RecordingDuration"])
    public = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Recordings/{form['RecordingSid']}.json").json()["public_url"]
    assert seconds >= 3 and public

    bind(parley, "+32476206103", "/playback/play",
         f'<Response><Play>{form["RecordingUrl"]}</Play><Play>{public}</Play><Hangup/></Response>')
    started = time.monotonic()
    result = sipp(parley, "uac_parley_hangs_up.xml", number="+32476206103")
    assert result.returncode == 0, result.stdout[-2000:]
    assert time.monotonic() - started >= 2 * seconds - 1  # both plays, then Parley's BYE
    [call] = parley.client().calls.list(to="+32476206103")
    notes = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json", params={"CallSid": call.sid}).json()
    assert notes["notifications"] == []

    # Another account naming that RecordingUrl gets the egress refusal, not the recording.
    sub = parley.http("POST", "/2010-04-01/Accounts.json", data={"FriendlyName": "other"}).json()
    other = parley.client(sub["sid"], sub["auth_token"])
    url = webhook().serve("/playback/foreign", f'<Response><Play>{form["RecordingUrl"]}</Play></Response>')
    other.incoming_phone_numbers.create(phone_number="+32476206104", voice_url=url)
    sipp(parley, "uac_parley_hangs_up.xml", number="+32476206104")
    [foreign] = other.calls.list(to="+32476206104")
    refused = parley.http("GET", f"/2010-04-01/Accounts/{sub['sid']}/Notifications.json", params={"CallSid": foreign.sid},
                          auth=(sub["sid"], sub["auth_token"])).json()["notifications"]
    assert [n["error_code"] for n in refused] == ["11200"], refused
    assert parley.stop() == 0
