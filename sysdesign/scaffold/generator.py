"""Render templates/scaffold/ into a new project directory.

Every file under the template tree is rendered with Jinja2 (StrictUndefined: a missing value is
an error, never an empty string). Path components may contain template expressions; a ``.j2``
suffix is dropped. Output is written to a temporary directory next to the target and moved into
place at the end, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from sysdesign.errors import SysdesignError
from sysdesign.scaffold import names as names_mod

SKIP_NAMES = {"__pycache__", ".DS_Store"}
SKIP_SUFFIXES = (".pyc", ".pyo")


def template_root() -> Path:
    from sysdesign.paths import templates_dir

    return Path(templates_dir()) / "scaffold"


def make_environment(root: Path) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = names_mod.py_literal
    env.filters["toml"] = names_mod.toml_string
    env.filters["yaml_str"] = names_mod.yaml_string
    env.filters["comment"] = names_mod.comment
    env.filters["md"] = names_mod.markdown
    env.filters["pycomment"] = names_mod.pycomment
    return env


def _template_files(root: Path) -> list[PurePosixPath]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_NAMES)
        for fn in sorted(filenames):
            if fn in SKIP_NAMES or fn.endswith(SKIP_SUFFIXES):
                continue
            rel = Path(dirpath, fn).relative_to(root)
            out.append(PurePosixPath(rel.as_posix()))
    return out


def _render_path(env: Any, rel: PurePosixPath, ctx: dict[str, Any]) -> PurePosixPath:
    parts = []
    for part in rel.parts:
        if "{{" in part or "{%" in part:
            part = env.from_string(part).render(ctx)
        if part.endswith(".j2"):
            part = part[:-3]
        # A rendered component must stay one plain name inside the project.
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise SysdesignError(f"template path {rel} renders to an unsafe name {part!r}")
        parts.append(part)
    return PurePosixPath(*parts)


def render_tree(ctx: dict[str, Any], root: Path | None = None) -> dict[PurePosixPath, str]:
    """Relative output path -> rendered text, for every template file."""
    import jinja2

    root = root or template_root()
    if not root.is_dir():
        raise SysdesignError(f"scaffold templates not found at {root} (broken installation?)")
    env = make_environment(root)
    out: dict[PurePosixPath, str] = {}
    for rel in _template_files(root):
        target = _render_path(env, rel, ctx)
        try:
            out[target] = env.get_template(rel.as_posix()).render(ctx)
        except jinja2.TemplateError as exc:
            raise SysdesignError(f"scaffold template {rel} failed to render: {exc}") from exc
    return out


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def scaffold(spec: Any, estimate: Any, design: Any, out_dir: str | os.PathLike[str],
             force: bool = False, dry_run: bool = False) -> list[Path]:
    """Generate the reference service for ``spec`` into ``out_dir``.

    Returns the paths of the files written (or, with ``dry_run``, that would be written).
    Refuses a non-empty ``out_dir`` unless ``force``; with ``force`` the old directory is
    replaced only after the new tree was fully written.
    """
    from sysdesign.scaffold.context import build_context

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SysdesignError(f"{out} exists and is not a directory")
    if out.exists() and not _is_empty_dir(out) and not force:
        raise SysdesignError(
            f"{out} is not empty; choose another directory or pass --force to replace it"
        )
    ctx = build_context(spec, estimate, design)
    files = render_tree(ctx)
    paths = [out / Path(*rel.parts) for rel in sorted(files)]
    if dry_run:
        return paths

    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.scaffold-", dir=parent))
    try:
        for rel, text in files.items():
            dest = staging / Path(*rel.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        _move_into_place(staging, out.resolve())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return paths


def _move_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    # Replace an existing directory: move it aside, move the new one in, then delete the old.
    backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    backup.rmdir()
    out.rename(backup)
    try:
        staging.rename(out)
    except BaseException:
        backup.rename(out)
        raise
    shutil.rmtree(backup, ignore_errors=True)
