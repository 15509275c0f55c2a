"""Writes Sources/API/openapi.json, Parley's OpenAPI 3.0 document (served at /openapi.json and
compiled into the binary): edit the routes and schemas here, then run
`python3 Tools/make_openapi.py`. The tests check that the committed document is this script's
output."""
import json
import os
import sys

OUTPUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../Sources/API/openapi.json")

S = lambda **k: {"type": "string", **k}
NS = lambda **k: {"type": "string", "nullable": True, **k}
I = lambda **k: {"type": "integer", **k}
NI = lambda **k: {"type": "integer", "nullable": True, **k}
B = {"type": "boolean"}
NULL = {"nullable": True}  # always null today (Twilio fields Parley does not fill)
def obj(props, required=None):
    o = {"type": "object", "properties": props}
    required = required if required is not None else list(props)
    if required: o["required"] = required
    return o
METHOD = S(enum=["GET", "POST"])
DATE = S(description="RFC 2822")

schemas = {
  "Error": obj({"code": I(), "message": S(), "more_info": S(), "status": I()}),
  "OAuthError": obj({"error": S(), "error_description": S()}),
  "Health": obj({"status": S(enum=["ok", "starting", "draining"]), "listeners": {"type": "object", "additionalProperties": NS()}}),
  "Clock": obj({"offset_seconds": I(), "now": DATE}),
  "Token": obj({"scope": S(), "token_type": S(), "expires_in": I(), "access_token": S()}),
  "Account": obj({"sid": S(), "owner_account_sid": S(), "friendly_name": S(), "status": S(enum=["active", "suspended", "closed"]),
     "type": S(), "role": S(enum=["administrator", "user"]), "auth_token": NS(description="shown once, at creation or rotation"),
     "max_concurrent_calls": NI(), "max_calls_per_second": NI(), "max_say_characters": NI(), "date_created": DATE, "date_updated": DATE,
     "uri": S(), "subresource_uris": {"type": "object", "additionalProperties": S()}}),
  "Application": obj({"sid": S(), "account_sid": S(), "friendly_name": S(), "api_version": S(), "voice_url": NS(), "rcml_url": NS(),
     "voice_method": METHOD, "voice_fallback_url": NS(), "voice_fallback_method": METHOD, "status_callback": NS(),
     "status_callback_method": METHOD, "voice_caller_id_lookup": B, "kind": S(), "date_created": DATE, "date_updated": DATE, "uri": S()}),
  "Client": obj({"sid": S(), "account_sid": S(), "api_version": S(), "friendly_name": S(), "login": S(), "password_algorithm": S(),
     "status": S(enum=["0", "1"]), "voice_url": NS(), "voice_method": METHOD, "voice_fallback_url": NS(), "voice_fallback_method": METHOD,
     "voice_application_sid": NS(), "date_created": DATE, "date_updated": DATE, "uri": S()}),
  "Registration": obj({"client_sid": S(), "login": S(), "contact": S(), "user_agent": NS(), "source": S(), "expires": I(), "date_created": DATE}),
  "AdminRegistration": obj({"account_sid": S(), "client_sid": S(), "login": S(), "contact": S(), "user_agent": NS(), "source": S(),
     "expires": I(), "date_created": DATE}),
  "Notification": obj({"sid": S(), "account_sid": S(), "call_sid": NS(), "api_version": S(), "log": S(enum=["0", "1"]), "error_code": S(),
     "more_info": S(), "message_text": S(), "message_date": DATE, "request_url": NS(), "request_method": NS(), "request_variables": NS(),
     "response_headers": NS(), "response_body": NS(), "date_created": DATE, "date_updated": DATE, "uri": S()}),
  "IncomingPhoneNumber": obj({"sid": S(), "account_sid": S(), "friendly_name": S(), "phone_number": S(), "api_version": S(),
     "type": S(enum=["local", "mobile"]), "zone": S(), "price_tier": S(), "voice_url": NS(), "voice_method": METHOD, "voice_fallback_url": NS(),
     "voice_fallback_method": METHOD, "voice_caller_id_lookup": B, "voice_application_sid": NS(), "status_callback": NS(),
     "status_callback_method": METHOD, "sms_url": NS(), "sms_method": METHOD, "sms_fallback_url": NS(), "sms_fallback_method": METHOD,
     "sms_application_sid": NS(),
     "capabilities": obj({"voice": B, "sms": B, "mms": B, "fax": B}), "address_requirements": S(), "beta": B, "status": S(), "origin": S(),
     "date_created": NS(), "date_updated": NS(), "uri": S()}),
  "AvailablePhoneNumber": obj({"friendly_name": S(), "phone_number": S(), "iso_country": S(), "region": S(), "address_requirements": S(),
     "beta": B, "price_tier": S(), "capabilities": obj({"voice": B, "SMS": B, "MMS": B, "fax": B})}, required=["phone_number"]),
  "MediaQuality": {"type": "object", "nullable": True, "description": "RTP and RTCP figures of the call, null until it had media"},
  "Call": obj({"sid": S(), "date_created": DATE, "date_updated": DATE, "parent_call_sid": NS(), "account_sid": S(), "to": S(),
     "to_formatted": S(), "from": S(), "from_formatted": S(), "phone_number_sid": NS(),
     "status": S(enum=["queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"]),
     "start_time": NS(), "end_time": NS(), "duration": NS(), "price": NULL, "price_unit": S(), "direction": S(enum=["inbound", "outbound-api", "outbound-dial"]),
     "answered_by": NULL, "api_version": S(), "forwarded_from": NS(), "caller_name": NS(), "uri": S(),
     "subresource_uris": {"type": "object", "additionalProperties": S()}, "media_quality": {"$ref": "#/components/schemas/MediaQuality"}}),
  "Message": obj({"sid": S(), "account_sid": S(), "api_version": S(), "body": S(), "date_created": DATE, "date_updated": DATE,
     "date_sent": NS(), "direction": S(enum=["inbound", "outbound-api", "outbound-call", "outbound-reply"]), "error_code": NI(), "error_message": NS(),
     "from": S(), "to": S(), "messaging_service_sid": NULL, "num_media": S(), "num_segments": S(), "encoding": S(enum=["GSM-7", "UCS-2"]),
     "price": NULL, "price_unit": S(), "status": S(enum=["queued", "sending", "sent", "delivered", "undelivered", "failed", "received"]),
     "attempts": I(description="times handed to the SMSC; 2 or more: the handset may have it twice"), "uri": S(),
     "subresource_uris": {"type": "object", "additionalProperties": S()}}),
  "Email": obj({"sid": S(), "account_sid": S(), "api_version": S(), "from": S(), "to": S(), "cc": S(), "bcc": S(), "subject": S(),
     "body": S(), "type": S(enum=["text/plain", "text/html"]), "status": S(enum=["queued", "sending", "sent", "failed"]), "attempts": I(),
     "server_reply": NS(description="the relay's last answer"), "call_sid": NS(), "date_created": DATE, "date_updated": DATE,
     "date_sent": NS(), "uri": S()}),
  "Conference": obj({"sid": S(), "account_sid": S(), "friendly_name": S(), "status": S(enum=["init", "in-progress", "completed"]), "api_version": S(),
     "region": S(), "date_created": DATE, "date_updated": DATE, "call_sid_ending_conference": NULL,
     "reason_conference_ended": S(), "subresource_uris": {"type": "object", "additionalProperties": S()}, "uri": S()},
     required=["sid", "account_sid", "friendly_name", "status", "uri"]),
  "Participant": obj({"account_sid": S(), "call_sid": S(), "conference_sid": S(), "label": NULL, "call_sid_to_coach": NS(), "coaching": B,
     "muted": B, "hold": B, "start_conference_on_enter": B, "end_conference_on_exit": B, "status": S(), "queue_time": NULL},
     required=["account_sid", "call_sid", "conference_sid", "muted", "hold"]),
  "Queue": obj({"sid": S(), "account_sid": S(), "friendly_name": S(), "max_size": I(), "current_size": I(), "average_wait_time": I(),
     "date_created": DATE, "date_updated": DATE, "uri": S()}),
  "Member": obj({"call_sid": S(), "queue_sid": S(), "position": I(), "wait_time": I(), "date_enqueued": DATE, "uri": S()}),
  "Recording": obj({"sid": S(), "account_sid": S(), "call_sid": NS(), "conference_sid": NS(), "api_version": S(), "date_created": DATE,
     "date_updated": DATE, "start_time": DATE, "duration": S(), "status": S(), "channels": I(), "source": S(), "price": NULL, "price_unit": S(),
     "error_code": NULL, "encryption_details": NULL, "media_url": S(), "public_url": NS(),
     "subresource_uris": {"type": "object", "additionalProperties": S()}, "uri": S()}),
  "ApiKey": obj({"client_id": S(), "client_secret": NS(description="shown once, at creation"), "account_sid": S(), "friendly_name": S(), "date_created": DATE, "uri": S()}),
  "ApiToken": obj({"sid": S(), "token": NS(description="shown once, at creation"), "account_sid": S(), "friendly_name": S(), "date_created": DATE, "uri": S()}),
  "User": obj({"sid": S(), "account_sid": S(), "email": S(), "role": S(enum=["admin", "member"]), "password_set": B,
               "password_link": NS(description="the one-time set-password link, at creation when no mail relay sends it"), "date_created": DATE, "uri": S()}),
  "ManagedNumber": obj({"phonenumber": S(), "type": S(enum=["FIXED", "MOBILE"]), "zone": S(), "smsSupported": B, "priceTier": S(enum=["REGULAR", "PREMIUM"])}),
}
PAGING = {"page": I(), "num_pages": I(), "page_size": I(), "total": I(), "start": I(), "end": I(), "uri": S(), "first_page_uri": S(),
          "previous_page_uri": NS(), "next_page_uri": NS(), "last_page_uri": S()}
def page_schema(key, item):
    return obj({**PAGING, key: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}})
for key, item in [("accounts", "Account"), ("applications", "Application"), ("clients", "Client"), ("registrations", "Registration"),
                  ("notifications", "Notification"), ("incoming_phone_numbers", "IncomingPhoneNumber"),
                  ("available_phone_numbers", "AvailablePhoneNumber"), ("calls", "Call"), ("conferences", "Conference"),
                  ("participants", "Participant"), ("queue_members", "Member"), ("queues", "Queue"), ("recordings", "Recording"),
                  ("api_keys", "ApiKey"), ("api_tokens", "ApiToken"), ("users", "User")]:
    schemas[item + "Page"] = page_schema(key, item)
schemas["MessagePage"] = page_schema("messages", "Message")
schemas["EmailPage"] = page_schema("email_messages", "Email")
schemas["SMSMessagePage"] = page_schema("sms_messages", "Message")
schemas["AdminRegistrationPage"] = page_schema("registrations", "AdminRegistration")
schemas["AdminCallPage"] = page_schema("calls", "Call")

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def json_response(description, schema): return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}
ERROR = {"description": "Twilio-style error naming the parameter or resource", "content": {"application/json": {"schema": ref("Error")}}}
ERRORS = {str(code): {"$ref": "#/components/responses/Error"} for code in (400, 401, 403, 404, 405, 409, 413, 429, 503)}
NO_CONTENT = {"description": "Deleted"}
XML_ERROR = {"description": "Twilio-style error, in XML", "content": {"application/xml": {"schema": S()}}}

SID = {"AccountSid": "AC", "AP": "AP", "CL": "CL", "NO": "NO", "PN": "PN", "CA": "CA", "CF": "CF", "QU": "QU", "RE": "RE", "AT": "AT", "US": "US"}
def path_param(name, prefix=None, description=None):
    schema = S(pattern=f"^{prefix}[0-9a-f]{{32}}$") if prefix else S()
    return {"name": name, "in": "path", "required": True, "schema": schema, **({"description": description} if description else {})}
def query(name, schema=None, description=None):
    return {"name": name, "in": "query", "required": False, "schema": schema or S(), **({"description": description} if description else {})}
PAGE_QUERY = [query("Page", I(minimum=0)), query("PageSize", I(minimum=1, maximum=1000))]

def form(fields, required=()):
    props = {}
    for name, schema in fields.items():
        props[name] = schema
    body = {"type": "object", "properties": props}
    if required: body["required"] = list(required)
    return {"required": bool(required), "content": {"application/x-www-form-urlencoded": {"schema": body}}}

paths = {}
def op(path, method, summary, responses, params=(), body=None, tag="Twilio API", security="basicAuth"):
    operation = {"summary": summary, "tags": [tag], "parameters": list(params), "responses": {**responses, **ERRORS}}
    if body: operation["requestBody"] = body
    if security: operation["security"] = [{security: []}]
    else: operation["security"] = []
    paths.setdefault(path, {})[method] = operation

URLF = S(format="uri")
APP_FIELDS = {"FriendlyName": S(), "VoiceUrl": URLF, "RcmlUrl": URLF, "VoiceMethod": METHOD, "VoiceFallbackUrl": URLF, "VoiceFallbackMethod": METHOD,
              "StatusCallback": URLF, "StatusCallbackMethod": METHOD, "VoiceCallerIdLookup": S(enum=["true", "false"]), "Kind": S(enum=["voice", "sms", "ussd"])}
CLIENT_FIELDS = {"Login": S(), "Password": S(), "FriendlyName": S(), "Status": S(enum=["0", "1"]), "VoiceUrl": URLF, "VoiceMethod": METHOD,
                 "VoiceFallbackUrl": URLF, "VoiceFallbackMethod": METHOD, "VoiceApplicationSid": S()}
NUMBER_FIELDS = {"FriendlyName": S(), "VoiceUrl": URLF, "VoiceMethod": METHOD, "VoiceFallbackUrl": URLF, "VoiceFallbackMethod": METHOD,
                 "StatusCallback": URLF, "StatusCallbackMethod": METHOD, "VoiceApplicationSid": S(), "SmsUrl": URLF, "SmsMethod": METHOD,
                 "SmsFallbackUrl": URLF, "SmsFallbackMethod": METHOD, "SmsApplicationSid": S()}

for root, tag in (("/2010-04-01", "Twilio API"), ("/restcomm/2012-04-24", "Restcomm API")):
    A = path_param("AccountSid", "AC")
    acc = f"{root}/Accounts/{{AccountSid}}"
    def R(path, method, summary, responses, params=(), body=None):
        op(root + path if not path.startswith(root) else path, method, summary, responses, params, body, tag=tag)
    R("/Accounts.json", "get", "List the account and its sub-accounts", {"200": json_response("Accounts", "AccountPage")},
      [query("FriendlyName"), query("Status", S(enum=["active", "suspended", "closed"]))] + PAGE_QUERY)
    R("/Accounts.json", "post", "Create a sub-account (its auth_token shown once)", {"201": json_response("Created", "Account")},
      body=form({"FriendlyName": S(maxLength=64)}))
    R("/Accounts/{AccountSid}.json", "get", "Fetch an account", {"200": json_response("Account", "Account")}, [A])
    R("/Accounts/{AccountSid}.json", "post", "Update an account: name, status, limits (administrators)", {"200": json_response("Account", "Account")}, [A],
      form({"FriendlyName": S(), "Status": S(enum=["active", "suspended", "closed"]), "MaxConcurrentCalls": S(), "MaxCallsPerSecond": S(),
            "MaxSayCharacters": S()}))
    R("/Accounts/{AccountSid}.json", "delete", "Not allowed: close an account with Status=closed", {}, [A])
    for kind, schema, fields, prefix, extra_q in (("Applications", "Application", APP_FIELDS, "AP", [query("FriendlyName")]),
                                                  ("Clients", "Client", CLIENT_FIELDS, "CL", [query("Login")])):
        R(f"/Accounts/{{AccountSid}}/{kind}.json", "get", f"List {kind}", {"200": json_response(kind, schema + "Page")}, [A] + extra_q + PAGE_QUERY)
        R(f"/Accounts/{{AccountSid}}/{kind}.json", "post", f"Create a {schema}", {"201": json_response("Created", schema)}, [A],
          form(fields, ["FriendlyName"] if kind == "Applications" else ["Login", "Password"]))
        item = f"/Accounts/{{AccountSid}}/{kind}/{{Sid}}.json"
        P = path_param("Sid", prefix)
        R(item, "get", f"Fetch a {schema}", {"200": json_response(schema, schema)}, [A, P])
        R(item, "post", f"Update a {schema}", {"200": json_response(schema, schema)}, [A, P], form(fields))
        R(item, "delete", f"Delete a {schema}", {"204": NO_CONTENT}, [A, P])
    R("/Accounts/{AccountSid}/Clients/{Sid}/Registrations.json", "get", "The Client's registered contacts",
      {"200": json_response("Registrations", "RegistrationPage")}, [A, path_param("Sid", "CL")])
    R("/Accounts/{AccountSid}/Notifications.json", "get", "List Notifications (the error log)", {"200": json_response("Notifications", "NotificationPage")},
      [A, query("Log", S(enum=["0", "1"])), query("CallSid")] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Notifications/{Sid}.json", "get", "Fetch a Notification", {"200": json_response("Notification", "Notification")}, [A, path_param("Sid", "NO")])
    R("/Accounts/{AccountSid}/Notifications/{Sid}.json", "delete", "Delete a Notification", {"204": NO_CONTENT}, [A, path_param("Sid", "NO")])
    for suffix in ("", "/Local", "/Mobile"):
        R(f"/Accounts/{{AccountSid}}/IncomingPhoneNumbers{suffix}.json", "get", "List the account's numbers",
          {"200": json_response("Numbers", "IncomingPhoneNumberPage")}, [A, query("PhoneNumber"), query("FriendlyName")] + PAGE_QUERY)
        R(f"/Accounts/{{AccountSid}}/IncomingPhoneNumbers{suffix}.json", "post", "Reserve a number of the pool",
          {"201": json_response("Reserved", "IncomingPhoneNumber")}, [A],
          form({"PhoneNumber": S(), "AreaCode": S(), "AddressInZoneConfirmed": S(enum=["true", "false"]), **NUMBER_FIELDS}))
    P = path_param("Sid", "PN")
    R("/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", "get", "Fetch a number", {"200": json_response("Number", "IncomingPhoneNumber")}, [A, P])
    R("/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", "post", "Update a number's routing", {"200": json_response("Number", "IncomingPhoneNumber")}, [A, P], form(NUMBER_FIELDS))
    R("/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json", "delete", "Release a number into its 15-day freeze", {"204": NO_CONTENT}, [A, P])
    for kind in ("Local", "Mobile"):
        R(f"/Accounts/{{AccountSid}}/AvailablePhoneNumbers/{{Country}}/{kind}.json", "get", f"Search the pool for {kind.lower()} numbers",
          {"200": json_response("Available numbers", "AvailablePhoneNumberPage")},
          [A, path_param("Country", description="BE"), query("AreaCode"), query("Contains"), query("SmsEnabled", S(enum=["true", "false"])),
           query("PriceTier", S(enum=["REGULAR", "PREMIUM"]))] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/ApiKeys.json", "get", "List OAuth2 key pairs", {"200": json_response("Keys", "ApiKeyPage")}, [A])
    R("/Accounts/{AccountSid}/ApiKeys.json", "post", "Create a key pair (client_secret shown once)", {"201": json_response("Created", "ApiKey")}, [A], form({"FriendlyName": S()}))
    R("/Accounts/{AccountSid}/ApiKeys/{ClientId}.json", "delete", "Revoke a key pair and its tokens", {"204": NO_CONTENT}, [A, path_param("ClientId")])
    R("/Accounts/{AccountSid}/ApiTokens.json", "get", "List permanent tokens", {"200": json_response("Tokens", "ApiTokenPage")}, [A])
    R("/Accounts/{AccountSid}/ApiTokens.json", "post", "Create a permanent token (shown once)", {"201": json_response("Created", "ApiToken")}, [A], form({"FriendlyName": S()}))
    R("/Accounts/{AccountSid}/ApiTokens/{Sid}.json", "delete", "Delete a permanent token", {"204": NO_CONTENT}, [A, path_param("Sid", "AT")])
    R("/Accounts/{AccountSid}/Users.json", "get", "List the console users", {"200": json_response("Users", "UserPage")}, [A])
    R("/Accounts/{AccountSid}/Users.json", "post", "Invite a console user (a set-password link, e-mailed when a relay is configured)",
      {"201": json_response("Created", "User")}, [A], form({"Email": S(format="email"), "Role": S(enum=["admin", "member"])}, required=("Email",)))
    R("/Accounts/{AccountSid}/Users/{Sid}.json", "delete", "Remove a console user and end their sessions", {"204": NO_CONTENT}, [A, path_param("Sid", "US")])
    C = path_param("Sid", "CA")
    R("/Accounts/{AccountSid}/Calls.json", "get", "List call records", {"200": json_response("Calls", "CallPage")},
      [A, query("To"), query("From"), query("Status"), query("ParentCallSid"), query("StartTime"), query("StartTime<"), query("StartTime>"),
       query("EndTime"), query("EndTime<"), query("EndTime>")] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Calls.json", "post", "Start an outbound call: exactly one of Url, Twiml, ApplicationSid",
      {"201": json_response("Queued", "Call")}, [A],
      form({"To": S(), "From": S(), "Url": URLF, "Method": METHOD, "FallbackUrl": URLF, "FallbackMethod": METHOD, "Twiml": S(maxLength=4000),
            "ApplicationSid": S(), "Timeout": I(minimum=1, maximum=600), "StatusCallback": URLF, "StatusCallbackMethod": METHOD,
            "StatusCallbackEvent": S()}, ["To", "From"]))
    R("/Accounts/{AccountSid}/Calls/{Sid}.json", "get", "Fetch a call record", {"200": json_response("Call", "Call")}, [A, C])
    R("/Accounts/{AccountSid}/Calls/{Sid}.json", "post", "Redirect a live call (Url) or hang it up (Status)", {"200": json_response("Call", "Call")}, [A, C],
      form({"Url": URLF, "Method": METHOD, "FallbackUrl": URLF, "FallbackMethod": METHOD, "Status": S(enum=["canceled", "completed"])}))
    R("/Accounts/{AccountSid}/Calls/{Sid}.json", "delete", "Delete a finished call's record", {"204": NO_CONTENT}, [A, C])
    M = path_param("Sid", "SM")
    for messages, page in (("Messages", "MessagePage"), ("SMS/Messages", "SMSMessagePage")):
        R(f"/Accounts/{{AccountSid}}/{messages}.json", "get", "List SMS, newest first", {"200": json_response("Messages", page)},
          [A, query("To"), query("From"), query("DateSent"), query("DateSent<"), query("DateSent>")] + PAGE_QUERY)
        R(f"/Accounts/{{AccountSid}}/{messages}.json", "post",
          "Send an SMS from the shared sender to a Belgian mobile: written and queued before the answer",
          {"201": json_response("Queued", "Message")}, [A],
          form({"To": S(), "From": S(), "Body": S(maxLength=1600), "StatusCallback": URLF, "StatusCallbackMethod": METHOD}, ["To", "From"]))
        R(f"/Accounts/{{AccountSid}}/{messages}/{{Sid}}.json", "get", "Fetch an SMS", {"200": json_response("Message", "Message")}, [A, M])
    E = path_param("Sid", "EM")
    R("/Accounts/{AccountSid}/Email/Messages.json", "get", "List e-mail, newest first", {"200": json_response("E-mail", "EmailPage")},
      [A] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Email/Messages.json", "post",
      "Send an e-mail from the operator's address (From becomes Reply-To): written and queued before the answer",
      {"201": json_response("Queued", "Email")}, [A],
      form({"To": S(), "Cc": S(), "Bcc": S(), "From": S(), "Subject": S(), "Body": S(maxLength=100000),
            "Type": S(enum=["text/plain", "text/html"])}, ["To", "Body"]))
    R("/Accounts/{AccountSid}/Email/Messages/{Sid}.json", "get", "Fetch an e-mail", {"200": json_response("E-mail", "Email")}, [A, E])
    F = path_param("Sid", "CF")
    R("/Accounts/{AccountSid}/Conferences.json", "get", "List conferences", {"200": json_response("Conferences", "ConferencePage")},
      [A, query("FriendlyName"), query("Status"), query("DateCreated")] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Conferences/{Sid}.json", "get", "Fetch a conference", {"200": json_response("Conference", "Conference")}, [A, F])
    R("/Accounts/{AccountSid}/Conferences/{Sid}.json", "post", "End a conference (Status=completed)", {"200": json_response("Conference", "Conference")}, [A, F],
      form({"Status": S(enum=["completed"]), "AnnounceUrl": URLF}))
    CS = path_param("CallSid", "CA")
    R("/Accounts/{AccountSid}/Conferences/{Sid}/Participants.json", "get", "List a room's participants", {"200": json_response("Participants", "ParticipantPage")}, [A, F] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Conferences/{Sid}/Participants/{CallSid}.json", "get", "Fetch a participant", {"200": json_response("Participant", "Participant")}, [A, F, CS])
    R("/Accounts/{AccountSid}/Conferences/{Sid}/Participants/{CallSid}.json", "post", "Mute, hold or announce to a participant",
      {"200": json_response("Participant", "Participant")}, [A, F, CS],
      form({"Muted": S(enum=["true", "false"]), "Hold": S(enum=["true", "false"]), "HoldUrl": URLF, "HoldMethod": METHOD, "AnnounceUrl": URLF}))
    R("/Accounts/{AccountSid}/Conferences/{Sid}/Participants/{CallSid}.json", "delete", "Take a call out of the room", {"204": NO_CONTENT}, [A, F, CS])
    Q = path_param("Sid", "QU")
    R("/Accounts/{AccountSid}/Queues.json", "get", "List queues", {"200": json_response("Queues", "QueuePage")}, [A] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Queues.json", "post", "Create a queue", {"201": json_response("Created", "Queue")}, [A],
      form({"FriendlyName": S(), "MaxSize": I(minimum=1, maximum=5000)}, ["FriendlyName"]))
    R("/Accounts/{AccountSid}/Queues/{Sid}.json", "get", "Fetch a queue", {"200": json_response("Queue", "Queue")}, [A, Q])
    R("/Accounts/{AccountSid}/Queues/{Sid}.json", "post", "Update a queue", {"200": json_response("Queue", "Queue")}, [A, Q],
      form({"FriendlyName": S(), "MaxSize": I(minimum=1, maximum=5000)}))
    R("/Accounts/{AccountSid}/Queues/{Sid}.json", "delete", "Delete a queue nobody waits in", {"204": NO_CONTENT}, [A, Q])
    M = path_param("Member", description="a CallSid, or Front")
    R("/Accounts/{AccountSid}/Queues/{Sid}/Members.json", "get", "List the callers waiting", {"200": json_response("Members", "MemberPage")}, [A, Q] + PAGE_QUERY)
    R("/Accounts/{AccountSid}/Queues/{Sid}/Members/{Member}.json", "get", "Fetch a waiting caller", {"200": json_response("Member", "Member")}, [A, Q, M])
    R("/Accounts/{AccountSid}/Queues/{Sid}/Members/{Member}.json", "post", "Dequeue a caller to run RCML", {"200": json_response("Member", "Member")}, [A, Q, M],
      form({"Url": URLF, "Method": METHOD}, ["Url"]))
    RE = path_param("RecordingSid", "RE")
    for owner, params in (("", [A]), ("/Calls/{CallSid}", [A, path_param("CallSid", "CA")]), ("/Conferences/{ConferenceSid}", [A, path_param("ConferenceSid", "CF")])):
        R(f"/Accounts/{{AccountSid}}{owner}/Recordings.json", "get", "List recordings", {"200": json_response("Recordings", "RecordingPage")},
          params + ([query("CallSid"), query("ConferenceSid")] if not owner else []) + PAGE_QUERY)
        R(f"/Accounts/{{AccountSid}}{owner}/Recordings/{{RecordingSid}}.json", "get", "Fetch a recording", {"200": json_response("Recording", "Recording")}, params + [RE])
        R(f"/Accounts/{{AccountSid}}{owner}/Recordings/{{RecordingSid}}.json", "delete", "Delete a recording and its file", {"204": NO_CONTENT}, params + [RE])
    R("/Accounts/{AccountSid}/Recordings/{RecordingSid}.json", "post", "Turn the public URL on (true: a fresh one) or off", {"200": json_response("Recording", "Recording")},
      [A, RE], form({"PublicUrl": S(enum=["true", "false"])}, ["PublicUrl"]))
    R("/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav", "get", "The recording's audio", {"200": {"description": "16-bit PCM WAV", "content": {"audio/wav": {"schema": S(format="binary")}}}}, [A, RE])
    # Without .json, errors come in Twilio's XML.
    paths[root + "/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav"]["get"]["responses"].update({code: XML_ERROR for code in ERRORS})
    R("/Admin/Calls.json", "get", "Administrators: calls not finished, every tenant", {"200": json_response("Calls", "AdminCallPage")})
    R("/Admin/Registrations.json", "get", "Administrators: every registered contact", {"200": json_response("Registrations", "AdminRegistrationPage")})

ISO = S(description="ISO 8601")
schemas["VerifyService"] = obj({"sid": S(), "account_sid": S(), "friendly_name": S(), "code_length": I(), "default_locale": S(),
    "channel_order": S(), "lookup_enabled": B, "psd2_enabled": B, "skip_sms_to_landlines": B, "dtmf_input_required": B, "tts_name": NULL,
    "do_not_share_warning_enabled": B, "custom_code_enabled": B, "date_created": ISO, "date_updated": ISO, "url": S(),
    "links": {"type": "object", "additionalProperties": S()}})
schemas["Verification"] = obj({"sid": S(), "service_sid": S(), "account_sid": S(), "to": S(), "channel": S(enum=["sms", "call", "email"]),
    "status": S(enum=["pending", "approved", "canceled", "expired"]), "valid": B, "lookup": {"type": "object"}, "amount": NULL, "payee": NULL,
    "send_code_attempts": {"type": "array", "items": obj({"attempt_sid": S(), "channel": S(), "time": ISO,
        "outcome": S(enum=["sending", "delivered", "failed"]), "detail": NS()})},
    "date_created": ISO, "date_updated": ISO, "sna": NULL, "url": S()})
schemas["VerificationCheck"] = obj({"sid": S(), "service_sid": S(), "account_sid": S(), "to": S(), "channel": S(),
    "status": S(enum=["pending", "approved", "canceled", "expired"]), "valid": B, "amount": NULL, "payee": NULL,
    "sna_attempts_error_codes": {"type": "array", "items": S()}, "date_created": ISO, "date_updated": ISO})
schemas["VerifyServicePage"] = obj({"services": {"type": "array", "items": ref("VerifyService")}, "meta": obj({"page": I(), "page_size": I(),
    "first_page_url": S(), "previous_page_url": NS(), "url": S(), "next_page_url": NS(), "key": S()})})
VA = path_param("Sid", "VA")
SVA = path_param("ServiceSid", "VA")
SERVICE_FIELDS = form({"FriendlyName": S(), "CodeLength": I(minimum=4, maximum=10), "DefaultLocale": S(enum=["en", "fr", "nl", "de"]),
                       "ChannelOrder": S(description="comma-separated sms, call, email: the fallback order")})
op("/v2/Services", "post", "Create a Verify service", {"201": json_response("Created", "VerifyService")}, body=SERVICE_FIELDS, tag="Verify")
op("/v2/Services", "get", "List Verify services", {"200": json_response("Services", "VerifyServicePage")}, PAGE_QUERY, tag="Verify")
op("/v2/Services/{Sid}", "get", "Fetch a Verify service", {"200": json_response("Service", "VerifyService")}, [VA], tag="Verify")
op("/v2/Services/{Sid}", "post", "Update a Verify service", {"200": json_response("Service", "VerifyService")}, [VA], SERVICE_FIELDS, tag="Verify")
op("/v2/Services/{Sid}", "delete", "Delete a Verify service and its verifications", {"204": NO_CONTENT}, [VA], tag="Verify")
op("/v2/Services/{ServiceSid}/Verifications", "post", "Send a one-time password (Channel auto: the service's order), with fallback",
   {"201": json_response("Pending", "Verification")}, [SVA],
   form({"To": S(), "Channel": S(enum=["sms", "call", "email", "auto"]), "Locale": S(enum=["en", "fr", "nl", "de"]), "CustomFriendlyName": S(),
         "Email": S(description="an address the e-mail channel may use when To is a number"),
         "ChannelConfiguration": S(description='JSON; {"email": ADDRESS} as Email')}, ["To", "Channel"]), tag="Verify")
op("/v2/Services/{ServiceSid}/Verifications/{Sid}", "get", "Fetch a verification and its send attempts",
   {"200": json_response("Verification", "Verification")}, [SVA, path_param("Sid", "VE")], tag="Verify")
op("/v2/Services/{ServiceSid}/Verifications/{Sid}", "post", "Cancel or approve a pending verification",
   {"200": json_response("Verification", "Verification")}, [SVA, path_param("Sid", "VE")], form({"Status": S(enum=["canceled", "approved"])}, ["Status"]),
   tag="Verify")
op("/v2/Services/{ServiceSid}/VerificationCheck", "post", "Check a code: a right one approves the verification, once",
   {"200": json_response("Checked", "VerificationCheck")}, [SVA],
   form({"To": S(), "VerificationSid": S(pattern="^VE[0-9a-f]{32}$"), "Code": S()}, ["Code"]), tag="Verify")
op("/health", "get", "Listeners up and not draining (200), else 503", {"200": json_response("Up", "Health"), "503": json_response("Starting or draining", "Health")},
   tag="Operations", security=None)
op("/openapi.json", "get", "This document", {"200": {"description": "OpenAPI 3.0", "content": {"application/json": {"schema": {"type": "object"}}}}}, tag="Operations", security=None)
op("/recordings/{File}", "get", "A recording's audio at its public URL (no credentials; the file name is its token)",
   {"200": {"description": "16-bit PCM WAV", "content": {"audio/wav": {"schema": S(format="binary")}}}}, [path_param("File")], tag="Recordings", security=None)
OAUTH_ERROR = {"description": "OAuth2 error", "content": {"application/json": {"schema": ref("OAuthError")}}}
for path, summary, ok, fields in (("/token", "OAuth2 client-credentials token", {"200": json_response("Token", "Token")},
                                   {"grant_type": S(enum=["client_credentials"]), "scope": S(), "client_id": S(), "client_secret": S()}),
                                  ("/revoke", "Revoke an OAuth2 token", {"200": {"description": "Revoked (or unknown)"}}, {"token": S(), "client_id": S(), "client_secret": S()})):
    op(path, "post", summary, ok, body=form(fields), tag="Number Management", security=None)
    paths[path]["post"]["responses"].update({"400": OAUTH_ERROR, "401": OAUTH_ERROR, "429": OAUTH_ERROR})
MGMT = "/cpaas-mgmt/1.0.0"
MP = path_param("Phonenumber", description="a Belgian number, E.164 with or without +, or national")
op(f"{MGMT}/phonenumbers/available", "get", "FlexIO: search the pool", {"200": {"description": "Numbers", "content": {"application/json": {"schema": {"type": "array", "items": ref("ManagedNumber")}}}}},
   [query("zone"), query("type", S(enum=["FIXED", "MOBILE"])), query("priceTier", S(enum=["REGULAR", "PREMIUM"])), query("filter"), query("smsSupported", S(enum=["true", "false"])),
    query("page", I(minimum=0)), query("size", I(minimum=1, maximum=1000))], tag="Number Management", security="bearerAuth")
op(f"{MGMT}/phonenumbers", "get", "FlexIO: the account's numbers", {"200": {"description": "Numbers", "content": {"application/json": {"schema": {"type": "array", "items": ref("ManagedNumber")}}}}},
   tag="Number Management", security="bearerAuth")
op(f"{MGMT}/phonenumbers", "post", "FlexIO: reserve a number matching the body", {"201": json_response("Reserved", "ManagedNumber")},
   [query("addressInZoneConfirmed", S(enum=["true", "false"]))],
   body={"required": False, "content": {"application/json": {"schema": obj({"supportsSMS": B, "type": S(enum=["FIXED", "MOBILE"]), "filter": S(), "zone": S(),
                                                                             "pricingTier": S(enum=["REGULAR", "PREMIUM"])}, required=[])}}},
   tag="Number Management", security="bearerAuth")
op(f"{MGMT}/phonenumbers/{{Phonenumber}}", "post", "FlexIO: reserve this number", {"201": json_response("Reserved", "ManagedNumber")},
   [MP, query("addressInZoneConfirmed", S(enum=["true", "false"]))], tag="Number Management", security="bearerAuth")
op(f"{MGMT}/phonenumbers/{{Phonenumber}}", "delete", "FlexIO: release this number", {"204": NO_CONTENT}, [MP], tag="Number Management", security="bearerAuth")
op("/test/clock", "post", "Test clock (with --test-clock only): move the clock forward", {"200": json_response("Clock", "Clock")},
   body=form({"AdvanceSeconds": I(minimum=0)}, ["AdvanceSeconds"]), tag="Operations")

document = {
  "openapi": "3.0.3",
  "info": {"title": "Parley", "version": "0.9.0",
           "description": "Parley's REST API: the Twilio-compatible resources under /2010-04-01 (and the same under Restcomm's /restcomm/2012-04-24), "
                          "FlexIO's Number Management API, operations routes. Every path under the API roots also answers without .json, in XML."},
  "servers": [{"url": "/"}],
  "paths": paths,
  "components": {"schemas": schemas, "responses": {"Error": ERROR}, "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic", "description": "AccountSid and AuthToken"},
                                                        "bearerAuth": {"type": "http", "scheme": "bearer", "description": "an OAuth2 access token or a permanent ApiToken"}}},
}

# Shared parameters and bodies by reference, to keep the document small.
parameters, bodies = {}, {}
def shared(store, prefix, value):
    key = json.dumps(value, sort_keys=True)
    for name, existing in store.items():
        if json.dumps(existing, sort_keys=True) == key:
            return {"$ref": f"#/components/{prefix}/{name}"}
    name = (value.get("name", "Body") if prefix == "parameters" else "Body") + str(len(store))
    store[name] = value
    return {"$ref": f"#/components/{prefix}/{name}"}
for path_item in paths.values():
    for operation in path_item.values():
        operation["parameters"] = [shared(parameters, "parameters", p) for p in operation["parameters"]]
        if "requestBody" in operation:
            operation["requestBody"] = shared(bodies, "requestBodies", operation["requestBody"])
document["components"]["parameters"] = parameters
document["components"]["requestBodies"] = bodies
with open(OUTPUT, "w") as handle:
    json.dump(document, handle, separators=(",", ":"))
