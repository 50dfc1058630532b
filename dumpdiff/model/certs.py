"""Reduce PEM certificates to what a person compares: fingerprint, serial, subject, validity.

A tiny DER reader, enough for X.509's TBSCertificate header, so that dumpdiff needs no
crypto dependency and never carries certificate bytes into its outputs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)
_CN = bytes.fromhex("550403")  # OID 2.5.4.3 commonName
_O = bytes.fromhex("55040a")  # OID 2.5.4.10 organizationName


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at `pos`."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, vs, ve = _tlv(data, start)
        out.append((tag, vs, ve))
        start = ve
    return out


def _time(data: bytes, tag: int, vs: int, ve: int) -> str:
    s = data[vs:ve].decode("ascii", "replace").rstrip("Z")
    if tag == 0x17:  # UTCTime: YYMMDDHHMMSS
        year = int(s[:2])
        s = f"{1900 + year if year >= 50 else 2000 + year}{s[2:]}"
    return f"{s[0:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z"


def _name(data: bytes, vs: int, ve: int) -> str:
    parts = []
    for _, s_vs, s_ve in _children(data, vs, ve):  # SET
        for _, a_vs, a_ve in _children(data, s_vs, s_ve):  # SEQUENCE {oid, value}
            kids = _children(data, a_vs, a_ve)
            if len(kids) == 2:
                oid = data[kids[0][1]:kids[0][2]]
                val = data[kids[1][1]:kids[1][2]].decode("utf-8", "replace")
                if oid == _O:
                    parts.append(f"O={val}")
                elif oid == _CN:
                    parts.append(f"CN={val}")
    return ",".join(parts)


def describe_der(der: bytes) -> dict[str, Any]:
    """Fingerprint, serial, issuer, subject and validity of one DER certificate."""
    info: dict[str, Any] = {"sha256": hashlib.sha256(der).hexdigest()}
    try:
        _, cvs, cve = _tlv(der, 0)
        _, tvs, tve = _children(der, cvs, cve)[0]
        fields = _children(der, tvs, tve)
        if fields and fields[0][0] == 0xA0:  # explicit [0] version
            fields = fields[1:]
        serial, _alg, issuer, validity, subject = fields[:5]
        info["serial"] = der[serial[1]:serial[2]].hex()
        info["issuer"] = _name(der, issuer[1], issuer[2])
        info["subject"] = _name(der, subject[1], subject[2])
        nb, na = _children(der, validity[1], validity[2])[:2]
        info["not_before"] = _time(der, *nb)
        info["not_after"] = _time(der, *na)
    except (IndexError, ValueError):
        info["unparsed"] = True
    return info


def describe_pem_bundle(inline_bytes_b64: str) -> list[dict[str, Any]] | None:
    """Describe every certificate in a base64-encoded PEM bundle (Envoy `inline_bytes`)."""
    try:
        pem = base64.b64decode(inline_bytes_b64, validate=False)
    except (binascii.Error, ValueError):
        return None
    certs = []
    for block in _PEM.findall(pem):
        try:
            der = base64.b64decode(b"".join(block.split()))
        except (binascii.Error, ValueError):
            continue
        certs.append(describe_der(der))
    return certs or None
