"""Human output of `dumpdiff summary`."""

from __future__ import annotations

from dumpdiff.inventory import Inventory
from dumpdiff.report.style import Style


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) or "none"


def render(inv: Inventory, style: Style) -> str:
    """Identity, versions and resource counts, warnings last."""
    ident = inv.identity
    if ident["pod"]:
        pod = f"{ident['pod']}.{ident['namespace']}"
    elif "bootstrap" in inv.sections:
        pod = "(the bootstrap names no pod)"
    else:
        pod = "(no bootstrap: the proxy is unknown)"
    lines = [style(f"{pod}", "bold") + f"  ({inv.source})"]
    if ident["proxy_type"]:
        lines.append(f"  proxy      {ident['proxy_type']}"
                     + (f"  workload {ident['workload']}" if ident["workload"] else "")
                     + (f"  app={ident['app']}" if ident["app"] else "")
                     + (f" version={ident['version']}" if ident["version"] else ""))
    if ident["pod_ips"]:
        lines.append(f"  pod IPs    {', '.join(ident['pod_ips'])}")
    if ident["istio_version"] or ident["envoy_version"]:
        lines.append(f"  versions   Istio {ident['istio_version'] or '?'}, "
                     f"Envoy {ident['envoy_version'] or '?'}")
    lines.append(f"  sections   {', '.join(inv.sections) or 'none'}")
    if "clusters" in inv.sections:
        lines.append(f"  clusters   {sum(inv.clusters.values())}: {_counts(inv.clusters)}"
                     + (f"  [{_counts(inv.cluster_states)}]" if len(inv.cluster_states) > 1
                        else ""))
    if "listeners" in inv.sections:
        lines.append(f"  listeners  {sum(inv.listeners.values())}: {_counts(inv.listeners)}")
    if "routes" in inv.sections:
        lines.append(f"  routes     {inv.route_configs} route configs, {inv.virtual_hosts} "
                     f"virtual hosts, {inv.routes} routes")
    if "endpoints" in inv.sections:
        total = sum(inv.endpoints.values())
        lines.append(f"  endpoints  {total}: {_counts(inv.endpoints)}; "
                     f"{inv.clusters_without_endpoints} clusters with none")
    if "secrets" in inv.sections:
        lines.append(f"  secrets    {sum(inv.secrets.values())}: {_counts(inv.secrets)}")
    if inv.ecds:
        lines.append(f"  ecds       {inv.ecds} extension configs")
    if inv.other:
        lines.append(f"  other      {', '.join(inv.other)} (kept, not interpreted)")
    if inv.attention:
        lines.append("")
        lines.append(style("attention:", "bold", "yellow"))
        lines += [style(f"  ! {a}", "yellow") for a in inv.attention]
    return "\n".join(lines) + "\n"
