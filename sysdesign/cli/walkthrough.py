"""`sysdesign walkthrough SPEC`: an interview-style walk through the method, graded."""

from __future__ import annotations

import typer


def walkthrough_command(
    spec: str = typer.Argument(..., metavar="SPEC", help="Spec file (YAML)."),
    step: int = typer.Option(1, "--step", min=1, max=8,
                             help="Start at step N: 1 requirements, 2 estimation, 3 API, "
                             "4 data model, 5 high-level design, 6 deep dive, 7 bottlenecks, "
                             "8 summary."),
    no_input: bool = typer.Option(False, "--no-input",
                                  help="Print every question with its answer instead of asking."),
) -> None:
    """Walk through a design step by step: estimate each number yourself, then compare.

    Answer like a spec (1.2K, 200 GB, 9 Mbps, 52 min); 'hint' shows the formula, 'skip' the
    answer, 'quit' jumps to the summary.
    """
    from sysdesign.cli._common import console
    from sysdesign.spec.loader import load_spec
    from sysdesign.teach.walkthrough import Walkthrough

    w = Walkthrough(load_spec(spec), console(), interactive=not no_input)
    w.run(start=step)
