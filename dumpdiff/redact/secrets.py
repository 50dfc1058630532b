"""Secret material that must never leave dumpdiff: PEM private keys (also base64-encoded, as
Envoy's `inline_bytes` carry them), bearer tokens and JWTs."""

from __future__ import annotations

import re

_PEM_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)",
    re.S)
# base64 of "-----BEGIN PRIVATE KEY", "-----BEGIN RSA PRIVATE KEY", "-----BEGIN EC PRIVATE KEY",
# "-----BEGIN ENCRYPTED PRIVATE KEY", "-----BEGIN OPENSSH PRIVATE KEY" (the three phases of
# base64 alignment are covered by starting at the dashes, which is how PEM files start).
_B64_PEM_KEY = re.compile(
    r"LS0tLS1CRUdJTiB(?:QUklWQVRFIEtFW|SU0EgUFJJVkFURSBLRV|FQyBQUklWQVRFIEtFW|"
    r"FTkNSWVBURUQgUFJJVkFURSBLRV|PUEVOU1NIIFBSSVZBVEUgS0VZ)[A-Za-z0-9+/=]*")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{8,}=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")

PATTERNS = {"PEM private key": _PEM_KEY, "base64 PEM private key": _B64_PEM_KEY,
            "bearer token": _BEARER, "JWT": _JWT}
REDACTED = "[redacted]"


def find_secrets(text: str) -> list[str]:
    """The kinds of secret material present in `text` (empty when clean)."""
    return [kind for kind, rx in PATTERNS.items() if rx.search(text)]


def mask_secrets(text: str) -> str:
    """`text` with every secret replaced by `[redacted]`."""
    if "PRIVATE KEY" not in text and "LS0tLS1CRUdJTi" not in text and "eyJ" not in text \
            and "earer" not in text and "EARER" not in text:
        return text  # the common case: nothing to scan for
    for rx in PATTERNS.values():
        text = rx.sub(REDACTED, text)
    return text
