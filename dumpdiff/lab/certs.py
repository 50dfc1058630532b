"""Workload certificates for the SDS secrets `default` and `ROOTCA`.

A real sidecar gets both from the Istio agent over SDS; without them Envoy keeps every
cluster with Istio's mTLS transport socket warming forever. The lab serves them from files:

- ROOTCA is the fixed, public certificate below (its key was thrown away), so it is the same
  in every dump, as the mesh root is for every pod;
- `default` is a fresh self-signed key and certificate per proxy, made with the `openssl`
  command at run time (no key is ever stored in the repository). Like a real workload
  certificate it differs from pod to pod and from run to run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT_CERT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBhTCCASqgAwIBAgIBATAKBggqhkjOPQQDAjAYMRYwFAYDVQQKDA1jbHVzdGVy
LmxvY2FsMCAXDTI2MTEyNjAzNDE1NloYDzIxMjYxMTAyMDM0MTU2WjAYMRYwFAYD
VQQKDA1jbHVzdGVyLmxvY2FsMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsyof
rDAL8OMpwT5NEq08DKVJY0qi++48N4T+869WCyEO88AQ6kcXsAtTWxvtHBCOxa4c
/howDbyBjYzcwEEunqNjMGEwHQYDVR0OBBYEFIAescIQyuVvr1KhuGbS+zz08mcK
MB8GA1UdIwQYMBaAFIAescIQyuVvr1KhuGbS+zz08mcKMA8GA1UdEwEB/wQFMAMB
Af8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0kAMEYCIQDeI+dA+Tdj5Nql
KJ6RjOP8/41Vi1TCPLb3fBzT7ajiiAIhAMpXiMoC5FVq1zx6LauOm4GdczmoX8pF
rJpGdVSSKrUV
-----END CERTIFICATE-----
"""


def find_openssl() -> str | None:
    """The `openssl` command, if installed."""
    return shutil.which("openssl")


def write_workload_certs(cert_dir: Path, spiffe_id: str) -> None:
    """Write cert-chain.pem, key.pem and root-cert.pem for one proxy into `cert_dir`."""
    openssl = find_openssl()
    if not openssl:
        raise RuntimeError("the openssl command is needed to make workload certificates")
    cert_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            openssl, "req", "-x509", "-nodes",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(cert_dir / "key.pem"),
            "-out", str(cert_dir / "cert-chain.pem"),
            "-days", "1",  # Istio's default workload certificate lifetime is 24h
            "-subj", "/O=cluster.local",
            "-addext", f"subjectAltName=URI:{spiffe_id}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (cert_dir / "root-cert.pem").write_text(ROOT_CERT_PEM)
