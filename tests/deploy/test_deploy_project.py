"""The deployment files inside a whole generated project: the Dockerfile's commands find what
they need, and every command the deploy files run exists in the generated service."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from deploy_helpers import REPO


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sysdesign import derive_design, estimate, load_spec
    from sysdesign.scaffold.generator import scaffold

    spec = load_spec(REPO / "examples" / "twitter.yaml")
    est = estimate(spec)
    out = tmp_path_factory.mktemp("project") / "service"
    scaffold(spec, est, derive_design(spec, est), out)
    return out


def test_dockerfile_shape(project: Path) -> None:
    text = (project / "deploy" / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert len(froms) == 2 and all("-slim" in f for f in froms)
    assert re.search(r"^USER 10001", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/health" in text
    # Layer caching: dependencies are installed from pyproject.toml before the code is copied.
    pos = [text.index(x) for x in ("COPY pyproject.toml", "pip install", "COPY --chown")]
    assert pos == sorted(pos)


def test_dockerfile_dependency_step_reads_the_generated_pyproject(project: Path) -> None:
    text = (project / "deploy" / "Dockerfile").read_text()
    m = re.search(r'RUN python -c "(.+?)" > /tmp/requirements.txt', text)
    assert m, "dependency extraction step not found"
    r = subprocess.run([sys.executable, "-c", m.group(1)], cwd=project, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    reqs = r.stdout.split()
    for needed in ("uvicorn", "alembic", "asyncpg", "redis"):
        assert any(x.startswith(needed) for x in reqs), (needed, reqs)


def test_commands_exist_in_the_service(project: Path) -> None:
    assert (project / "app" / "main.py").is_file()
    assert (project / "app" / "worker.py").is_file()
    assert (project / "alembic.ini").is_file()
    compose = yaml.safe_load((project / "deploy" / "docker-compose.yml").read_text())
    assert compose["services"]["worker"]["command"] == ["python", "-m", "app.worker"]
    assert compose["services"]["migrate"]["command"] == ["alembic", "upgrade", "head"]
    # The CI workflow installs an extra the generated pyproject defines.
    extras = tomllib.loads((project / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    wf = (project / ".github" / "workflows" / "ci.yml").read_text()
    used = re.findall(r'pip install -e "\.\[(\w+)\]"', wf)
    assert used and all(u in extras for u in used)


def test_settings_match_the_app_config(project: Path) -> None:
    """Every variable the deploy files set is a setting the app reads."""
    config = (project / "app" / "config.py").read_text()
    fields = {m.upper() for m in re.findall(r"^    (\w+): ", config, flags=re.M)}
    cm = yaml.safe_load((project / "deploy" / "k8s" / "configmap.yaml").read_text())
    compose = yaml.safe_load((project / "deploy" / "docker-compose.yml").read_text())
    env = set(cm["data"]) | set(compose["x-app"]["environment"])
    env |= {"DATABASE_URL", "REDIS_URL", "JWT_SECRET"}
    assert env <= fields, env - fields
