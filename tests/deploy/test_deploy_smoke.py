"""Smoke test of the generated deployment: two api processes behind the generated nginx.conf,
one fan-out worker, real PostgreSQL and Redis, all on loopback. Register, follow, post, and read
the timeline through nginx; the tweet reaches the follower's timeline through the worker."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_helpers import REPO, Stack, require_binary, service_env

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sysdesign import derive_design, estimate, load_spec
    from sysdesign.scaffold.generator import scaffold

    spec = load_spec(REPO / "examples" / "twitter.yaml")
    est = estimate(spec)
    out = tmp_path_factory.mktemp("smoke") / "service"
    scaffold(spec, est, derive_design(spec, est), out)
    return out


@pytest.fixture(scope="module")
def stack(project: Path, pg_server, redis_srv, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Stack]:
    nginx = require_binary("nginx")
    env = service_env(project, pg_server.async_url, redis_srv.url)
    s = Stack(project, tmp_path_factory.mktemp("smoke-logs"), env)
    try:
        s.migrate()
        s.start_api(2)
        s.start_workers(1)
        s.start_nginx(nginx, (project / "deploy" / "nginx.conf").read_text())
        yield s
    finally:
        s.stop()


def _wait_fanned_out(redis_srv, user_id: int, tweet_id: int, timeout: float = 15.0) -> str:
    """Poll the follower's cached timeline (a Redis sorted set) until the tweet is in it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = redis_srv.cli("--scan", "--pattern", f"*:timeline:{{{user_id}}}").split()
        for key in keys:
            if redis_srv.cli("zscore", key, str(tweet_id).zfill(20)):
                return key
        time.sleep(0.05)
    raise AssertionError(f"tweet {tweet_id} never reached timeline of user {user_id} in Redis")


def test_post_fans_out_and_reads_back_through_nginx(stack: Stack, redis_srv) -> None:
    import httpx

    base = f"http://127.0.0.1:{stack.nginx_port}"
    with httpx.Client(base_url=base, timeout=10) as c:
        assert c.get("/ready").status_code == 200
        tokens = {}
        for user in ("alice", "bob", "carol"):
            r = c.post("/api/v1/auth/register", json={"username": user, "password": "pw-123456"})
            assert r.status_code == 201, r.text
            r = c.post("/api/v1/auth/login", json={"username": user, "password": "pw-123456"})
            assert r.status_code == 200, r.text
            tokens[user] = r.json()
        auth = {u: {"Authorization": f"Bearer {t['access_token']}"} for u, t in tokens.items()}
        alice, bob = tokens["alice"]["user_id"], tokens["bob"]["user_id"]

        r = c.put(f"/api/v1/users/{bob}/following/{alice}", headers=auth["bob"])
        assert r.status_code == 204, r.text
        # Bob reads once: his cached timeline is built (empty) before alice posts, so the tweet
        # can only get into it by the worker's fan-out.
        assert c.get("/api/v1/timeline", headers=auth["bob"]).json()["items"] == []
        r = c.post("/api/v1/tweets", json={"text": "hello through nginx"},
                   headers={**auth["alice"], "X-Correlation-ID": "smoke-1"})
        assert r.status_code == 201, r.text
        assert r.headers["X-Correlation-ID"] == "smoke-1"
        tweet_id = r.json()["id"]

        key = _wait_fanned_out(redis_srv, bob, tweet_id)
        assert key.endswith(f":timeline:{{{bob}}}")

        deadline = time.monotonic() + 15
        items: list = []
        while time.monotonic() < deadline:
            r = c.get("/api/v1/timeline", headers=auth["bob"])
            assert r.status_code == 200, r.text
            items = r.json()["items"]
            if items:
                break
            time.sleep(0.1)
        assert [t["id"] for t in items] == [tweet_id]
        # carol follows nobody: her timeline stays empty.
        assert c.get("/api/v1/timeline", headers=auth["carol"]).json()["items"] == []
        # The probes pass through without rate limiting; /metrics is not public through nginx.
        assert c.get("/health").status_code == 200
        assert c.get("/metrics").status_code == 404

    for port in stack.api_ports:
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert "http_request_duration_seconds_bucket" in metrics

    # nginx spread the requests over both api processes.
    lines = [json.loads(x) for x in stack.log("nginx").splitlines() if x.startswith("{")]
    upstreams = {ln["upstream"] for ln in lines if ln.get("upstream")}
    assert {f"127.0.0.1:{p}" for p in stack.api_ports} <= upstreams, upstreams


def test_app_rate_limit_answers_before_nginx(stack: Stack) -> None:
    """The app's per-user write bucket is smaller than nginx's per-IP one, so a burst of posts
    meets the app's 429 with Retry-After, not nginx's bare 429."""
    import httpx

    base = f"http://127.0.0.1:{stack.nginx_port}"
    with httpx.Client(base_url=base, timeout=10) as c:
        c.post("/api/v1/auth/register", json={"username": "dave", "password": "pw-123456"})
        tok = c.post("/api/v1/auth/login",
                     json={"username": "dave", "password": "pw-123456"}).json()["access_token"]
        h = {"Authorization": f"Bearer {tok}"}
        statuses = []
        limited = None
        for i in range(15):
            r = c.post("/api/v1/tweets", json={"text": f"burst {i}"}, headers=h)
            statuses.append(r.status_code)
            if r.status_code == 429:
                limited = r
                break
        assert limited is not None, statuses
        assert "Retry-After" in limited.headers
        assert statuses.count(201) >= 1
