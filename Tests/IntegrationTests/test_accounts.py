"""Sub-accounts and their isolation, through the twilio library and plain HTTP."""
import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException


def list_status(call):
    """The HTTP status of a failed list call (the library raises a plain TwilioException)."""
    with pytest.raises(TwilioException) as failure:
        call()
    return failure.value.args[1].status_code


def test_sub_accounts_have_their_own_credentials_and_are_listed_by_their_owner(parley):
    client = parley.client()
    sub = client.api.accounts.create(friendly_name="Team A")
    assert sub.sid.startswith("AC") and sub.sid != parley.admin_sid
    assert sub.owner_account_sid == parley.admin_sid
    assert len(sub.auth_token) == 32
    listed = {a.sid for a in client.api.accounts.list()}
    assert {parley.admin_sid, sub.sid} <= listed

    sub_client = parley.client(sub.sid, sub.auth_token)
    assert sub_client.api.accounts(sub.sid).fetch().friendly_name == "Team A"
    # A later fetch never shows the token again: only its hash is stored.
    assert client.api.accounts(sub.sid).fetch().auth_token is None


def test_a_sub_account_cannot_reach_its_parent_or_a_sibling(parley):
    client = parley.client()
    first = client.api.accounts.create(friendly_name="first")
    second = client.api.accounts.create(friendly_name="second")
    secret_app = client.api.accounts(second.sid).applications.create(friendly_name="second's")
    first_client = parley.client(first.sid, first.auth_token)

    for target in (parley.admin_sid, second.sid):
        assert list_status(lambda: first_client.api.accounts(target).applications.list()) == 403
        with pytest.raises(TwilioRestException) as failure:
            first_client.api.accounts(target).fetch()
        assert failure.value.status == 403
    with pytest.raises(TwilioRestException) as failure:
        first_client.api.accounts(second.sid).applications(secret_app.sid).fetch()
    assert failure.value.status == 403
    # A sibling's application SID under one's own account is simply not there.
    with pytest.raises(TwilioRestException) as failure:
        first_client.applications(secret_app.sid).fetch()
    assert failure.value.status == 404
    # The owner reaches its sub-account's resources.
    names = [a.friendly_name for a in client.api.accounts(second.sid).applications.list()]
    assert names == ["second's"]
    # Sub-accounts list only themselves.
    assert [a.sid for a in first_client.api.accounts.list()] == [first.sid]


def test_closing_a_sub_account_stops_its_credentials_and_is_final(parley):
    client = parley.client()
    sub = client.api.accounts.create(friendly_name="to close")
    sub_client = parley.client(sub.sid, sub.auth_token)
    assert sub_client.applications.list() == []
    closed = client.api.accounts(sub.sid).update(status="closed")
    assert closed.status == "closed"
    assert list_status(lambda: sub_client.applications.list()) == 403
    with pytest.raises(TwilioRestException) as failure:
        client.api.accounts(sub.sid).update(status="active")
    assert failure.value.status == 400
    assert "Status" in failure.value.msg


def test_a_sub_account_cannot_change_its_own_status_or_make_sub_accounts(parley):
    client = parley.client()
    sub = client.api.accounts.create(friendly_name="limited")
    sub_client = parley.client(sub.sid, sub.auth_token)
    with pytest.raises(TwilioRestException) as failure:
        sub_client.api.accounts(sub.sid).update(status="suspended")
    assert failure.value.status == 403
    with pytest.raises(TwilioRestException) as failure:
        sub_client.api.accounts.create(friendly_name="grandchild")
    assert failure.value.status == 403
