"""Error types raised by the library. The CLI turns them into a message and an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field


class SysdesignError(Exception):
    """A user-facing problem: bad input, a missing file, a refused overwrite.

    The message is complete and human-readable; the CLI prints it on stderr and exits 2.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class SpecProblem:
    """One problem in a spec: where it is and what is wrong."""

    path: str  # dotted field path, e.g. "actions.post_tweet.per_user_per_day"
    message: str
    line: int | None = None  # 1-based YAML line, when known

    def format(self, source: str | None) -> str:
        where = source or "<spec>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        loc = f" {self.path}:" if self.path else ""
        return f"{where}:{loc} {self.message}"


@dataclass
class SpecError(SysdesignError):
    """A spec failed to parse or validate. Carries every problem found, not just the first."""

    problems: list[SpecProblem] = field(default_factory=list)
    source: str | None = None

    def __post_init__(self) -> None:
        lines = [p.format(self.source) for p in self.problems]
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the spec:" if n > 1 else ""
        msg = "\n".join([head, *lines]) if head else (lines[0] if lines else "invalid spec")
        SysdesignError.__init__(self, msg)
