"""The REST conventions over plain HTTP: formats, credentials, and errors naming the parameter."""
import base64
import xml.etree.ElementTree as ET

import requests


def apps_path(parley, account=None, suffix=".json"):
    return f"/2010-04-01/Accounts/{account or parley.admin_sid}/Applications{suffix}"


def assert_error(response, status, mentions=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["code"], int)
    assert body["more_info"].startswith("https://")
    if mentions:
        assert mentions in body["message"], body["message"]


def test_missing_credentials_get_401_with_a_basic_challenge(parley):
    response = requests.get(parley.base_url + apps_path(parley), timeout=5)
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_wrong_token_and_malformed_authorization_get_401(parley):
    assert_error(parley.http("GET", apps_path(parley), auth=(parley.admin_sid, "wrong")), 401)
    header = {"Authorization": "Basic " + base64.b64encode(b"no-colon-here").decode()}
    assert_error(requests.get(parley.base_url + apps_path(parley), headers=header, timeout=5), 401)
    assert_error(requests.get(parley.base_url + apps_path(parley), headers={"Authorization": "Bearer x"}, timeout=5), 401)


def test_another_accounts_sid_is_forbidden_without_revealing_whether_it_exists(parley):
    someone_else = "AC" + "0" * 32
    assert_error(parley.http("GET", apps_path(parley, someone_else)), 403)
    assert_error(parley.http("GET", apps_path(parley, "ACnot-a-sid")), 400, "AccountSid")


def test_unknown_or_malformed_resource_sids_are_not_found(parley):
    assert_error(parley.http("GET", apps_path(parley, suffix="/AP" + "f" * 32 + ".json")), 404)
    assert_error(parley.http("GET", apps_path(parley, suffix="/APxyz.json")), 404)
    assert_error(parley.http("DELETE", apps_path(parley, suffix="/AP" + "f" * 32 + ".json")), 404)
    assert_error(parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Nothing.json"), 404)


def test_malformed_and_out_of_range_parameters_name_the_parameter(parley):
    cases = [
        ({"FriendlyName": "x", "VoiceMethod": "PUT"}, "VoiceMethod"),
        ({"FriendlyName": "x", "VoiceUrl": "not a url"}, "VoiceUrl"),
        ({"FriendlyName": "x", "StatusCallback": "ftp://example.com/x"}, "StatusCallback"),
        ({"FriendlyName": "x", "VoiceCallerIdLookup": "maybe"}, "VoiceCallerIdLookup"),
        ({"FriendlyName": "x" * 65}, "FriendlyName"),
        ({"VoiceUrl": "https://example.com"}, "FriendlyName"),
        ({"FriendlyName": "x", "Kind": "fax"}, "Kind"),
    ]
    for form, parameter in cases:
        assert_error(parley.http("POST", apps_path(parley), data=form), 400, parameter)
    assert_error(parley.http("GET", apps_path(parley), params={"PageSize": "0"}), 400, "PageSize")
    assert_error(parley.http("GET", apps_path(parley), params={"PageSize": "5000"}), 400, "PageSize")
    assert_error(parley.http("GET", apps_path(parley), params={"Page": "-1"}), 400, "Page")
    # Nothing half-written: the failed creates left no application behind.
    names = [a["friendly_name"] for a in parley.http("GET", apps_path(parley), params={"PageSize": 1000}).json()["applications"]]
    assert "x" not in names


def test_no_json_suffix_gives_xml_with_the_same_content(parley):
    created = parley.http("POST", apps_path(parley), data={"FriendlyName": "xml & co"}).json()
    response = parley.http("GET", apps_path(parley, suffix="/" + created["sid"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "TwilioResponse"
    assert root.find("Application/Sid").text == created["sid"]
    assert root.find("Application/FriendlyName").text == "xml & co"
    listing = ET.fromstring(parley.http("GET", apps_path(parley, suffix="")).content)
    page = listing.find("Applications")
    assert page.get("pagesize") == "50"
    assert created["sid"] in [e.text for e in page.findall("Application/Sid")]
    restcomm = parley.http("GET", f"/restcomm/2012-04-24/Accounts/{parley.admin_sid}", auth=None)
    assert ET.fromstring(restcomm.content).tag == "RestcommResponse"
    error = parley.http("GET", apps_path(parley, suffix="/AP" + "e" * 32))
    assert error.status_code == 404
    assert ET.fromstring(error.content).find("RestException/Status").text == "404"


def test_accept_header_asks_for_json_without_a_suffix(parley):
    response = parley.http("GET", apps_path(parley, suffix=""), headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "applications" in response.json()


def test_accounts_cannot_be_deleted(parley):
    assert_error(parley.http("DELETE", f"/2010-04-01/Accounts/{parley.admin_sid}.json"), 405, "closed")
