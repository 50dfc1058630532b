"""Self-contained HTML output of `dumpdiff triage`: summary first, evidence collapsible, no
network fetches (inline CSS, no scripts)."""

from __future__ import annotations

from html import escape

from dumpdiff.triage.engine import PASS, TriageReport

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.3rem;margin:0 0 .5rem}
.first{padding:.6rem .9rem;border-radius:6px;margin:.8rem 0 1.2rem;font-weight:600}
.first.fail{background:#fdecea;color:#8a1c10}.first.ok{background:#e7f6ec;color:#17622f}
table{border-collapse:collapse;width:100%;margin-bottom:1.2rem}
th,td{border-bottom:1px solid #e3e6ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
.PASS{color:#17622f;font-weight:600}.FAIL{color:#b3261e;font-weight:600}
.UNKNOWN{color:#8a6d00;font-weight:600}
details{margin:.4rem 0;border:1px solid #e3e6ec;border-radius:6px;padding:.4rem .7rem}
summary{cursor:pointer;font-weight:600}
code{background:#f3f4f7;padding:.05rem .3rem;border-radius:3px;word-break:break-all}
li{margin:.15rem 0}
"""


def _is_command(text: str) -> bool:
    return text.startswith(("istioctl ", "kubectl ", "dumpdiff "))


def render(report: TriageReport) -> str:
    """One HTML page."""
    first = report.fix_first
    proxies = ", ".join(report.proxies) or ", ".join(report.sources)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>dumpdiff triage: {escape(proxies)}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>dumpdiff triage: {escape(proxies)}</h1>"]
    if first:
        parts.append(f'<div class="first fail">Fix first: rung {first.number} '
                     f"({escape(first.name)}): {escape(first.summary)}</div>")
    else:
        parts.append('<div class="first ok">No rung fails.</div>')
    parts.append("<table><thead><tr><th>rung</th><th>question</th><th>status</th>"
                 "<th>summary</th></tr></thead><tbody>")
    for r in report.rungs:
        parts.append(f"<tr><td>{r.number}. {escape(r.name)}</td><td>{escape(r.question)}</td>"
                     f'<td class="{r.status}">{r.status}</td><td>{escape(r.summary)}</td></tr>')
    parts.append("</tbody></table>")
    for r in report.rungs:
        opened = " open" if r.status != PASS else ""
        parts.append(f'<details{opened}><summary>{r.number}. {escape(r.name)}: '
                     f'<span class="{r.status}">{r.status}</span></summary>')
        if r.evidence:
            parts.append("<ul>" + "".join(f"<li>{escape(e)}</li>" for e in r.evidence)
                         + "</ul>")
        if r.status != PASS:
            parts.append("<p>Next:</p><ul>" + "".join(
                f"<li><code>{escape(n)}</code></li>" if _is_command(n)
                else f"<li>{escape(n)}</li>" for n in r.next) + "</ul>")
            if r.debug:
                parts.append(f"<p>Envoy debug logs: <code>{escape(r.debug[0])}</code>, then "
                             f"restore with <code>{escape(r.debug[1])}</code></p>")
        parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
