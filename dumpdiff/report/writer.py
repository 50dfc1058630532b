"""Write outputs: to stdout, or atomically to a file (never a half-written report)."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any, TextIO

from dumpdiff.errors import InputError
from dumpdiff.redact.secrets import mask_secrets


class _MaskingStream:
    """A text stream that masks secret material in every write (whole documents are written
    in one call by every command, so a secret is never split across writes)."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(mask_secrets(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def mask_streams() -> None:
    """Mask secrets in everything written to stdout and stderr from now on."""
    if not isinstance(sys.stdout, _MaskingStream):
        sys.stdout = _MaskingStream(sys.stdout)
    if not isinstance(sys.stderr, _MaskingStream):
        sys.stderr = _MaskingStream(sys.stderr)


def emit(text: str, path: str | None) -> None:
    """Print `text`, or write it to `path` through a temporary file and a rename; secret
    material (private keys, bearer tokens, JWTs) is masked either way."""
    text = mask_secrets(text)
    if not path or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".dumpdiff-", dir=directory)
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
