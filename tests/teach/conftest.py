from __future__ import annotations

from pathlib import Path

import pytest
import typer

SPECS = Path(__file__).parent / "specs"


@pytest.fixture
def spec_path() -> Path:
    return SPECS / "microblog.yaml"


@pytest.fixture(autouse=True)
def _progress_file(tmp_path, monkeypatch):
    """Never touch the real progress file from tests."""
    monkeypatch.setenv("SYSDESIGN_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.setenv("COLUMNS", "120")


def make_app(*commands) -> typer.Typer:
    """A Typer app with the given (name, function) commands wrapped like the real CLI."""
    from sysdesign.cli._common import error_boundary

    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        pass

    for name, fn in commands:
        app.command(name)(error_boundary(fn))
    return app
