"""Read one input (path, `-` for stdin, optionally gzip-compressed) into a parsed document.

This is the only place that opens files and decodes bytes; every failure becomes an
`InputError` that names the input and says what is wrong in one line.
"""

from __future__ import annotations

import os
import stat
import sys
import zlib
from dataclasses import dataclass
from typing import Any

import orjson
import yaml

from dumpdiff.errors import InputError

# Big meshes produce dumps of a few hundred MB; anything far beyond that is a mistake
# (/dev/zero, a disk image) and must fail fast instead of eating the machine's memory.
DEFAULT_MAX_BYTES = int(os.environ.get("DUMPDIFF_MAX_INPUT_MB", "2048")) * 1024 * 1024
_CHUNK = 1 << 20

_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class Document:
    """An input as read: where it came from, and its content parsed or as text."""

    source: str
    data: Any = None
    text: str | None = None  # set instead of `data` for line-oriented text formats
    syntax: str = "json"  # json | yaml | text


def read_bytes(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Return the raw bytes of `source` (a path or `-`), gunzipped, at most `max_bytes`."""
    if source == "-":
        raw = _read_capped(sys.stdin.buffer, source, max_bytes)
    else:
        try:
            st = os.stat(source)
        except FileNotFoundError:
            raise InputError(source, "no such file") from None
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
        if stat.S_ISDIR(st.st_mode):
            raise InputError(source, "is a directory, not a dump file")
        if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
            raise InputError(source, f"is {st.st_size // (1 << 20)} MiB, over the "
                             f"{max_bytes // (1 << 20)} MiB input limit (DUMPDIFF_MAX_INPUT_MB)")
        try:
            with open(source, "rb") as fh:
                raw = _read_capped(fh, source, max_bytes)
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, source, max_bytes)
    return raw


def _read_capped(fh: Any, source: str, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = fh.read(_CHUNK)
        if not parts and chunk[:2] != b"\x1f\x8b" and b"\x00" in chunk[:65536]:
            # Refuse binary input (a disk image, /dev/zero, a sparse file) at the first
            # chunk instead of reading gigabytes of it.
            raise InputError(source, "is binary data, not JSON or YAML")
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            raise InputError(source, f"exceeds the {max_bytes // (1 << 20)} MiB input limit "
                             "(DUMPDIFF_MAX_INPUT_MB)")
        parts.append(chunk)


def _gunzip(raw: bytes, source: str, max_bytes: int) -> bytes:
    # Decompress with a cap so that a gzip bomb fails instead of filling memory.
    dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = dec.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(source, f"corrupt gzip data: {exc}") from None
    if len(out) > max_bytes or dec.unconsumed_tail:
        raise InputError(source, f"expands past the {max_bytes // (1 << 20)} MiB input limit")
    if not dec.eof:
        raise InputError(source, "truncated gzip data")

    return out


def parse_bytes(source: str, raw: bytes) -> Document:
    """Parse raw bytes as JSON, YAML, or keep them as text for line formats."""
    head = raw[:4096].lstrip()
    if not head:
        raise InputError(source, "is empty")
    if b"\x00" in raw[:65536]:
        raise InputError(source, "is binary data, not JSON or YAML")
    if head[:1] in (b"{", b"["):
        try:
            return Document(source, data=orjson.loads(raw), syntax="json")
        except orjson.JSONDecodeError as exc:
            raise InputError(source, f"invalid JSON ({_json_reason(exc, raw)})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"is not UTF-8 text (byte {exc.start})") from None
    if _looks_like_text_table(text):
        return Document(source, text=text, syntax="text")
    try:
        # istioctl never writes anchors; an alias can expand a small file into a huge tree
        # (a "billion laughs"), so YAML with aliases is refused before it is built.
        if "*" in text and any(isinstance(ev, yaml.AliasEvent)
                               for ev in yaml.parse(text, Loader=_YamlLoader)):
            raise InputError(source, "YAML aliases (*anchor references) are not accepted in "
                                     "dumps")
        docs = [d for d in yaml.load_all(text, Loader=_YamlLoader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(source, f"neither JSON nor valid YAML{where}: {problem}") from None
    except RecursionError:
        raise InputError(source, "is nested too deeply to be a config dump") from None
    if not docs:
        raise InputError(source, "holds no document")
    if len(docs) == 1 and isinstance(docs[0], str):
        # A plain scalar: some text format we do not know.
        return Document(source, text=text, syntax="text")
    return Document(source, data=docs[0] if len(docs) == 1 else docs, syntax="yaml")


def _json_reason(exc: orjson.JSONDecodeError, raw: bytes) -> str:
    msg = str(exc.msg) if hasattr(exc, "msg") else str(exc)
    if "memory" in msg.lower():
        return "too large to parse in the memory available"
    pos = getattr(exc, "pos", None)
    if pos is not None and pos >= len(raw.rstrip()):
        return "truncated: the document ends early"
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "colno", None)
    where = f" at line {line}, column {col}" if line else ""
    return f"{msg}{where}"


def _looks_like_text_table(text: str) -> bool:
    """Envoy /clusters text and `istioctl proxy-status` tables are kept as text."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return False
    if lines[0].split()[:1] == ["NAME"] and ("CLUSTER" in lines[0] or "ISTIOD" in lines[0]):
        return True
    return sum("::" in ln and " " not in ln.strip() for ln in lines) >= max(1, len(lines) // 2)


def read_document(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse `source` (a path, `-`, or a `.gz`)."""
    return parse_bytes(source, read_bytes(source, max_bytes))
