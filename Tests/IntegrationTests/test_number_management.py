"""FlexIO's OAuth2 credentials and Number Management API over plain HTTP."""
import threading

import requests

ROOT = "/restcomm/2012-04-24/Accounts/{sid}"


def create_key(parley, sid=None, token=None):
    sid = sid or parley.admin_sid
    response = parley.http("POST", ROOT.format(sid=sid) + "/ApiKeys.json", auth=(sid, token or parley.admin_token), data={"FriendlyName": "numbers"})
    assert response.status_code == 201, response.text
    return response.json()


def get_token(parley, key, secret=None, **extra):
    params = {"grant_type": "client_credentials", "scope": "openid", "client_id": key["client_id"],
              "client_secret": secret or key["client_secret"], **extra}
    return requests.post(parley.base_url + "/token", params=params, timeout=10)


def mgmt(parley, method, path, token, headers=None, **kwargs):
    headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    return requests.request(method, parley.base_url + "/cpaas-mgmt/1.0.0" + path, headers=headers, timeout=10, **kwargs)


def sub_account(parley, name):
    sub = parley.http("POST", "/2010-04-01/Accounts.json", data={"FriendlyName": name}).json()
    return sub["sid"], sub["auth_token"]


def test_tokens_live_an_hour_one_at_a_time_and_can_be_revoked(parley):
    key = create_key(parley)
    first = get_token(parley, key)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "openid"
    assert 3590 <= body["expires_in"] <= 3600
    token = body["access_token"]
    # Asking again (here as a form body) returns the same token.
    again = requests.post(parley.base_url + "/token", data={"grant_type": "client_credentials", "client_id": key["client_id"], "client_secret": key["client_secret"]}, timeout=10)
    assert again.json()["access_token"] == token
    assert mgmt(parley, "GET", "/phonenumbers", token).status_code == 200

    revoked = requests.post(parley.base_url + "/revoke", data={"token": token, "client_id": key["client_id"], "client_secret": key["client_secret"]}, timeout=10)
    assert revoked.status_code == 200
    assert mgmt(parley, "GET", "/phonenumbers", token).status_code == 401
    fresh = get_token(parley, key).json()["access_token"]
    assert fresh != token and mgmt(parley, "GET", "/phonenumbers", fresh).status_code == 200

    parley.advance_clock(3601)
    expired = mgmt(parley, "GET", "/phonenumbers", fresh)
    assert expired.status_code == 401 and "Bearer" in expired.headers["WWW-Authenticate"]
    renewed = get_token(parley, key).json()["access_token"]
    assert renewed != fresh and mgmt(parley, "GET", "/phonenumbers", renewed).status_code == 200


def test_bad_client_credentials_and_grants_get_oauth2_errors(parley):
    key = create_key(parley)
    wrong = get_token(parley, key, secret="0" * 32)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = get_token(parley, {"client_id": "nobody", "client_secret": "x"})
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    grant = get_token(parley, key, grant_type="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = requests.post(parley.base_url + "/token", params={"grant_type": "client_credentials"}, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    # The secret is shown once and never listed.
    listed = parley.http("GET", ROOT.format(sid=parley.admin_sid) + "/ApiKeys.json").json()["api_keys"]
    assert key["client_id"] in [k["client_id"] for k in listed]
    assert all(k["client_secret"] is None for k in listed)


def test_deleting_a_key_pair_ends_its_tokens(parley):
    key = create_key(parley)
    token = get_token(parley, key).json()["access_token"]
    path = ROOT.format(sid=parley.admin_sid) + f"/ApiKeys/{key['client_id']}.json"
    assert parley.http("DELETE", path).status_code == 204
    assert mgmt(parley, "GET", "/phonenumbers", token).status_code == 401
    assert get_token(parley, key).status_code == 401


def test_permanent_tokens_never_expire_until_deleted(parley):
    created = parley.http("POST", ROOT.format(sid=parley.admin_sid) + "/ApiTokens.json", data={"FriendlyName": "ci"})
    assert created.status_code == 201
    token = created.json()["token"]
    parley.advance_clock(400 * 24 * 3600)
    assert mgmt(parley, "GET", "/phonenumbers", token).status_code == 200
    listed = parley.http("GET", ROOT.format(sid=parley.admin_sid) + "/ApiTokens.json").json()["api_tokens"]
    assert [t["token"] for t in listed if t["sid"] == created.json()["sid"]] == [None]
    assert parley.http("DELETE", ROOT.format(sid=parley.admin_sid) + f"/ApiTokens/{created.json()['sid']}.json").status_code == 204
    assert mgmt(parley, "GET", "/phonenumbers", token).status_code == 401
    assert mgmt(parley, "GET", "/phonenumbers", None).status_code == 401


def bearer_for(parley, name):
    sid, auth = sub_account(parley, name)
    key = create_key(parley, sid, auth)
    return get_token(parley, key).json()["access_token"]


def permanent_bearer_for(parley, name):
    sid, auth = sub_account(parley, name)
    response = parley.http("POST", ROOT.format(sid=sid) + "/ApiTokens.json", auth=(sid, auth))
    assert response.status_code == 201
    return response.json()["token"]


def test_search_reserve_list_and_release_with_the_freeze(parley):
    token = bearer_for(parley, "renter")
    other = permanent_bearer_for(parley, "other renter")  # outlives the 15 days moved below
    available = mgmt(parley, "GET", "/phonenumbers/available", token, params={"zone": "02", "type": "FIXED", "priceTier": "REGULAR", "filter": "220607"})
    assert available.status_code == 200
    entries = available.json()
    assert entries and all(set(e) >= {"phonenumber", "type", "smsSupported", "priceTier"} for e in entries)
    assert all(e["phonenumber"].startswith("322") and "220607" in e["phonenumber"] and e["type"] == "FIXED" for e in entries)
    premium = mgmt(parley, "GET", "/phonenumbers/available", token, params={"priceTier": "PREMIUM", "zone": "02"}).json()
    assert "3222222222" in [e["phonenumber"] for e in premium]

    body = {"supportsSMS": False, "type": "FIXED", "filter": "3222060744", "zone": "02", "pricingTier": "REGULAR"}
    refused = mgmt(parley, "POST", "/phonenumbers", token, json=body)
    assert refused.status_code == 400 and "addressInZoneConfirmed" in refused.json()["message"]
    reserved = mgmt(parley, "POST", "/phonenumbers?addressInZoneConfirmed=true", token, json=body)
    assert reserved.status_code == 201, reserved.text
    assert reserved.json()["phonenumber"] == "3222060744"
    taken = mgmt(parley, "POST", "/phonenumbers/3222060744?addressInZoneConfirmed=true", other)
    assert taken.status_code == 409
    assert [n["phonenumber"] for n in mgmt(parley, "GET", "/phonenumbers", token).json()] == ["3222060744"]
    assert mgmt(parley, "GET", "/phonenumbers", other).json() == []
    assert mgmt(parley, "DELETE", "/phonenumbers/3222060744", other).status_code == 404

    assert mgmt(parley, "DELETE", "/phonenumbers/3222060744", token).status_code == 204
    assert mgmt(parley, "GET", "/phonenumbers", token).json() == []
    for who in (token, other):  # frozen for everyone, the releaser included
        assert mgmt(parley, "POST", "/phonenumbers/3222060744?addressInZoneConfirmed=true", who).status_code == 409
    listed = [e["phonenumber"] for e in mgmt(parley, "GET", "/phonenumbers/available", token, params={"filter": "3222060744"}).json()]
    assert listed == []
    parley.advance_clock(14 * 24 * 3600)
    assert mgmt(parley, "POST", "/phonenumbers/3222060744?addressInZoneConfirmed=true", other).status_code == 409
    parley.advance_clock(24 * 3600 + 60)
    back = mgmt(parley, "POST", "/phonenumbers/3222060744?addressInZoneConfirmed=true", other)
    assert back.status_code == 201, back.text


def test_mobile_numbers_need_no_confirmation_and_bad_input_names_the_field(parley):
    token = bearer_for(parley, "mobile renter")
    reserved = mgmt(parley, "POST", "/phonenumbers", token, json={"type": "MOBILE", "zone": "0475", "supportsSMS": True})
    assert reserved.status_code == 201, reserved.text
    assert reserved.json()["type"] == "MOBILE" and reserved.json()["phonenumber"].startswith("32475")
    for body, field in (({"type": "FAX"}, "type"), ({"zone": "062"}, "zone"), ({"type": 5}, "type"), ({"filter": "abc"}, "filter")):
        response = mgmt(parley, "POST", "/phonenumbers?addressInZoneConfirmed=true", token, json=body)
        assert response.status_code == 400 and field in response.json()["message"], response.text
    garbage = mgmt(parley, "POST", "/phonenumbers", token, data="{not json", headers={"Content-Type": "application/json"})
    assert garbage.status_code == 400


def test_accounts_racing_for_one_number_exactly_one_wins(parley):
    tokens = [bearer_for(parley, f"racer {i}") for i in range(6)]
    results = []
    barrier = threading.Barrier(len(tokens))

    def race(token):
        barrier.wait()
        results.append(mgmt(parley, "POST", "/phonenumbers/3222060790?addressInZoneConfirmed=true", token).status_code)

    threads = [threading.Thread(target=race, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201] + [409] * 5


def test_only_an_administrator_moves_the_test_clock(parley, fresh_parley):
    sid, auth = sub_account(parley, "not admin")
    refused = parley.http("POST", "/test/clock", auth=(sid, auth), data={"AdvanceSeconds": 60})
    assert refused.status_code == 403
    plain = fresh_parley().start(extra_args=())
    assert plain.http("POST", "/test/clock", data={"AdvanceSeconds": 60}).status_code == 404
    assert plain.stop() == 0
