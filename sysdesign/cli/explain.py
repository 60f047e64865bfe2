"""`sysdesign explain [TOPIC]`: concept cards, optionally tied to a spec's numbers."""

from __future__ import annotations

import typer


def explain_command(
    topic: list[str] = typer.Argument(None, metavar="TOPIC",
                                      help="Topic, e.g. caching, 'token bucket', p99. "
                                      "Leave out to list every topic."),
    spec: str = typer.Option(None, "--spec", "-s",
                             help="Spec file: show where the concept appears in its numbers."),
    format: str = typer.Option("text", "--format", "-f", help="text or markdown."),
    all_: bool = typer.Option(False, "--all", help="Print every card (with --format markdown "
                              "this is the concept reference in docs/concepts.md)."),
) -> None:
    """Explain a system design concept: what it is, when to use it, the trade-off, a number."""
    from sysdesign.errors import SysdesignError
    from sysdesign.teach import concepts

    if format not in ("text", "markdown"):
        raise SysdesignError(f'unknown format "{format}" (use text or markdown)')
    words = " ".join(topic or []).strip()
    ctx = _spec_context(spec) if spec else None

    if all_:
        cards = concepts.load_cards()
    elif not words:
        _list_cards(format)
        return
    else:
        card = concepts.find(words)
        if card is None:
            close = concepts.suggest(words)
            hint = (" Closest topics: " + ", ".join(c.id for c in close) + "."
                    if close else " Run `sysdesign explain` to list every topic.")
            raise SysdesignError(f'no concept card for "{words}".{hint}')
        cards = [card]

    if format == "markdown":
        from sysdesign.teach.render import card_markdown

        parts = [card_markdown(c, ctx) for c in cards]
        if all_:
            parts.insert(0, _reference_header(len(cards)))
        typer.echo("\n\n".join(parts).rstrip() + "\n", nl=False)
        return

    from sysdesign.cli._common import console
    from sysdesign.teach.render import print_card

    out = console()
    for c in cards:
        print_card(c, out, ctx)


def _reference_header(n: int) -> str:
    return (
        "# Concept reference\n\n"
        f"The {n} concept cards behind `sysdesign explain`, generated with\n"
        "`sysdesign explain --all --format markdown`. Each card says what the idea is, when to\n"
        "use it, what it costs, and one number worth remembering (with where it comes from).\n"
        "Run `sysdesign explain TOPIC --spec FILE` to see where a concept shows up in a spec's\n"
        "own numbers."
    )


def _list_cards(format: str) -> None:
    from sysdesign.teach import concepts

    cards = concepts.load_cards()
    if format == "markdown":
        lines = ["| Topic | Title | Also known as |", "|---|---|---|"]
        for c in cards:
            lines.append(f"| `{c.id}` | {c.title} | {', '.join(c.aliases[:4])} |")
        typer.echo("\n".join(lines))
        return
    from rich.table import Table

    from sysdesign.cli._common import console

    table = Table(title=f"{len(cards)} concepts: sysdesign explain TOPIC", title_justify="left")
    table.add_column("Topic", style="bold", no_wrap=True)
    table.add_column("Title")
    table.add_column("Also known as")
    for c in cards:
        table.add_row(c.id, c.title, ", ".join(c.aliases[:4]))
    console().print(table)


def _spec_context(path: str) -> dict[str, object]:
    """Load the spec, its estimate and (when the design model exists) its design."""
    from sysdesign.estimate import estimate
    from sysdesign.spec.loader import load_spec

    spec = load_spec(path)
    est = estimate(spec)
    design = None
    try:
        from sysdesign.design import derive_design
    except ImportError:  # the design model is optional for explain
        derive_design = None  # type: ignore[assignment]
    if derive_design is not None:
        design = derive_design(spec, est)
    return {"spec": spec, "estimate": est, "design": design, "path": path}
