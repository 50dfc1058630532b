"""Normalization profiles: declarative YAML, the default shipped in the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from dumpdiff.errors import InputError


@dataclass(slots=True)
class Mask:
    """Replace the value at `path` (dotted, `*` = any key) of `section` resources."""

    section: str
    path: tuple[str, ...]
    value: str


@dataclass(slots=True)
class Profile:
    """What to drop, mask and reduce so that replicas compare equal."""

    drop_meta: set[str] = field(default_factory=set)
    tokens: dict[str, str] = field(default_factory=dict)
    tokens_skip: dict[str, tuple[str, ...]] = field(default_factory=dict)  # section → except
    masks: list[Mask] = field(default_factory=list)
    reduce_certificates: bool = True
    per_pod_secrets: set[str] = field(default_factory=set)
    per_pod_cert_fields: set[str] = field(default_factory=set)
    ignore: list[str] = field(default_factory=list)

    def extend(self, data: dict[str, Any], source: str) -> None:
        """Merge a profile document into this one (lists append, scalars override)."""
        if not isinstance(data, dict):
            raise InputError(source, "a normalization profile must be a YAML mapping")
        try:
            self.drop_meta.update(data.get("drop_meta") or [])
            self.tokens.update(data.get("tokens") or {})
            for skip in data.get("tokens_skip") or []:
                self.tokens_skip[str(skip["section"])] = tuple(
                    str(p) for p in skip.get("except_name_prefixes") or [])
            for m in data.get("mask") or []:
                self.masks.append(Mask(str(m["section"]), tuple(str(m["path"]).split(".")),
                                       str(m.get("value", "{masked}"))))
            certs = data.get("certificates") or {}
            if "reduce" in certs:
                self.reduce_certificates = bool(certs["reduce"])
            self.per_pod_secrets.update(certs.get("per_pod_secrets") or [])
            self.per_pod_cert_fields.update(certs.get("per_pod_fields") or [])
            self.ignore.extend(str(p) for p in data.get("ignore") or [])
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(source, f"invalid normalization profile: {exc}") from None


def default_profile() -> Profile:
    """The profile shipped as dumpdiff/normalize/default.yaml."""
    text = resources.files("dumpdiff.normalize").joinpath("default.yaml").read_text("utf-8")
    prof = Profile()
    prof.extend(yaml.safe_load(text), "default.yaml")
    return prof


def load_profile(paths: list[str], ignore: list[str]) -> Profile:
    """The default profile extended by user profile files and `--ignore` patterns."""
    from dumpdiff.sources.reader import read_document  # sources owns file reading

    prof = default_profile()
    for path in paths:
        prof.extend(read_document(path).data, path)
    prof.ignore.extend(ignore)
    return prof
