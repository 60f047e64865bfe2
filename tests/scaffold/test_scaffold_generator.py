"""The generator: layout, spec numbers in the config, refusing to overwrite, all-or-nothing
writes, dry runs, hostile names, and the CLI command."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from scaffold_helpers import EXAMPLES, REPO, clean_env, generate

from sysdesign.errors import SysdesignError

# The layout other tooling (deployment files, docs) relies on.
REQUIRED = [
    "app/__init__.py", "app/main.py", "app/config.py", "app/worker.py", "app/keys.py",
    "app/models.py", "app/cache.py", "app/queue.py", "app/timeline.py", "app/outbox.py",
    "app/ratelimit.py", "alembic.ini", "migrations/env.py",
    "migrations/versions/0001_initial_schema.py", "tests/conftest.py", "README.md",
    "pyproject.toml", ".env.example",
]

SMALL_SPEC = """
name: Tiny feed
users:
  dau: 50K
  followers: {average: 40, celebrity_threshold: 5K}
actions:
  post:
    kind: write
    per_user_per_day: 300
    endpoint: POST /api/v1/post
    fanout: true
  feed:
    kind: read
    per_user_per_day: 50
    endpoint: GET /api/v1/feed
"""

HOSTILE_NAME = 'Evil"\'\\ {{ 7*7 }} {% raw %}\n../../etc/passwd`$(touch /tmp/pwn)`;\x7f\u202e'


def _spec_file(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "spec.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _config_source(project: Path) -> str:
    return (project / "app" / "config.py").read_text()


def test_dry_run_lists_the_layout_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "svc"
    paths = generate(EXAMPLES / "twitter.yaml", out, dry_run=True)
    rel = {p.relative_to(out).as_posix() for p in paths}
    assert set(REQUIRED) <= rel
    assert not any(r.endswith(".j2") for r in rel)
    assert not out.exists()


def test_spec_numbers_flow_into_the_config(twitter_project: Path, tmp_path: Path) -> None:
    src = _config_source(twitter_project)
    assert "celebrity_threshold: int = 10000" in src
    assert "users.followers.celebrity_threshold = 10K" in src
    assert "fanout_batch_size: int = 200" in src  # followers.average 200
    tree = ast.parse(src)  # valid Python, every setting commented with its source
    assert tree
    small = tmp_path / "small"
    generate(_spec_file(tmp_path, SMALL_SPEC), small)
    src = _config_source(small)
    assert "celebrity_threshold: int = 5000" in src
    # 300 writes/user/day x default peak factor in one busy hour = 10/min, floor 30/min
    assert "rate_limit_write_per_minute: int = 30" in src
    routes = (small / "app" / "spec_routes.py").read_text()
    assert "'/api/v1/post'" in routes and "'/api/v1/feed'" in routes


def test_without_followers_the_threshold_defaults(tmp_path: Path) -> None:
    text = SMALL_SPEC.replace("  followers: {average: 40, celebrity_threshold: 5K}\n", "")
    out = tmp_path / "svc"
    generate(_spec_file(tmp_path, text), out)
    src = _config_source(out)
    assert "celebrity_threshold: int = 10000" in src and "default 10K" in src


def test_refuses_a_non_empty_directory_without_force(tmp_path: Path) -> None:
    out = tmp_path / "svc"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(SysdesignError, match="--force"):
        generate(EXAMPLES / "twitter.yaml", out)
    assert (out / "mine.txt").read_text() == "keep me"
    assert sorted(os.listdir(out)) == ["mine.txt"]
    generate(EXAMPLES / "twitter.yaml", out, force=True)
    assert not (out / "mine.txt").exists() and (out / "app" / "main.py").is_file()


def test_an_empty_directory_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "svc"
    out.mkdir()
    generate(EXAMPLES / "twitter.yaml", out)
    assert (out / "app" / "main.py").is_file()


def test_a_failure_leaves_nothing_half_written(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "svc"
    calls = {"n": 0}
    real = Path.write_text

    def flaky(self: Path, *a, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError("disk full")
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", flaky)
    with pytest.raises(OSError, match="disk full"):
        generate(EXAMPLES / "twitter.yaml", out)
    assert not out.exists()
    assert os.listdir(tmp_path) == []  # no staging directory left behind
    # with --force over an existing project, the old one survives a failed run
    monkeypatch.setattr(Path, "write_text", real)
    generate(EXAMPLES / "twitter.yaml", out)
    before = (out / "app" / "config.py").read_text()
    calls["n"] = 0
    monkeypatch.setattr(Path, "write_text", flaky)
    with pytest.raises(OSError):
        generate(EXAMPLES / "twitter.yaml", out, force=True)
    monkeypatch.setattr(Path, "write_text", real)
    assert (out / "app" / "config.py").read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["svc"]


def _shape(value: object) -> object:
    """Structure of parsed data with every string replaced: what a name must not change."""
    if isinstance(value, dict):
        return {("<str>" if isinstance(k, str) and not k.isidentifier() else k): _shape(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "<str>" if isinstance(value, str) else type(value).__name__


class _Strings(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("<str>") if isinstance(node.value, str) else node


def _py_shape(text: str) -> str:
    return ast.dump(_Strings().visit(ast.parse(text)))


def _parsed_shape(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return _py_shape(text)
    if path.suffix in (".yml", ".yaml"):
        return _shape(list(yaml.safe_load_all(text)))
    if path.suffix == ".toml":
        return _shape(tomllib.loads(text))
    return None


def test_hostile_names_neither_break_nor_inject(tmp_path: Path) -> None:
    spec = yaml.safe_load((EXAMPLES / "twitter.yaml").read_text())
    spec["actions"]["post_tweet"]["endpoint"] = 'POST /api/v1/"; import os #'
    spec["actions"]["view_timeline"]["endpoint"] = "GET /api/v1/{{ 7*7 }}/../timeline"
    benign_path = tmp_path / "benign.yaml"
    spec["name"] = "Benign name"
    benign_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    spec["name"] = HOSTILE_NAME
    spec["description"] = HOSTILE_NAME + '\n"""\nimport os; os.system("touch /tmp/pwn")\n'
    spec_path = tmp_path / "hostile.yaml"
    spec_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out" / "svc"
    paths = generate(spec_path, out)
    benign = tmp_path / "benign"
    generate(benign_path, benign)
    root = out.resolve()
    for p in paths:  # nothing escapes the project directory
        assert p.resolve().is_relative_to(root), p
    hostile_files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert hostile_files == sorted(p.relative_to(benign) for p in benign.rglob("*")
                                   if p.is_file())
    for rel in hostile_files:
        # Every file parses, with exactly the structure a plain name gives: the name only ever
        # lands inside string values and comments.
        if rel.suffix in (".py", ".yml", ".yaml", ".toml"):
            assert _parsed_shape(root / rel) == _parsed_shape(benign / rel), rel
        if rel.parts[0] in ("deploy", ".github"):
            continue  # (their comments may quote the name as plain text)
        text = (root / rel).read_text(encoding="utf-8")
        for fragment in ("../../etc", "touch /tmp/pwn", "7*7", "{%"):
            assert fragment not in text, (rel, fragment)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["name"].replace("-", "").isalnum()
    proc = subprocess.run(
        [sys.executable, "-c", "from app.config import Settings; import json; "
         "s = Settings(_env_file=None); print(json.dumps([s.app_name, s.key_prefix]))"],
        cwd=root, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    app_name, prefix = __import__("json").loads(proc.stdout)
    assert "\n" not in app_name and '"' not in app_name and "{" not in app_name
    assert all(c.isalnum() or c == "-" for c in prefix)
    # the hostile endpoints were not turned into routes
    routes = (root / "app" / "spec_routes.py").read_text()
    assert "import os" not in routes and "SPEC_ROUTES: list[dict[str, str | None]] = [\n]" in routes
    assert not Path("/tmp/pwn").exists()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sysdesign.cli", *args], cwd=cwd,
                          env=clean_env(PYTHONPATH=str(REPO)), capture_output=True, text=True,
                          timeout=120)


def test_cli_scaffold_dry_run_refusal_and_summary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sysdesign.cli import app

    runner = CliRunner()
    spec = str(EXAMPLES / "twitter.yaml")
    out = tmp_path / "svc"
    r = runner.invoke(app, ["scaffold", spec, "-o", str(out), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "app/main.py" in r.output and not out.exists()
    r = runner.invoke(app, ["scaffold", spec, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "uvicorn app.main:app" in r.output and "CELEBRITY_THRESHOLD" in r.output
    r = runner.invoke(app, ["scaffold", spec, "-o", str(out)])
    assert r.exit_code == 2
    assert "--force" in r.output and "Traceback" not in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nusers: {dau: -5}\nactions: {}\n")
    r = runner.invoke(app, ["scaffold", str(bad), "-o", str(tmp_path / "other")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("spec_path", sorted(p for p in EXAMPLES.glob("*.yaml")
                                             if p.name != "bad.yaml"), ids=lambda p: p.stem)
def test_every_example_scaffolds_to_valid_python(spec_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "svc"
    paths = generate(spec_path, out)
    for p in paths:
        if p.suffix == ".py":
            ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
    tomllib.loads((out / "pyproject.toml").read_text())
