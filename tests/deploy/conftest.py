"""Fixtures for the deployment-file tests: a spec, its sizing, and the rendered deploy files.

Shared helpers live in deploy_helpers.py (a unique module name: several test folders have a
conftest.py, so tests import nothing from "conftest").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deploy_helpers import SMALL_YAML, TWITTER_YAML, render_deploy, sizing_for
from services import pg_server, redis_srv  # noqa: F401  (session fixtures)


@pytest.fixture(scope="session")
def twitter_sizing() -> dict[str, Any]:
    return sizing_for(TWITTER_YAML)


@pytest.fixture(scope="session")
def small_sizing() -> dict[str, Any]:
    return sizing_for(SMALL_YAML)


@pytest.fixture(scope="session", params=["twitter", "small"])
def deploy_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered deploy files for a large and a small spec."""
    sizing = sizing_for(TWITTER_YAML if request.param == "twitter" else SMALL_YAML)
    return render_deploy(sizing, tmp_path_factory.mktemp(f"deploy-{request.param}"))


@pytest.fixture(scope="session")
def twitter_deploy(twitter_sizing: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
                   ) -> Path:
    return render_deploy(twitter_sizing, tmp_path_factory.mktemp("deploy-twitter-only"))
