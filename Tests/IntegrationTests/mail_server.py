"""The mail relay of the tests: aiosmtpd (PyPI) with STARTTLS (a certificate from the tests' own
CA) and AUTH required after it. It keeps every message it accepts, and answers by recipient:
`later…@` gets 451 (try again) on its first try, `nobody@` gets 550 (no such user)."""
import email
import email.policy
import ssl
import tempfile
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from certificates import make_certificates
from conftest import free_port


class MailServer:
    def __init__(self, login="parley", password="secret-mail"):
        self.port = free_port()
        self.login, self.password = login, password
        self.ca, certificate, key = make_certificates(tempfile.mkdtemp(prefix="parley-smtp-"), ["127.0.0.1"])
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(certificate, key)
        self.messages = []
        self.refused_once = set()
        self.lock = threading.Lock()
        self.controller = None

    def start(self):
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope, address, options):
                if address.startswith("nobody@"):
                    return "550 5.1.1 no such user"
                if address.startswith("later") and address not in server.refused_once:
                    server.refused_once.add(address)
                    return "451 4.3.0 try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                with server.lock:
                    server.messages.append({
                        "from": envelope.mail_from, "to": list(envelope.rcpt_tos), "tls": session.ssl is not None,
                        "authenticated": session.authenticated, "login": session.auth_data, "message": email.message_from_bytes(envelope.content, policy=email.policy.default)})
                return "250 2.0.0 queued as test"

        def authenticate(smtp, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == server.login and data.password.decode() == server.password
            return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, tls_context=self.tls, require_starttls=True,
            authenticator=authenticate, auth_required=True, auth_require_tls=True)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def received(self, recipient=None):
        with self.lock:
            return [m for m in self.messages if recipient is None or recipient in m["to"]]

    def parley_args(self):
        return ("--smtp", f"127.0.0.1:{self.port}", "--smtp-username", self.login, "--smtp-password", self.password,
                "--tls-ca-file", self.ca, "--email-from", "noreply@parley.example")
