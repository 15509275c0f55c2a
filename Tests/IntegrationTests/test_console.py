"""The console in a real browser (headless Chromium through selenium): signing in and out,
applications and Clients made through its forms, a SIPp call watched live in the logs down to
its recording played in the page, a baresip registration appearing live; and its defences:
CSRF, other accounts' objects, session fixation, passwords kept out of pages and logs."""
import re
import subprocess

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions

from browser import fill, screenshot, sign_in, start_browser, submit, text_of, wait
from conftest import make_parley
from rcml_calls import bind, sipp
from sip_peers import start_baresip, stop, wait_for
from webhook_server import webhook

ADMIN_EMAIL = "ops@example.com"
ADMIN_PASSWORD = "Quiet-harbour-42"


@pytest.fixture(scope="module")
def console():
    server = make_parley()
    server.env["PARLEY_ADMIN_EMAIL"] = ADMIN_EMAIL
    server.env["PARLEY_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    server.start()
    yield server
    assert server.stop() == 0, "parley did not shut down cleanly on SIGTERM"


@pytest.fixture
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


def cli(parley, *arguments):
    """`parley ARGUMENTS --data-dir …` on the running server's data directory."""
    result = subprocess.run([parley.binary, *arguments, "--data-dir", parley.data_dir], capture_output=True, text=True, timeout=60,
                            env=parley.env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def new_account(parley, name):
    """A top-level account made by the operator's CLI: (AccountSid, AuthToken)."""
    output = cli(parley, "accounts", "create", "--friendly-name", name)
    return re.search(r"AccountSid: (AC\w+)", output).group(1), re.search(r"AuthToken:\s+(\w+)", output).group(1)


def invite(parley, account, email, role="member"):
    """A console user made by the CLI: their set-password link."""
    output = cli(parley, "users", "create", "--account", account, "--email", email, "--role", role, "--public-url", parley.base_url)
    return re.search(r"(http\S+/console/password/\w+)", output).group(1)


def session_cookie(driver):
    return driver.get_cookie("parley_session")["value"]


def test_a_new_user_sets_a_password_from_the_link_signs_in_and_out(console, browser):
    account, _ = new_account(console, "Link test")
    link = invite(console, account, "newcomer@example.com")
    browser.get(link)
    screenshot(browser, "password")
    # The browser itself holds back a password under ten characters; Parley refuses two that differ.
    fill(browser, "set-password", {"Password": "short", "Confirm": "short"}, navigates=False)
    assert browser.execute_script("return document.getElementById('f-Password').validity.tooShort")
    fill(browser, "set-password", {"Password": "Long-enough-pass-1", "Confirm": "Long-enough-pass-2"})
    assert text_of(browser, ".error") == "The two passwords differ"
    fill(browser, "set-password", {"Password": "Long-enough-pass-1", "Confirm": "Long-enough-pass-1"})
    wait(browser, expected_conditions.url_contains("/console/dashboard"))
    assert "Link test" in text_of(browser, "header") and "newcomer@example.com" in text_of(browser, "header")
    screenshot(browser, "dashboard")
    # The link works once.
    assert requests.get(link, timeout=10).status_code == 404

    # Signed out, the session's cookie opens nothing any more.
    cookie = session_cookie(browser)
    browser.find_element(By.ID, "logout").click()
    wait(browser, expected_conditions.url_contains("/console/login"))
    screenshot(browser, "login")
    replay = requests.get(console.base_url + "/console/dashboard", cookies={"parley_session": cookie}, allow_redirects=False, timeout=10)
    assert replay.status_code == 302 and replay.headers["Location"] == "/console/login"

    # A wrong password is refused without saying whether the address exists.
    fill(browser, "login", {"Email": "newcomer@example.com", "Password": "Wrong-pass-123"})
    wrong = text_of(browser, "#login-error")
    fill(browser, "login", {"Email": "nobody@example.com", "Password": "Wrong-pass-123"})
    assert text_of(browser, "#login-error") == wrong == "Wrong e-mail address or password."
    sign_in(browser, console.base_url, "newcomer@example.com", "Long-enough-pass-1")


def test_an_application_made_in_the_console_answers_a_call_watched_live_to_its_recording(console, browser):
    sign_in(browser, console.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    browser.get(console.base_url + "/console/applications/new")
    # A refused form keeps what was typed and shows the API's message beside the field.
    fill(browser, "application-form", {"FriendlyName": "Front desk", "VoiceUrl": "front desk"})
    assert "is not an absolute http(s) URL" in text_of(browser, ".field.invalid .error")
    assert browser.find_element(By.NAME, "FriendlyName").get_attribute("value") == "Front desk"
    screenshot(browser, "application-refused")
    # After the recording, a <Play> of a missing file ends the call and leaves a notification.
    missing = webhook().url("/status/404")
    url = webhook().serve("/console/record", '<Response><Record action="/console/recorded" timeout="3" maxLength="20"/></Response>')
    webhook().serve("/console/recorded", f"<Response><Play>{missing}</Play><Say>Thank you.</Say><Hangup/></Response>")
    fill(browser, "application-form", {"VoiceUrl": url})
    wait(browser, expected_conditions.url_contains("saved=1"))
    application_sid = re.search(r"/applications/(AP\w+)", browser.current_url).group(1)

    # The number manager: a fixed number needs the address-in-zone confirmation (the browser
    # asks for the box; without it Parley says what the API says), a mobile one does not.
    browser.get(console.base_url + "/console/numbers")
    fill(browser, "number-search", {"Type": "FIXED", "AreaCode": "02"})
    first = browser.find_element(By.CSS_SELECTOR, "#number-results form")
    assert first.find_element(By.NAME, "AddressInZoneConfirmed").get_attribute("required") is not None
    browser.execute_script("arguments[0].noValidate = true", first)
    submit(browser, first.find_element(By.TAG_NAME, "button"))
    assert "Belgian law requires a personal or business address in the zone" in text_of(browser, "#numbers-problem")
    screenshot(browser, "numbers-refused")
    fill(browser, "number-search", {"Type": "MOBILE", "Contains": "460206105"})
    [result] = browser.find_elements(By.CSS_SELECTOR, "#number-results li")
    assert result.get_attribute("data-available") == "+32460206105"
    submit(browser, result.find_element(By.TAG_NAME, "button"))
    wait(browser, expected_conditions.url_contains("reserved=1"))
    fill(browser, "number-form", {"VoiceApplicationSid": application_sid})
    wait(browser, expected_conditions.url_contains("saved=1"))
    browser.get(console.base_url + "/console/numbers")
    assert "Application: Front desk" in text_of(browser, "tr[data-number='+32460206105']")
    screenshot(browser, "numbers")
    [number] = console.client().incoming_phone_numbers.list(phone_number="+32460206105")
    assert number.voice_application_sid == application_sid
    browser.get(console.base_url + "/console/applications")
    assert "+32460206105" in text_of(browser, f"tr[data-sid='{application_sid}']")

    browser.get(console.base_url + "/console/calls")
    caller = sipp(console, "uac_speaks_g711a.xml", number="+32460206105", background=True)
    try:
        # The call appears while it is in progress, without a reload, then turns completed.
        row = wait(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "tbody[data-live] tr[data-status='in-progress']")))
        assert "+32460206105" in row.text
        screenshot(browser, "calls-live")
        wait(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "tbody[data-live] tr[data-status='completed']")), timeout=40)
    finally:
        assert caller.wait(timeout=60) == 0, caller.stderr.read()[-2000:]
    call_sid = browser.find_element(By.CSS_SELECTOR, "tbody[data-live] tr[data-status='completed']").get_attribute("data-sid")
    browser.find_element(By.CSS_SELECTOR, f"tr[data-sid='{call_sid}'] a").click()
    wait(browser, expected_conditions.presence_of_element_located((By.ID, "timeline")))
    timeline = text_of(browser, "#timeline")
    assert "Answered" in timeline and "Recording RE" in timeline and "Ended: completed" in timeline, timeline
    assert "11200" in timeline and missing in timeline, timeline
    # Its recording plays in the page.
    audio = wait(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".recordings audio")))
    browser.execute_script("arguments[0].play()", audio)
    wait(browser, lambda driver: driver.execute_script("return arguments[0].currentTime", audio) > 0.5)
    assert browser.execute_script("return arguments[0].duration", audio) > 5
    screenshot(browser, "call")

    # The logs beside the calls: the recording (playable there too), the warning with its call.
    browser.get(console.base_url + "/console/recordings")
    recording_row = text_of(browser, "#recordings tbody tr")
    assert call_sid in recording_row and "RecordVerb" in recording_row
    assert browser.find_elements(By.CSS_SELECTOR, "#recordings audio")
    browser.get(console.base_url + "/console/notifications")
    warning = browser.find_element(By.CSS_SELECTOR, "#notifications tbody tr")
    assert "11200" in warning.text and missing in warning.text and call_sid in warning.text
    screenshot(browser, "notifications")
    # A message sent through the API from the number (no SMSC here: it waits, queued), its text shown as text.
    console.client().messages.create(to="+32470123456", from_="+32460206105", body="Hello <b>there</b>")
    browser.get(console.base_url + "/console/messages")
    message_row = text_of(browser, "#messages tbody tr")
    assert "Hello <b>there</b>" in message_row and "+32470123456" in message_row and "queued" in message_row
    assert not browser.find_elements(By.CSS_SELECTOR, "#messages b")
    screenshot(browser, "messages")

    # Released, the number says when it leaves its freeze, and the API no longer lists it.
    browser.get(console.base_url + "/console/numbers")
    browser.find_element(By.CSS_SELECTOR, "tr[data-number='+32460206105'] a").click()
    browser.execute_script("window.confirm = () => true")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.danger button"))
    wait(browser, expected_conditions.url_contains("Released="))
    assert re.search(r"Released \+32460206105\. It stays frozen until \d{4}-\d\d-\d\d", text_of(browser, "#numbers-notice"))
    assert console.client().incoming_phone_numbers.list(phone_number="+32460206105") == []


def test_a_client_made_in_the_console_shows_its_registration_live(console, browser):
    sign_in(browser, console.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    browser.get(console.base_url + "/console/clients")
    fill(browser, "client-form", {"Login": "12345", "Password": ""})
    assert "looks like a telephone number" in text_of(browser, ".field.invalid .error")
    fill(browser, "client-form", {"Login": "reception", "FriendlyName": "Reception desk"})
    password = text_of(browser, "#generated-password")
    assert len(password) >= 20
    client_sid = re.search(r"(CL\w{32})", browser.page_source).group(1)
    browser.get(console.base_url + "/console/clients")
    cell = f"tr[data-client='{client_sid}'] [data-registration]"
    assert text_of(browser, cell) == "Not registered"
    phone, log = start_baresip(console, "reception", password)
    try:
        wait(browser, lambda driver: text_of(driver, cell).startswith("Registered"), timeout=20)
        assert "UDP" in text_of(browser, cell) and "baresip" in text_of(browser, cell)
        screenshot(browser, "clients-registered")
    finally:
        stop(phone)
    # Disabled in the console, its registration ends at once.
    browser.get(console.base_url + f"/console/clients/{client_sid}")
    fill(browser, "client-form", {"Status": "0"})
    wait(browser, expected_conditions.url_contains("saved=1"))
    assert text_of(browser, "[data-registration]") == "Not registered"


def test_forms_without_the_session_token_and_other_accounts_objects_are_refused(console, browser):
    other, token = new_account(console, "Neighbour")
    theirs = requests.post(f"{console.base_url}/2010-04-01/Accounts/{other}/Applications.json", auth=(other, token),
                           data={"FriendlyName": "Private"}, timeout=10).json()["sid"]
    # Session fixation: a session cookie planted before sign-in is never the one used after it.
    browser.get(console.base_url + "/console/login")
    browser.add_cookie({"name": "parley_session", "value": "planted" * 8, "path": "/console"})
    sign_in(browser, console.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    cookie = session_cookie(browser)
    assert cookie != "planted" * 8 and len(cookie) == 64
    jar = {"parley_session": cookie}

    # Another account's application is not reachable by URL, in the browser or otherwise.
    browser.get(console.base_url + f"/console/applications/{theirs}")
    assert "Not found" in text_of(browser, "h1")
    assert requests.post(f"{console.base_url}/console/applications/{theirs}/delete", cookies=jar, timeout=10,
                         data={"csrf": browser.find_element(By.TAG_NAME, "body").get_attribute("data-csrf") or ""}).status_code in (403, 404)
    assert requests.get(f"{console.base_url}/2010-04-01/Accounts/{other}/Applications/{theirs}.json", auth=(other, token), timeout=10).status_code == 200

    # A form without the session's CSRF token changes nothing.
    before = len(console.client().applications.list())
    forged = requests.post(console.base_url + "/console/applications", cookies=jar, data={"FriendlyName": "Forged"}, timeout=10,
                           allow_redirects=False)
    assert forged.status_code == 403 and len(console.client().applications.list()) == before
    forged = requests.post(console.base_url + "/console/applications", cookies=jar, data={"FriendlyName": "Forged", "csrf": "0" * 32},
                           timeout=10, allow_redirects=False)
    assert forged.status_code == 403 and len(console.client().applications.list()) == before
    # The sign-in form too: without its cookie's twin it is refused before any password check.
    assert requests.post(console.base_url + "/console/login", data={"Email": ADMIN_EMAIL, "Password": ADMIN_PASSWORD}, timeout=10,
                         allow_redirects=False).status_code == 403

    # The session cookie is HttpOnly and SameSite; the pages may not be framed.
    signed = requests.Session()
    page = signed.get(console.base_url + "/console/login", timeout=10)
    csrf = re.search(r'name="csrf" value="(\w+)"', page.text).group(1)
    answer = signed.post(console.base_url + "/console/login", data={"Email": ADMIN_EMAIL, "Password": ADMIN_PASSWORD, "csrf": csrf},
                         allow_redirects=False, timeout=10)
    set_cookie = answer.headers["Set-Cookie"]
    assert "parley_session=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/console" in set_cookie
    assert "frame-ancestors 'none'" in signed.get(console.base_url + "/console/dashboard", timeout=10).headers["Content-Security-Policy"]

    # Passwords appear in no page and no log line.
    for path in ("/console/dashboard", "/console/clients", "/console/applications", "/console/calls"):
        browser.get(console.base_url + path)
        assert ADMIN_PASSWORD not in browser.page_source
    assert ADMIN_PASSWORD not in console.logs() and "Long-enough-pass-1" not in console.logs()


def test_sessions_expire_and_sign_in_attempts_are_throttled_per_source(fresh_parley):
    parley = fresh_parley()
    parley.env["PARLEY_ADMIN_EMAIL"] = ADMIN_EMAIL
    parley.env["PARLEY_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    parley.start()
    session = requests.Session()

    def attempt(password):
        csrf = re.search(r'name="csrf" value="(\w+)"', session.get(parley.base_url + "/console/login", timeout=10).text).group(1)
        return session.post(parley.base_url + "/console/login", data={"Email": ADMIN_EMAIL, "Password": password, "csrf": csrf},
                            allow_redirects=False, timeout=30).status_code

    # A session lasts 12 hours by the server's clock.
    assert attempt(ADMIN_PASSWORD) == 303
    assert session.get(parley.base_url + "/console/dashboard", allow_redirects=False, timeout=10).status_code == 200
    parley.advance_clock(11 * 3600)
    assert session.get(parley.base_url + "/console/dashboard", allow_redirects=False, timeout=10).status_code == 200
    parley.advance_clock(2 * 3600)
    expired = session.get(parley.base_url + "/console/dashboard", allow_redirects=False, timeout=10)
    assert expired.status_code == 302 and expired.headers["Location"] == "/console/login"

    statuses = [attempt(f"Guess-{i}-pass") for i in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429, statuses
    assert attempt(ADMIN_PASSWORD) == 429  # even the right password, until the window passes
    assert "console sign-in attempts throttled" in parley.logs()


def bearer_status(parley, token):
    return requests.get(parley.base_url + "/cpaas-mgmt/1.0.0/phonenumbers", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code


def confirm_and_submit(browser, selector):
    """Clicks a button whose form asks for confirmation, saying yes."""
    browser.execute_script("window.confirm = () => true")
    submit(browser, browser.find_element(By.CSS_SELECTOR, selector))


def test_tokens_and_key_pairs_made_and_revoked_in_the_console_open_and_then_close_the_api(console, browser):
    account, token = new_account(console, "Tokens")
    link = invite(console, account, "keys@example.com", role="admin")
    browser.get(link)
    fill(browser, "set-password", {"Password": "Keys-admin-pass-1", "Confirm": "Keys-admin-pass-1"})
    browser.get(console.base_url + "/console/credentials")
    assert text_of(browser, "#account-sid") == account

    # A permanent token: shown once, accepted by the API, refused once revoked.
    fill(browser, "token-form", {"FriendlyName": "CI pipeline"})
    permanent = text_of(browser, "#new-token")
    assert bearer_status(console, permanent) == 200
    screenshot(browser, "credentials")
    browser.get(console.base_url + "/console/credentials")
    assert permanent not in browser.page_source and "CI pipeline" in text_of(browser, "#tokens")
    confirm_and_submit(browser, "#tokens tr[data-token] button")
    assert bearer_status(console, permanent) == 401

    # A key pair: its secret buys access tokens until the pair is revoked.
    fill(browser, "key-form", {"FriendlyName": "Number bot"})
    secret = text_of(browser, "#new-client-secret")
    client_id = browser.find_element(By.CSS_SELECTOR, "#keys tr[data-key]").get_attribute("data-key")
    granted = requests.post(console.base_url + "/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10)
    assert granted.status_code == 200, granted.text
    access = granted.json()["access_token"]
    assert bearer_status(console, access) == 200
    confirm_and_submit(browser, "#keys tr[data-key] button")
    assert bearer_status(console, access) == 401
    assert requests.post(console.base_url + "/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret),
                         timeout=10).status_code in (400, 401)

    # The AuthToken rotated: the old one stops working, the new one works.
    assert requests.get(f"{console.base_url}/2010-04-01/Accounts/{account}.json", auth=(account, token), timeout=10).status_code == 200
    confirm_and_submit(browser, "#rotate-auth-token")
    rotated = text_of(browser, "#new-auth-token")
    assert requests.get(f"{console.base_url}/2010-04-01/Accounts/{account}.json", auth=(account, token), timeout=10).status_code == 401
    assert requests.get(f"{console.base_url}/2010-04-01/Accounts/{account}.json", auth=(account, rotated), timeout=10).status_code == 200


def test_settings_rename_make_sub_accounts_and_invite_users_whom_members_cannot_reach(console, browser):
    account, token = new_account(console, "Settings")
    browser.get(invite(console, account, "owner@example.com", role="admin"))
    fill(browser, "set-password", {"Password": "Owner-pass-123", "Confirm": "Owner-pass-123"})
    browser.get(console.base_url + "/console/settings")
    fill(browser, "name-form", {"FriendlyName": "Settings renamed"})
    assert "Settings renamed" in text_of(browser, "header")

    fill(browser, "subaccount-form", {"FriendlyName": "Branch office"})
    sub_token = text_of(browser, "#new-subaccount-token")
    sub_sid = re.search(r"(AC\w{32})", text_of(browser, ".notice")).group(1)
    assert requests.get(f"{console.base_url}/2010-04-01/Accounts/{sub_sid}.json", auth=(sub_sid, sub_token), timeout=10).status_code == 200
    # The switcher shows the sub-account's pages.
    switcher = browser.find_element(By.ID, "account-switcher")
    switcher.find_element(By.CSS_SELECTOR, f"option[value='{sub_sid}']").click()
    wait(browser, expected_conditions.url_contains("/console/dashboard"))
    assert browser.find_element(By.CSS_SELECTOR, "#account-switcher option:checked").text == "Branch office"
    browser.find_element(By.ID, "account-switcher").find_element(By.CSS_SELECTOR, f"option[value='{account}']").click()
    wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, "#account-switcher option:checked").text == "Settings renamed")

    # A user invited without a mail relay: the link is shown once, and it works.
    browser.get(console.base_url + "/console/settings")
    fill(browser, "user-form", {"Email": "not an address"}, navigates=False)
    fill(browser, "user-form", {"Email": "member@example.com"})
    link = text_of(browser, "#new-user-link")
    screenshot(browser, "settings")
    member = start_browser()
    try:
        member.get(link)
        fill(member, "set-password", {"Password": "Member-pass-123", "Confirm": "Member-pass-123"})
        # A member sees no credentials or settings, not even by URL.
        assert "API credentials" not in text_of(member, "header nav")
        member.get(console.base_url + "/console/credentials")
        assert "Admins only" in text_of(member, "h1")
        member.get(console.base_url + "/console/settings")
        assert "Admins only" in text_of(member, "h1")
    finally:
        member.quit()
    browser.get(console.base_url + "/console/settings")
    assert "member@example.com" in text_of(browser, "#users")

    # The same through the REST API, with the account's own credentials.
    api = f"{console.base_url}/2010-04-01/Accounts/{account}/Users.json"
    made = requests.post(api, auth=(account, token), data={"Email": "api-made@example.com", "Role": "admin"}, timeout=30)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["role"] == "admin" and body["password_set"] is False and "/console/password/" in body["password_link"]
    assert requests.post(api, auth=(account, token), data={"Email": "api-made@example.com"}, timeout=30).status_code == 409
    assert requests.post(api, auth=(account, token), data={"Email": "x", "Role": "owner"}, timeout=30).json()["message"].startswith(
        "Invalid parameter Role")
    emails = [user["email"] for user in requests.get(api, auth=(account, token), timeout=10).json()["users"]]
    assert emails == ["api-made@example.com", "member@example.com", "owner@example.com"]
    gone = requests.delete(f"{console.base_url}/2010-04-01/Accounts/{account}/Users/{body['sid']}.json", auth=(account, token), timeout=10)
    assert gone.status_code == 204
    assert requests.get(body["password_link"], timeout=10).status_code == 404


def test_every_page_fits_a_phone_and_answers_the_keyboard(console):
    phone = start_browser(phone=True)
    try:
        sign_in(phone, console.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        for section in ("dashboard", "numbers", "applications", "applications/new", "clients", "calls", "messages", "recordings",
                        "notifications", "credentials", "settings", "profile"):
            phone.get(f"{console.base_url}/console/{section}")
            assert phone.find_element(By.TAG_NAME, "h1").text, section
            assert phone.execute_script("return window.innerWidth") == 390
            overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (section, overflow)
            # Every field has a label that names it.
            unlabelled = phone.execute_script(
                "return [...document.querySelectorAll('input:not([type=hidden]), select')]"
                ".filter(f => !(f.labels && f.labels.length)).map(f => f.name)")
            assert unlabelled == [], (section, unlabelled)
            screenshot(phone, f"phone-{section.replace('/', '-')}")
        # The skip link is the first stop of the keyboard and leads to the page's content.
        phone.get(console.base_url + "/console/calls")
        phone.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert phone.switch_to.active_element.get_attribute("class") == "skip"
    finally:
        phone.quit()
