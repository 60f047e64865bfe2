"""`sysdesign availability`: downtime budgets and composite availability.

Usage::

    sysdesign availability 99.95%                     # one target: nines and downtime budget
    sysdesign availability --series 99.99 99.9 99.95  # components on one path (product)
    sysdesign availability --parallel 99.9 99.9       # redundant copies (1 - product of downs)
    sysdesign availability "series(99.99%, parallel(99.9%, 99.9%), 99.95%)"   # nested
    sysdesign availability --series 99.99 "parallel(99.9, 99.9)" --target 99.95%

Values are written ``99.95%``, ``0.9995`` or ``99.95`` (a bare number above 1 is a percentage).
``--series``/``--parallel`` are switches that say how the listed values combine; each value may
itself be a nested ``series(...)``/``parallel(...)`` expression. Only this module's function is
imported when the command is registered; rich and the maths load when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sysdesign.availability import Calendar, Composite

FORMATS = ("table", "json", "markdown")
ERROR_BUDGET_WINDOW_DAYS = 30.0


def availability_command(
    values: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="VALUE",
            help=(
                "An availability target (99.95%, 0.9995 or 99.95), or with --series/--parallel "
                "the components to combine. A value may be a nested expression such as "
                '"series(99.99%, parallel(99.9%, 99.9%))".'
            ),
            show_default=False,
        ),
    ] = None,
    series_: Annotated[
        bool,
        typer.Option(
            "--series",
            help="Combine the values in series (all must be up): A = A1 x A2 x ...",
        ),
    ] = False,
    parallel_: Annotated[
        bool,
        typer.Option(
            "--parallel",
            help="Combine the values in parallel (up if any is up): A = 1 - (1-A1) x (1-A2) ...",
        ),
    ] = False,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Compare a composite against this target (e.g. 99.95%)."),
    ] = None,
    days_per_year: Annotated[
        float,
        typer.Option("--days-per-year", help="Calendar: days in a year (365.25 for Julian)."),
    ] = 365.0,
    days_per_month: Annotated[
        float | None,
        typer.Option(
            "--days-per-month",
            help="Calendar: days in a month (default: a twelfth of the year; 30 for most SLAs).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = "table",
) -> None:
    """Downtime budget of an availability target, or the availability of composed components."""
    from sysdesign.availability import (
        Calendar,
        component,
        compose,
        downtime,
        error_budget,
        parse_availability,
        parse_expression,
    )
    from sysdesign.errors import SysdesignError

    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise SysdesignError(
            f'unknown format "{output_format}" for availability (use table, json or markdown)'
        )
    try:
        calendar = Calendar(days_per_year=days_per_year, days_per_month=days_per_month)
    except ValueError as exc:
        raise SysdesignError(f"availability: {exc}") from None

    items = list(values or [])
    if series_ and parallel_:
        raise SysdesignError(
            "availability: use either --series or --parallel, not both; to mix them, nest: "
            '--series 99.99 "parallel(99.9, 99.9)" or "series(99.99, parallel(99.9, 99.9))"'
        )
    if not items:
        raise SysdesignError(
            "availability: give a target such as 99.95%, or components with "
            "--series 99.9 99.95 / --parallel 99.9 99.9"
        )

    def parse_item(text: str) -> Composite:
        try:
            if not any(ch.isalpha() or ch in "()," for ch in text):
                # a plain number: report the number's problem without the expression hint
                return component(parse_availability(text))
            return parse_expression(text)
        except ValueError as exc:
            raise SysdesignError(f'availability: "{text}": {exc}') from None

    composite: Composite | None = None
    if series_ or parallel_:
        parts = [parse_item(t) for t in items]
        composite = compose(("series" if series_ else "parallel", parts))
    elif len(items) > 1:
        raise SysdesignError(
            f"availability: got {len(items)} values ({' '.join(items)}); give one target, or say "
            "how they combine with --series or --parallel"
        )
    else:
        node = parse_item(items[0])
        if node.kind != "component":
            composite = node
        elif target is not None:
            raise SysdesignError(
                "availability: --target compares a composite with a target; "
                "add --series or --parallel with the components"
            )

    value = composite.availability if composite is not None else parse_item(items[0]).availability
    target_value: float | None = None
    if target is not None:
        try:
            target_value = parse_availability(target)
        except ValueError as exc:
            raise SysdesignError(f"availability: --target: {exc}") from None

    budget = downtime(value, calendar)
    report: dict[str, Any] = budget.to_dict()
    report["error_budget"] = error_budget(value, ERROR_BUDGET_WINDOW_DAYS).to_dict()
    if composite is not None:
        report["composite"] = {
            **composite.to_dict(),
            "expression": composite.expression(),
            "steps": list(composite.steps),
            "assumption": "failures are independent; real shared causes make it worse",
        }
    if target_value is not None:
        target_budget = downtime(target_value, calendar)
        report["target"] = {
            "availability": target_value,
            "met": value >= target_value - 1e-12,
            "downtime_seconds": dict(target_budget.seconds),
            "nines": target_budget.nines.value,
        }

    if fmt == "json":
        import json

        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        typer.echo(_markdown(report, calendar, composite))
    else:
        _table(report, calendar, composite)


def _title(report: dict[str, Any], composite: Composite | None) -> str:
    from sysdesign.availability import nines, percent_text

    n = nines(report["availability"]).label()
    name = "Composite availability" if composite is not None else "Availability"
    return f"{name} {percent_text(report['availability'], 4)} ({n})"


def _markdown(report: dict[str, Any], calendar: Calendar, composite: Composite | None) -> str:
    lines = [f"## {_title(report, composite)}", ""]
    if composite is not None:
        lines += [
            f"Composition: `{report['composite']['expression']}`",
            "",
            "Working (innermost first):",
            "",
        ]
        lines += [f"- `{step}`" for step in composite.steps]
        lines += ["", "Assumes independent failures; shared causes make the real figure worse.", ""]
    if "target" in report:
        t = report["target"]
        verdict = "meets" if t["met"] else "misses"
        lines += [f"Target {_pct(t['availability'])}: the composite **{verdict}** it.", ""]
    lines += ["| Period | Allowed downtime | Seconds | Working |", "|---|---|---:|---|"]
    for period, secs in report["downtime_seconds"].items():
        lines.append(
            f"| {period} | {report['downtime'][period]} | {secs:,.6g} | "
            f"`{report['work'][period]}` |"
        )
    eb = report["error_budget"]
    lines += [
        "",
        f"Error budget per {eb['window_days']:g}-day window: {eb['minutes']:.4g} min "
        f"(`{eb['work']}`).",
        "",
        f"Calendar: {calendar.describe()}.",
    ]
    return "\n".join(lines)


def _pct(a: float) -> str:
    from sysdesign.availability import percent_text

    return percent_text(a)


def _table(report: dict[str, Any], calendar: Calendar, composite: Composite | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"[bold]{_title(report, composite)}[/bold]")
    if composite is not None:
        console.print(f"composition: {report['composite']['expression']}")
        for step in composite.steps:
            console.print(f"  {step}")
        console.print(
            "  [dim]assumes independent failures; shared causes (power, deploys, bugs) "
            "make the real figure worse[/dim]"
        )
    if "target" in report:
        t = report["target"]
        verdict = "[green]meets[/green]" if t["met"] else "[red]misses[/red]"
        console.print(f"target {_pct(t['availability'])}: the composite {verdict} it")

    table = Table(title="Allowed downtime", title_justify="left")
    table.add_column("Period")
    table.add_column("Downtime", justify="right")
    table.add_column("Working", overflow="fold")
    for period in report["downtime_seconds"]:
        table.add_row(period, report["downtime"][period], report["work"][period])
    console.print(table)
    eb = report["error_budget"]
    console.print(f"error budget per {eb['window_days']:g}-day window: {eb['work']}")
    console.print(f"[dim]calendar: {calendar.describe()}[/dim]")
    console.print(
        "[dim]what this means: the downtime is the whole allowance for the period; every "
        "deploy, failover and incident spends from it.[/dim]"
    )
