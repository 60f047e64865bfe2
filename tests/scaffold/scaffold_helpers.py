"""Helpers for the scaffold tests: generate a project, run its suite, run a fault scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
EXAMPLES = REPO / "examples"

sys.path.insert(0, str(TESTS))


def generate(spec_path: Path, out: Path, **kw: Any) -> list[Path]:
    from sysdesign import estimate, load_spec
    from sysdesign.design import derive_design
    from sysdesign.scaffold.generator import scaffold

    spec = load_spec(str(spec_path))
    est = estimate(spec)
    return scaffold(spec, est, derive_design(spec, est), out, **kw)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a generated project's processes: none of the service's variables
    leak in from the caller's shell."""
    drop = {"DATABASE_URL", "REDIS_URL", "APP_ENV", "JWT_SECRET", "QUEUE_BACKEND",
            "WORKER_IN_PROCESS", "AUTO_MIGRATE", "KEY_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def run_suite(project: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly",
         "-o", "faulthandler_timeout=120"],
        cwd=project, env=clean_env(**env), capture_output=True, text=True, timeout=timeout,
    )


def new_database(pg: Any) -> str:
    name = f"scaffold_{uuid.uuid4().hex[:10]}"
    pg.psql(f"CREATE DATABASE {name}", db="postgres")
    return f"postgresql+asyncpg://postgres@127.0.0.1:{pg.port}/{name}"


def run_fault(project: Path, scenario: str, timeout: float = 240, **env: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("fault_driver.py")), scenario],
        cwd=project, env=clean_env(SYSDESIGN_TESTS=str(TESTS), **env),
        capture_output=True, text=True, timeout=timeout,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, (
        f"fault driver failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n"
        f"{proc.stderr[-6000:]}")
    return json.loads(lines[-1][len("RESULT "):])
