"""`sysdesign scale SPEC --dau 1K..1B`: the same spec at each order of magnitude of users."""

from __future__ import annotations

from pathlib import Path

import typer

from sysdesign.cli._common import Format


def scale_command(
    spec: str = typer.Argument(..., metavar="SPEC", help="Spec file (YAML)."),
    dau: str = typer.Option("1K..1B", "--dau",
                            help="A range (1K..1B: every power of ten) or a list (1K,50K,2M)."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or markdown."),
    chart: bool = typer.Option(False, "--chart",
                               help="Also draw a log-scale terminal chart of peak QPS, storage, "
                               "egress and servers, with the one-machine thresholds marked."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to a file."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Show when each component becomes necessary as daily active users grow."""
    from sysdesign.cli._common import console, write_output
    from sysdesign.estimate import estimate
    from sysdesign.spec.loader import load_spec
    from sysdesign.teach import scale

    s = load_spec(spec)
    daus = scale.parse_daus(dau)
    stages = scale.journey(s, daus)
    chart_text = ""
    if chart:
        a = estimate(s).assumptions
        chart_text = "\n".join(scale.chart_lines(s, stages, a))
    if format is Format.json:
        write_output(scale.to_json(s, stages), output, force=force)
        return
    if format is Format.markdown:
        text = scale.to_markdown(s, stages)
        if chart_text:
            text += "\n```text\n" + chart_text.rstrip() + "\n```\n"
        write_output(text, output, force=force)
        return
    if output is not None:
        from io import StringIO

        from rich.console import Console

        buf = StringIO()
        scale.print_table(s, stages, Console(file=buf, width=160, no_color=True))
        write_output(buf.getvalue() + ("\n" + chart_text if chart_text else ""), output,
                     force=force)
        return
    out = console()
    scale.print_table(s, stages, out)
    if chart_text:
        out.print()
        out.print(chart_text, markup=False, highlight=False)
