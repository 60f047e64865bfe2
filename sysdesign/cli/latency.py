"""`sysdesign latency`: the latency numbers every programmer should know, with sources.

Each row shows the classic published figure with the year it describes, a later figure from a
trend model, a human-scale version (every nanosecond stretched to a second) and a note on how
to read it. ``--format json`` gives the raw nanoseconds and the full source list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sysdesign.latency_numbers import LatencyTable

FORMATS = ("table", "json", "markdown")


def latency_command(
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = "table",
) -> None:
    """The latency numbers every programmer should know, each with its source and year."""
    from sysdesign.errors import SysdesignError
    from sysdesign.latency_numbers import load_latency_numbers

    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise SysdesignError(
            f'unknown format "{output_format}" for latency (use table, json or markdown)'
        )
    table = load_latency_numbers()
    if fmt == "json":
        import json

        data = table.to_dict()
        for row in data["numbers"]:
            row["human_scale"] = human_scale(row["value_ns"])
        data["human_scale_rule"] = HUMAN_SCALE_RULE
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        typer.echo(render_markdown(table))
    else:
        _render_table(table)


HUMAN_SCALE_RULE = "every nanosecond stretched to one second (x 1,000,000,000)"


def human_scale(ns: float) -> str:
    """The latency if 1 ns lasted 1 s: 100 ns -> '1.7 min', 150 ms -> '4.8 years'."""
    seconds = ns  # 1 ns -> 1 s
    for size, unit in (
        (365 * 86_400, "years"),
        (30 * 86_400, "months"),
        (86_400, "days"),
        (3600, "hours"),
        (60, "min"),
    ):
        if seconds >= size:
            return f"{_short(seconds / size)} {unit}"
    return f"{_short(seconds)} s"


def _short(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.0f}"
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _updated(n) -> str:  # type: ignore[no-untyped-def]
    from sysdesign.latency_numbers import format_ns

    if n.updated is None:
        return "-"
    return f"{format_ns(n.updated.value_ns)} ({n.updated.year})"


def render_markdown(table: LatencyTable) -> str:
    from sysdesign.latency_numbers import format_ns

    years = sorted({n.updated.year for n in table.numbers if n.updated is not None})
    later = f"Updated ({', '.join(map(str, years))})" if years else "Updated"
    lines = [
        "## Latency numbers every programmer should know",
        "",
        f"| Operation | Published | Year | Source | {later} | If 1 ns were 1 s | How to read it |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for n in table.numbers:
        lines.append(
            f"| {n.operation} | {format_ns(n.value_ns)} | {n.year} | {n.source} | "
            f"{_updated(n)} | {human_scale(n.value_ns)} | {n.note} |"
        )
    lines += ["", "### How to read them", ""]
    lines += [f"- {h}" for h in table.how_to_read]
    lines += ["", "### Sources", ""]
    for key, s in table.sources.items():
        lines.append(f"- **{key}**: {s.cite()}. <{s.url}>")
    return "\n".join(lines)


def _render_table(table: LatencyTable) -> None:
    from rich.console import Console
    from rich.table import Table

    from sysdesign.latency_numbers import format_ns

    console = Console(highlight=False)
    t = Table(title="Latency numbers every programmer should know", title_justify="left")
    t.add_column("Operation", overflow="fold")
    t.add_column("Published", justify="right", no_wrap=True)
    t.add_column("Year, source", no_wrap=True)
    t.add_column("Updated", justify="right", no_wrap=True)
    t.add_column("If 1 ns = 1 s", justify="right", no_wrap=True)
    for n in table.numbers:
        t.add_row(
            n.operation,
            format_ns(n.value_ns),
            f"{n.year} {n.source}",
            _updated(n),
            human_scale(n.value_ns),
        )
    console.print(t)
    console.print("[bold]What each one means[/bold]")
    for n in table.numbers:
        console.print(f"  [bold]{n.operation}[/bold]: {n.note}")
    console.print("[bold]How to read them[/bold]")
    for h in table.how_to_read:
        console.print(f"  - {h}")
    console.print("[bold]Sources[/bold]")
    for key, s in table.sources.items():
        console.print(f"  {key}: {s.cite()} {s.url}")
