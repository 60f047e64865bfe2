"""Renderers for check reports and the design model: terminal, JSON, Markdown."""

from __future__ import annotations

import json
from typing import Any

from sysdesign.design import Design
from sysdesign.rules import Report
from sysdesign.spec import quantities as q

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_HEAD = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report, heading_level: int = 2) -> str:
    h = "#" * heading_level
    out = [f"{h} Design check: {_md(report.spec.name)}", "", f"**{report.summary()}**", ""]
    av = report.availability
    out += [f"{h}# Availability", "",
            f"- Target: {q.fmt_percent(av['target'])}; achieved by the request path: "
            f"{q.fmt_percent(av['achieved'])} (`{av['work']}`)",
            f"- Weakest component: {av['weakest']}",
            f"- Error budget: {q.fmt_num(av['error_budget_minutes_per_month'])} minutes per "
            "month"]
    for f in av["fixes"]:
        out.append(f"- Fix: {f['change']} -> {q.fmt_percent(f['achieved'])}")
    out.append("")
    if report.latency:
        out += [f"{h}# Latency budgets", "",
                "| Action | Mean | Target | Estimated at target percentile | Dominant hop |",
                "|---|---|---|---|---|"]
        for name, b in report.latency.items():
            tgt = (f"{b['percentile']} {q.fmt_num(b['target_ms'])} ms" if b["target_ms"]
                   is not None else "none")
            est = (f"{q.fmt_num(b['estimated_percentile_ms'])} ms"
                   if b["estimated_percentile_ms"] is not None else "-")
            out.append(f"| `{_md(name)}` | {q.fmt_num(b['expected_ms'])} ms | {tgt} | {est} | "
                       f"{_md(b['dominant_hop'])} |")
        out.append("")
    for sev in ("error", "warning", "info"):
        items = [f for f in report.findings if f.severity == sev]
        if not items:
            continue
        out += [f"{h}# {_HEAD[sev]}", ""]
        for f in items:
            out += [f"- **{f.code}** {_md(f.title)}: {_md(f.message)}",
                    f"  - *Why:* {_md(f.why)}", f"  - *Fix:* {_md(f.fix)}"]
        out.append("")
    return "\n".join(out)


def print_report(report: Report, console: Any) -> None:
    from rich.panel import Panel
    from rich.text import Text

    console.print(Text(f"Design check for {report.spec.name}", style="bold"))
    for sev in ("error", "warning", "info"):
        items = [f for f in report.findings if f.severity == sev]
        if not items:
            continue
        console.print(Text(f"\n{_HEAD[sev]} ({len(items)})", style=_STYLE[sev]))
        for f in items:
            body = Text()
            body.append(f.message + "\n")
            body.append("Why: ", style="bold")
            body.append(f.why + "\n")
            body.append("Fix: ", style="bold")
            body.append(f.fix)
            console.print(Panel(body, title=f"{f.code} {f.title}", title_align="left",
                                border_style=_STYLE[sev]))
    if report.latency:
        from rich.table import Table

        t = Table(title="Latency budgets", title_justify="left")
        for col in ("Action", "Mean", "Target", "Estimated", "Dominant hop"):
            t.add_column(col, justify="left" if col in {"Action", "Dominant hop"} else "right")
        for name, b in report.latency.items():
            tgt = (f"{b['percentile']} {q.fmt_num(b['target_ms'])} ms"
                   if b["target_ms"] is not None else "none")
            est = (f"{q.fmt_num(b['estimated_percentile_ms'])} ms"
                   if b["estimated_percentile_ms"] is not None else "-")
            t.add_row(name, f"{q.fmt_num(b['expected_ms'])} ms", tgt, est, b["dominant_hop"])
        console.print(t)
    av = report.availability
    console.print(Text(
        f"\nAvailability: {q.fmt_percent(av['achieved'])} achieved vs "
        f"{q.fmt_percent(av['target'])} target; error budget "
        f"{q.fmt_num(av['error_budget_minutes_per_month'])} min/month", style="bold"))
    style = "bold red" if report.errors else ("yellow" if report.warnings else "green")
    console.print(Text(report.summary(), style=style))


def design_json(design: Design) -> str:
    return json.dumps(design.to_dict(), indent=2) + "\n"


def design_markdown(design: Design) -> str:
    out = [f"## Components for {_md(design.spec.name)}", "",
           "| Component | Count | Technology | Why it is there |", "|---|---|---|---|"]
    for c in design.components:
        out.append(f"| {c.label} | {_md(c.describe_count())} | {_md(c.technology)} | "
                   f"{_md(c.reason)} |")
    return "\n".join(out) + "\n"


def print_design(design: Design, console: Any) -> None:
    from rich.table import Table

    t = Table(title=f"Design for {design.spec.name}", title_justify="left", show_lines=True)
    t.add_column("Component", style="bold", no_wrap=True)
    t.add_column("Count", justify="right", style="cyan", max_width=14)
    t.add_column("Technology", max_width=18)
    # the reason is the point of the table: give it the room that is left
    t.add_column("Why it is there", overflow="fold", ratio=1)
    for c in design.components:
        label = c.label + (" (pinned)" if c.pinned else "")
        t.add_row(label, c.describe_count(), c.technology, c.reason)
    console.print(t)
