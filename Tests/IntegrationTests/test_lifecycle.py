"""The process: bootstrap, durability across kill -9, secrets at rest, the operator CLI,
graceful shutdown and login throttling."""
import os
import re
import signal
import stat
import subprocess

import requests

from conftest import PARLEY_BIN


def read_all_bytes(directory):
    content = b""
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not name.endswith(".log"):
            with open(path, "rb") as handle:
                content += handle.read()
    return content


def test_first_start_generates_admin_credentials_once(fresh_parley):
    server = fresh_parley(env_credentials=False).start()
    assert server.stop() == 0
    # Standard output is no terminal here: it names the account and the file, never the token.
    match = re.search(r"AccountSid: (AC[0-9a-f]{32})\s+AuthToken:\s+in (\S+) \(mode 0600\)", server.stdout)
    assert match, server.stdout
    path = os.path.join(server.data_dir, "admin-credentials")
    assert os.path.samefile(match[2], path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        saved = dict(line.split("=", 1) for line in handle.read().splitlines())
    assert saved["PARLEY_ADMIN_SID"] == match[1] and re.fullmatch(r"[0-9a-f]{32}", saved["PARLEY_ADMIN_TOKEN"])
    assert saved["PARLEY_ADMIN_TOKEN"] not in server.stdout + server.logs()
    # And a console admin to sign in with: its address is printed, its password only written.
    assert saved["PARLEY_ADMIN_EMAIL"] == "admin@localhost" and f"/console (e-mail admin@localhost)" in server.stdout
    assert len(saved["PARLEY_ADMIN_PASSWORD"]) >= 10 and saved["PARLEY_ADMIN_PASSWORD"] not in server.stdout + server.logs()
    server.admin_sid, server.admin_token = match[1], saved["PARLEY_ADMIN_TOKEN"]
    server.stdout = ""
    server.start()
    assert server.http("GET", f"/2010-04-01/Accounts/{match[1]}.json").status_code == 200
    console = requests.Session()
    csrf = re.search(r'name="csrf" value="(\w+)"', console.get(server.base_url + "/console/login", timeout=10).text).group(1)
    signed_in = console.post(server.base_url + "/console/login", timeout=30, allow_redirects=False,
                             data={"Email": "admin@localhost", "Password": saved["PARLEY_ADMIN_PASSWORD"], "csrf": csrf})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/console/dashboard", signed_in.text
    assert server.stop() == 0
    assert "AuthToken" not in server.stdout  # a later start keeps the accounts and prints nothing


def test_the_generated_token_is_shown_on_a_terminal(fresh_parley):
    import pty
    import select
    from conftest import POOL_PATH
    server = fresh_parley(env_credentials=False)
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [PARLEY_BIN, "serve", "--data-dir", server.data_dir, "--http-host", "127.0.0.1", "--http-port", str(server.port),
         "--sip-host", "127.0.0.1", "--sip-port", str(server.sip_port), "--number-pool", POOL_PATH],
        stdout=terminal, stderr=subprocess.DEVNULL, env=server.env)
    os.close(terminal)
    shown = b""
    try:
        while b"mode 0600)" not in shown:
            readable, _, _ = select.select([master], [], [], 30)
            assert readable, shown
            shown += os.read(master, 4096)
    finally:
        process.terminate()
        process.wait(timeout=15)
        os.close(master)
    with open(os.path.join(server.data_dir, "admin-credentials")) as handle:
        token = dict(line.split("=", 1) for line in handle.read().splitlines())["PARLEY_ADMIN_TOKEN"]
    assert re.search(rb"AuthToken:\s+" + token.encode(), shown), shown


def test_the_data_directory_is_made_private_at_every_start(fresh_parley):
    server = fresh_parley().start()
    assert server.stop() == 0
    os.chmod(server.data_dir, 0o755)
    os.chmod(os.path.join(server.data_dir, "parley.sqlite"), 0o644)
    os.chmod(os.path.join(server.data_dir, "token-seal.key"), 0o666)
    server.start()
    assert stat.S_IMODE(os.stat(server.data_dir).st_mode) == 0o700
    for name in os.listdir(server.data_dir):
        path = os.path.join(server.data_dir, name)
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, (name, oct(os.stat(path).st_mode))
    assert "restricted to its owner" in server.logs()
    assert server.stop() == 0


def test_credentials_from_the_environment_are_neither_printed_nor_written(fresh_parley):
    server = fresh_parley().start()
    assert server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}.json").status_code == 200
    assert server.stop() == 0
    assert server.admin_token not in server.stdout and server.admin_token not in server.logs()
    assert not os.path.exists(os.path.join(server.data_dir, "admin-credentials"))


def test_acknowledged_writes_survive_kill_9_and_no_secret_is_stored_in_clear(fresh_parley):
    server = fresh_parley().start()
    sub = server.http("POST", "/2010-04-01/Accounts.json", data={"FriendlyName": "durable"}).json()
    app = server.http("POST", f"/2010-04-01/Accounts/{server.admin_sid}/Applications.json", data={"FriendlyName": "survivor"})
    assert app.status_code == 201
    client = server.http("POST", f"/2010-04-01/Accounts/{server.admin_sid}/Clients.json", data={"Login": "kim", "Password": "Kim-Secret-99"})
    assert client.status_code == 201
    server.process.send_signal(signal.SIGKILL)  # right after the responses
    server.process.wait()

    stored = read_all_bytes(server.data_dir)
    for secret in (server.admin_token, sub["auth_token"], "Kim-Secret-99"):
        assert secret.encode() not in stored

    server.start()
    fetched = server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/Applications/{app.json()['sid']}.json")
    assert fetched.status_code == 200 and fetched.json()["friendly_name"] == "survivor"
    assert server.http("GET", f"/2010-04-01/Accounts/{sub['sid']}.json", auth=(sub["sid"], sub["auth_token"])).status_code == 200
    assert server.stop() == 0


def run_cli(server, *args):
    result = subprocess.run([PARLEY_BIN, "accounts", *args, "--data-dir", server.data_dir],
                            capture_output=True, text=True, timeout=60, env=server.env)
    return result


def test_operator_cli_lists_creates_and_rotates_tokens_on_a_running_server(fresh_parley):
    server = fresh_parley().start()
    created = run_cli(server, "create", "--friendly-name", "Customer One")
    assert created.returncode == 0, created.stderr
    sid, token = re.search(r"AccountSid: (AC[0-9a-f]{32})\s+AuthToken:\s+([0-9a-f]{32})", created.stdout).groups()
    assert server.http("GET", f"/2010-04-01/Accounts/{sid}.json", auth=(sid, token)).status_code == 200

    listing = run_cli(server, "list")
    assert sid in listing.stdout and server.admin_sid in listing.stdout and "Customer One" in listing.stdout

    rotated = run_cli(server, "rotate-token", sid)
    assert rotated.returncode == 0, rotated.stderr
    new_token = re.search(r"AuthToken:\s+([0-9a-f]{32})", rotated.stdout)[1]
    assert server.http("GET", f"/2010-04-01/Accounts/{sid}.json", auth=(sid, token)).status_code == 401
    assert server.http("GET", f"/2010-04-01/Accounts/{sid}.json", auth=(sid, new_token)).status_code == 200

    bad = run_cli(server, "rotate-token", "ACnope")
    assert bad.returncode != 0 and "AccountSid" in bad.stderr
    assert server.stop() == 0


def test_bad_configuration_is_refused_with_the_option_named(fresh_parley):
    server = fresh_parley()
    for args, option in ((["--rtp-ports", "30000-20000"], "--rtp-ports"),
                         (["--trunk", "http://x"], "--trunk"),
                         (["--log-level", "loud"], "--log-level"),
                     (["--verify-code-lifetime", "0"], "--verify-code-lifetime"),
                     (["--verify-rate", "many"], "--verify-rate")):
        result = subprocess.run([PARLEY_BIN, "serve", "--data-dir", server.data_dir, *args],
                                capture_output=True, text=True, timeout=60, env=server.env)
        assert result.returncode != 0
        assert option in result.stderr


def test_environment_variables_configure_and_flags_win(fresh_parley):
    server = fresh_parley()
    server.env["PARLEY_HTTP_PORT"] = "1"  # would fail to bind; the flag must win
    server.env["PARLEY_PUBLIC_URL"] = "http://parley.example.test:9999"
    server.env["PARLEY_TRUNK"] = "sip:127.0.0.1:5070"
    server.start()
    logs = server.logs()
    assert "public-url=http://parley.example.test:9999" in logs
    assert "trunk=sip:127.0.0.1:5070" in logs
    assert server.stop() == 0


def test_repeated_failed_logins_from_one_address_are_throttled(fresh_parley):
    server = fresh_parley().start()
    path = f"/2010-04-01/Accounts/{server.admin_sid}.json"
    statuses = [server.http("GET", path, auth=(server.admin_sid, f"guess-{i}")).status_code for i in range(25)]
    assert statuses[:20] == [401] * 20
    assert statuses[-1] == 429
    # Even the right token is refused from this address until the window passes.
    assert server.http("GET", path).status_code == 429
    assert "throttled" in server.logs()
    assert server.stop() == 0
