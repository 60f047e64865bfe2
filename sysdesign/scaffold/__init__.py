"""Generate a runnable reference service from a spec (``sysdesign scaffold``)."""

from __future__ import annotations

from typing import Any


def scaffold(*args: Any, **kwargs: Any) -> Any:
    from sysdesign.scaffold.generator import scaffold as _scaffold

    return _scaffold(*args, **kwargs)


__all__ = ["scaffold"]
