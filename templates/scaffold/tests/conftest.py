"""Test setup: the embedded default unless DATABASE_URL / REDIS_URL point at real servers.

On SQLite every test gets a copy of a database migrated once per session. On PostgreSQL the
database is migrated once and every table is emptied before each test: point DATABASE_URL at a
throwaway database. On Redis every test uses its own key prefix, so nothing needs flushing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import Settings
from app.db import migrate
from app.main import create_app

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
ON_REDIS = bool(REDIS_URL)
TABLES = ("likes", "follows", "outbox", "tweets", "users")


async def _migrate(url: str) -> None:
    engine = create_async_engine(Settings(database_url=url, _env_file=None).async_database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    if ON_POSTGRES:
        asyncio.run(_migrate(DATABASE_URL))
        return DATABASE_URL
    path = tmp_path_factory.mktemp("db") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return str(path)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "key_prefix": f"test-{uuid.uuid4().hex[:12]}",
        "auto_migrate": False,
        "worker_in_process": True,
        "jwt_secret": "test-secret-" + "x" * 40,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 1024,
        "argon2_parallelism": 1,
        "claim_idle_ms": 500,
        "outbox_poll_seconds": 0.2,
        "queue_block_ms": 100,
        "log_level": "WARNING",
        # Generous buckets: tests post quickly; tests/test_ratelimit.py sets tight ones.
        "rate_limit_read_burst": 10_000,
        "rate_limit_write_burst": 10_000,
        "rate_limit_auth_burst": 10_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def database_url(database_template: str, tmp_path: Any) -> str:
    if ON_POSTGRES:
        return database_template
    path = tmp_path / "app.db"
    shutil.copyfile(database_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change settings for its tests."""
    return {}


@pytest.fixture
def settings(database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(database_url, **settings_overrides)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        services = app.state.services
        if ON_POSTGRES:
            async with services.engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as c:
            c.app = app  # type: ignore[attr-defined]
            c.services = services  # type: ignore[attr-defined]
            yield c


class User:
    def __init__(self, id: int, username: str, token: str):
        self.id = id
        self.username = username
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def register(client: AsyncClient) -> Callable[[str], Awaitable[User]]:
    async def _register(username: str, password: str = "correct horse battery") -> User:
        r = await client.post("/api/v1/auth/register",
                              json={"username": username, "password": password})
        assert r.status_code == 201, r.text
        r = await client.post("/api/v1/auth/login",
                              json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        body = r.json()
        return User(body["user_id"], username, body["access_token"])

    return _register


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait for asynchronous work (fan-out) to become visible."""
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout:.1f} s")
        await asyncio.sleep(0.05)


async def timeline_ids(client: AsyncClient, user: User, **params: Any) -> list[int]:
    r = await client.get("/api/v1/timeline", headers=user.headers, params=params)
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["items"]]
