"""Starts the real `parley serve` binary on free loopback ports for the integration tests."""
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import pytest
import requests
from twilio.rest import Client

PARLEY_BIN = os.environ.get("PARLEY_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/parley"))
POOL_PATH = os.path.join(os.path.dirname(__file__), "../../Fixtures/number-pool.json")
SPEC_PATH = os.path.join(os.path.dirname(__file__), "../../Fixtures/twilio-openapi/twilio_api_v2010.json")


# Where the "carrier" lives on loopback: its gateway (a SIPp UAS) and the PSTN callers (SIPp
# UACs) bind this address, which Parley's --trunk names; softphones stay on 127.0.0.1, since
# Parley routes everything from the carrier's address as a PSTN call.
CARRIER_HOST = "127.0.0.3"


def free_port() -> int:
    """A loopback port free for both TCP and UDP (SIP listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


@dataclass
class Parley:
    """One running Parley process and what a test needs to talk to it."""
    data_dir: str
    port: int
    env: dict
    process: subprocess.Popen = None
    stdout: str = ""
    admin_sid: str = ""
    admin_token: str = ""
    log_path: str = field(default="")
    sip_port: int = field(default_factory=free_port)
    # /metrics (Prometheus), on loopback.
    metrics_port: int = field(default_factory=free_port)
    # Where the "carrier" (a SIPp UAS in the tests) listens: Parley's --trunk, on CARRIER_HOST.
    # Loopback is a trunk only because the tests say so; the carrier's callers come from any
    # port of that address.
    trunk_port: int = field(default_factory=free_port)
    http_host: str = "127.0.0.1"
    sip_host: str = "127.0.0.1"
    # A command prefix that runs Parley elsewhere, e.g. `ip netns exec NAME`.
    launcher: tuple = ()
    # The operator's allow-lists: the tests' peers (SIPp, baresip) and web server are on
    # loopback, which a default Parley never lets a tenant reach. The attack tests narrow this.
    peer_args: tuple = ("--sip-allow-cidr", "127.0.0.0/8", "--webhook-allow-cidr", "127.0.0.1")
    # The executable, its number pool (None: the one it finds itself) and working directory.
    binary: str = PARLEY_BIN
    number_pool: str = POOL_PATH
    cwd: str = None
    # With a certificate (HTTPS): the CA file that verifies it.
    ca: str = None
    tls_port: int = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.ca else 'http'}://{self.http_host}:{self.port}"

    def trunk_args(self):
        if "PARLEY_TRUNK" in self.env:
            return []
        return ["--trunk", f"sip:{CARRIER_HOST}:{self.trunk_port}"]

    def start(self, extra_args=("--test-clock",)):
        # Beside the data directory, not in it: Parley makes everything in there its own.
        self.log_path = f"{self.data_dir}-{time.time_ns()}.log"
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [*self.launcher, self.binary, "serve", "--data-dir", self.data_dir, "--http-host", self.http_host,
             "--http-port", str(self.port), "--sip-host", self.sip_host, "--sip-port", str(self.sip_port),
             "--metrics-port", str(self.metrics_port), *(["--number-pool", self.number_pool] if self.number_pool else []),
             *self.trunk_args(), *self.peer_args,
             # Calls a test leaves held are hung up 2 s after SIGTERM (a test of the drain gives its own).
             "--drain-timeout", "2", *extra_args],
            stdout=subprocess.PIPE, stderr=log, env=self.env, text=True, cwd=self.cwd)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"parley exited with {self.process.returncode}: {self.logs()}")
            try:
                if requests.get(self.base_url + "/health", timeout=1, verify=self.ca or True).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError("parley did not become healthy: " + self.logs())

    def logs(self) -> str:
        with open(self.log_path) as handle:
            return handle.read()

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.stdout += self.process.stdout.read()
        return self.process.returncode

    def metrics(self) -> dict:
        """A scrape of /metrics: {(name, frozenset of label pairs): value}, parsed by
        prometheus_client's own text parser."""
        from prometheus_client.parser import text_string_to_metric_families
        text = requests.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10).text
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(text) for sample in family.samples}

    def advance_clock(self, seconds: int):
        response = self.http("POST", "/test/clock", data={"AdvanceSeconds": seconds})
        assert response.status_code == 200, response.text

    def client(self, sid=None, token=None) -> Client:
        """The official twilio library, pointed at this Parley."""
        client = Client(sid or self.admin_sid, token or self.admin_token)
        client.api.base_url = self.base_url
        if self.ca:
            # Verified against the test CA only, whatever CA bundle the environment names.
            client.http_client.session.verify = self.ca
            client.http_client.session.trust_env = False
        return client

    def http(self, method, path, auth=None, **kwargs) -> requests.Response:
        auth = (self.admin_sid, self.admin_token) if auth is None else auth
        return requests.request(method, self.base_url + path, auth=auth or None, timeout=10, verify=self.ca or True, **kwargs)


def make_parley(env_credentials=True) -> Parley:
    data_dir = tempfile.mkdtemp(prefix="parley-it-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    parley = Parley(data_dir=data_dir, port=free_port(), env=env)
    if env_credentials:
        parley.admin_sid = "AC" + secrets.token_hex(16)
        parley.admin_token = secrets.token_hex(16)
        env["PARLEY_ADMIN_SID"] = parley.admin_sid
        env["PARLEY_ADMIN_TOKEN"] = parley.admin_token
    return parley


@pytest.fixture(scope="module")
def parley():
    server = make_parley().start()
    yield server
    assert server.stop() == 0, "parley did not shut down cleanly on SIGTERM"


@pytest.fixture(scope="module")
def mirror():
    """A second Parley, the far end of calls Parley dials over SIP: Parley refuses to dial
    itself, so a test that records what the dialled side hears binds that number here. It sits
    on the carrier's address (so Parley takes its calls as PSTN calls) and takes PSTN calls from
    all of loopback (Parley's and SIPp's)."""
    server = make_parley()
    server.env["PARLEY_TRUNK"] = ""
    server.sip_host = CARRIER_HOST
    server.start(extra_args=("--trunk-source", "127.0.0.0/8"))
    yield server
    assert server.stop() == 0, "the mirror did not shut down cleanly on SIGTERM"


@pytest.fixture
def fresh_parley():
    """A Parley of its own, for tests that restart, kill or throttle it."""
    created = []

    def factory(env_credentials=True):
        server = make_parley(env_credentials)
        created.append(server)
        return server

    yield factory
    for server in created:
        server.stop(signal.SIGKILL)


@pytest.fixture(scope="session")
def twilio_spec():
    with open(SPEC_PATH) as handle:
        return json.load(handle)
