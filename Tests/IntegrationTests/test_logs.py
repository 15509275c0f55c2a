"""The operator's log: --log-format json gives one JSON object per line, with a line at the
start and the end of each call (a SIPp call), an access line per HTTP request, webhook URLs
without their credentials; --log-level trace shows the SIP messages themselves."""
import json

from rcml_calls import sipp
from webhook_server import webhook


def json_lines(server):
    lines = server.logs().splitlines()
    parsed = [json.loads(line) for line in lines if line.strip()]
    assert len(parsed) == len([line for line in lines if line.strip()])  # every line is JSON
    return parsed


def test_json_logs_have_a_line_per_call_and_per_request_and_no_credentials(fresh_parley):
    server = fresh_parley().start(extra_args=("--log-format", "json"))
    number = "+32476206104"
    client = server.client()
    secret_url = webhook().url("/status/500").replace("http://", "http://hookuser:Hook-Secret-1@") + "?token=Query-Secret-2"
    fallback = webhook().serve("/logs/hangup", '<?xml version="1.0"?><Response><Play digits="w"/><Hangup/></Response>')
    app = client.applications.create(friendly_name="logged", voice_url=secret_url, voice_fallback_url=fallback)
    client.incoming_phone_numbers.create(phone_number=number, voice_application_sid=app.sid)
    result = sipp(server, "uac_parley_hangs_up.xml", number=number)
    assert result.returncode == 0, result.stdout[-2000:]
    [record] = client.calls.list(to=number)
    assert server.stop() == 0

    lines = json_lines(server)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    started = [line for line in lines if line["message"] == "call started"]
    ended = [line for line in lines if line["message"] == "call ended"]
    assert [line["call"] for line in started] == [record.sid] and [line["call"] for line in ended] == [record.sid]
    assert started[0]["account"] == server.admin_sid and started[0]["direction"] == "inbound"
    assert started[0]["to"] == number and started[0]["from"] == record._from
    assert ended[0]["status"] == record.status and ended[0]["duration"] == record.duration
    http = [line for line in lines if line["message"] == "http"]
    created = [line for line in http if line["method"] == "POST" and line["path"].endswith("/IncomingPhoneNumbers")]
    assert created and created[0]["status"] == "201" and created[0]["account"] == server.admin_sid and int(created[0]["ms"]) >= 0
    failed = [line for line in lines if line["message"] == "webhook failed"]
    assert failed and failed[0]["url"].startswith(f"http://127.0.0.1:{webhook().port}/status/500")
    text = server.logs()
    assert "Hook-Secret-1" not in text and "Query-Secret-2" not in text and server.admin_token not in text


def test_trace_level_shows_each_sip_message(fresh_parley):
    server = fresh_parley().start(extra_args=("--log-level", "trace"))
    number = "+32476206105"
    client = server.client()
    url = webhook().serve("/logs/hangup", '<?xml version="1.0"?><Response><Play digits="w"/><Hangup/></Response>')
    client.incoming_phone_numbers.create(phone_number=number, voice_url=url)
    result = sipp(server, "uac_parley_hangs_up.xml", number=number)
    assert result.returncode == 0, result.stdout[-2000:]
    assert server.stop() == 0
    logs = server.logs()
    assert "SIP received" in logs and f"INVITE sip:{number}@" in logs
    assert "SIP sent" in logs and "SIP/2.0 100 Trying" in logs
