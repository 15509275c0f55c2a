"""SIP Clients over plain HTTP (the twilio library has no Clients resource)."""


def clients_path(parley, suffix=".json"):
    return f"/2010-04-01/Accounts/{parley.admin_sid}/Clients{suffix}"


def test_client_crud_keeps_the_password_write_only(parley):
    created = parley.http("POST", clients_path(parley), data={"Login": "alice", "Password": "s3cretPass", "FriendlyName": "Alice"})
    assert created.status_code == 201, created.text
    client = created.json()
    assert client["login"] == "alice" and client["sid"].startswith("CL")
    assert client["status"] == "1"
    assert "password" not in client and "s3cretPass" not in created.text

    app = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Applications.json", data={"FriendlyName": "softphone app"}).json()
    updated = parley.http("POST", clients_path(parley, f"/{client['sid']}.json"), data={"VoiceApplicationSid": app["sid"], "Status": "0"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["voice_application_sid"] == app["sid"]
    assert updated.json()["status"] == "0"

    listed = parley.http("GET", clients_path(parley), params={"Login": "alice"}).json()
    assert [c["sid"] for c in listed["clients"]] == [client["sid"]]
    assert parley.http("DELETE", clients_path(parley, f"/{client['sid']}.json")).status_code == 204
    assert parley.http("GET", clients_path(parley, f"/{client['sid']}.json")).status_code == 404


def test_client_errors_name_the_parameter(parley):
    ok = parley.http("POST", clients_path(parley), data={"Login": "bob", "Password": "b0bPassword"})
    assert ok.status_code == 201
    duplicate = parley.http("POST", clients_path(parley), data={"Login": "bob", "Password": "other1234"})
    assert duplicate.status_code == 409 and "Login" in duplicate.json()["message"]
    weak = parley.http("POST", clients_path(parley), data={"Login": "carol", "Password": "short"})
    assert weak.status_code == 400 and "Password" in weak.json()["message"]
    bad_login = parley.http("POST", clients_path(parley), data={"Login": "bad login@x", "Password": "g00dPassword"})
    assert bad_login.status_code == 400 and "Login" in bad_login.json()["message"]
    missing = parley.http("POST", clients_path(parley), data={"Login": "dave"})
    assert missing.status_code == 400 and "Password" in missing.json()["message"]
    foreign_app = parley.http("POST", clients_path(parley), data={"Login": "erin", "Password": "g00dPassword", "VoiceApplicationSid": "AP" + "1" * 32})
    assert foreign_app.status_code == 400 and "VoiceApplicationSid" in foreign_app.json()["message"]
    bob = ok.json()
    rename = parley.http("POST", clients_path(parley, f"/{bob['sid']}.json"), data={"Login": "robert"})
    assert rename.status_code == 400 and "Password" in rename.json()["message"]
