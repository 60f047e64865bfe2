"""The generated project's own test suite passes on the embedded default and on PostgreSQL +
Redis, and the generated code is ruff clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scaffold_helpers import new_database, run_suite


def _report(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n{proc.stdout[-5000:]}\n{proc.stderr[-3000:]}"


def test_generated_suite_passes_on_the_embedded_default(twitter_project: Path) -> None:
    proc = run_suite(twitter_project)
    assert proc.returncode == 0, _report(proc)
    assert " passed" in proc.stdout


@pytest.mark.services
def test_generated_suite_passes_on_postgresql_and_redis(twitter_project: Path, pg_server,
                                                        redis_srv) -> None:
    proc = run_suite(twitter_project, DATABASE_URL=new_database(pg_server),
                     REDIS_URL=redis_srv.url)
    assert proc.returncode == 0, _report(proc)
    # the Redis Streams queue tests run (not skipped) with REDIS_URL
    assert "skipped" not in proc.stdout.splitlines()[-1]


def test_generated_project_is_ruff_clean(twitter_project: Path) -> None:
    ruff = shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    proc = subprocess.run([*cmd, "check", "--no-cache", "."], cwd=twitter_project,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
