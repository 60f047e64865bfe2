from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def mmdc_ready() -> None:
    """Skip (fail when CI is set) unless mmdc and Chromium are installed."""
    from sysdesign.render import mmdc

    for what, found in (("mmdc (@mermaid-js/mermaid-cli)", mmdc.find_mmdc()),
                        ("chromium", mmdc.find_chromium())):
        if found is None:
            if os.environ.get("CI"):
                pytest.fail(f"{what} is required in CI but was not found")
            pytest.skip(f"{what} not installed")
