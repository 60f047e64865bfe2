"""Printing concept cards: rich panels for the terminal, Markdown for docs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sysdesign.teach.concepts import REQUIRED_SECTIONS, Card, spec_connections


def _connections(card: Card, ctx: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not ctx:
        return []
    return spec_connections(card, ctx["spec"], ctx.get("estimate"), ctx.get("design"))


def card_markdown(card: Card, ctx: Mapping[str, Any] | None = None) -> str:
    lines = [f"## {card.title}", ""]
    if card.aliases:
        lines += [f"*Also:* {', '.join(card.aliases)}  ", f"*Topic id:* `{card.id}`", ""]
    for name in REQUIRED_SECTIONS:
        lines += [f"### {name}", "", card.section(name), ""]
    if ctx is not None:
        spec = ctx["spec"]
        lines += [f"### Where it shows up in {spec.name}", ""]
        conns = _connections(card, ctx)
        if conns:
            lines += [f"- **{label}:** {text}" for label, text in conns]
        else:
            lines.append("- This spec has no number tied to this concept.")
        lines.append("")
    if card.related:
        lines.append("*Related:* " + ", ".join(f"`{r}`" for r in card.related))
    return "\n".join(lines).rstrip()


def print_card(card: Card, out: Any, ctx: Mapping[str, Any] | None = None) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table

    out.print(Panel.fit(f"[bold]{card.title}[/bold]"
                        + (f"\n[dim]also: {', '.join(card.aliases[:6])}[/dim]"
                           if card.aliases else ""),
                        border_style="cyan"))
    for name in REQUIRED_SECTIONS:
        out.print(f"\n[bold cyan]{name}[/bold cyan]")
        out.print(Markdown(card.section(name)))
    if ctx is not None:
        spec = ctx["spec"]
        out.print(f"\n[bold cyan]Where it shows up in {spec.name}[/bold cyan]")
        conns = _connections(card, ctx)
        if conns:
            table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
            table.add_column(style="bold", no_wrap=True)
            table.add_column()
            for label, text in conns:
                table.add_row(label, text)
            out.print(table)
        else:
            out.print("This spec has no number tied to this concept.")
    if card.related:
        out.print(f"\n[dim]Related: {', '.join(card.related)}  "
                  f"(sysdesign explain {card.related[0]})[/dim]")
    out.print()
