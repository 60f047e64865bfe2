"""Shared pieces of the CLI: the error boundary, output helpers, format choices."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer

from sysdesign.errors import SysdesignError

F = TypeVar("F", bound=Callable[..., Any])


SPEC_HELP = "Spec file (YAML), or - for stdin."


class ExitCode:
    """Documented exit codes."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def debug_enabled() -> bool:
    return os.environ.get("SYSDESIGN_DEBUG", "") not in {"", "0"}


def error_boundary(func: F) -> F:
    """Turn library errors into one clean message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SysdesignError as exc:
            if debug_enabled():
                raise
            typer.echo(f"Error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            # e.g. `sysdesign estimate spec.yaml | head`: not an error
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def console(stderr: bool = False) -> Any:
    """A rich Console: colour only on a terminal, NO_COLOR respected (rich does both)."""
    from rich.console import Console

    width = os.environ.get("TERMINAL_WIDTH") or os.environ.get("COLUMNS")
    return Console(stderr=stderr, width=int(width) if width and width.isdigit() else None,
                   highlight=False, soft_wrap=False)


def write_output(text: str, output: Path | None, *, force: bool = False) -> None:
    """Write text to stdout, or to a file (refusing to overwrite without --force)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    if output.exists() and not force:
        raise SysdesignError(f"{output}: already exists; pass --force to overwrite it")
    if output.parent and not output.parent.exists():
        raise SysdesignError(f"{output.parent}: no such directory")
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    typer.echo(f"Wrote {output}", err=True)
