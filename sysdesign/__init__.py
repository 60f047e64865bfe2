"""sysdesign: system design by doing the math.

The library API, one pipeline read in one direction::

    spec = load_spec("examples/twitter.yaml")   # YAML -> Spec
    est = estimate(spec)                         # Spec -> Estimate (figures with work shown)
    design = derive_design(spec, est)            # -> Design (components, counts, reasons)
    report = check(spec, est, design)            # -> Report (findings, availability, latency)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["load_spec", "load_spec_text", "estimate", "derive_design", "check", "__version__"]

# Bound eagerly: the function `estimate` shares its name with the module sysdesign.estimate,
# and binding it here keeps `from sysdesign import estimate` the function whatever was
# imported first.
from sysdesign.estimate import estimate  # noqa: E402
from sysdesign.spec.loader import load_spec  # noqa: E402
from sysdesign.spec.loader import parse_spec_text as load_spec_text  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from sysdesign.design import derive_design
    from sysdesign.rules import check

_LAZY = {
    "derive_design": ("sysdesign.design", "derive_design"),
    "check": ("sysdesign.rules", "check"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'sysdesign' has no attribute {name!r}")
