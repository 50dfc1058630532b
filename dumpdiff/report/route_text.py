"""Human output of `dumpdiff route`."""

from __future__ import annotations

from dumpdiff.flags.table import lookup
from dumpdiff.report.style import Style
from dumpdiff.routing.replay import RouteDecision

_OUTCOME = {"routed": ("routed", "green"), "NR": ("NR: no route (404)", "red"),
            "NC": ("NC: cluster not found (503)", "red"),
            "UH": ("UH: no healthy upstream (503)", "red"),
            "partial": ("partly failing", "yellow"), "redirect": ("redirect", "cyan"),
            "direct_response": ("direct response", "cyan")}


def render(dec: RouteDecision, style: Style) -> str:
    """Step by step: route config, virtual host, route, action, endpoints, outcome."""
    r = dec.request
    hdrs = " ".join(f"-H '{k}: {v}'" for k, v in r.headers.items())
    lines = [style(f"{r.method} {r.host}{r.path}" + (f" (port {r.port})" if r.port else "")
                   + (f" {hdrs}" if hdrs else ""), "bold")]
    if dec.route_config:
        lines.append(f"  route config   {dec.route_config}")
    if dec.virtual_host:
        lines.append(f"  virtual host   {dec.virtual_host}  (domain {dec.domain!r})")
    if dec.route_index is not None:
        name = dec.route_name or "(unnamed)"
        lines.append(f"  route          #{dec.route_index} {name}  [{dec.route_match}]")
        if dec.virtual_service:
            lines.append(f"  from           {dec.virtual_service}")
    if dec.action == "route":
        for d in dec.destinations:
            share = f"{d.percent:g}% " if len(dec.destinations) > 1 else ""
            eps = ("endpoints unknown (no EDS in the dump)" if d.endpoints is None
                   else f"{d.healthy}/{d.endpoints} healthy endpoints")
            if d.exists is False:
                eps = "cluster NOT in CDS"
            elif d.cluster_type in ("ORIGINAL_DST",):
                eps = "original destination (passthrough)"
            mark = style(f" → {d.flag}", "red") if d.flag else ""
            lines.append(f"  → {share}{d.cluster}  ({eps}){mark}")
            for h in d.hosts[:8]:
                lines.append(style(f"      {h}", "dim"))
        for m in dec.mirrors:
            lines.append(f"  mirror         {m.cluster}" + (" (NOT in CDS)" if m.exists is False
                                                             else ""))
        if dec.rewrites:
            lines.append(f"  rewrites       {dec.rewrites}")
        lines.append(f"  timeout        {dec.timeout}")
        if dec.retry_policy:
            rp = dec.retry_policy
            lines.append(f"  retries        {rp.get('num_retries', 1)} on "
                         f"{rp.get('retry_on', '?')}")
    elif dec.action == "redirect":
        lines.append(f"  redirect       {dec.status} {dec.redirect}")
    elif dec.action == "direct_response":
        lines.append(f"  direct response {dec.status}")
    label, colour = _OUTCOME.get(dec.outcome, (dec.outcome, "yellow"))
    if dec.outcome == "partial":
        label += ": " + ", ".join(f"{f} for {p:g}%" for f, p in dec.flags.items())
    lines.append(style(f"  outcome        {label}", "bold", colour))
    for n in dec.notes:
        lines.append(style(f"  note: {n}", "dim"))
    for flag in dec.flags:
        f = lookup(flag)
        if f:
            lines.append(f"  next ({flag}, rung {f.rung}): {f.next}")
    return "\n".join(lines) + "\n"
