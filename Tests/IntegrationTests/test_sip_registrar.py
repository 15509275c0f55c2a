"""The SIP registrar with real peers: SIPp (digest via its [authentication] keyword, UDP and
TCP) and baresip registering as a Client; raw messages for the edge cases."""
import signal
import socket
import time

import pytest

from sip_peers import (RawSIP, challenge_fields, create_client, digest, registrations, run_sipp,
                       start_baresip, wait_for)


def test_sipp_registers_with_digest_over_udp_and_tcp(parley):
    client = create_client(parley, "sippuser", "Sipp-pass-1")
    udp = run_sipp(parley, "register_digest.xml", [("sippuser", "Sipp-pass-1")])
    assert udp.returncode == 0, udp.stderr
    bound = registrations(parley, client["sid"])
    assert [r["source"].split(":")[0] for r in bound] == ["udp"]
    assert bound[0]["user_agent"] == "SIPp register_digest" and 590 <= bound[0]["expires"] <= 600
    tcp = run_sipp(parley, "register_digest.xml", [("sippuser", "Sipp-pass-1")], transport="t1")
    assert tcp.returncode == 0, tcp.stderr
    assert sorted(r["source"].split(":")[0] for r in registrations(parley, client["sid"])) == ["tcp", "udp"]


def test_sipp_with_a_wrong_password_is_challenged_again_and_not_bound(parley):
    client = create_client(parley, "wrongpw", "Right-pass-1")
    result = run_sipp(parley, "register_wrong_password.xml", [("wrongpw", "Wrong-pass-1")])
    assert result.returncode == 0, result.stderr
    assert registrations(parley, client["sid"]) == []


def test_a_stale_nonce_gets_stale_true_and_sipp_recovers(parley):
    create_client(parley, "staleuser", "Stale-pass-1")
    sipp = run_sipp(parley, "register_stale.xml", [("staleuser", "Stale-pass-1")], background=True)
    time.sleep(0.8)  # SIPp holds the first nonce during its 2 s pause
    parley.advance_clock(400)
    _, errors = sipp.communicate(timeout=60)
    assert sipp.returncode == 0, errors


def test_unknown_logins_get_the_same_challenge_as_wrong_passwords(parley):
    create_client(parley, "known", "Known-pass-1")
    raw = RawSIP(parley)
    answers = []
    for login in ("known", "nobody-here"):
        status, _, headers = raw.register(login)
        fields = challenge_fields(headers["www-authenticate"][0])
        status, line, headers = raw.register(login, authorization=digest(login, "Guess-123", fields["realm"], fields["nonce"], f"sip:127.0.0.1:{parley.sip_port}"))
        answers.append((status, line, sorted(headers), challenge_fields(headers["www-authenticate"][0])["realm"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401


def test_binding_rules_expiry_several_contacts_and_unregister(parley):
    client = create_client(parley, "binder", "Binder-pass-1")
    raw = RawSIP(parley)
    uri = f"sip:127.0.0.1:{parley.sip_port}"
    nc = [0]

    def register(**kwargs):
        status, _, headers = raw.register("binder", **kwargs)
        assert status == 401
        fields = challenge_fields(headers["www-authenticate"][0])
        nc[0] = 1
        return raw.register("binder", authorization=digest("binder", "Binder-pass-1", fields["realm"], fields["nonce"], uri), **kwargs)

    status, _, headers = register(expires=30)
    assert status == 423 and headers["min-expires"] == ["60"]
    status, _, headers = register(expires=7200, contact="<sip:binder@127.0.0.1:6001>")
    assert status == 200 and headers["contact"] == ["<sip:binder@127.0.0.1:6001>;expires=3600"]
    status, _, headers = register(expires=600, contact="<sip:binder@127.0.0.1:6002>")
    assert status == 200 and len(headers["contact"]) == 2
    assert sorted(r["contact"] for r in registrations(parley, client["sid"])) == ["sip:binder@127.0.0.1:6001", "sip:binder@127.0.0.1:6002"]
    status, _, headers = register(expires=0, contact="<sip:binder@127.0.0.1:6001>")
    assert status == 200 and headers["contact"] == ["<sip:binder@127.0.0.1:6002>;expires=600"]
    status, _, headers = register(expires=0, contact="*")
    assert status == 200 and "contact" not in headers
    assert registrations(parley, client["sid"]) == []


def test_a_disabled_client_is_refused(parley):
    create_client(parley, "disabled", "Disabled-pass-1", Status="0")
    raw = RawSIP(parley)
    _, _, headers = raw.register("disabled")
    fields = challenge_fields(headers["www-authenticate"][0])
    status, line, _ = raw.register("disabled", authorization=digest("disabled", "Disabled-pass-1", fields["realm"], fields["nonce"], f"sip:127.0.0.1:{parley.sip_port}"))
    assert status == 403 and "Disabled" in line


def test_sha256_digest_and_nonce_count_replay(fresh_parley):
    server = fresh_parley().start(extra_args=("--test-clock", "--sip-digest-algorithms", "SHA-256,MD5"))
    create_client(server, "modern", "Modern-pass-1")
    raw = RawSIP(server)
    uri = f"sip:127.0.0.1:{server.sip_port}"
    status, _, headers = raw.register("modern")
    assert status == 401
    assert [challenge_fields(h)["algorithm"] for h in headers["www-authenticate"]] == ["SHA-256", "MD5"]
    nonce = challenge_fields(headers["www-authenticate"][0])["nonce"]
    first = digest("modern", "Modern-pass-1", "parley", nonce, uri, algorithm="SHA-256", nc=1)
    assert raw.register("modern", authorization=first)[0] == 200
    assert raw.register("modern", authorization=first)[0] == 401  # the same nonce-count again: a replay
    second = digest("modern", "Modern-pass-1", "parley", nonce, uri, algorithm="SHA-256", nc=2)
    assert raw.register("modern", authorization=second)[0] == 200
    assert raw.register("modern", authorization=digest("modern", "Modern-pass-1", "parley", nonce, uri, nc=3))[0] == 200
    server.stop()

    only = fresh_parley().start(extra_args=("--sip-digest-algorithms", "SHA-256"))
    create_client(only, "modern", "Modern-pass-1")
    raw = RawSIP(only)
    _, _, headers = raw.register("modern")
    nonce = challenge_fields(headers["www-authenticate"][0])["nonce"]
    status, line, _ = raw.register("modern", authorization=digest("modern", "Modern-pass-1", "parley", nonce, f"sip:127.0.0.1:{only.sip_port}", algorithm="MD5"))
    assert status == 400 and "algorithm" in line


def test_malformed_messages_are_refused_or_dropped_and_retransmissions_absorbed(parley):
    raw = RawSIP(parley)
    raw.sock.sendto(b"\x00\x01garbage that is not SIP", ("127.0.0.1", parley.sip_port))
    with pytest.raises(socket.timeout):
        raw.receive()
    base = (f"Via: SIP/2.0/UDP 127.0.0.1:{raw.port};branch=z9hG4bKx1;rport\nFrom: <sip:a@b>;tag=1\n"
            "To: <sip:c@d>\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n")
    status, line, _ = raw.request(f"OPTIONS sip:127.0.0.1 SIP/2.0\n{base}")
    assert status == 400 and "Call-ID" in line
    status, line, _ = raw.request(f"OPTIONS sip:127.0.0.1 SIP/2.0\nCall-ID: m1\nthis line has no colon\n{base}".replace("x1", "x2"))
    assert status == 400 and "colon" in line
    status, line, _ = raw.request(f"OPTIONS sip:127.0.0.1 SIP/2.0\nCall-ID: m2\nMax-Forwards: 0\n{base}".replace("x1", "x3"))
    assert status == 483
    options = f"OPTIONS sip:127.0.0.1 SIP/2.0\nCall-ID: m3\nMax-Forwards: 70\n{base}".replace("x1", "x4")
    status, _, headers = raw.request(options)
    assert status == 200 and "REGISTER" in headers["allow"][0]
    again = raw.request(options)
    assert again[2]["to"] == headers["to"]  # the retransmission got the same response, same To tag


def test_failing_sources_are_throttled_while_other_clients_still_register(fresh_parley):
    server = fresh_parley().start()
    create_client(server, "victim", "Victim-pass-1")
    attacker = RawSIP(server)
    attacker.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    attacker.sock.bind(("127.0.0.2", 0))
    attacker.sock.settimeout(2)
    attacker.port = attacker.sock.getsockname()[1]
    statuses = []
    for attempt in range(40):
        _, _, headers = attacker.register("victim")
        if "www-authenticate" not in headers:
            statuses.append(403)
            break
        fields = challenge_fields(headers["www-authenticate"][0])
        statuses.append(attacker.register("victim", authorization=digest("victim", f"guess-{attempt}", "parley", fields["nonce"], f"sip:127.0.0.1:{server.sip_port}"))[0])
    assert statuses[-1] == 403 and statuses.count(401) >= 29
    assert "throttled" in open(server.log_path).read()
    result = run_sipp(server, "register_digest.xml", [("victim", "Victim-pass-1")])
    assert result.returncode == 0, result.stderr


def test_baresip_registers_as_a_client_and_unregisters_on_exit(parley):
    client = create_client(parley, "softphone", "Softphone-pass-1")
    process, log = start_baresip(parley, "softphone", "Softphone-pass-1")
    try:
        assert wait_for(lambda: any("baresip" in (r["user_agent"] or "") for r in registrations(parley, client["sid"]))), open(log).read()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert wait_for(lambda: registrations(parley, client["sid"]) == [])
