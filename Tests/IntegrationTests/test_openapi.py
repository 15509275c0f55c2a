"""Parley's own OpenAPI document at /openapi.json: a valid OpenAPI 3.0 description naming
every route, and schemathesis (a bounded run) fuzzing a live Parley against it with zero
server errors, zero undocumented statuses or content types and zero schema violations."""
import os
import re
import subprocess

import requests
from openapi_spec_validator import validate

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SCHEMATHESIS = [os.path.join(ROOT, ".build/test-venv/bin/schemathesis")]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def schemathesis(server, tmp_path, name, config, *args, examples=15):
    """Runs schemathesis against `server` with `config` (TOML) and returns its output."""
    (tmp_path / f"{name}.toml").write_text(config)
    result = subprocess.run(
        [*SCHEMATHESIS, "--config-file", str(tmp_path / f"{name}.toml"), "run", server.base_url + "/openapi.json",
         "--checks", CHECKS, "--max-examples", str(examples), "--phases", "examples,fuzzing", "--seed", "4242",
         "--report", "junit", "--report-junit-path", str(tmp_path / f"{name}.xml"), *args],
        capture_output=True, text=True, timeout=900, cwd=str(tmp_path))
    return result


def test_the_committed_document_is_what_its_script_writes(tmp_path):
    subprocess.run(["python3", os.path.join(ROOT, "Tools/make_openapi.py"), str(tmp_path / "openapi.json")], check=True, timeout=60)
    with open(os.path.join(ROOT, "Sources/API/openapi.json")) as committed:
        assert (tmp_path / "openapi.json").read_text() == committed.read(), "run python3 Tools/make_openapi.py"


def test_the_document_is_valid_openapi_and_names_every_route(parley):
    response = requests.get(parley.base_url + "/openapi.json", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    document = response.json()
    validate(document)
    documented = set(document["paths"])
    for path in ("/2010-04-01/Accounts/{AccountSid}/Calls.json", "/restcomm/2012-04-24/Accounts/{AccountSid}/Calls/{Sid}.json",
                 "/2010-04-01/Admin/Registrations.json", "/cpaas-mgmt/1.0.0/phonenumbers/available", "/token", "/health", "/openapi.json"):
        assert path in documented, path
    # Every account route the server registers by a literal path appears in the document.
    sources = subprocess.run(["grep", "-rhoE", r'\.(get|post|delete|update)\("Accounts/[^"]*"', "Sources/API"],
                             capture_output=True, text=True, cwd=ROOT)
    routes = set(re.findall(r'"(Accounts/[^"]*)"', sources.stdout))
    assert len(routes) > 15, routes
    for route in routes:
        templated = re.sub(r"\{[a-zA-Z]+\}", "{x}", "/2010-04-01/" + route + ".json")
        assert any(re.sub(r"\{[a-zA-Z]+\}", "{x}", path) == templated for path in documented), route


def test_schemathesis_finds_no_server_error_and_no_schema_violation(fresh_parley, tmp_path):
    server = fresh_parley().start()
    base = f"/2010-04-01/Accounts/{server.admin_sid}"
    # Resources the fuzzing can reach by their real SIDs.
    app = server.http("POST", f"{base}/Applications.json", data={"FriendlyName": "fuzzed", "VoiceUrl": "https://example.com/rcml"}).json()
    client = server.http("POST", f"{base}/Clients.json", data={"Login": "fuzzed", "Password": "Fuzzed-pass-1"}).json()
    number = server.http("POST", f"{base}/IncomingPhoneNumbers.json", data={"PhoneNumber": "+32476206113"}).json()
    queue = server.http("POST", f"{base}/Queues.json", data={"FriendlyName": "fuzzed"}).json()
    token = server.http("POST", f"{base}/ApiTokens.json", data={"FriendlyName": "fuzzed"}).json()["token"]
    assert all("sid" in resource for resource in (app, client, number, queue)), (app, client, number, queue)

    positive = f"""
[generation]
mode = "positive"

[parameters]
"path.AccountSid" = "{server.admin_sid}"
"""
    negative = positive.replace('"positive"', '"negative"')
    auth = ["--auth", f"{server.admin_sid}:{server.admin_token}", "--exclude-path-regex", "^/(token|revoke|test/clock|cpaas-mgmt/.*)$"]
    # Valid data with valid credentials, reaching the routes' own logic (requests schemathesis
    # sends without credentials are refused and not counted as guesses: no throttling).
    result = schemathesis(server, tmp_path, "positive", positive, *auth)
    assert result.returncode == 0, result.stdout[-6000:]
    assert "Rate limited" not in result.stdout, result.stdout[-3000:]
    # Invalid data: every refusal a documented 4xx in the documented shape.
    result = schemathesis(server, tmp_path, "negative", negative, *auth, examples=5)
    assert result.returncode == 0, result.stdout[-6000:]
    # FlexIO's Number Management API behind a permanent bearer token.
    result = schemathesis(server, tmp_path, "bearer", positive, "-H", f"Authorization: Bearer {token}",
                          "--include-path-regex", "^/cpaas-mgmt/")
    assert result.returncode == 0, result.stdout[-6000:]
    # Last: OAuth with made-up clients (their failures throttle this address, as they should).
    result = schemathesis(server, tmp_path, "oauth", "", "--include-path-regex", "^/(token|revoke)$", examples=10)
    assert result.returncode == 0, result.stdout[-6000:]
    assert server.stop() == 0
