"""Where packaged data lives, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The Jinja2 templates: the checkout's top-level templates/ or the copy inside the wheel."""
    checkout = PACKAGE_DIR.parent / "templates"
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "templates"


def examples_dir() -> Path:
    checkout = PACKAGE_DIR.parent / "examples"
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "examples"


def data_dir() -> Path:
    return PACKAGE_DIR / "data"
