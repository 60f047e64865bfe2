"""`sysdesign estimate`: back-of-the-envelope numbers with the work shown."""

from __future__ import annotations

from pathlib import Path

import typer

from sysdesign.cli._common import SPEC_HELP, Format


def estimate_command(
    spec: str = typer.Argument(..., metavar="SPEC", help=SPEC_HELP),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or markdown."),
    set_: list[str] = typer.Option(
        [], "--set", metavar="FIELD=VALUE",
        help="Override a field for a what-if, e.g. --set users.dau=50M (repeatable).",
    ),
    binary: bool = typer.Option(False, "--binary", help="Show sizes in KiB/MiB/GiB."),
    no_work: bool = typer.Option(False, "--no-work", help="Hide the work column in the table."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to a file."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Estimate QPS, storage, bandwidth, cache memory and servers, showing the work."""
    from sysdesign.cli._common import console, write_output
    from sysdesign.estimate import estimate
    from sysdesign.render import estimate_text
    from sysdesign.spec.loader import load_spec

    est = estimate(load_spec(spec, overrides=set_))
    if format is Format.json:
        write_output(estimate_text.to_json(est), output, force=force)
    elif format is Format.markdown:
        write_output(estimate_text.to_markdown(est, binary=binary), output, force=force)
    elif output is not None:
        from io import StringIO

        from rich.console import Console

        buf = StringIO()
        estimate_text.print_table(est, Console(file=buf, width=160, no_color=True),
                                  binary=binary, show_work=not no_work)
        write_output(buf.getvalue(), output, force=force)
    else:
        estimate_text.print_table(est, console(), binary=binary, show_work=not no_work)
