"""The `sysdesign` command line: parse arguments, call the library, pick a renderer, exit.

Each command lives in its own module and imports only typer at module level; the heavy
imports (rich, jinja2, mermaid, the teaching modules) happen inside the command bodies so that
start-up stays cheap.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

import typer

from sysdesign import __version__
from sysdesign.cli._common import error_boundary

app = typer.Typer(
    name="sysdesign",
    help="Teach system design by doing the math: estimates, checks, diagrams, design docs "
    "and a runnable scaffold, from a small YAML spec.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# (command name, module, function) in the order `--help` lists them
COMMANDS: list[tuple[str, str, str]] = [
    ("estimate", "sysdesign.cli.estimate", "estimate_command"),
    ("check", "sysdesign.cli.check", "check_command"),
    ("design", "sysdesign.cli.check", "design_command"),
    ("diagram", "sysdesign.cli.diagram", "diagram_command"),
    ("doc", "sysdesign.cli.doc", "doc_command"),
    ("scaffold", "sysdesign.cli.scaffold", "scaffold_command"),
    ("availability", "sysdesign.cli.availability", "availability_command"),
    ("latency", "sysdesign.cli.latency", "latency_command"),
    ("assumptions", "sysdesign.cli.reference", "assumptions_command"),
    ("schema", "sysdesign.cli.reference", "schema_command"),
    ("walkthrough", "sysdesign.cli.walkthrough", "walkthrough_command"),
    ("practice", "sysdesign.cli.practice", "practice_command"),
    ("explain", "sysdesign.cli.explain", "explain_command"),
    ("init", "sysdesign.cli.init", "init_command"),
    ("scale", "sysdesign.cli.scale", "scale_command"),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sysdesign {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks for errors."),
) -> None:
    """Teach system design by doing the math."""
    if debug:
        os.environ["SYSDESIGN_DEBUG"] = "1"


def _register() -> None:
    for name, module, func in COMMANDS:
        if importlib.util.find_spec(module) is None:
            continue
        mod = importlib.import_module(module)
        fn = getattr(mod, func, None)
        if fn is None:
            continue
        app.command(name)(error_boundary(fn))


_register()


def main() -> None:
    app()
