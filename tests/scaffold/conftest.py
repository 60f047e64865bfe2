"""Fixtures for the scaffold tests: a generated project, real PostgreSQL and Redis servers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scaffold_helpers import EXAMPLES, generate  # noqa: E402
from services import pg_server, redis_srv  # noqa: E402,F401  (session fixtures)


@pytest.fixture(scope="session")
def twitter_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scaffold") / "twitter"
    generate(EXAMPLES / "twitter.yaml", out)
    return out
