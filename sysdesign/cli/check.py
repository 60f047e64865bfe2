"""`sysdesign check` and `sysdesign design`: the design the numbers call for, and its judges."""

from __future__ import annotations

from pathlib import Path

import typer

from sysdesign.cli._common import SPEC_HELP, Format


def check_command(
    spec: str = typer.Argument(..., metavar="SPEC", help=SPEC_HELP),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or markdown."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail the check too (exit 1)."),
    select: list[str] = typer.Option(
        [], "--select", metavar="CODES",
        help="Only these rule codes, prefixes or groups (e.g. CAP, AVL001, cache). Repeatable "
        "or comma-separated."),
    ignore: list[str] = typer.Option(
        [], "--ignore", metavar="CODES",
        help="Skip these rule codes, prefixes or groups. Repeatable or comma-separated."),
    set_: list[str] = typer.Option([], "--set", metavar="FIELD=VALUE",
                                   help="Override a field, e.g. users.dau=50M."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to a file."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Check the design against capacity, storage, bandwidth, cache, availability, latency
    and durability rules. Exit 0 when no errors, 1 when any (--strict: warnings too), 2 for a
    bad spec."""
    from sysdesign.cli._common import console, write_output
    from sysdesign.errors import SysdesignError
    from sysdesign.render import check_text
    from sysdesign.rules import check, unknown_codes
    from sysdesign.spec.loader import load_spec

    sel = [p for item in select for p in item.split(",") if p.strip()]
    ign = [p for item in ignore for p in item.split(",") if p.strip()]
    bad = unknown_codes(sel + ign)
    if bad:
        raise SysdesignError(f"--select/--ignore: unknown rule code or group: {', '.join(bad)} "
                             "(see docs/rules.md or `sysdesign check --help`)")
    report = check(load_spec(spec, overrides=set_), select=sel or None, ignore=ign or None)
    if format is Format.json:
        write_output(check_text.to_json(report), output, force=force)
    elif format is Format.markdown:
        write_output(check_text.to_markdown(report), output, force=force)
    elif output is not None:
        from io import StringIO

        from rich.console import Console

        buf = StringIO()
        check_text.print_report(report, Console(file=buf, width=120, no_color=True))
        write_output(buf.getvalue(), output, force=force)
    else:
        check_text.print_report(report, console())
    raise typer.Exit(report.exit_code(strict))


def design_command(
    spec: str = typer.Argument(..., metavar="SPEC", help=SPEC_HELP),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or markdown."),
    set_: list[str] = typer.Option([], "--set", metavar="FIELD=VALUE",
                                   help="Override a field, e.g. users.dau=50M."),
) -> None:
    """Show the components the numbers call for, with the reason for each."""
    from sysdesign.cli._common import console
    from sysdesign.design import derive_design
    from sysdesign.estimate import estimate
    from sysdesign.render import check_text
    from sysdesign.spec.loader import load_spec

    s = load_spec(spec, overrides=set_)
    d = derive_design(s, estimate(s))
    if format is Format.json:
        typer.echo(check_text.design_json(d), nl=False)
    elif format is Format.markdown:
        typer.echo(check_text.design_markdown(d), nl=False)
    else:
        check_text.print_design(d, console())
