"""Running the real SIP peers (SIPp, baresip) against Parley, plus a minimal raw SIP sender for
the malformed and edge-case messages no well-behaved user agent would send."""
import hashlib
import math
import os
import re
import secrets
import socket
import struct
import subprocess
import tempfile
import time
import wave

from conftest import CARRIER_HOST, free_port

FIXTURES = os.path.join(os.path.dirname(__file__), "../../Fixtures/sipp")


def run_sipp(parley, scenario, users, transport="u1", calls=None, rate=None, extra=(), timeout=60, background=False):
    """Runs a SIPp scenario of Fixtures/sipp with an injection file of (login, password) rows.
    Returns the completed process (exit code 0 means every call succeeded)."""
    csv = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    csv.write("SEQUENTIAL\n")
    for login, password in users:
        csv.write(f"{login};[authentication username={login} password={password}]\n")
    csv.close()
    command = ["sipp", f"127.0.0.1:{parley.sip_port}", "-sf", os.path.join(FIXTURES, scenario),
               "-inf", csv.name, "-m", str(calls or len(users)), "-t", transport, "-i", "127.0.0.1",
               "-p", str(free_port()), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error",
               "-trace_err", "-error_file", csv.name + ".errors", *extra]
    if rate:
        command += ["-r", str(rate)]
    if background:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout + 30)


def create_client(parley, login, password, **extra):
    response = parley.http("POST", f"/2010-04-01/Accounts/{parley.admin_sid}/Clients.json",
                           data={"Login": login, "Password": password, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def registrations(parley, client_sid):
    path = f"/2010-04-01/Accounts/{parley.admin_sid}/Clients/{client_sid}/Registrations.json"
    return parley.http("GET", path).json()["registrations"]


# Where the tests' softphones live: on loopback, but not at the carrier's address
# (CARRIER_HOST), whose every call Parley routes as a PSTN call.
SOFTPHONE_ADDRESS = "127.0.0.1"


class RawSIP:
    """A UDP socket on `host` that sends hand-written SIP and reads one response; by default
    on the carrier's address, as a PSTN caller."""

    def __init__(self, parley, timeout=2, host=CARRIER_HOST):
        self.parley = parley
        self.host = host
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(timeout)
        self.port = self.sock.getsockname()[1]

    def send(self, text: str):
        self.sock.sendto(text.replace("\n", "\r\n").encode(), ("127.0.0.1", self.parley.sip_port))

    def receive(self):
        data, _ = self.sock.recvfrom(65535)
        head = data.decode().split("\r\n\r\n")[0].split("\r\n")
        status = int(head[0].split(" ")[1]) if head[0].startswith("SIP/2.0 ") else 0  # 0: a request
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        return status, head[0], headers

    def request(self, text):
        self.send(text)
        return self.receive()

    def register(self, login, expires=600, authorization=None, contact=None, call_id=None, cseq=1, extra=""):
        branch = "z9hG4bK" + secrets.token_hex(6)
        contact = contact or f"<sip:{login}@127.0.0.1:{self.port}>"
        auth = f"Authorization: {authorization}\n" if authorization else ""
        return self.request(
            f"REGISTER sip:127.0.0.1:{self.parley.sip_port} SIP/2.0\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport\n"
            f"From: <sip:{login}@127.0.0.1>;tag=t{secrets.token_hex(3)}\n"
            f"To: <sip:{login}@127.0.0.1>\n"
            f"Call-ID: {call_id or secrets.token_hex(8)}\n"
            f"CSeq: {cseq} REGISTER\n"
            f"Contact: {contact}\n"
            f"Expires: {expires}\n"
            f"{auth}{extra}Max-Forwards: 70\nContent-Length: 0\n\n")


def challenge_fields(header):
    return dict(re.findall(r'(\w+)="?([^",]+)"?', header))


def digest(login, password, realm, nonce, uri, algorithm="MD5", nc=1, method="REGISTER"):
    """An RFC 7616 Authorization header value, computed independently with hashlib."""
    h = (lambda text: hashlib.md5(text.encode()).hexdigest()) if algorithm == "MD5" else (lambda text: hashlib.sha256(text.encode()).hexdigest())
    cnonce = secrets.token_hex(8)
    ncv = f"{nc:08x}"
    response = h(f"{h(f'{login}:{realm}:{password}')}:{nonce}:{ncv}:{cnonce}:auth:{h(f'{method}:{uri}')}")
    return (f'Digest username="{login}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm={algorithm}, qop=auth, nc={ncv}, cnonce="{cnonce}"')


def start_baresip(parley, login, password, regint=600, commands=(), answermode="manual", sip_trace=False, transport="udp",
                  mediaenc=None, codecs=("g711",), dump_dir=None, tone_hz=440, launcher=(), local_address=SOFTPHONE_ADDRESS,
                  registrar=None, cafile=None, certificate=None, sip_port=None):
    """baresip registering as a Client (and running `commands`, e.g. a dial, once it is
    ready; answering calls itself with answermode="auto"; writing every SIP message to its
    log with sip_trace; offering the codec modules `codecs`; with dump_dir, writing what it
    decodes and encodes there as WAV, through its sndfile module; sending a tone of tone_hz,
    or silence for 0; run through `launcher`, e.g. in a network namespace, on `local_address`,
    registering at `registrar` (host:port, Parley's SIP port on loopback by default), trusting
    the CA in `cafile` for TLS and listening for TLS, on the port above its SIP port, with
    `certificate` (certificate and key in one PEM file); listening on `sip_port`, a free one by
    default); returns (process, log path). baresip also binds the port above its SIP port (TLS); when another program holds
    it, it starts again on another port."""
    for _ in range(5):
        process, log_path = _baresip_once(parley, login, password, regint, commands, answermode, sip_trace, transport, mediaenc,
                                          codecs, dump_dir, tone_hz, launcher, local_address,
                                          registrar or f"127.0.0.1:{parley.sip_port}", cafile, certificate, sip_port)
        time.sleep(0.5)
        if "Address already in use" not in open(log_path).read():
            return process, log_path
        process.kill()
        process.wait()
    return process, log_path


def _baresip_once(parley, login, password, regint, commands, answermode, sip_trace, transport, mediaenc, codecs, dump_dir, tone_hz,
                  launcher, local_address, registrar, cafile, certificate, sip_port):
    config_dir = tempfile.mkdtemp(prefix="baresip-")
    port = sip_port or free_port()
    source = os.path.join(config_dir, "tone.wav")
    # baresip's aufile source must have the codec's rate and channels: 8 kHz mono for G.711, 48 kHz stereo for Opus.
    rate, channels = (48000, 2) if "opus" in codecs else (8000, 1)
    with wave.open(source, "wb") as tone:  # 30 s of the tone
        tone.setnchannels(channels)
        tone.setsampwidth(2)
        tone.setframerate(rate)
        tone.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * tone_hz * i / rate))) * channels for i in range(rate * 30)))
    with open(os.path.join(config_dir, "config"), "w") as config:
        config.write(f"poll_method epoll\nsip_listen {local_address}:{port}\nsip_transports {transport}\n"
                     f"net_interface {local_address}\n"  # its SDP names this address, not the machine's default one
                     + (f"sip_cafile {cafile}\n" if cafile else "")
                     + (f"sip_certificate {certificate}\n" if certificate else "")
                     + "module_path /usr/lib/baresip/modules\n" + "".join(f"module {codec}.so\n" for codec in codecs) +
                     "module aufile.so\nmodule_app account.so\nmodule_app menu.so\n"
                     + ("module srtp.so\n" if mediaenc else "")
                     + (f"module sndfile.so\nsnd_path {dump_dir}\n" if dump_dir else "") +
                     f"audio_player aufile,{os.path.join(config_dir, 'received.wav')}\n"
                     f"audio_source aufile,{source}\n")
    with open(os.path.join(config_dir, "accounts"), "w") as accounts:
        accounts.write(f"<sip:{login}@{registrar};transport={transport}>;auth_pass={password};regint={regint}"
                       f";answermode={answermode}" + (f";mediaenc={mediaenc}" if mediaenc else "") + "\n")
    log_path = os.path.join(config_dir, "baresip.log")
    extra = [arg for command in commands for arg in ("-e", command)]
    trace = ["-s"] if sip_trace else []
    process = subprocess.Popen([*launcher, "baresip", "-f", config_dir, *trace, *extra], stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    return process, log_path


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def stop(*processes):
    """Ends each process that was started (None for one that was not) and waits for it."""
    for process in processes:
        if process:
            process.terminate()
            process.wait(timeout=10)


def baresip_sip_port(log_path):
    """The SIP port a baresip started by `start_baresip` listens on (its TLS port is the next)."""
    config = open(os.path.join(os.path.dirname(log_path), "config")).read()
    return int(re.search(r"^sip_listen\s+\S+:(\d+)$", config, re.MULTILINE).group(1))
