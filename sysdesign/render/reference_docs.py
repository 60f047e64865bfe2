"""Generated parts of docs/spec.md and docs/assumptions.md, so they never drift from the code.

    python3 -m sysdesign.render.reference_docs spec         # the field table of docs/spec.md
    python3 -m sysdesign.render.reference_docs assumptions  # all of docs/assumptions.md
"""

from __future__ import annotations

import sys
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from sysdesign import assumptions as A
from sysdesign.spec.models import Spec

BEGIN = "<!-- BEGIN GENERATED FIELDS -->"
END = "<!-- END GENERATED FIELDS -->"


def _models_in(ann: Any) -> list[type[BaseModel]]:
    out = []
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    for arg in get_args(ann) or ():
        out += _models_in(arg)
    return out


def _type_name(ann: Any) -> str:
    meta = getattr(ann, "__metadata__", None)
    if meta:
        for m in meta:
            if hasattr(m, "func"):
                return _quantity_kind(m.func.__name__, "number")
        return _type_name(get_args(ann)[0])
    origin = get_origin(ann)
    if origin is list:
        return f"list of {_type_name(get_args(ann)[0])}"
    if origin is dict:
        k, v = get_args(ann)
        return f"mapping of name -> {_type_name(v)}"
    args = [a for a in get_args(ann) if a is not type(None)]
    if str(origin).endswith("Literal"):
        return " \\| ".join(str(a) for a in get_args(ann))
    if args and origin is not None:
        names = [_type_name(a) for a in args]
        return names[0] if len(names) == 1 else " or ".join(names)
    if isinstance(ann, type):
        return {"float": "number", "int": "integer", "str": "text", "bool": "true/false"}.get(
            ann.__name__, ann.__name__)
    return str(ann).replace("typing.", "")


def _rows(model: type[BaseModel], prefix: str, seen: set[type]) -> list[str]:
    from sysdesign.spec.models import ComponentPin, DesignPins

    rows = []
    if model is DesignPins:
        comps = ", ".join(f"`{n}`" for n in model.model_fields)
        rows.append(f"| `{prefix}<component>` | ComponentPin |  | Pins for one component: "
                    f"{comps}. What a spec pins wins over what is derived. |")
        return rows + _rows(ComponentPin, f"{prefix}<component>.", seen | {ComponentPin})
    for name, f in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = f.annotation
        kind = _type_name(ann)
        for meta in f.metadata:
            if hasattr(meta, "func"):
                kind = _quantity_kind(meta.func.__name__, kind)
        default = ("required" if f.is_required() else
                   "" if f.default is None else _default(path, f.default)
                   if f.default_factory is None else "")
        desc = (f.description or "").replace("|", "\\|")
        rows.append(f"| `{path}` | {kind} | {default} | {desc} |")
        origin = get_origin(ann)
        sub = _models_in(ann)
        for m in sub:
            if m in seen:
                continue
            child_prefix = (f"{path}.<name>." if origin is dict else
                            f"{path}[]." if origin is list else f"{path}.")
            rows += _rows(m, child_prefix, seen | {m})
    return rows


def _default(path: str, value: Any) -> str:
    if path == "storage.retention":
        return "5 years"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and path.endswith(("share_of_users",)):
        return f"{value:.0%}"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if path == "requirements.availability":
        return f"{value:.1%}"
    return str(value)


def _quantity_kind(func_name: str, fallback: str) -> str:
    return {
        "_count": "count (10M, 1.5B, 1e7)", "_positive_count": "count > 0 (10M)",
        "_nonneg_count": "count >= 0", "_size": "size (100 B, 1 KB, 5 GiB)",
        "_duration": "duration (30 days, 5 years)", "_duration_ms": "duration (200 ms)",
        "_rate": "rate (500M/day)", "_fraction": "percentage (10% or 0.1)",
        "_availability": "availability (99.99%, 0.9999 or 99.99)",
    }.get(func_name, fallback)


def spec_fields_markdown() -> str:
    lines = ["| Field | Type | Default | Meaning |", "|---|---|---|---|"]
    lines += _rows(Spec, "", {Spec})
    return "\n".join(lines) + "\n"


def assumptions_markdown() -> str:
    out = ["# Assumptions", "",
           "Every default sysdesign uses is listed here with its value and where it comes from. "
           "Override any of them in a spec:", "", "```yaml", "assumptions:",
           "  server_rps: 800        # measured on our service", "  days_per_year: 365.25",
           "  kilo: 1024             # KB = 1,024 B", "```", "",
           "`sysdesign assumptions SPEC` shows the values a spec ends up with, marking its "
           "overrides. This page is generated from `sysdesign/assumptions.py` "
           "(`python3 -m sysdesign.render.reference_docs assumptions > docs/assumptions.md`).",
           ""]
    groups: dict[str, list[A.Assumption]] = {}
    for a in A.DEFAULTS:
        groups.setdefault(a.group, []).append(a)
    for g, items in groups.items():
        out += [f"## {g.capitalize()}", "", "| Key | Default | Meaning | Source / rationale |",
                "|---|---|---|---|"]
        for a in items:
            out.append(f"| `{a.key}` | {a.display()} | {a.description} | {a.source} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "spec"
    if what == "spec":
        sys.stdout.write(spec_fields_markdown())
    elif what == "assumptions":
        sys.stdout.write(assumptions_markdown())
    elif what == "cli":
        sys.stdout.write(cli_markdown())
    else:
        print("usage: python -m sysdesign.render.reference_docs spec|assumptions|cli",
              file=sys.stderr)
        return 2
    return 0



def cli_markdown() -> str:
    """docs/cli.md: each command's help, as the CLI prints it."""
    import os

    from typer.testing import CliRunner

    from sysdesign.cli import COMMANDS, app

    os.environ["TERMINAL_WIDTH"] = "100"
    os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
    runner = CliRunner()
    out = ["# Command reference", "",
           "Every command takes `--help`; this page collects them (generated with "
           "`python3 -m sysdesign.render.reference_docs cli`).", "",
           "Global options, before the command: `--version`, `--debug` (show Python tracebacks "
           "for errors).", "",
           "Exit codes: 0 success; 1 `check` found errors (with `--strict`, warnings too); 2 bad "
           "input or usage (an invalid spec, a missing file, a refused overwrite); 130 "
           "interrupted. Data goes to stdout and messages to stderr; colour is used only on a "
           "terminal and `NO_COLOR` turns it off.", ""]
    for name, _, _ in COMMANDS:
        r = runner.invoke(app, [name, "--help"], prog_name="sysdesign")
        out += [f"## sysdesign {name}", "", "```", r.output.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
