"""`sysdesign diagram`: Mermaid diagrams of the design, a request flow, or the data model."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class Kind(StrEnum):
    architecture = "architecture"
    sequence = "sequence"
    er = "er"
    all = "all"


class RenderFormat(StrEnum):
    svg = "svg"
    png = "png"


def diagram_command(
    spec: str = typer.Argument(..., metavar="SPEC", help="Spec file (YAML), or - for stdin."),
    kind: Kind = typer.Option(
        Kind.architecture, "--kind", "-k",
        help="architecture (default), sequence (with --action), er, or all.",
    ),
    action: str | None = typer.Option(
        None, "--action", "-a", help="The action whose request flow a sequence diagram shows."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o",
        help="Write to FILE: .mmd (one diagram) or .md (fenced blocks); with --render, the "
        "image file. Default: stdout.",
    ),
    render: RenderFormat | None = typer.Option(
        None, "--render", help="Render to svg or png (needs -o): with mmdc when installed, "
        "else mermaid-py via MERMAID_INK_SERVER (default https://mermaid.ink).",
    ),
    set_: list[str] = typer.Option(
        [], "--set", help="Override a spec field, e.g. --set users.dau=50M (repeatable)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file(s)."),
) -> None:
    """Draw Mermaid diagrams: architecture, request sequences, and the ER data model."""
    from sysdesign.cli._common import write_output
    from sysdesign.diagrams import diagrams, to_markdown
    from sysdesign.errors import SysdesignError
    from sysdesign.spec.loader import load_spec

    if action is not None and kind not in (Kind.sequence, Kind.all):
        raise SysdesignError("--action only applies to --kind sequence or --kind all")
    loaded = load_spec(spec, overrides=set_)
    items = diagrams(loaded, kind=kind.value, action=action)

    if render is not None:
        if output is None:
            raise SysdesignError("--render needs -o FILE for the image")
        from sysdesign.render.mmdc import render_to_files

        suffix = "." + render.value
        if output.suffix.lower() != suffix:
            raise SysdesignError(f"--render {render.value} writes a {suffix} file; got {output}")
        if len(items) == 1:
            outputs = [output]
        else:
            stem = output.with_suffix("")
            outputs = [
                Path(f"{stem}-{d.kind}{'-' + d.action if d.action else ''}{suffix}")
                for d in items
            ]
        existing = [str(p) for p in outputs if p.exists()]
        if existing and not force:
            raise SysdesignError(
                f"{', '.join(existing)}: already exists; pass --force to overwrite"
            )
        if any(not p.parent.exists() for p in outputs):
            raise SysdesignError(f"{output.parent}: no such directory")
        used = render_to_files([d.source for d in items], outputs, fmt=render.value)
        for p in outputs:
            typer.echo(f"Wrote {p} ({used})", err=True)
        return

    if output is not None and output.suffix.lower() in {".mmd", ".mermaid"}:
        if len(items) != 1:
            raise SysdesignError(
                f"{output}: a .mmd file holds one diagram and --kind {kind.value} makes "
                f"{len(items)}; write .md (fenced blocks) instead"
            )
        text = items[0].source
    elif output is not None and output.suffix.lower() in {".md", ".markdown"}:
        text = to_markdown(items)
    elif output is not None:
        raise SysdesignError(
            f"{output}: use a .mmd or .md file name (or --render svg|png for an image)"
        )
    else:
        text = items[0].source if len(items) == 1 else to_markdown(items)
    write_output(text, output, force=force)
