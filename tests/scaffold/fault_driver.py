"""Fault scenarios against a generated project, run as a separate process.

    python fault_driver.py SCENARIO   (cwd = the generated project)

Environment: DATABASE_URL (PostgreSQL), REDIS_URL, REDIS_PORT and REDIS_DIR (to stop and restart
that Redis), SYSDESIGN_TESTS (the repository's tests/ directory, for its server helpers).
Prints one JSON object with what it observed; the pytest side asserts on it. It runs in its own
process so that importing the generated ``app`` package never touches the test process.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())

from app.config import Settings  # noqa: E402
from app.keys import member  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Follow, OutboxEvent, Tweet, User  # noqa: E402
from app.security import create_access_token  # noqa: E402
from httpx import ASGITransport, AsyncClient  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402

DATABASE_URL = os.environ["DATABASE_URL"]
REDIS_URL = os.environ["REDIS_URL"]
SECRET = "fault-test-secret-" + "y" * 40
PREFIX = f"fault-{uuid.uuid4().hex[:10]}"


def settings(**kw: Any) -> Settings:
    values: dict[str, Any] = dict(
        database_url=DATABASE_URL, redis_url=REDIS_URL, key_prefix=PREFIX, auto_migrate=True,
        jwt_secret=SECRET, argon2_time_cost=1, argon2_memory_cost_kib=1024,
        argon2_parallelism=1, rate_limit_enabled=False, claim_idle_ms=1000,
        outbox_poll_seconds=0.2, queue_block_ms=200, log_level="WARNING",
        celebrity_threshold=100_000,
    )
    values.update(kw)
    return Settings(_env_file=None, **values)


async def seed_users(services: Any, n: int) -> list[int]:
    async with services.sessionmaker() as s, s.begin():
        rows = [{"username": f"u{i}_{uuid.uuid4().hex[:6]}", "password_hash": "x"}
                for i in range(n)]
        result = await s.execute(insert(User).returning(User.id), rows)
        return sorted(result.scalars().all())


async def seed_follows(services: Any, followee: int, followers: list[int]) -> None:
    async with services.sessionmaker() as s, s.begin():
        await s.execute(insert(Follow), [{"follower_id": f, "followee_id": followee}
                                         for f in followers])
        await s.execute(update(User).where(User.id == followee)
                        .values(follower_count=User.follower_count + len(followers)))


def auth(cfg: Settings, user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(cfg, user_id)}"}


async def timeline(client: AsyncClient, cfg: Settings, uid: int, limit: int = 100) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await client.get("/api/v1/timeline", params=params, headers=auth(cfg, uid))
        assert r.status_code == 200, r.text
        body = r.json()
        ids += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids


async def holders(redis: Any, services: Any, users: list[int], tweet_id: int) -> int:
    pipe = redis.pipeline(transaction=False)
    for u in users:
        pipe.zscore(services.keys.timeline(u), member(tweet_id))
    return sum(1 for v in await pipe.execute() if v is not None)


async def wait_for(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


def start_worker(cfg_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, **cfg_env)
    return subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=os.getcwd(), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def worker_crash() -> dict[str, Any]:
    """A worker killed mid fan-out to 1,000 followers; a restarted worker finishes the job."""
    cfg = settings(worker_in_process=False, fanout_batch_size=50)
    app = create_app(cfg)
    out: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        services = app.state.services
        redis = services.redis
        ids = await seed_users(services, 1001)
        author, followers = ids[0], ids[1:]
        await seed_follows(services, author, followers)
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            r = await client.post("/api/v1/tweets", json={"text": "to a thousand"},
                                  headers=auth(cfg, author))
            out["post_status"] = r.status_code
            tid = r.json()["id"]
            worker_env = {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
                          "KEY_PREFIX": PREFIX, "FANOUT_BATCH_SIZE": "50",
                          "CLAIM_IDLE_MS": "1000", "QUEUE_BLOCK_MS": "200",
                          "LOG_LEVEL": "WARNING", "JWT_SECRET": SECRET,
                          "FANOUT_BATCH_DELAY_MS": "150"}
            worker = start_worker(worker_env)

            async def some() -> bool:
                return await holders(redis, services, followers, tid) >= 100

            out["started"] = await wait_for(some, 60)
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            out["partial"] = await holders(redis, services, followers, tid)
            out["pending_after_kill"] = int(
                (await redis.xpending(services.keys.stream(), services.keys.consumer_group())
                 )["pending"])
            worker_env["FANOUT_BATCH_DELAY_MS"] = "0"
            worker = start_worker(worker_env)
            try:
                async def complete() -> bool:
                    return await holders(redis, services, followers, tid) == len(followers)

                out["completed"] = await wait_for(complete, 60)

                async def acked() -> bool:
                    info = await redis.xpending(services.keys.stream(),
                                                services.keys.consumer_group())
                    return int(info["pending"]) == 0

                out["acked"] = await wait_for(acked, 30)
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(30)
            out["final"] = await holders(redis, services, followers, tid)
            pipe = redis.pipeline(transaction=False)
            for f in followers:
                pipe.zcard(services.keys.timeline(f))
            cards = await pipe.execute()
            out["followers_with_exactly_one_entry"] = sum(1 for c in cards if c == 1)
            sample = followers[:: len(followers) // 25] + [followers[-1]]
            out["api_sample_ok"] = all(
                [await timeline(client, cfg, f) == [tid] for f in sample])
            out["author_timeline"] = await timeline(client, cfg, author) == [tid]
    return out


def _redis_server() -> Any:
    sys.path.insert(0, os.environ["SYSDESIGN_TESTS"])
    from services import RedisServer

    return RedisServer(int(os.environ["REDIS_PORT"]), Path(os.environ["REDIS_DIR"]))


async def redis_down() -> dict[str, Any]:
    """Redis stopped while posting: posts succeed, reads come from the database, and the
    events are delivered once Redis is back."""
    server = _redis_server()
    cfg = settings(worker_in_process=True)
    app = create_app(cfg)
    out: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        services = app.state.services
        redis = services.redis
        alice, bob = await seed_users(services, 2)
        await seed_follows(services, alice, [bob])
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            await timeline(client, cfg, bob)  # cached (empty) timeline
            t1 = (await client.post("/api/v1/tweets", json={"text": "before"},
                                    headers=auth(cfg, alice))).json()["id"]

            async def delivered_t1() -> bool:
                return await holders(redis, services, [bob], t1) == 1

            out["t1_delivered"] = await wait_for(delivered_t1, 20)

            server.stop()
            r = await client.post("/api/v1/tweets", json={"text": "while redis is down"},
                                  headers=auth(cfg, alice))
            out["post_while_down"] = r.status_code
            t2 = r.json()["id"] if r.status_code == 201 else None
            out["timeline_while_down"] = await timeline(client, cfg, bob) == [t2, t1]
            ready = await client.get("/ready")
            out["ready_while_down"] = [ready.status_code, ready.json()["status"]]
            await asyncio.sleep(0.5)  # the relay tries, fails, keeps the event
            async with services.sessionmaker() as s:
                out["unpublished_while_down"] = (await s.execute(
                    select(func.count()).select_from(OutboxEvent)
                    .where(OutboxEvent.published_at.is_(None)))).scalar()

            server.start()  # empty: it was started with --save ""

            async def all_published() -> bool:
                async with services.sessionmaker() as s:
                    n = (await s.execute(select(func.count()).select_from(OutboxEvent)
                                         .where(OutboxEvent.published_at.is_(None)))).scalar()
                return n == 0

            out["published_after"] = await wait_for(all_published, 30)

            async def delivered_t2() -> bool:
                try:
                    return await holders(redis, services, [bob], t2) == 1
                except Exception:
                    return False

            out["t2_delivered_after"] = await wait_for(delivered_t2, 30)
            out["timeline_after"] = await timeline(client, cfg, bob) == [t2, t1]
            ready = await client.get("/ready")
            out["ready_after"] = [ready.status_code, ready.json()["status"]]
    return out


async def concurrent_posts() -> dict[str, Any]:
    """200 concurrent posts: every 201 is a row, an event, and a timeline entry."""
    cfg = settings(worker_in_process=True)
    app = create_app(cfg)
    out: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        services = app.state.services
        ids = await seed_users(services, 21)
        authors, reader = ids[:20], ids[20]
        for a in authors:
            await seed_follows(services, a, [reader])
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t",
                               timeout=120) as client:
            await timeline(client, cfg, reader)

            async def post(i: int) -> tuple[int, int | None]:
                r = await client.post("/api/v1/tweets", json={"text": f"post {i}"},
                                      headers=auth(cfg, authors[i % 20]))
                return r.status_code, (r.json()["id"] if r.status_code == 201 else None)

            results = await asyncio.gather(*(post(i) for i in range(200)))
            created = [tid for code, tid in results if code == 201]
            out["created"] = len(created)
            out["statuses"] = sorted({code for code, _ in results})
            async with services.sessionmaker() as s:
                out["rows"] = (await s.execute(select(func.count()).select_from(Tweet))).scalar()
                out["events"] = (await s.execute(
                    select(func.count()).select_from(OutboxEvent))).scalar()
            redis = services.redis

            async def fanned() -> bool:
                pipe = redis.pipeline(transaction=False)
                for t in created:
                    pipe.zscore(services.keys.timeline(reader), member(t))
                return all(v is not None for v in await pipe.execute())

            out["all_fanned_out"] = await wait_for(fanned, 60)
            seen = await timeline(client, cfg, reader, limit=100)
            out["timeline_unique"] = len(seen) == len(set(seen))
            out["timeline_complete"] = sorted(seen) == sorted(created)
    return out


SCENARIOS = {"worker_crash": worker_crash, "redis_down": redis_down,
             "concurrent_posts": concurrent_posts}

if __name__ == "__main__":
    result = asyncio.run(SCENARIOS[sys.argv[1]]())
    print("RESULT " + json.dumps(result))
