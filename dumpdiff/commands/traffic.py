"""`dumpdiff route` and `dumpdiff flags` (registered by cli.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from dumpdiff.commands import fail
from dumpdiff.commands.output import TextOrJson, show
from dumpdiff.errors import DumpdiffError, InputError


def register(app: typer.Typer) -> None:
    """Add route and flags to `app`."""

    @app.command()
    def route(
        dump: Annotated[str, typer.Argument(help="A config dump (path, `-`, .gz ok).")],
        host: Annotated[str, typer.Option("--host", help="Host/authority the client sends.")],
        path: Annotated[str, typer.Option("--path", help="Request path (with query).")] = "/",
        port: Annotated[int | None, typer.Option(
            "--port", help="Destination port (picks the listener / route config).")] = None,
        method: Annotated[str, typer.Option("--method", help="HTTP method.")] = "GET",
        header: Annotated[list[str] | None, typer.Option(
            "--header", "-H", help="Request header 'name: value' (repeatable).")] = None,
        route_config: Annotated[str | None, typer.Option(
            "--route-config", help="Use this route config instead of the port's.")] = None,
        output: Annotated[TextOrJson, typer.Option("--output", "-o")] = TextOrJson.text,
    ) -> None:
        """Replay Envoy's route selection: where would this request go in this proxy?

        Exit 0 when routed (or redirected / answered directly), 1 when the outcome is
        NR, NC or UH for some share of requests, 2 on bad input.
        """
        from dumpdiff.report import route_text
        from dumpdiff.report.style import stdout_style
        from dumpdiff.routing.replay import Request, replay
        from dumpdiff.sources import load_snapshot

        try:
            headers: dict[str, str] = {}
            for h in header or []:
                name, sep, value = h.partition(":")
                if not sep or not name.strip():
                    raise InputError("--header", f"expected 'name: value', got {h!r}")
                key = name.strip().lower()
                # Envoy matches a repeated header on its values joined with ",".
                headers[key] = (f"{headers[key]},{value.strip()}" if key in headers
                                else value.strip())
            snap = load_snapshot(dump)
            if "routes" not in snap.present:
                raise InputError(dump, "has no route configuration (RDS) section to replay on")
            dec = replay(snap, Request(host, path, port, method.upper(), headers), route_config)
        except DumpdiffError as exc:
            fail(exc)
        show(output == TextOrJson.json, dec.to_dict,
             lambda: route_text.render(dec, stdout_style()))
        raise typer.Exit(1 if dec.flags else 0)

    @app.command()
    def flags(
        names: Annotated[list[str] | None, typer.Argument(
            help="Flags to explain, e.g. UH,NC or UH NC (all when none and no --log).")] = None,
        log: Annotated[str | None, typer.Option(
            "--log", help="Summarize an istio-proxy access log (JSON or Istio text).")] = None,
        prometheus_rules: Annotated[bool, typer.Option(
            "--prometheus-rules", help="Print Prometheus rules for response flags.")] = False,
        output: Annotated[TextOrJson, typer.Option("--output", "-o")] = TextOrJson.text,
    ) -> None:
        """Decode Envoy response flags, summarize an access log, or emit alerting rules."""
        from dumpdiff.flags.accesslog import summarize
        from dumpdiff.flags.prometheus import rules
        from dumpdiff.flags.table import flag_table, lookup, split_flags
        from dumpdiff.report import flags_text, jsonout
        from dumpdiff.report.style import stdout_style
        from dumpdiff.sources.reader import read_bytes

        if prometheus_rules:
            typer.echo(rules(), nl=False)
            return
        if log:
            try:
                raw = read_bytes(log)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise InputError(log, "is not UTF-8 text") from None
                summary = summarize(log, text)
            except DumpdiffError as exc:
                fail(exc)
            show(output == TextOrJson.json, summary.to_dict,
                 lambda: flags_text.render_log(summary, stdout_style()))
            return
        wanted = [f for n in names or [] for f in split_flags(n)]
        found = [lookup(w) for w in wanted] if wanted else list(flag_table().values())
        unknown = [w for w, f in zip(wanted, found) if f is None]
        known = [f for f in found if f is not None]
        if output == TextOrJson.json:
            typer.echo(jsonout.render({
                "flags": [{"flag": f.short, "long": f.long, "code": f.code,
                           "meaning": f.meaning, "istio": f.istio, "rung": f.rung,
                           "next": f.next} for f in known],
                "unknown": unknown}), nl=False)
        else:
            typer.echo(flags_text.render_flags(known, unknown, stdout_style()), nl=False)
        if unknown:
            raise typer.Exit(2)
