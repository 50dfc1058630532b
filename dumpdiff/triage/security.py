"""The authorization policies a dump enforces (rung 6): the RBAC filters' policy names by
action (ALLOW/DENY/LOG, shadow rules as DRY_RUN) and ext_authz (CUSTOM) in the inbound
chains, named the way `istioctl x authz check` shows them. (mTLS, rung 5, comes from the
facts' `listener_ports` and the MTLS-MODE-MISMATCH rule.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts.chains import direction
from dumpdiff.model.filters import chains, typed
from dumpdiff.model.snapshot import Snapshot

_RBAC = ("envoy.filters.http.rbac", "envoy.filters.network.rbac")
_EXT_AUTHZ = ("envoy.filters.http.ext_authz", "envoy.filters.network.ext_authz")


@dataclass(slots=True)
class Authz:
    """Authorization filters in the inbound chains."""

    policies: dict[str, list[str]] = field(default_factory=dict)  # action → policy names
    ext_authz: bool = False
    deny_all: bool = False  # ALLOW rules with no policy: nothing is allowed

    @property
    def any(self) -> bool:
        """True when something can deny a request."""
        return bool(self.ext_authz or self.deny_all or any(self.policies.values()))


def authorization(snap: Snapshot) -> Authz:
    """RBAC policy names by action (ALLOW/DENY/LOG) and whether ext_authz (CUSTOM) is on."""
    out = Authz()
    for res in snap.section("listeners").values():
        body = res.body or {}
        if (res.state not in ("active", "static")
                or direction(res, body, snap.identity.pod_ips) != "INBOUND"):
            continue
        for chain in chains(body):
            for f in chain.get("filters") or []:
                _collect(f, out)
                for hf in typed(f).get("http_filters") or []:
                    _collect(hf, out)
    for action in out.policies:
        out.policies[action] = sorted(set(out.policies[action]))
    return out


def _collect(f: dict[str, Any], out: Authz) -> None:
    name = f.get("name")
    if name in _EXT_AUTHZ:
        out.ext_authz = True
    if name not in _RBAC:
        return
    tc = typed(f)
    rules = tc.get("rules")
    if isinstance(rules, dict):
        action = str(rules.get("action", "ALLOW"))
        names = [str(p) for p in rules.get("policies") or {}]
        if action == "ALLOW" and not names:
            # What Istio writes for an AuthorizationPolicy with an empty spec: deny all.
            out.deny_all = True
        out.policies.setdefault(action, []).extend(names)
    shadow = tc.get("shadow_rules")
    if isinstance(shadow, dict) and shadow.get("policies"):
        out.policies.setdefault("DRY_RUN", []).extend(str(p) for p in shadow["policies"])
