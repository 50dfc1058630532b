"""Errors that the CLI maps to exit codes (see DESIGN.md: 2 bad input, 3 bad rules)."""

from __future__ import annotations


class DumpdiffError(Exception):
    """Base class: an error with a one-line message meant for the user."""

    exit_code = 2


class InputError(DumpdiffError):
    """An input file is unreadable, not what the command expects, or unsafe."""

    exit_code = 2

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        # One line, always: some library messages (tar, YAML) span several.
        self.problem = " ".join(problem.split())
        super().__init__(f"{source}: {problem}")


class RuleError(DumpdiffError):
    """A rule file is invalid (or a rule's self-test failed)."""

    exit_code = 3

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {problem}")
