from __future__ import annotations

import os
import shutil

import pytest


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but was not found")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="session")
def mmdc_ready() -> None:
    """Skip (fail under CI) unless mmdc and Chromium are installed."""
    from sysdesign.render import mmdc

    if mmdc.find_mmdc() is None:
        _missing("mmdc (@mermaid-js/mermaid-cli)")
    if mmdc.find_chromium() is None:
        _missing("chromium")


@pytest.fixture(scope="session")
def postgres_bin() -> str:
    path = "/usr/lib/postgresql/15/bin"
    if not os.path.isfile(os.path.join(path, "initdb")):
        _missing("PostgreSQL 15 (initdb)")
    if shutil.which("runuser") is None and os.geteuid() == 0:
        _missing("runuser")
    return path
