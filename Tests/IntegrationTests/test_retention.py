"""Storage stays bounded: DELETE of one Call record and one Notification as in Twilio, and the
retention job that deletes calls and Notifications older than --retain-calls-days and
--retain-notifications-days (the clock is moved with --test-clock)."""
from twilio.base.exceptions import TwilioRestException

import pytest

from rcml_calls import sipp
from sip_peers import wait_for
from webhook_server import webhook


def failing_call(server, number):
    """A SIPp call whose application fails first (a Notification), then hangs up."""
    fallback = webhook().serve("/retention/hangup", '<?xml version="1.0"?><Response><Play digits="w"/><Hangup/></Response>')
    client = server.client()
    app = client.applications.create(friendly_name=number, voice_url=webhook().url("/status/500"), voice_fallback_url=fallback)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    result = sipp(server, "uac_parley_hangs_up.xml", number=number)
    assert result.returncode == 0, result.stdout[-2000:]
    [call] = client.calls.list(to=number)
    return call


def notifications_of(server, call_sid):
    path = f"/2010-04-01/Accounts/{server.admin_sid}/Notifications.json"
    return server.http("GET", path, params={"CallSid": call_sid}).json()["notifications"]


def test_one_call_record_and_one_notification_can_be_deleted(parley):
    call = failing_call(parley, "+32476206108")
    [entry] = notifications_of(parley, call.sid)
    base = f"/2010-04-01/Accounts/{parley.admin_sid}"
    assert parley.http("DELETE", f"{base}/Notifications/{entry['sid']}.json").status_code == 204
    assert parley.http("GET", f"{base}/Notifications/{entry['sid']}.json").status_code == 404
    assert parley.http("DELETE", f"{base}/Notifications/{entry['sid']}.json").status_code == 404
    assert parley.client().calls(call.sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        parley.client().calls(call.sid).fetch()
    assert gone.value.status == 404
    # Another account cannot delete it, and a call in progress keeps its record.
    held = parley.client().calls.create(to="sip:nobody@127.0.0.1:9", from_="+32476206108", url=webhook().url("/rcml"))
    refused = parley.http("DELETE", f"{base}/Calls/{held.sid}.json")
    assert refused.status_code == 409 and "in progress" in refused.json()["message"]
    parley.client().calls(held.sid).update(status="canceled")


def test_the_retention_job_deletes_old_calls_and_notifications_only(fresh_parley):
    server = fresh_parley().start(extra_args=("--test-clock", "--retain-calls-days", "30", "--retain-notifications-days", "2"))
    old = failing_call(server, "+32476206109")
    assert len(notifications_of(server, old.sid)) == 1
    server.advance_clock(3 * 86400)
    # Past two days the Notification goes; the call record stays until its 30 days.
    assert wait_for(lambda: notifications_of(server, old.sid) == [], timeout=10)
    assert [c.sid for c in server.client().calls.list(to="+32476206109")] == [old.sid]
    server.advance_clock(28 * 86400)
    recent = failing_call(server, "+32476206110")
    assert wait_for(lambda: server.client().calls.list(to="+32476206109") == [], timeout=10)
    assert [c.sid for c in server.client().calls.list(to="+32476206110")] == [recent.sid]
    assert len(notifications_of(server, recent.sid)) == 1
    assert server.stop() == 0
