"""Asking a learner for a number or a choice, with helpful re-prompts.

Prompts go through ``typer.prompt`` so tests can drive them with ``CliRunner(input=...)``.
Nothing here raises on bad input: empty answers, words, negative or absurd numbers get a
message saying what is expected, and after a few tries the question is skipped. End of input
(Ctrl-D, or a test that runs out of answers) is treated as "quit".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import typer

from sysdesign.teach.grading import KIND_HINTS, parse_answer

MAX_TRIES = 4
SKIP_WORDS = {"skip", "s", "pass", "next", "dunno", "idk"}
QUIT_WORDS = {"q", "quit", "exit", "stop"}
HINT_WORDS = {"hint", "h", "help", "?"}


@dataclass(frozen=True)
class Reply:
    action: Literal["value", "skip", "quit"]
    value: float | None = None
    text: str = ""
    choices: tuple[str, ...] = ()


def _abort_types() -> tuple[type[BaseException], ...]:
    """Abort as raised by typer.prompt: click's, or typer's own in typer versions that vendor
    their click layer."""
    types: list[type[BaseException]] = [EOFError]
    try:  # older typer releases raise click's Abort; click is not a dependency of ours
        import click

        types.append(click.exceptions.Abort)
    except ImportError:
        pass
    try:
        from typer.exceptions import Abort as TyperAbort  # type: ignore[attr-defined]

        types.append(TyperAbort)
    except ImportError:
        pass
    return tuple(types)


_ABORTS = _abort_types()


def _prompt(label: str) -> str | None:
    try:
        return str(typer.prompt(label, default="", show_default=False))
    except _ABORTS:
        return None


def ask_number(out: Any, kind: str, *, label: str = "Your estimate",
               hint: str | None = None) -> Reply:
    """Ask for a number of ``kind`` (see grading.KINDS); re-prompt on anything unreadable."""
    tries = 0
    while tries < MAX_TRIES:
        text = _prompt(label)
        if text is None:
            return Reply("quit")
        word = text.strip().lower()
        if word in QUIT_WORDS:
            return Reply("quit", text=text)
        if word in SKIP_WORDS:
            return Reply("skip", text=text)
        if word in HINT_WORDS:
            if hint:
                out.print(f"[cyan]Hint:[/cyan] {hint}")
            out.print(f"Type {KIND_HINTS[kind]}; 'skip' shows the answer, 'quit' stops.")
            continue
        try:
            return Reply("value", parse_answer(text, kind), text=text)
        except ValueError as exc:
            tries += 1
            left = MAX_TRIES - tries
            more = (f" ({left} more tr{'ies' if left != 1 else 'y'}; 'hint' for the formula, "
                    "'skip' to see the answer)" if left else "")
            out.print(f"[yellow]Hmm:[/yellow] {exc}.{more}")
    out.print("Let's look at the answer together.")
    return Reply("skip")


def ask_choices(out: Any, options: list[str], *, label: str = "Your picks") -> Reply:
    """Ask for a comma-separated subset of ``options`` (by number or by name)."""
    tries = 0
    lookup = {o.lower(): o for o in options}
    lookup.update({o.lower().replace("_", " "): o for o in options})
    while tries < MAX_TRIES:
        text = _prompt(label)
        if text is None:
            return Reply("quit")
        word = text.strip().lower()
        if word in QUIT_WORDS:
            return Reply("quit", text=text)
        if word in SKIP_WORDS:
            return Reply("skip", text=text)
        if word in HINT_WORDS or not word:
            out.print("Type the numbers or names of the components you would use, separated "
                      "by commas, e.g. 1,3,4 ('skip' to see the design).")
            if not word:
                tries += 1
            continue
        picked: list[str] = []
        bad: list[str] = []
        for raw in word.replace(";", ",").replace(" and ", ",").split(","):
            item = raw.strip()
            if not item:
                continue
            if item.isdigit() and 1 <= int(item) <= len(options):
                picked.append(options[int(item) - 1])
            elif item in lookup:
                picked.append(lookup[item])
            else:
                bad.append(raw.strip())
        if bad or not picked:
            tries += 1
            shown = ", ".join(f'"{b}"' for b in bad) or f'"{text.strip()}"'
            out.print(f"[yellow]Hmm:[/yellow] {shown} is not one of the options; use numbers "
                      f"1-{len(options)} or names, separated by commas.")
            continue
        return Reply("value", text=text, choices=tuple(dict.fromkeys(picked)))
    out.print("Let's look at the design together.")
    return Reply("skip")
