"""The customer's web server in the tests: serves RCML to Parley over real HTTP on loopback and
records every request (method, path, headers, form) so tests can check what Parley sent.

Paths: /rcml answers a document that holds the call; /slow/<seconds> answers it after a
delay; /status/<code> answers that HTTP status; /notxml answers HTML; /badroot answers XML
whose root is not <Response>; any path given to `serve` answers its own document."""
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Answers (half a second of silence played) and holds the call for an hour.
HOLD = b'<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Play digits="w"/>\n  <Pause length="3600"/>\n</Response>\n'


class WebhookServer:
    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.requests = []
        self.documents = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_GET(self):
                self.respond()

            def do_POST(self):
                self.respond()

            def respond(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                parsed = urllib.parse.urlsplit(self.path)
                form = dict(urllib.parse.parse_qsl(body if self.command == "POST" else parsed.query, keep_blank_values=True))
                with server.lock:
                    server.requests.append({"method": self.command, "path": parsed.path, "query": parsed.query,
                                            "headers": dict(self.headers), "form": form})
                status, content_type, payload, extra_headers = 200, "text/xml", HOLD, {}
                with server.lock:
                    served = server.documents.get(parsed.path)
                if served is not None:
                    content_type, payload, extra_headers = served
                    if "ETag" in extra_headers and self.headers.get("If-None-Match") == extra_headers["ETag"]:
                        status, payload = 304, b""
                elif parsed.path == "/redirect":
                    status, payload = 302, b""
                    extra_headers = {"Location": urllib.parse.parse_qs(parsed.query)["to"][0]}
                elif parsed.path.startswith("/slow/"):
                    time.sleep(float(parsed.path.split("/")[2]))
                elif parsed.path.startswith("/status/"):
                    status, payload = int(parsed.path.split("/")[2]), b"<html>nope</html>"
                    content_type = "text/html"
                elif parsed.path == "/notxml":
                    content_type, payload = "text/html", b"<html><body>hello</body></html>"
                elif parsed.path == "/badroot":
                    payload = b"<Html><Say>hi</Say></Html>"
                self.send_response(status)
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path, body, content_type="text/xml", headers=None):
        """Answers `body` (an RCML document, or bytes such as a WAV file) at `path`, with
        `headers`; with an ETag among them, a request whose If-None-Match matches gets 304."""
        with self.lock:
            self.documents[path] = (content_type, body.encode() if isinstance(body, str) else body, dict(headers or {}))
        return self.url(path)

    def url(self, path="/rcml"):
        return f"http://{self.host}:{self.port}{path}"

    def received(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]


_server = None


def webhook():
    """The one webhook server of the test session, started on first use."""
    global _server
    if _server is None:
        _server = WebhookServer()
    return _server
