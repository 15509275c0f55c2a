"""`parley backup` while Parley runs under load (SIPp callers being recorded, REST writes),
then `parley restore` into an empty directory: everything acknowledged before the backup
began comes back (API resources, call records, recordings byte for byte), and auth tokens
sealed before the backup still open (the restored Parley signs a sub-account's webhook with
its token)."""
import os
import subprocess
import threading
import time

from twilio.request_validator import RequestValidator

from conftest import CARRIER_HOST, PARLEY_BIN, free_port
from rcml_calls import sipp
from sip_peers import FIXTURES, wait_for
from webhook_server import webhook


def cli(server, *args):
    return subprocess.run([PARLEY_BIN, *args, "--data-dir", server.data_dir], capture_output=True, text=True, timeout=120, env=server.env)


def test_a_backup_under_load_restores_everything_acknowledged_before_it(fresh_parley, tmp_path):
    server = fresh_parley().start()
    admin = server.client()
    sub = server.http("POST", "/2010-04-01/Accounts.json", data={"FriendlyName": "tenant"}).json()
    number, signed_number = "+32476206106", "+32476206107"
    record_url = webhook().serve("/backup/record", '<Response><Record timeout="0" playBeep="false"/></Response>')
    admin.incoming_phone_numbers.create(phone_number=number, voice_url=record_url)
    tenant = server.client(sub["sid"], sub["auth_token"])
    tenant.incoming_phone_numbers.create(phone_number=signed_number, voice_url=webhook().url("/backup/signed"))
    webhook().serve("/backup/signed", '<Response><Play digits="w"/><Hangup/></Response>')

    # Load: SIPp callers recorded one after another, and a REST client creating applications.
    callers = subprocess.Popen(
        ["sipp", f"127.0.0.1:{server.sip_port}", "-sf", os.path.join(FIXTURES, "uac_speaks_then_hangs_up.xml"), "-s", number,
         "-m", "6", "-l", "2", "-r", "1", "-i", CARRIER_HOST, "-p", str(free_port()), "-mp", str(free_port() & ~1),
         "-nostdin", "-timeout", "90s", "-timeout_error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    acknowledged, stop = [], threading.Event()

    def write_applications():
        index = 0
        while not stop.is_set():
            response = server.http("POST", f"/2010-04-01/Accounts/{server.admin_sid}/Applications.json", data={"FriendlyName": f"app {index}"})
            if response.status_code == 201:
                acknowledged.append((time.monotonic(), response.json()["sid"]))
            index += 1
    writer = threading.Thread(target=write_applications)
    writer.start()
    try:
        assert wait_for(lambda: len([c for c in admin.calls.list(to=number) if c.status == "completed"]) >= 2, timeout=60)
        began = time.monotonic()
        completed = [c.sid for c in admin.calls.list(to=number) if c.status == "completed"]
        recordings = {r.sid: r for r in admin.recordings.list() if r.status == "completed"}
        backup = cli(server, "backup", "--to", str(tmp_path / "backup"))
        assert backup.returncode == 0, backup.stderr
        assert callers.poll() is None  # the backup ran during the load
    finally:
        stop.set()
        writer.join()
        callers.wait(timeout=120)
    before = [sid for when, sid in acknowledged if when < began]
    assert len(before) > 5 and recordings
    media = {sid: server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/Recordings/{sid}.wav").content for sid in recordings}
    assert server.stop() == 0

    restored = fresh_parley()
    restored.admin_sid, restored.admin_token = server.admin_sid, server.admin_token
    restored.env.update({"PARLEY_ADMIN_SID": server.admin_sid, "PARLEY_ADMIN_TOKEN": server.admin_token})
    refused = cli(restored, "restore", "--from", str(tmp_path))  # not a backup
    assert refused.returncode != 0 and "holds no Parley backup" in refused.stderr
    result = cli(restored, "restore", "--from", str(tmp_path / "backup"))
    assert result.returncode == 0, result.stderr
    again = cli(restored, "restore", "--from", str(tmp_path / "backup"))
    assert again.returncode != 0 and "already holds a database" in again.stderr
    restored.trunk_port = server.trunk_port
    restored.start()
    try:
        client = restored.client()
        present = {app.sid for app in client.applications.list()}
        assert set(before) <= present
        assert set(completed) <= {c.sid for c in client.calls.list(to=number) if c.status == "completed"}
        for sid, original in media.items():
            copy = restored.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/Recordings/{sid}.wav")
            assert copy.status_code == 200 and copy.content == original, sid
        # The sub-account's token, sealed before the backup, still signs its webhooks.
        assert restored.http("GET", f"/2010-04-01/Accounts/{sub['sid']}.json", auth=(sub["sid"], sub["auth_token"])).status_code == 200
        signed_before = len(webhook().received("/backup/signed"))
        call = sipp(restored, "uac_parley_hangs_up.xml", number=signed_number)
        assert call.returncode == 0, call.stdout[-2000:]
        request = webhook().received("/backup/signed")[signed_before]
        assert RequestValidator(sub["auth_token"]).validate(webhook().url("/backup/signed"), request["form"],
                                                            request["headers"]["X-Twilio-Signature"])
    finally:
        assert restored.stop() == 0
