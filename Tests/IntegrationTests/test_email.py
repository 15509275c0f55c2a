"""E-mail through a real relay (aiosmtpd with STARTTLS and AUTH required): Restcomm's
Email/Messages API and RCML's <Email>; the operator's sender with the account's as Reply-To, Bcc
kept out of the headers, UTF-8 subjects; a 451 retried with backoff, a 550 failing with the
relay's answer, a relay outage waited out; a console invitation sent by e-mail, and the code of a
two-step sign-in."""
import os
import re
import subprocess

import pytest

from selenium.webdriver.common.by import By

from browser import fill, sign_in_form, start_browser, text_of
from conftest import CARRIER_HOST, free_port, make_parley
from mail_server import MailServer
from sip_peers import FIXTURES, wait_for
from webhook_server import webhook


@pytest.fixture(scope="module")
def relay():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_parley(relay):
    server = make_parley()
    server.start(extra_args=("--test-clock", *relay.parley_args()))
    yield server
    assert server.stop() == 0, "parley did not shut down cleanly on SIGTERM"


def post_email(parley, **fields):
    return parley.http("POST", f"/restcomm/2012-04-24/Accounts/{parley.admin_sid}/Email/Messages.json", data=fields)


def email_status(parley, sid):
    return parley.http("GET", f"/restcomm/2012-04-24/Accounts/{parley.admin_sid}/Email/Messages/{sid}.json").json()


def wait_email(parley, sid, status, timeout=20):
    assert wait_for(lambda: email_status(parley, sid)["status"] == status, timeout), (email_status(parley, sid), parley.logs()[-2000:])
    return email_status(parley, sid)


def test_an_email_goes_over_starttls_with_auth_from_the_operator_s_address(mail_parley, relay):
    response = post_email(
        mail_parley, From="shop@customer.example", To="alice@example.com, bob@example.com", Cc="carol@example.com",
        Bcc="audit@example.com", Subject="Votre code — 1234", Body="Bonjour,\n.\nVotre code est 1234.")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "queued" and created["sid"].startswith("EM") and created["to"] == "alice@example.com,bob@example.com"
    sent = wait_email(mail_parley, created["sid"], "sent")
    assert sent["attempts"] == 1 and sent["server_reply"].startswith("250") and sent["date_sent"]
    [received] = relay.received("alice@example.com")
    assert received["tls"] and received["authenticated"] and received["login"].login.decode() == "parley"
    assert sorted(received["to"]) == ["alice@example.com", "audit@example.com", "bob@example.com", "carol@example.com"]
    message = received["message"]
    assert message["From"] == "noreply@parley.example" and message["Reply-To"] == "shop@customer.example"
    assert message["To"] == "alice@example.com, bob@example.com" and message["Cc"] == "carol@example.com" and message["Bcc"] is None
    assert message["Subject"] == "Votre code — 1234" and message["Message-ID"] == f"<{created['sid']}@parley>"
    assert message.get_content_type() == "text/plain" and message.get_content() == "Bonjour,\n.\nVotre code est 1234."


def test_html_mail_and_bad_input(mail_parley, relay):
    response = post_email(mail_parley, To="html@example.com", Subject="hi", Body="<p>Hello</p>", Type="text/html")
    assert response.status_code == 201, response.text
    wait_email(mail_parley, response.json()["sid"], "sent")
    [received] = relay.received("html@example.com")
    assert received["message"].get_content_type() == "text/html" and received["message"]["From"] == "noreply@parley.example"
    assert received["message"]["Reply-To"] is None
    for fields, parameter in [({"To": "not an address", "Body": "x"}, "To"), ({"To": "a@example.com\r\nRCPT TO:<x@y.z>", "Body": "x"}, "To"),
                              ({"To": "a@example.com", "Body": "x", "Type": "image/png"}, "Type"), ({"To": "a@example.com"}, "Body"),
                              ({"To": "a@example.com", "Body": "x", "From": "<spoof>"}, "From")]:
        refused = post_email(mail_parley, **fields)
        assert refused.status_code == 400 and parameter in refused.json()["message"], (fields, refused.text)


def test_a_temporary_refusal_is_retried_and_a_permanent_one_fails_with_the_relay_s_answer(mail_parley, relay):
    later = post_email(mail_parley, To="later@example.com", Body="second time lucky").json()
    nobody = post_email(mail_parley, To="nobody@example.com", Body="no one home").json()
    failed = wait_email(mail_parley, nobody["sid"], "failed")
    assert failed["server_reply"].startswith("RCPT TO refused: 550") and failed["attempts"] == 1
    sent = wait_email(mail_parley, later["sid"], "sent")
    assert sent["attempts"] == 2 and len(relay.received("later@example.com")) == 1


def test_mail_accepted_while_the_relay_is_down_goes_once_it_is_back(mail_parley, relay):
    relay.stop()
    sid = post_email(mail_parley, To="outage@example.com", Body="wait for me").json()["sid"]
    assert wait_for(lambda: email_status(mail_parley, sid)["attempts"] >= 1)
    assert email_status(mail_parley, sid)["status"] == "queued"
    relay.start()
    sent = wait_email(mail_parley, sid, "sent", timeout=40)
    assert sent["attempts"] >= 2 and len(relay.received("outage@example.com")) == 1


def test_email_in_rcml_is_sent_during_the_call(mail_parley, relay):
    document = webhook().serve(
        "/email-verb", '<Response><Play digits="w"/><Email to="ivr@example.com" subject="Call">Someone called</Email><Hangup/></Response>')
    mail_parley.client().incoming_phone_numbers.create(phone_number="+32490206104", voice_url=document)
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{mail_parley.sip_port}", "-s", "+32490206104", "-m", "1", "-i", CARRIER_HOST, "-p", str(free_port()),
         "-sf", os.path.join(FIXTURES, "uac_parley_hangs_up.xml"), "-nostdin", "-timeout", "30s", "-timeout_error"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:]
    assert wait_for(lambda: relay.received("ivr@example.com"))
    [received] = relay.received("ivr@example.com")
    assert received["message"]["Subject"] == "Call" and received["message"].get_content().strip() == "Someone called"


def test_a_console_invitation_goes_by_email_and_its_link_sets_a_password(mail_parley, relay):
    made = mail_parley.http("POST", f"/2010-04-01/Accounts/{mail_parley.admin_sid}/Users.json", data={"Email": "invitee@example.com"})
    assert made.status_code == 201, made.text
    assert made.json()["password_link"] is None  # it went by e-mail, to the invitee only
    assert wait_for(lambda: relay.received("invitee@example.com"), 20), mail_parley.logs()[-2000:]
    [invitation] = relay.received("invitee@example.com")
    assert invitation["message"]["Subject"] == "Your Parley console account"
    link = re.search(r"(http\S+/console/password/\w+)", invitation["message"].get_content()).group(1)
    browser = start_browser()
    try:
        browser.get(link)
        fill(browser, "set-password", {"Password": "Invited-pass-123", "Confirm": "Invited-pass-123"})
        assert "/console/dashboard" in browser.current_url and "invitee@example.com" in text_of(browser, "header")
    finally:
        browser.quit()


def test_two_step_sign_in_asks_for_the_code_it_e_mailed(mail_parley, relay):
    made = mail_parley.http("POST", f"/2010-04-01/Accounts/{mail_parley.admin_sid}/Users.json", data={"Email": "careful@example.com"})
    assert made.status_code == 201, made.text
    assert wait_for(lambda: relay.received("careful@example.com"), 20)
    link = re.search(r"(http\S+/console/password/\w+)", relay.received("careful@example.com")[0]["message"].get_content()).group(1)
    browser = start_browser()
    try:
        browser.get(link)
        fill(browser, "set-password", {"Password": "Careful-pass-123", "Confirm": "Careful-pass-123"})
        browser.get(mail_parley.base_url + "/console/profile")
        assert text_of(browser, "#two-step-state").startswith("Off")
        fill(browser, "two-step-form", {})
        assert text_of(browser, "#two-step-state").startswith("On")
        browser.find_element(By.ID, "logout").click()

        # The password alone now opens only the page asking for the code.
        sign_in_form(browser, mail_parley.base_url, "careful@example.com", "Careful-pass-123")
        assert "/console/login/code" in browser.current_url
        browser.get(mail_parley.base_url + "/console/dashboard")
        assert "/console/login/code" in browser.current_url
        assert wait_for(lambda: len(relay.received("careful@example.com")) == 2, 20), mail_parley.logs()[-2000:]
        code = re.search(r"\b(\d{6})\b", relay.received("careful@example.com")[1]["message"].get_content()).group(1)
        fill(browser, "code", {"Code": "000000" if code != "000000" else "111111"})
        assert text_of(browser, "#code-error") == "That code is not the one we sent."
        fill(browser, "code", {"Code": code})
        assert "/console/dashboard" in browser.current_url and "careful@example.com" in text_of(browser, "header")
    finally:
        browser.quit()
