"""An installed wheel, not just the checkout, can scaffold: the templates ship inside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from scaffold_helpers import REPO, clean_env

SOURCES = ["sysdesign", "templates", "examples", "pyproject.toml", "setup.py", "MANIFEST.in",
           "README.md"]


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:  # build from a copy: never write build/ into the checkout
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            shutil.copy2(path, src / name)
    if not (src / "README.md").exists():
        (src / "README.md").write_text("# sysdesign\n")
    dist = tmp / "dist"
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist)],
                          cwd=src, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                               str(dist), "."], cwd=src, capture_output=True, text=True,
                              timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels = list(dist.glob("sysdesign-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_installed_wheel_scaffolds(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                           "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "svc"
    script = (
        "import json, sys, sysdesign, sysdesign.paths as p\n"
        "from sysdesign.cli import main\n"
        "print(json.dumps([sysdesign.__file__, str(p.templates_dir())]))\n"
        "sys.stdout.flush()\n"
        "sys.argv = ['sysdesign', 'scaffold', str(p.examples_dir() / 'twitter.yaml'), '-o', "
        f"{str(out)!r}]\n"
        "main()\n"
    )
    env = clean_env(PYTHONPATH=str(target), NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    module_file, templates = json.loads(proc.stdout.splitlines()[0])
    assert Path(module_file).is_relative_to(target)  # the wheel's copy, not the checkout
    assert Path(templates).is_relative_to(target)
    for rel in ("app/main.py", "app/config.py", "app/worker.py", "migrations/env.py",
                "tests/conftest.py", "README.md", ".env.example"):
        assert (out / rel).is_file(), rel
    config = (out / "app" / "config.py").read_text()
    assert "celebrity_threshold: int = 10000" in config
