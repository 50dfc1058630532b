"""`dumpdiff redact`: read inputs (dumps, folders, bundles), pseudonymize consistently,
refuse if any secret remains, then write the result atomically."""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import yaml

from dumpdiff.errors import InputError
from dumpdiff.redact.pseudonyms import Pseudonyms
from dumpdiff.redact.scrub import scrub
from dumpdiff.redact.secrets import find_secrets
from dumpdiff.redact.vocabulary import Vocabulary, collect, collect_manifest, collect_proxy_status
from dumpdiff.sources import detect as kinds
from dumpdiff.sources import snapshot_from_document
from dumpdiff.sources.archive import ARCHIVE_SUFFIXES, extract
from dumpdiff.sources.reader import Document, parse_bytes, read_bytes


@dataclass(slots=True)
class InputFile:
    """One file to redact: where it is, and its path relative to its input."""

    path: str
    rel: str
    doc: Document | None = None
    binary: bool = False


@dataclass(slots=True)
class RedactResult:
    """What was written and left out."""

    written: str
    files: int
    dropped: list[str] = field(default_factory=list)  # binary files not carried over
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)


def _files(src: str, stack: ExitStack) -> Iterator[tuple[str, str]]:
    if os.path.isfile(src) and src.lower().endswith(ARCHIVE_SUFFIXES):
        root = extract(src)
        stack.callback(shutil.rmtree, root, True)
    elif os.path.isdir(src):
        root = src
    elif os.path.isfile(src) or src == "-":
        yield src, os.path.basename(src) if src != "-" else "stdin.json"
        return
    else:
        raise InputError(src, "no such file or folder")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            yield path, os.path.relpath(path, root)


def _read(path: str, rel: str) -> InputFile:
    raw = read_bytes(path)
    f = InputFile(path, rel)
    try:
        f.doc = parse_bytes(path, raw)
    except InputError as exc:
        if "binary" in exc.problem or "UTF-8" in exc.problem:
            f.binary = True
        else:
            f.doc = Document(path, text=raw.decode("utf-8", "replace"), syntax="text")
    return f


def redact(inputs: list[str], out: str, keep_names: bool = False,
           mapping_out: str | None = None) -> RedactResult:
    """Redact `inputs` into `out` (a file, a folder, or a .tar.gz/.tgz archive)."""
    with ExitStack() as stack:
        files = [_read(p, rel) for src in inputs for p, rel in _files(src, stack)]
        vocab = Vocabulary()
        for f in files:
            _learn(f, vocab)
        names = Pseudonyms(keep_names=keep_names)
        names.build(vocab)
        staged: dict[str, bytes] = {}
        result = RedactResult(out, 0)
        for f in files:
            if f.binary or f.doc is None:
                result.dropped.append(f.rel)
                continue
            rel = "/".join(names.text(part) for part in Path(f.rel).parts)
            staged[rel] = _render(f.doc, names)
        leaks = sorted({(rel, kind) for rel, data in staged.items()
                        for kind in find_secrets(data.decode("utf-8", "replace"))})
        if leaks:
            where = ", ".join(f"{kind} in {rel}" for rel, kind in leaks[:5])
            raise InputError(" ".join(inputs), f"secret material would remain after "
                             f"redaction ({where}); nothing was written")
        _write(out, staged, single=len(inputs) == 1 and os.path.isfile(inputs[0])
               and not inputs[0].lower().endswith(ARCHIVE_SUFFIXES))
        result.files = len(staged)
        result.mapping = names.mapping_document()["mapping"]
        if mapping_out:
            _write_private(mapping_out, orjson.dumps(names.mapping_document(),
                                                     option=orjson.OPT_INDENT_2))
        return result


def _learn(f: InputFile, vocab: Vocabulary) -> None:
    if f.doc is None:
        return
    kind = kinds.detect(f.doc)
    if kind in (kinds.CONFIG_DUMP, kinds.CONFIG_SECTION, kinds.RESOURCE_LIST):
        collect(snapshot_from_document(f.doc), vocab)
    elif kind == kinds.MANIFESTS:
        collect_manifest(f.doc.data, vocab)
    elif kind == kinds.PROXY_STATUS and f.doc.text:
        collect_proxy_status(f.doc.text, vocab)
    parts = Path(f.rel).parts
    if "proxies" in parts and len(parts) - parts.index("proxies") >= 3:
        i = parts.index("proxies")  # bug-report: proxies/<namespace>/<pod>/...
        vocab.add("namespaces", parts[i + 1])
        vocab.add("pods", parts[i + 2])


def _render(doc: Document, names: Pseudonyms) -> bytes:
    if doc.syntax == "text":
        if kinds.detect(doc) == kinds.PROXY_STATUS:
            return _retable(doc.text or "", names).encode()
        return names.text(doc.text or "").encode()
    data = scrub(doc.data, names)
    if doc.syntax == "yaml":
        docs = data if isinstance(doc.data, list) and isinstance(data, list) else [data]
        return yaml.safe_dump_all(docs, sort_keys=False).encode()
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def _retable(text: str, names: Pseudonyms) -> str:
    """Pseudonymize a column-aligned table cell by cell and re-align it: replacing names of
    another length in place would shift the columns that readers parse by position."""
    lines = text.splitlines()
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?:(?<=\s{2})|^)\S", header)]
    rows = []
    for line in lines:
        if not line.strip():
            continue
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None])]
        rows.append([names.text(c) for c in cells])
    widths = [max(len(r[i]) for r in rows) for i in range(len(starts))]
    return "\n".join("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in rows) + "\n"


def _write(out: str, staged: dict[str, bytes], single: bool) -> None:
    target = os.path.abspath(out)
    parent = os.path.dirname(target)
    if single and len(staged) == 1 and not out.lower().endswith(ARCHIVE_SUFFIXES):
        (data,) = staged.values()
        _atomic(target, data)
        return
    if out.lower().endswith((".tar.gz", ".tgz")):
        fd, tmp = tempfile.mkstemp(prefix=".dumpdiff-", dir=parent)
        os.close(fd)
        try:
            with tarfile.open(tmp, "w:gz") as tar:
                for rel, data in sorted(staged.items()):
                    info = tarfile.TarInfo(rel)
                    info.size = len(data)
                    info.mode = 0o644
                    tar.addfile(info, _BytesReader(data))
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        return
    if os.path.exists(target) and (not os.path.isdir(target) or os.listdir(target)):
        raise InputError(out, "exists and is not an empty folder; choose a new output path")
    tmpdir = tempfile.mkdtemp(prefix=".dumpdiff-", dir=parent)
    try:
        for rel, data in staged.items():
            dest = os.path.join(tmpdir, *rel.split("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as fh:
                fh.write(data)
        if os.path.isdir(target):
            os.rmdir(target)
        os.replace(tmpdir, target)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


class _BytesReader:
    """A minimal file object for tarfile.addfile."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = self._data[self._pos:end]
        self._pos += len(chunk)
        return chunk


def _atomic(target: str, data: bytes, mode: int = 0o644) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".dumpdiff-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_private(path: str, data: bytes) -> None:
    """The mapping reveals every real name: readable by its owner only."""
    _atomic(os.path.abspath(path), data, 0o600)
