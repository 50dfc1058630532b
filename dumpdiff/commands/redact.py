"""`dumpdiff redact IN... -o OUT` (registered by cli.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from dumpdiff.commands import fail
from dumpdiff.errors import DumpdiffError, InputError


def register(app: typer.Typer) -> None:
    """Add the redact command to `app`."""

    @app.command()
    def redact(
        inputs: Annotated[list[str], typer.Argument(
            help="Dumps, folders or bundles (.tar.gz/.tgz/.zip) to redact.")],
        out: Annotated[str, typer.Option(
            "--out", "-o", help="Output: a file (one dump in), a folder, or a .tar.gz.")],
        keep_names: Annotated[bool, typer.Option(
            "--keep-names", help="Keep namespaces, services and hosts; redact pods and IPs "
                                 "only.")] = False,
        mapping_out: Annotated[str | None, typer.Option(
            "--mapping-out", help="Write the real→pseudonym mapping here (mode 0600, for "
                                  "the owner only; never attach it).")] = None,
    ) -> None:
        """Make dumps safe to attach to a ticket: consistent pseudonyms for pods, IPs,
        namespaces and hosts; certificates reduced to fingerprint and validity; annotations
        dropped. Refuses (exit 2, nothing written) if any private key, bearer token or JWT
        would remain."""
        from dumpdiff.redact.run import redact as run_redact

        try:
            result = run_redact(inputs, out, keep_names, mapping_out)
        except DumpdiffError as exc:
            fail(exc)
        except OSError as exc:
            err = InputError(out, f"cannot write: {exc.strerror or exc}")
            typer.echo(f"dumpdiff: error: {err}", err=True)
            raise typer.Exit(2) from None
        counts = ", ".join(f"{len(v)} {k}" for k, v in result.mapping.items() if v)
        typer.echo(f"redacted {result.files} file(s) into {result.written}"
                   + (f" ({counts} pseudonymized)" if counts else ""), err=True)
        if result.dropped:
            typer.echo(f"left out {len(result.dropped)} binary file(s): "
                       + ", ".join(result.dropped[:5]), err=True)
