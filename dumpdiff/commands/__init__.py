"""Command groups registered on the main typer app by cli.py (one module per engine)."""
