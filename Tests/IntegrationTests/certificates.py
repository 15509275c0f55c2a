"""A test certificate authority and a server certificate signed by it, made with the openssl
command for the tests of SIP over TLS and HTTPS (P-256 keys, valid two days)."""
import os
import subprocess


def make_certificates(directory, addresses, names=("parley.test",)):
    """Writes ca.pem, server.pem and server.key into `directory`, the server certificate naming
    `addresses` and `names`; returns their paths (ca, certificate, key)."""
    os.makedirs(directory, exist_ok=True)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Parley test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *curve, "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={names[0]}")
    alternatives = ",".join([f"IP:{address}" for address in addresses] + [f"DNS:{name}" for name in names])
    with open(os.path.join(directory, "server.ext"), "w") as extensions:
        extensions.write(f"subjectAltName={alternatives}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
            "-days", "2", "-extfile", "server.ext")
    return tuple(os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key"))
