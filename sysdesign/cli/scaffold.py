"""`sysdesign scaffold SPEC -o DIR`: generate the reference service for a spec."""

from __future__ import annotations

from pathlib import Path

import typer


def scaffold_command(
    spec: str = typer.Argument(..., metavar="SPEC", help="Spec file (YAML), or - for stdin."),
    output: Path = typer.Option(..., "--output", "-o", help="Directory to create the project in."),
    force: bool = typer.Option(False, "--force", help="Replace a non-empty output directory."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the files, write nothing."),
) -> None:
    """Generate a runnable Twitter-like service (FastAPI, PostgreSQL or SQLite, Redis or
    in-process cache and queue) with the spec's numbers in its configuration."""
    from sysdesign.cli._common import console
    from sysdesign.design import derive_design
    from sysdesign.estimate import estimate
    from sysdesign.scaffold.context import build_context
    from sysdesign.scaffold.generator import scaffold
    from sysdesign.spec.loader import load_spec

    s = load_spec(spec)
    est = estimate(s)
    design = derive_design(s, est)
    paths = scaffold(s, est, design, output, force=force, dry_run=dry_run)
    out = console()
    if dry_run:
        out.print(f"Would write {len(paths)} files into {output}:")
        for p in paths:
            out.print(f"  {p}", markup=False)
        return
    _summary(out, output, len(paths), build_context(s, est, design))


def _summary(out: object, output: Path, count: int, ctx: dict) -> None:
    from rich.panel import Panel
    from rich.table import Table

    cfg = ctx["config"]
    table = Table(title="Numbers from the spec", show_header=True, header_style="bold")
    table.add_column("setting")
    table.add_column("value", justify="right")
    table.add_column("from")
    for key in ("celebrity_threshold", "timeline_length", "fanout_batch_size",
                "rate_limit_read_per_minute", "rate_limit_write_per_minute", "db_pool_size"):
        if key in cfg:
            table.add_row(key.upper(), str(cfg[key]["value"]), str(cfg[key]["why"]))
    steps = "\n".join([
        f"cd {output}",
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install -e '.[test]'",
        "uvicorn app.main:app --port 8000     # SQLite + in-process cache/queue",
        "pytest -q                            # its own test suite",
        "",
        "With PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (see .env.example),",
        "run `alembic upgrade head`, then the API and `python -m app.worker`.",
    ])
    out.print(table)  # type: ignore[attr-defined]
    out.print(Panel(steps, title=f"Wrote {count} files into {output}",  # type: ignore[attr-defined]
                    subtitle="README.md has the curl walkthrough"), markup=False)
