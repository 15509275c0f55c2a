"""Starting a release `parley serve` for the load scripts, and reading SIPp's summary."""
import atexit
import base64
import os
import re
import shutil
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
    """A Parley with a fresh data directory and known administrator credentials, taking PSTN
    calls from SIPp on loopback (an explicit trunk source); stops itself when the `with` block
    ends."""

    def __init__(self, binary, *extra):
        self.data_dir = tempfile.mkdtemp(prefix="parley-load-")
        self.http_port, self.sip_port = free_port(), free_port()
        self.sid, self.token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
        env = {**os.environ, "PARLEY_ADMIN_SID": self.sid, "PARLEY_ADMIN_TOKEN": self.token}
        self.process = subprocess.Popen(
            [binary, "serve", "--data-dir", self.data_dir, "--http-host", "127.0.0.1", "--http-port", str(self.http_port),
             "--sip-host", "127.0.0.1", "--sip-port", str(self.sip_port), "--trunk-source", "127.0.0.1",
             # One account takes the whole load: its per-account limits are lifted. The web
             # server and SIPp are on loopback, which tenants may not reach by default.
             "--max-concurrent-calls", "1000000", "--max-calls-per-second", "1000000",
             "--webhook-allow-cidr", "127.0.0.1", "--sip-allow-cidr", "127.0.0.0/8",
             "--log-level", "warning", *extra],
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


def rising_rates(rates, seconds, sipp_command, unit, settle=0.0):
    """Runs SIPp at each rate in turn (`sipp_command(rate, total)` gives its arguments), prints
    a row per step and stops at the first step that failed a call or fell more than 10% behind
    its time (`settle` seconds, e.g. the last call's hold, are not counted). Returns the highest
    rate achieved by a step that held."""
    print(f"{'rate/s':>8} {'sent':>7} {'ok':>7} {'failed':>7} {'seconds':>8} {'achieved/s':>11}")
    best = 0
    for rate in rates:
        total = rate * seconds
        started = time.time()
        result = subprocess.run(sipp_command(rate, total), capture_output=True, text=True)
        elapsed = time.time() - started - settle
        ok, failed = sipp_counts(result.stdout)
        print(f"{rate:>8} {total:>7} {ok:>7} {failed:>7} {elapsed:>8.1f} {ok / elapsed:>11.0f}", flush=True)
        if failed or ok != total or elapsed > seconds * 1.1:
            break
        best = max(best, ok / elapsed)
    print(f"highest sustained rate with zero failures: {best:.0f} {unit} per second")
    return best


class RCMLServer:
    """A local web server answering every request with one RCML document, for the load
    scripts: nginx when it is installed (one worker, as fast web servers answer), otherwise
    threads of Python's http.server. Stops with the script."""

    def __init__(self, document, others=None):
        """`document` answers /rcml; `others` maps further paths to their documents."""
        self.documents = {"/rcml": document, **(others or {})}
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if nginx:
            self._start_nginx(nginx, document)
        else:
            self._start_python(document)

    def url_of(self, path):
        return self.url.rsplit("/", 1)[0] + path

    def _start_nginx(self, nginx, document):
        directory = tempfile.mkdtemp(prefix="parley-nginx-")
        port = free_port()
        with open(os.path.join(directory, "nginx.conf"), "w") as config:
            config.write(f"daemon off; worker_processes 1; pid {directory}/nginx.pid; error_log {directory}/error.log;\n"
                         "events { worker_connections 4096; }\n"
                         f"http {{ access_log off; client_body_temp_path {directory}; server {{ listen 127.0.0.1:{port};\n"
                         + "".join(f"  location = {path} {{ default_type text/xml; return 200 '{body}'; }}\n"
                                   for path, body in self.documents.items() if path != "/rcml")
                         + f"  location / {{ default_type text/xml; return 200 '{document}'; }} }} }}\n")
        self.process = subprocess.Popen([nginx, "-p", directory, "-c", os.path.join(directory, "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(self.process.terminate)
        time.sleep(0.3)
        self.url = f"http://127.0.0.1:{port}/rcml"
        self.kind = "nginx"

    def _start_python(self, document):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        documents, default = self.documents, document

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                payload = documents.get(self.path.split("?")[0], default).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/rcml"
        self.kind = "python http.server"


class ProbeCall:
    """A caller on plain sockets for the load scripts' measurements: INVITE with an A-law offer
    (and telephone-event if asked), the 200 OK (its time, its To header and Parley's RTP port
    kept), ACK and BYE. Its RTP socket is `rtp`."""

    def __init__(self, sip_port, number, caller="0470999999", telephone_events=False, timeout=5):
        self.sip_port, self.number = sip_port, number
        self.sip, self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.rtp.bind(("127.0.0.1", 0))
        self.sip.settimeout(timeout)
        self.rtp.settimeout(timeout)
        self.port, media = self.sip.getsockname()[1], self.rtp.getsockname()[1]
        self.call_id, self.from_header = secrets.token_hex(8), f"From: <sip:{caller}@127.0.0.1>;tag={secrets.token_hex(4)}\r\n"
        formats = "8 101" if telephone_events else "8"
        sdp = (f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {media} RTP/AVP {formats}\r\n"
               "a=rtpmap:8 PCMA/8000\r\n" + ("a=rtpmap:101 telephone-event/8000\r\n" if telephone_events else ""))
        self.started = time.monotonic()
        self._send("INVITE", 1, f"To: <sip:{number}@127.0.0.1>\r\nContact: <sip:probe@127.0.0.1:{self.port}>\r\n"
                                f"Content-Type: application/sdp\r\n", sdp)

    def wait_for_answer(self):
        """Waits for the 200 OK (socket.timeout if none), then acknowledges it."""
        while True:
            message = self.sip.recv(65535).decode(errors="replace")
            if message.startswith("SIP/2.0 200"):
                self.answered = time.monotonic()
                self.to = next(line for line in message.split("\r\n") if line.lower().startswith("to:")) + "\r\n"
                self.parley_media = int(re.search(r"m=audio (\d+)", message).group(1))
                self._send("ACK", 1, self.to)
                return

    def hang_up(self):
        self._send("BYE", 2, self.to)

    def close(self):
        self.sip.close()
        self.rtp.close()

    def _send(self, method, cseq, headers, body=""):
        message = (f"{method} sip:{self.number}@127.0.0.1:{self.sip_port} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{secrets.token_hex(6)};rport\r\n"
                   f"{self.from_header}{headers}Call-ID: {self.call_id}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n{body}")
        self.sip.sendto(message.encode(), ("127.0.0.1", self.sip_port))
