"""`make install` into a staging DESTDIR: the binary with its version and commit, the default
number pool found from any working directory (and a clear warning and error without one),
the docs, and a hardened systemd unit that `systemd-analyze verify` accepts."""
import os
import re
import shutil
import stat
import subprocess

import pytest

from conftest import PARLEY_BIN

ROOT = os.path.join(os.path.dirname(__file__), "../..")


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    destdir = str(tmp_path_factory.mktemp("destdir"))
    result = subprocess.run(["make", "--no-print-directory", "install", f"BIN={PARLEY_BIN}", f"DESTDIR={destdir}", "PREFIX=/usr/local"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return destdir


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_make_install_stages_the_binary_pool_docs_unit_and_settings(staged):
    assert mode(f"{staged}/usr/local/bin/parley") == 0o755
    assert os.path.getsize(f"{staged}/usr/local/share/parley/number-pool.json") > 0
    assert os.path.exists(f"{staged}/usr/local/share/doc/parley/docs/operations.md")
    assert mode(f"{staged}/etc/default/parley") == 0o600  # it may hold the trunk's password
    with open(f"{staged}/usr/lib/sysusers.d/parley.conf") as handle:
        assert re.search(r"^u parley - .* /var/lib/parley$", handle.read(), re.M)
    with open(f"{staged}/etc/systemd/system/parley.service") as handle:
        unit = handle.read()
    for line in ("User=parley", "ExecStart=/usr/local/bin/parley serve --data-dir /var/lib/parley", "StateDirectory=parley",
                 "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/parley",
                 "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                 "EnvironmentFile=-/etc/default/parley"):
        assert re.search(rf"^{re.escape(line)}$", unit, re.M), line
    version = subprocess.run([f"{staged}/usr/local/bin/parley", "--version"], capture_output=True, text=True, timeout=30)
    assert re.fullmatch(r"Parley \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(\+changes)?\)\n", version.stdout), version.stdout
    # Built from a clean checkout (as in CI), the binary names the checkout's commit.
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    if commit.returncode == 0 and "+changes" not in version.stdout:
        assert commit.stdout.strip() in version.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (Debian's systemd package)")
def test_systemd_analyze_verifies_the_unit(staged, tmp_path):
    # verify checks that ExecStart's program exists: point it at the staged binary.
    with open(f"{staged}/etc/systemd/system/parley.service") as handle:
        unit = handle.read().replace("/usr/local/bin/parley", f"{staged}/usr/local/bin/parley")
    (tmp_path / "parley.service").write_text(unit)
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "parley.service")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr
    broken = unit.replace("ProtectSystem=strict", "ProtectSystem=sometimes")
    (tmp_path / "broken.service").write_text(broken)
    rejected = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "broken.service")], capture_output=True, text=True, timeout=60)
    assert "protect system value" in rejected.stderr  # the check can fail


def test_the_installed_binary_finds_its_pool_from_any_directory(staged, fresh_parley, tmp_path):
    server = fresh_parley()
    server.binary, server.number_pool, server.cwd = f"{staged}/usr/local/bin/parley", None, str(tmp_path)
    server.start()
    assert re.search(r"file=\S*/usr/local/bin/\.\./share/parley/number-pool\.json|file=\S*/usr/local/share/parley/number-pool\.json",
                     server.logs()), server.logs()
    found = server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/AvailablePhoneNumbers/BE/Mobile.json")
    assert found.status_code == 200 and found.json()["available_phone_numbers"]
    assert server.stop() == 0


def test_without_a_pool_the_start_warns_and_searches_say_why(fresh_parley, tmp_path):
    lonely = tmp_path / "bin" / "parley"
    lonely.parent.mkdir()
    shutil.copy(PARLEY_BIN, lonely)
    server = fresh_parley()
    server.binary, server.number_pool, server.cwd = str(lonely), None, str(tmp_path)
    server.start()
    assert "no number pool: number searches and reservations will fail" in server.logs()
    refused = server.http("GET", f"/2010-04-01/Accounts/{server.admin_sid}/AvailablePhoneNumbers/BE/Mobile.json")
    assert refused.status_code == 503 and "--number-pool" in refused.json()["message"]
    assert server.stop() == 0
