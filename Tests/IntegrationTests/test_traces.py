"""OpenTelemetry traces with --otel-endpoint: a span per REST request and per webhook fetch,
the webhook's carrying the CallSid, exported over OTLP/HTTP to a receiver in the test."""
from otlp_receiver import OTLPReceiver
from rcml_calls import sipp
from sip_peers import wait_for
from webhook_server import webhook


def test_rest_requests_and_webhooks_are_spans_with_the_call_sid(fresh_parley):
    receiver = OTLPReceiver()
    try:
        server = fresh_parley().start(extra_args=("--test-clock", "--otel-endpoint", receiver.endpoint))
        number = "+32476206112"
        url = webhook().serve("/traces/hangup", '<?xml version="1.0"?><Response><Play digits="w"/><Hangup/></Response>')
        server.client().incoming_phone_numbers.create(phone_number=number, voice_url=url)
        result = sipp(server, "uac_parley_hangs_up.xml", number=number)
        assert result.returncode == 0, result.stdout[-2000:]
        [call] = server.client().calls.list(to=number)
        assert server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/Calls/{call.sid}.json").status_code == 200
        assert server.stop() == 0  # the last spans are flushed on the way out

        spans = receiver.received()
        assert receiver.service_names == {"parley"}
        webhooks = [s for s in spans if s["name"] == "webhook rcml"]
        assert len(webhooks) == 1, [s["name"] for s in spans]
        assert webhooks[0]["attributes"]["parley.call_sid"] == call.sid
        assert webhooks[0]["attributes"]["url.full"] == url and webhooks[0]["attributes"]["http.response.status_code"] == 200
        created = [s for s in spans if s["name"] == "POST /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers"]
        assert created and created[0]["attributes"]["http.response.status_code"] == 201
        fetched = [s for s in spans if s["name"] == "GET /2010-04-01/Accounts/{accountSid}/Calls/{sid}"]
        assert fetched and fetched[0]["attributes"]["parley.call_sid"] == call.sid
        assert all("Authorization" not in str(s["attributes"]) for s in spans)
    finally:
        receiver.close()

