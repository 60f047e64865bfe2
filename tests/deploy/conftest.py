"""Fixtures for the deployment-file tests: a spec, its sizing, and the rendered deploy files."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates" / "scaffold"

sys.path.insert(0, str(REPO / "tests"))
from services import pg_server, redis_srv  # noqa: E402,F401  (session fixtures)

# A Twitter-like spec, used when the repository's example is not there (and to pin numbers).
TWITTER_YAML = """
name: Twitter
description: A Twitter-like service.
users:
  dau: 200M
  peak_factor: 3
  followers: {average: 200, celebrity_threshold: 10K, celebrities: 10K}
actions:
  post_tweet:
    kind: write
    per_user_per_day: 2
    request_size: 300 B
    endpoint: POST /api/v1/tweets
    fanout: true
  read_timeline:
    kind: read
    per_user_per_day: 100
    response_size: 10 KB
    endpoint: GET /api/v1/timeline
requirements:
  availability: 99.99%
  latency:
    read_timeline: {p99: 200 ms}
    post_tweet: {p95: 500 ms}
"""

SMALL_YAML = """
name: Small shop
users:
  dau: 10K
actions:
  browse:
    kind: read
    per_user_per_day: 20
    endpoint: GET /api/v1/items
  buy:
    kind: write
    per_user_per_day: 1
    endpoint: POST /api/v1/orders
requirements:
  availability: 99.9%
  latency:
    browse: {p95: 300 ms}
"""


def require_binary(name: str) -> str:
    """The binary's path; skip when missing locally, fail when CI is set."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{msg} (CI must install it)")
        pytest.skip(msg)
    return path


def render_deploy(sizing: dict[str, Any], out: Path) -> Path:
    """Render templates/scaffold/deploy and .github the way the scaffold generator does.

    Jinja2 with StrictUndefined, every file rendered, the .j2 suffix dropped. Only the deploy
    context is given, which proves these templates need nothing else.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    for sub in ("deploy", ".github"):
        for src in sorted((TEMPLATES / sub).rglob("*")):
            if not src.is_file() or "__pycache__" in src.parts:
                continue
            rel = src.relative_to(TEMPLATES)
            text = env.get_template(rel.as_posix()).render(deploy=sizing)
            dest = out / rel
            if dest.suffix == ".j2":
                dest = dest.with_suffix("")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    return out


def sizing_for(yaml_text: str, with_design: bool = False) -> dict[str, Any]:
    from sysdesign import estimate, load_spec_text
    from sysdesign.scaffold.sizing import deployment_sizing

    spec = load_spec_text(yaml_text)
    est = estimate(spec)
    design = None
    if with_design:
        from sysdesign import derive_design

        design = derive_design(spec, est)
    return deployment_sizing(spec, est, design)


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
