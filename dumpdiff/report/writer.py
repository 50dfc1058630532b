"""Write outputs: to stdout, or atomically to a file (never a half-written report)."""

from __future__ import annotations

import os
import sys
import tempfile

from dumpdiff.errors import InputError


def emit(text: str, path: str | None) -> None:
    """Print `text`, or write it to `path` through a temporary file and a rename."""
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
