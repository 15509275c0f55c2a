"""Starting a release `parley serve` for the load scripts, and reading SIPp's summary."""
import base64
import os
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BINARY = os.path.join(HERE, "../../.build/release/parley")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ParleyProcess:
    """A Parley with a fresh data directory and known administrator credentials; stops itself
    when the `with` block ends."""

    def __init__(self, binary, *extra):
        self.data_dir = tempfile.mkdtemp(prefix="parley-load-")
        self.http_port, self.sip_port = free_port(), free_port()
        self.sid, self.token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
        env = {**os.environ, "PARLEY_ADMIN_SID": self.sid, "PARLEY_ADMIN_TOKEN": self.token}
        self.process = subprocess.Popen(
            [binary, "serve", "--data-dir", self.data_dir, "--http-host", "127.0.0.1", "--http-port", str(self.http_port),
             "--sip-host", "127.0.0.1", "--sip-port", str(self.sip_port), "--log-level", "warning", *extra],
            env=env, stdout=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.http_port}"
        for _ in range(100):
            try:
                if urllib.request.urlopen(self.base + "/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.1)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait(timeout=10)

    def post(self, path, form):
        """POSTs a form under /2010-04-01/Accounts/{admin}/ and returns the status."""
        data = "&".join(f"{k}={urllib.request.quote(str(v))}" for k, v in form.items()).encode()
        request = urllib.request.Request(f"{self.base}/2010-04-01/Accounts/{self.sid}/{path}", data=data, method="POST")
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode())
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()


def sipp_counts(output):
    """(successful, failed) calls from SIPp's final statistics screen."""
    ok = failed = 0
    for line in output.splitlines():
        if line.strip().startswith("Successful call"):
            ok = int(line.split("|")[2].split()[0])
        if line.strip().startswith("Failed call"):
            failed = int(line.split("|")[2].split()[0])
    return ok, failed
