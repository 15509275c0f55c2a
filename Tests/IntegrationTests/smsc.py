"""The SMSC of the tests: Fixtures/smsc/smsc.pl, Net::SMPP (Debian libnet-smpp-perl) in server
mode. It logs every PDU as JSON lines; a test reads what it received and tells it, on its
control port, to send a message from a mobile."""
import json
import os
import socket
import subprocess
import tempfile

from conftest import free_port
from sip_peers import FIXTURES

SCRIPT = os.path.join(FIXTURES, "../smsc/smsc.pl")


class SMSC:
    def __init__(self, system_id="parley", password="secret"):
        self.port = free_port()
        self.control_port = free_port()
        self.log_path = tempfile.mktemp(prefix="parley-smsc-", suffix=".log")
        self.system_id = system_id
        self.password = password
        self.process = None

    def start(self, *options):
        self.process = subprocess.Popen(
            ["perl", SCRIPT, "--port", str(self.port), "--control-port", str(self.control_port), "--log", self.log_path,
             "--system-id", self.system_id, "--password", self.password, *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening"), line + self.process.stderr.read()
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def parley_args(self):
        return ("--smpp", f"127.0.0.1:{self.port}", "--smpp-system-id", self.system_id, "--smpp-password", self.password)

    def events(self, kind=None):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as handle:
            entries = [json.loads(line) for line in handle if line.strip()]
        return [entry for entry in entries if kind is None or entry["event"] == kind]

    def accepted(self, destination=None):
        """The submit_sm PDUs it accepted (status 0), to `destination` (digits without +)."""
        return [entry for entry in self.events("submit_sm")
                if entry["status"] == 0 and (destination is None or entry["destination"] == destination)]

    def send_from_mobile(self, source, destination, text=None, payload=None, esm_class=0, data_coding=0):
        """A deliver_sm from a mobile, with `text` or the bytes `payload` as its short message;
        returns Parley's answer: "ok" or "status N"."""
        request = {"from": source, "to": destination, "esm_class": esm_class, "data_coding": data_coding}
        request.update({"text": text} if payload is None else {"hex": payload.hex()})
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as connection:
            connection.sendall((json.dumps(request) + "\n").encode())
            return connection.makefile().readline().strip()
