"""`sysdesign doc`: a complete design document from a spec."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class DocFormat(StrEnum):
    markdown = "markdown"
    html = "html"


def doc_command(
    spec: str = typer.Argument(..., metavar="SPEC", help="Spec file (YAML), or - for stdin."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the document to FILE (default: stdout)."
    ),
    template: Path | None = typer.Option(
        None, "--template", "-t",
        help="Your own Jinja2 template (runs sandboxed; context in docs/doc-template.md).",
    ),
    format: DocFormat = typer.Option(
        DocFormat.markdown, "--format", "-f",
        help="markdown (default) or html: one self-contained page with the diagrams inlined "
        "as SVG (needs mmdc).",
    ),
    set_: list[str] = typer.Option(
        [], "--set", help="Override a spec field, e.g. --set users.dau=50M (repeatable)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Write a design document: requirements, estimates, API, data model, diagrams, deep dive,
    bottlenecks, SLOs and a summary."""
    from sysdesign.cli._common import write_output
    from sysdesign.doc import render_doc
    from sysdesign.errors import SysdesignError
    from sysdesign.spec.loader import load_spec

    if output is not None and output.exists() and not force:
        raise SysdesignError(f"{output}: already exists; pass --force to overwrite it")
    text = render_doc(load_spec(spec, overrides=set_), template=template)
    if format is DocFormat.html:
        from sysdesign.doc import to_html

        text = to_html(text)
    write_output(text, output, force=force)
