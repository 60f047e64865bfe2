"""Shared test configuration: stable terminal output and a helper for optional binaries."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Stable, colourless help and table output in CliRunner tests.
os.environ.setdefault("TERMINAL_WIDTH", "120")
os.environ.setdefault("_TYPER_FORCE_DISABLE_TERMINAL", "1")
os.environ.setdefault("NO_COLOR", "1")


@pytest.fixture(scope="session")
def mmdc_ready() -> None:
    """Skip (fail when CI is set) unless mmdc and Chromium are installed."""
    from sysdesign.render import mmdc
    from tests.services import missing

    if mmdc.find_mmdc() is None:
        missing("mmdc (@mermaid-js/mermaid-cli)")
    if mmdc.find_chromium() is None:
        missing("chromium")


def example_specs() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "bad.yaml")
