"""Estimate renderers: rich tables for the terminal, JSON, Markdown."""

from __future__ import annotations

import json
from typing import Any

from sysdesign.estimate import Estimate, Figure, format_figure


def _display(f: Figure, binary: bool) -> str:
    return format_figure(f.value, f.unit, binary=binary)


def to_json(est: Estimate) -> str:
    return json.dumps(est.to_dict(), indent=2, sort_keys=False) + "\n"


def to_markdown(est: Estimate, *, binary: bool = False, heading_level: int = 2) -> str:
    h = "#" * heading_level
    lines = [f"{h} Back-of-the-envelope estimates: {_md(est.spec.name)}", ""]
    lines.append(_conventions_line(est))
    lines.append("")
    for section, figs in est.sections():
        lines += [f"{h}# {section}", "", "| Figure | Value | Work | What this means |",
                  "|---|---|---|---|"]
        for f in figs:
            lines.append(f"| {_md(f.label)} | **{_md(_display(f, binary))}** | "
                         f"`{_md(f.work)}` | {_md(f.meaning)} |")
        lines.append("")
    lines += [f"{h}# Per action", "",
              "| Action | Kind | Requests/day | Avg QPS | Peak QPS | Egress | Stored/day |",
              "|---|---|---|---|---|---|---|"]
    for name, a in est.actions.items():
        lines.append(
            f"| `{_md(name)}` | {a.kind} | {_display(a.requests_per_day, binary)} | "
            f"{_display(a.qps, binary)} | {_display(a.peak_qps, binary)} | "
            f"{_display(a.egress_bytes_per_second, binary)} | "
            f"{_display(a.stored_bytes_per_day, binary)} |")
    lines.append("")
    for name, a in est.actions.items():
        lines += [f"{h}## Work for `{_md(name)}`", "", "| Figure | Value | Work |", "|---|---|---|"]
        for f in a.figures():
            lines.append(f"| {_md(f.label.split(': ', 1)[-1])} | {_md(_display(f, binary))} | "
                         f"`{_md(f.work)}` |")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _conventions_line(est: Estimate) -> str:
    c = est.conventions
    return (f"Conventions: a day is {c['seconds_per_day']} s, a year {c['days_per_year']} days, "
            f"a month {c['days_per_month']} days; sizes {c['sizes']}; bandwidth in "
            f"{c['bandwidth']}.")


def print_table(est: Estimate, console: Any, *, binary: bool = False,
                show_work: bool = True) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Estimates for {est.spec.name}", style="bold"))
    for section, figs in est.sections():
        table = Table(title=section, title_justify="left", show_lines=False, expand=False)
        table.add_column("Figure", style="bold")
        table.add_column("Value", justify="right", style="cyan")
        if show_work:
            table.add_column("Work", overflow="fold")
        table.add_column("What this means", overflow="fold")
        for f in figs:
            row = [f.label, _display(f, binary)]
            if show_work:
                row.append(f.work)
            row.append(f.meaning)
            table.add_row(*row)
        console.print(table)
    per = Table(title="Per action", title_justify="left")
    for col in ("Action", "Kind", "Requests/day", "Avg QPS", "Peak QPS", "Ingress", "Egress",
                "Stored/day"):
        per.add_column(col, justify="left" if col in {"Action", "Kind"} else "right")
    for name, a in est.actions.items():
        per.add_row(name, a.kind, _display(a.requests_per_day, binary), _display(a.qps, binary),
                    _display(a.peak_qps, binary),
                    _display(a.ingress_bytes_per_second, binary),
                    _display(a.egress_bytes_per_second, binary),
                    _display(a.stored_bytes_per_day, binary))
    console.print(per)
    if show_work:
        for name, a in est.actions.items():
            t = Table(title=f"Work for {name} ({a.kind})", title_justify="left")
            t.add_column("Figure", style="bold")
            t.add_column("Value", justify="right", style="cyan")
            t.add_column("Work", overflow="fold")
            for f in a.figures():
                t.add_row(f.label.split(": ", 1)[-1], _display(f, binary), f.work)
            console.print(t)
    console.print(Text(_conventions_line(est), style="dim"))
