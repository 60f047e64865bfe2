"""`sysdesign assumptions` and `sysdesign schema`: the reference material."""

from __future__ import annotations

from pathlib import Path

import typer

from sysdesign.cli._common import Format


def assumptions_command(
    spec: str | None = typer.Argument(
        None, metavar="SPEC",
        help="Optional spec: show the values it uses, marking its overrides."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or markdown."),
) -> None:
    """List every default assumption with its value, unit and source."""
    import json

    from sysdesign import assumptions as A

    overrides: dict[str, float] = {}
    values = A.resolve()
    if spec is not None:
        from sysdesign.estimate import estimate
        from sysdesign.spec.loader import load_spec

        s = load_spec(spec)
        overrides = dict(s.assumptions)
        values = estimate(s).assumptions
    rows = [(a, values.get(a.key, a.value), a.key in overrides) for a in A.DEFAULTS]
    if format is Format.json:
        out = {a.key: {"value": v, "unit": a.unit, "group": a.group, "overridden": o,
                       "description": a.description, "source": a.source} for a, v, o in rows}
        typer.echo(json.dumps(out, indent=2))
        return
    if format is Format.markdown:
        lines = ["| Key | Value | Group | Meaning | Source |", "|---|---|---|---|---|"]
        for a, v, o in rows:
            mark = " (overridden)" if o else ""
            lines.append(f"| `{a.key}` | {a.display(v)}{mark} | {a.group} | {a.description} | "
                         f"{a.source} |")
        typer.echo("\n".join(lines))
        return
    from rich.table import Table

    from sysdesign.cli._common import console

    table = Table(title="Assumptions (override any of them under `assumptions:` in a spec)",
                  title_justify="left")
    table.add_column("Key", style="bold")
    table.add_column("Value", justify="right", style="cyan")
    table.add_column("Meaning", overflow="fold")
    table.add_column("Source / rationale", overflow="fold")
    for a, v, o in rows:
        table.add_row(a.key, a.display(v) + (" *" if o else ""), a.description, a.source)
    c = console()
    c.print(table)
    if overrides:
        c.print("* overridden by the spec")


def schema_command(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to a file."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Print the JSON Schema of the spec format (for editor autocompletion)."""
    import json

    from sysdesign.cli._common import write_output
    from sysdesign.spec.schema import spec_json_schema

    write_output(json.dumps(spec_json_schema(), indent=2), output, force=force)
