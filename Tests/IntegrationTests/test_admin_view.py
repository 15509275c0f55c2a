"""The operator's view across tenants: live calls and registrations through the admin-only REST
routes and the CLI (`parley calls list --live`, `parley registrations list`), with SIPp
softphones registered in two accounts and a SIPp caller held in a sub-account."""
import subprocess

from conftest import PARLEY_BIN
from rcml_calls import sipp
from sip_peers import run_sipp, wait_for
from webhook_server import webhook


def cli(server, *args):
    return subprocess.run([PARLEY_BIN, *args, "--data-dir", server.data_dir], capture_output=True, text=True, timeout=60, env=server.env)


def test_administrators_see_live_calls_and_registrations_of_every_tenant(fresh_parley):
    server = fresh_parley().start()
    sub = server.http("POST", "/2010-04-01/Accounts.json", data={"FriendlyName": "tenant"}).json()
    tenant_auth = (sub["sid"], sub["auth_token"])
    for owner, auth, login in ((server.admin_sid, None, "opdesk"), (sub["sid"], tenant_auth, "tenantdesk")):
        created = server.http("POST", f"/2010-04-01/Accounts/{owner}/Clients.json", auth=auth,
                              data={"Login": login, "Password": "Desk-pass-1"})
        assert created.status_code == 201, created.text
    assert run_sipp(server, "register_digest.xml", [("opdesk", "Desk-pass-1"), ("tenantdesk", "Desk-pass-1")]).returncode == 0

    registrations = server.http("GET", "/2010-04-01/Admin/Registrations.json").json()["registrations"]
    assert {(r["account_sid"], r["login"]) for r in registrations} == {(server.admin_sid, "opdesk"), (sub["sid"], "tenantdesk")}
    assert server.http("GET", "/2010-04-01/Admin/Registrations.json", auth=tenant_auth).status_code == 403
    listed = cli(server, "registrations", "list", "--url", server.base_url)
    assert listed.returncode == 0, listed.stderr
    assert sorted(line.split()[1] for line in listed.stdout.splitlines()) == ["login=opdesk", "login=tenantdesk"]

    number = "+32476206111"
    tenant = server.client(*tenant_auth)
    tenant.incoming_phone_numbers.create(phone_number=number, voice_url=webhook().url("/rcml"))  # answers and holds
    caller = sipp(server, "uac_parley_hangs_up.xml", number=number, background=True)
    try:
        assert wait_for(lambda: [c["status"] for c in server.http("GET", "/2010-04-01/Admin/Calls.json").json()["calls"]] == ["in-progress"])
        [live] = server.http("GET", "/2010-04-01/Admin/Calls.json").json()["calls"]
        assert live["account_sid"] == sub["sid"] and live["to"] == number
        assert server.http("GET", "/2010-04-01/Admin/Calls.json", auth=tenant_auth).status_code == 403
        shown = cli(server, "calls", "list", "--live")
        assert shown.returncode == 0 and shown.stdout.split()[:4] == [live["sid"], sub["sid"], "inbound", "in-progress"], shown.stdout
        tenant.calls(live["sid"]).update(status="completed")
        assert caller.wait(timeout=30) == 0
    finally:
        if caller.poll() is None:
            caller.kill()
    assert cli(server, "calls", "list", "--live").stdout == ""
    assert live["sid"] in cli(server, "calls", "list").stdout
    assert server.stop() == 0
