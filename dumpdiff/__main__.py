"""`python -m dumpdiff` runs the command-line interface."""

from dumpdiff.cli import main

main()
