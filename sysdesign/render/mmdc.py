"""Rendering Mermaid text with the Mermaid CLI (``mmdc``) driven by a local Chromium.

Starting Chromium is the slow part of a render (about a second), so many diagrams are rendered
with one ``mmdc`` run over a Markdown file holding every block (``mmdc -i all.md -o out.md``
writes ``out-1.svg``, ``out-2.svg``... in block order and exits non-zero on a parse error).

Where things are looked up:

* ``mmdc``: ``$SYSDESIGN_MMDC``, then ``mmdc`` on ``PATH``, then the checkout's
  ``.cache/mermaid/node_modules/.bin/mmdc`` (what ``.ci/install-mermaid.sh`` installs).
* the browser: ``$PUPPETEER_EXECUTABLE_PATH``, then ``/usr/bin/chromium`` and the usual names on
  ``PATH``. The puppeteer config handed to ``mmdc -p`` is written at run time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sysdesign.errors import SysdesignError
from sysdesign.paths import PACKAGE_DIR

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
)

INSTALL_HINT = (
    "Install the Mermaid CLI with `npm install -g @mermaid-js/mermaid-cli@11` (or run "
    ".ci/install-mermaid.sh in a sysdesign checkout) and a Chromium browser, or point "
    "MERMAID_INK_SERVER at a mermaid.ink server you can reach."
)

DEFAULT_TIMEOUT = 180.0


class RenderError(SysdesignError):
    """mmdc failed: a Mermaid parse error or a browser problem. Carries mmdc's output."""


def checkout_mmdc() -> Path:
    return PACKAGE_DIR.parent / ".cache" / "mermaid" / "node_modules" / ".bin" / "mmdc"


def find_mmdc() -> str | None:
    env = os.environ.get("SYSDESIGN_MMDC")
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    on_path = shutil.which("mmdc")
    if on_path:
        return on_path
    local = checkout_mmdc()
    return str(local) if local.is_file() else None


def find_chromium() -> str | None:
    env = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if env and Path(env).is_file():
        return env
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    """True when both mmdc and a browser for it are present."""
    return find_mmdc() is not None and find_chromium() is not None


def write_puppeteer_config(directory: Path) -> Path:
    """Write the puppeteer launch options ``mmdc -p`` reads; returns the file."""
    config: dict[str, object] = {"args": list(CHROMIUM_ARGS), "headless": True}
    chromium = find_chromium()
    if chromium:
        config["executablePath"] = chromium
    path = directory / "puppeteer.json"
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def _require() -> tuple[str, str]:
    mmdc = find_mmdc()
    chromium = find_chromium()
    if mmdc is None:
        raise SysdesignError("The Mermaid CLI (mmdc) was not found. " + INSTALL_HINT)
    if chromium is None:
        raise SysdesignError("No Chromium browser was found for mmdc. " + INSTALL_HINT)
    return mmdc, chromium


def _run(args: list[str], cwd: Path, timeout: float) -> None:
    _require()
    env = dict(os.environ)
    env.setdefault("PUPPETEER_SKIP_DOWNLOAD", "1")
    try:
        proc = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"mmdc did not finish within {timeout:.0f} s") from exc
    if proc.returncode != 0:
        output = (proc.stderr or "") + (proc.stdout or "")
        raise RenderError(f"mmdc failed (exit {proc.returncode}):\n{output.strip()}")


def render_markdown(
    markdown: str, workdir: Path, *, fmt: str = "svg", timeout: float = DEFAULT_TIMEOUT
) -> list[Path]:
    """Render every ```mermaid block of ``markdown`` in one browser session.

    Returns the image files in block order (``out-1.svg``, ``out-2.svg``...) inside
    ``workdir``. Raises :class:`RenderError` on any parse or render error.
    """
    if fmt not in {"svg", "png"}:
        raise SysdesignError(f"unknown render format {fmt!r}: use svg or png")
    mmdc, _ = _require()
    workdir.mkdir(parents=True, exist_ok=True)
    config = write_puppeteer_config(workdir)
    src = workdir / "all.md"
    src.write_text(markdown, encoding="utf-8")
    for old in workdir.glob(f"out-*.{fmt}"):
        old.unlink()
    args = [mmdc, "-p", str(config), "-i", src.name, "-o", "out.md", "-e", fmt, "-q"]
    if fmt == "png":
        args += ["-s", "2"]
    _run(args, workdir, timeout)
    files = sorted(workdir.glob(f"out-*.{fmt}"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    expected = markdown.count("```mermaid")
    if len(files) != expected:
        raise RenderError(f"mmdc wrote {len(files)} {fmt} files for {expected} mermaid blocks")
    return files


def render_many(
    sources: Sequence[str], workdir: Path | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> list[str]:
    """Render several diagrams (Mermaid source text) with one mmdc run; returns SVG texts."""
    if not sources:
        return []
    from sysdesign.render.mermaid import fenced

    markdown = "\n".join(fenced(s) for s in sources)
    if workdir is not None:
        svgs = render_markdown(markdown, workdir, timeout=timeout)
        return [p.read_text(encoding="utf-8") for p in svgs]
    with tempfile.TemporaryDirectory(prefix="sysdesign-mmdc-") as tmp:
        svgs = render_markdown(markdown, Path(tmp), timeout=timeout)
        return [p.read_text(encoding="utf-8") for p in svgs]


def render_file(
    source: str, output: Path, *, fmt: str = "svg", timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Render one diagram to ``output`` as ``svg`` or ``png``."""
    if fmt not in {"svg", "png"}:
        raise SysdesignError(f"unknown render format {fmt!r}: use svg or png")
    mmdc, _ = _require()
    with tempfile.TemporaryDirectory(prefix="sysdesign-mmdc-") as tmp:
        work = Path(tmp)
        config = write_puppeteer_config(work)
        (work / "in.mmd").write_text(source, encoding="utf-8")
        args = [mmdc, "-p", str(config), "-i", "in.mmd", "-o", f"out.{fmt}", "-q"]
        if fmt == "png":
            args += ["-s", "2"]
        _run(args, work, timeout)
        produced = work / f"out.{fmt}"
        if not produced.is_file():
            raise RenderError(f"mmdc did not write {produced.name}")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, output)
    return output


def svg_texts(svg: str) -> list[str]:
    """The visible text of an SVG: one string per text-bearing element, in document order.

    Lines split by ``<br>`` inside one HTML label come back as separate strings.
    """
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    out: list[str] = []
    skip = {"style", "script", "title", "desc"}

    def walk(el: ET.Element) -> None:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in skip:
            return
        if el.text and el.text.strip():
            out.append(el.text.strip())
        for child in el:
            walk(child)
            if child.tail and child.tail.strip():
                out.append(child.tail.strip())

    walk(root)
    return out


def render_with_ink(source: str, output: Path, *, fmt: str = "svg") -> Path:
    """Render through a mermaid.ink server with mermaid-py (``MERMAID_INK_SERVER`` picks the
    server, default https://mermaid.ink). Used when mmdc is not installed."""
    import contextlib
    import io
    import socket
    import sys

    server = os.environ.get("MERMAID_INK_SERVER", "https://mermaid.ink")
    # Importing mermaid-py prints a notice on stdout; keep stdout clean for pipes.
    with contextlib.redirect_stdout(io.StringIO()) as noise:
        try:
            import mermaid as mermaid_py
        except ImportError:
            raise SysdesignError(
                "Rendering needs the Mermaid CLI (mmdc) or the mermaid-py package; neither "
                "is installed. " + INSTALL_HINT
            ) from None
    if noise.getvalue().strip() and os.environ.get("SYSDESIGN_DEBUG"):
        sys.stderr.write(noise.getvalue())
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(60)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            diagram = mermaid_py.Mermaid(source)
    except Exception as exc:  # requests' connection errors, mermaid-py's MermaidError
        reason = type(exc).__name__
        if type(exc).__name__ == "MermaidError":
            reason = str(exc).splitlines()[0][:200] if str(exc) else reason
        raise SysdesignError(
            f"mmdc is not installed and the mermaid.ink server {server} could not render the "
            f"diagram ({reason}). " + INSTALL_HINT
        ) from None
    finally:
        socket.setdefaulttimeout(previous)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        diagram.to_png(output)
    else:
        diagram.to_svg(output)
    return output


def render_to_files(sources: Sequence[str], outputs: Sequence[Path], *, fmt: str = "svg") -> str:
    """Render each source to its output file: mmdc (one browser for all) when installed,
    otherwise mermaid-py through mermaid.ink. Returns which renderer was used."""
    if fmt not in {"svg", "png"}:
        raise SysdesignError(f"unknown render format {fmt!r}: use svg or png")
    if available():
        from sysdesign.render.mermaid import fenced

        with tempfile.TemporaryDirectory(prefix="sysdesign-mmdc-") as tmp:
            markdown = "\n".join(fenced(s) for s in sources)
            files = render_markdown(markdown, Path(tmp), fmt=fmt)
            for produced, out in zip(files, outputs, strict=True):
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(produced, out)
        return "mmdc"
    for source, out in zip(sources, outputs, strict=True):
        render_with_ink(source, out, fmt=fmt)
    return "mermaid.ink"
