"""Numbers through the twilio library (IncomingPhoneNumbers, AvailablePhoneNumbers('BE'))."""
import pytest
from twilio.base.exceptions import TwilioRestException

from openapi_check import assert_valid


def test_available_belgian_numbers_the_twilio_way(parley):
    client = parley.client()
    brussels = client.available_phone_numbers("BE").local.list(area_code="2", limit=5)
    assert len(brussels) == 5
    assert all(n.phone_number.startswith("+322") and n.iso_country == "BE" for n in brussels)
    assert brussels[0].friendly_name.startswith("02 ")
    assert [n.phone_number for n in client.available_phone_numbers("BE").local.list(area_code="010", contains="206105")] == ["+3210206105"]
    mobiles = client.available_phone_numbers("BE").mobile.list(sms_enabled=True, limit=3)
    assert len(mobiles) == 3 and all(n.phone_number.startswith("+324") for n in mobiles)
    assert all(n.capabilities["SMS"] for n in mobiles)


def test_buy_bind_and_release_a_mobile_number_with_the_twilio_library(parley):
    client = parley.client()
    app = client.applications.create(friendly_name="inbound", voice_url="https://example.com/in.xml")
    number = client.incoming_phone_numbers.create(phone_number="+32470206103", voice_application_sid=app.sid)
    assert number.sid.startswith("PN") and number.phone_number == "+32470206103"
    assert number.voice_application_sid == app.sid
    assert number.capabilities["sms"] is True

    updated = client.incoming_phone_numbers(number.sid).update(voice_url="https://example.com/other.xml", friendly_name="Sales")
    assert updated.voice_url == "https://example.com/other.xml"
    assert updated.voice_application_sid == app.sid  # an application wins over a URL; both are kept
    listed = client.incoming_phone_numbers.list(phone_number="+32470206103")
    assert [n.sid for n in listed] == [number.sid]
    assert [n.sid for n in client.incoming_phone_numbers.list(friendly_name="Sales")] == [number.sid]

    # One application may serve many numbers.
    second = client.incoming_phone_numbers.create(phone_number="0470 20 61 04", voice_application_sid=app.sid)
    assert second.phone_number == "+32470206104"

    assert client.incoming_phone_numbers(number.sid).delete() is True
    with pytest.raises(TwilioRestException) as failure:
        client.incoming_phone_numbers(number.sid).fetch()
    assert failure.value.status == 404
    # Released means frozen, for its former holder too.
    with pytest.raises(TwilioRestException) as failure:
        client.incoming_phone_numbers.create(phone_number="+32470206103")
    assert failure.value.status == 409


def test_a_fixed_number_needs_the_address_in_zone_confirmation(parley):
    client = parley.client()
    with pytest.raises(TwilioRestException) as failure:
        client.incoming_phone_numbers.create(phone_number="+3222060760")
    assert failure.value.status == 400 and failure.value.code == 21615
    assert "address" in failure.value.msg and "AddressInZoneConfirmed=true" in failure.value.msg  # the parameter as this API spells it
    created = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/IncomingPhoneNumbers.json",
                          data={"PhoneNumber": "+3222060760", "AddressInZoneConfirmed": "true"})
    assert created.status_code == 201, created.text
    assert created.json()["address_requirements"] == "local"


def test_number_binding_errors_name_the_parameter(parley):
    client = parley.client()
    number = client.incoming_phone_numbers.mobile.create(phone_number="+32471206100")
    path = f"/2010-04-01/Accounts/{parley.admin_sid}/IncomingPhoneNumbers/{number.sid}.json"
    for form, parameter in (({"VoiceApplicationSid": "AP" + "2" * 32}, "VoiceApplicationSid"),
                            ({"VoiceMethod": "DELETE"}, "VoiceMethod"),
                            ({"VoiceUrl": "nope"}, "VoiceUrl")):
        response = parley.http("POST", path, data=form)
        assert response.status_code == 400 and parameter in response.json()["message"], response.text
    bad = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/IncomingPhoneNumbers.json", data={"PhoneNumber": "+33123456789"})
    assert bad.status_code == 400 and "PhoneNumber" in bad.json()["message"]
    unknown = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/IncomingPhoneNumbers.json", data={"PhoneNumber": "+32479999999"})
    assert unknown.status_code == 404
    other_country = parley.http("GET", f"/2010-04-01/Accounts/{parley.admin_sid}/AvailablePhoneNumbers/FR/Local.json")
    assert other_country.status_code == 404


def test_another_accounts_number_is_out_of_reach(parley):
    client = parley.client()
    number = client.incoming_phone_numbers.mobile.create(phone_number="+32472206100")
    sub = client.api.accounts.create(friendly_name="neighbour")
    neighbour = parley.client(sub.sid, sub.auth_token)
    with pytest.raises(TwilioRestException) as failure:
        neighbour.incoming_phone_numbers(number.sid).fetch()
    assert failure.value.status == 404
    with pytest.raises(TwilioRestException) as failure:
        neighbour.incoming_phone_numbers(number.sid).delete()
    assert failure.value.status == 404
    assert neighbour.incoming_phone_numbers.list() == []
    with pytest.raises(TwilioRestException) as failure:
        neighbour.incoming_phone_numbers.create(phone_number="+32472206100")
    assert failure.value.status == 409


def test_number_json_matches_twilios_schema(parley, twilio_spec):
    client = parley.client()
    number = client.incoming_phone_numbers.mobile.create(phone_number="+32473206100")
    base = f"/2010-04-01/Accounts/{parley.admin_sid}"
    assert_valid(twilio_spec, parley.http("GET", f"{base}/IncomingPhoneNumbers/{number.sid}.json").json(),
                 "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json")
    assert_valid(twilio_spec, parley.http("GET", f"{base}/IncomingPhoneNumbers.json").json(),
                 "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json")
    assert_valid(twilio_spec, parley.http("GET", f"{base}/AvailablePhoneNumbers/BE/Local.json", params={"PageSize": 3}).json(),
                 "/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json")
    assert_valid(twilio_spec, parley.http("GET", f"{base}/AvailablePhoneNumbers/BE/Mobile.json", params={"PageSize": 3}).json(),
                 "/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Mobile.json")
