"""Shared test configuration: stable terminal output and a helper for optional binaries."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Stable, colourless help and table output in CliRunner tests.
os.environ.setdefault("TERMINAL_WIDTH", "120")
os.environ.setdefault("_TYPER_FORCE_DISABLE_TERMINAL", "1")
os.environ.setdefault("NO_COLOR", "1")


def require_binary(name: str, *candidates: str) -> str:
    """Path of a binary the test needs. Skips locally when missing; fails in CI (CI is set)."""
    for c in (name, *candidates):
        found = shutil.which(c) or (c if os.path.isabs(c) and os.access(c, os.X_OK) else None)
        if found:
            return found
    msg = f"{name} is not installed (run .ci/setup.sh)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def example_specs() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "bad.yaml")
