"""`sysdesign init`: write a new spec with a wizard, or copy one of the examples."""

from __future__ import annotations

from pathlib import Path

import typer


def init_command(
    file: Path = typer.Argument(None, metavar="FILE",
                                help="Where to write the spec (default: spec.yaml, or "
                                "NAME.yaml with --example)."),
    example: str = typer.Option(None, "--example", "-e",
                                help="Copy an example instead (twitter, url-shortener, ...). "
                                "'list' shows them."),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    no_input: bool = typer.Option(False, "--no-input",
                                  help="Take every default without asking."),
) -> None:
    """Write a valid, commented spec by answering a few questions (or copy an example)."""
    from sysdesign.cli._common import console
    from sysdesign.errors import SysdesignError
    from sysdesign.teach import wizard

    out = console()
    if example is not None:
        from sysdesign.paths import examples_dir

        d = examples_dir()
        names = wizard.example_names()
        key = example.strip().lower().removesuffix(".yaml")
        if key == "list":
            out.print("Examples: " + (", ".join(names) or "(none installed)"))
            return
        if key not in names:
            raise SysdesignError(f'no example called "{example}"; the examples are: '
                                 + (", ".join(names) or "(none installed)"))
        target = file or Path(f"{key}.yaml")
        wizard.confirm_overwrite_or_fail(target, force)
        target.write_text((d / f"{key}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        wizard.echo_written(target)
        return

    target = file or Path("spec.yaml")
    wizard.confirm_overwrite_or_fail(target, force)  # fail before asking anything
    answers = wizard.run_wizard(out, interactive=not no_input)
    text = wizard.render_spec(answers)
    wizard.validate_text(text, str(target))
    wizard.confirm_overwrite_or_fail(target, force)
    target.write_text(text, encoding="utf-8")
    wizard.echo_written(target)
