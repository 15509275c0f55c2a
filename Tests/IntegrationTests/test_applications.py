"""Applications through the official twilio library, checked against Twilio's OpenAPI schema."""
import pytest
from twilio.base.exceptions import TwilioRestException

from openapi_check import assert_valid


def test_create_fetch_update_delete_an_application(parley):
    client = parley.client()
    created = client.applications.create(
        friendly_name="IVR", voice_url="https://example.com/ivr.xml", voice_method="GET",
        status_callback="https://example.com/status")
    assert created.sid.startswith("AP") and len(created.sid) == 34
    assert created.account_sid == parley.admin_sid
    assert created.voice_method == "GET"

    fetched = client.applications(created.sid).fetch()
    assert fetched.friendly_name == "IVR"
    assert fetched.voice_url == "https://example.com/ivr.xml"
    assert fetched.status_callback == "https://example.com/status"
    assert fetched.date_created is not None  # parsed by the library from RFC 2822

    updated = client.applications(created.sid).update(
        friendly_name="IVR v2", voice_fallback_url="https://example.com/fallback.xml")
    assert updated.friendly_name == "IVR v2"
    assert updated.voice_url == "https://example.com/ivr.xml"  # untouched fields stay
    assert updated.voice_fallback_url == "https://example.com/fallback.xml"

    assert client.applications(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as failure:
        client.applications(created.sid).fetch()
    assert failure.value.status == 404


def test_listing_follows_pages_across_the_whole_list(parley):
    client = parley.client()
    sub = client.api.accounts.create(friendly_name="paging")
    sub_client = parley.client(sub.sid, sub.auth_token)
    made = [sub_client.applications.create(friendly_name=f"app-{i}").sid for i in range(7)]

    first_page = sub_client.applications.page(page_size=3)
    assert [a.sid for a in first_page] == made[:3]
    assert first_page.next_page_url.endswith("PageSize=3&Page=1")
    listed = sub_client.applications.list(page_size=3)
    assert [a.sid for a in listed] == made
    assert [a.sid for a in sub_client.applications.list(friendly_name="app-4")] == [made[4]]


def test_application_json_matches_twilios_schema(parley, twilio_spec):
    client = parley.client()
    app = client.applications.create(friendly_name="schema", voice_url="https://example.com/a")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}/Applications"
    one = parley.http("GET", f"{base}/{app.sid}.json")
    assert one.status_code == 200
    assert_valid(twilio_spec, one.json(), "/2010-04-01/Accounts/{AccountSid}/Applications/{Sid}.json")
    page = parley.http("GET", f"{base}.json", params={"PageSize": 2})
    assert_valid(twilio_spec, page.json(), "/2010-04-01/Accounts/{AccountSid}/Applications.json")
    account = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}.json")
    assert_valid(twilio_spec, account.json(), "/2010-04-01/Accounts/{Sid}.json")
    accounts = parley.http("GET", "/2010-04-01/Accounts.json")
    assert_valid(twilio_spec, accounts.json(), "/2010-04-01/Accounts.json")
    notifications = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/Notifications.json")
    assert_valid(twilio_spec, notifications.json(), "/2010-04-01/Accounts/{AccountSid}/Notifications.json")


def test_restcomm_root_serves_the_same_resources(parley):
    client = parley.client()
    app = client.applications.create(friendly_name="both roots")
    restcomm = parley.http("GET", f"/restcomm/2012-04-24/Accounts/{parley.admin_sid}/Applications/{app.sid}.json")
    assert restcomm.status_code == 200
    assert restcomm.json()["friendly_name"] == "both roots"
    assert restcomm.json()["uri"].startswith("/restcomm/2012-04-24/")
