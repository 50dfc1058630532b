"""Extract `.tar.gz`/`.tgz`/`.tar`/`.zip` bundles safely into a private temporary folder.

Refused, with the member named: absolute paths, `..` components, links, devices and FIFOs,
and archives whose members or total size exceed the limits (zip and tar bombs). Nothing is
ever written outside the temporary folder, which the caller removes.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import IO

from dumpdiff.errors import InputError

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much an archive may hold once extracted."""

    max_members: int = int(os.environ.get("DUMPDIFF_MAX_ARCHIVE_MEMBERS", "50000"))
    max_total_bytes: int = int(os.environ.get("DUMPDIFF_MAX_ARCHIVE_MB", "8192")) << 20
    max_member_bytes: int = int(os.environ.get("DUMPDIFF_MAX_INPUT_MB", "2048")) << 20


def is_archive(path: str) -> bool:
    """True for the archive names dumpdiff reads."""
    return path.lower().endswith(ARCHIVE_SUFFIXES) and os.path.isfile(path)


def _safe_name(source: str, name: str) -> PurePosixPath:
    p = PurePosixPath(name)
    drive = bool(p.parts) and ":" in p.parts[0]  # C:\\ on archives made on Windows
    if p.is_absolute() or name.startswith(("/", "\\")) or drive:
        raise InputError(source, f"unsafe archive member {name!r}: absolute path")
    if ".." in p.parts:
        raise InputError(source, f"unsafe archive member {name!r}: '..' leaves the archive")
    return p


def extract(source: str, limits: ArchiveLimits | None = None) -> str:
    """Extract `source` into a new temporary folder and return its path (caller removes it)."""
    limits = limits or ArchiveLimits()
    dest = tempfile.mkdtemp(prefix="dumpdiff-bundle-")
    try:
        if source.lower().endswith(".zip"):
            _extract_zip(source, dest, limits)
        else:
            _extract_tar(source, dest, limits)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return dest


def _budget(source: str, limits: ArchiveLimits, count: int, total: int, size: int,
            name: str) -> None:
    if count > limits.max_members:
        raise InputError(source, f"archive has more than {limits.max_members} members "
                         "(DUMPDIFF_MAX_ARCHIVE_MEMBERS)")
    if size > limits.max_member_bytes:
        raise InputError(source, f"archive member {name!r} expands past the "
                         f"{limits.max_member_bytes >> 20} MiB limit")
    if total > limits.max_total_bytes:
        raise InputError(source, f"archive expands past the {limits.max_total_bytes >> 20} MiB "
                         "limit (DUMPDIFF_MAX_ARCHIVE_MB)")


def _copy_capped(src: IO[bytes], out_path: str, source: str, name: str, cap: int) -> int:
    written = 0
    with open(out_path, "wb") as out:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                return written
            written += len(chunk)
            if written > cap:  # the header lied about the size
                raise InputError(source, f"archive member {name!r} expands past its limit")
            out.write(chunk)


@dataclass(frozen=True, slots=True)
class _Member:
    """What the checks need of a tar or zip member, whatever the archive format."""

    name: str
    size: int
    kind: str  # file | dir | link | device | other
    open: Callable[[], IO[bytes] | None]


def _extract_members(source: str, dest: str, limits: ArchiveLimits,
                     members: Iterator[_Member]) -> None:
    """The one extraction loop: every check, every limit, for both formats."""
    count = total = 0
    for m in members:
        count += 1
        rel = _safe_name(source, m.name)
        if m.kind == "link":
            raise InputError(source, f"unsafe archive member {m.name!r}: a link")
        if m.kind == "device":
            raise InputError(source, f"unsafe archive member {m.name!r}: a device or FIFO")
        total += m.size
        _budget(source, limits, count, total, m.size, m.name)
        target = os.path.join(dest, *rel.parts) if rel.parts else dest
        if m.kind == "dir":
            os.makedirs(target, exist_ok=True)
            continue
        if m.kind != "file":
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fh = m.open()
        if fh is not None:
            with fh:
                _copy_capped(fh, target, source, m.name, m.size)


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.issym() or member.islnk():
        return "link"
    if member.isdev() or member.isfifo():
        return "device"
    return "dir" if member.isdir() else "file" if member.isfile() else "other"


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = (info.external_attr >> 16) & 0o170000
    if mode == 0o120000:
        return "link"
    if mode in (0o020000, 0o060000, 0o010000):
        return "device"
    return "dir" if info.is_dir() else "file"


def _extract_tar(source: str, dest: str, limits: ArchiveLimits) -> None:
    try:
        tar = tarfile.open(source, "r:*")  # noqa: SIM115 (closed by `with tar` below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(source, f"not a readable tar archive: {exc}") from None
    with tar:
        try:
            _extract_members(source, dest, limits, (
                _Member(m.name, m.size, _tar_kind(m), partial(tar.extractfile, m))
                for m in tar))
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InputError(source, f"corrupt tar archive: {exc}") from None


def _extract_zip(source: str, dest: str, limits: ArchiveLimits) -> None:
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(source, f"not a readable zip archive: {exc}") from None
    with zf:
        try:
            _extract_members(source, dest, limits, (
                _Member(i.filename, i.file_size, _zip_kind(i), partial(zf.open, i))
                for i in zf.infolist()))
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise InputError(source, f"corrupt zip archive: {exc}") from None
