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


def test_readme_walkthrough_over_http_on_the_embedded_default(twitter_project: Path,
                                                              tmp_path: Path) -> None:
    """The README's steps: start uvicorn with no settings, register, follow, post, read."""
    import shutil as sh
    import socket
    import time

    import httpx

    project = tmp_path / "svc"
    sh.copytree(twitter_project, project)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from scaffold_helpers import clean_env

    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
         str(port)], cwd=project, env=clean_env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as c:
            tokens = {}
            for name in ("alice", "bob"):
                creds = {"username": name, "password": "correct horse battery"}
                assert c.post("/api/v1/auth/register", json=creds).status_code == 201
                tokens[name] = c.post("/api/v1/auth/login", json=creds).json()
            alice, bob = tokens["alice"], tokens["bob"]
            h_alice = {"authorization": f"Bearer {alice['access_token']}"}
            h_bob = {"authorization": f"Bearer {bob['access_token']}"}
            r = c.put(f"/api/v1/users/{bob['user_id']}/following/{alice['user_id']}",
                      headers=h_bob)
            assert r.status_code == 204
            tweet = c.post("/api/v1/tweets", json={"text": "hello, followers"}, headers=h_alice)
            assert tweet.status_code == 201
            deadline = time.monotonic() + 10
            while True:
                items = c.get("/api/v1/timeline", headers=h_bob).json()["items"]
                if items or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert [t["text"] for t in items] == ["hello, followers"]
            assert c.get("/ready").json()["status"] == "ok"
            assert 'route="/api/v1/timeline"' in c.get("/metrics").text
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert (project / "app.db").exists()  # migrations ran at startup on SQLite
