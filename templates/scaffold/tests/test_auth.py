from __future__ import annotations

import asyncio
import time

import jwt
import pytest
from httpx import AsyncClient
from pydantic import ValidationError

from app.config import DEFAULT_JWT_SECRET, Settings


async def test_register_login_and_me(client: AsyncClient, register) -> None:
    alice = await register("alice")
    r = await client.get("/api/v1/me", headers=alice.headers)
    assert r.status_code == 200
    assert r.json()["username"] == "alice"


async def test_password_is_stored_as_argon2id(client: AsyncClient, register) -> None:
    from sqlalchemy import select

    from app.models import User

    await register("bob")
    async with client.services.sessionmaker() as s:
        stored = (await s.execute(select(User.password_hash))).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


async def test_duplicate_username_is_409(client: AsyncClient, register) -> None:
    await register("carol")
    r = await client.post("/api/v1/auth/register",
                          json={"username": "carol", "password": "another password"})
    assert r.status_code == 409


@pytest.mark.parametrize("body", [
    {"username": "x", "password": "long enough"},
    {"username": "bad name!", "password": "long enough"},
    {"username": "dave", "password": "short"},
    {"username": "dave"},
    {"username": "dave", "password": "long enough", "admin": True},
])
async def test_invalid_registration_is_422(client: AsyncClient, body: dict) -> None:
    r = await client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 422
    assert r.json()["errors"]


async def test_wrong_password_is_401(client: AsyncClient, register) -> None:
    await register("erin")
    r = await client.post("/api/v1/auth/login",
                          json={"username": "erin", "password": "wrong password"})
    assert r.status_code == 401
    r = await client.post("/api/v1/auth/login",
                          json={"username": "nobody", "password": "wrong password"})
    assert r.status_code == 401


async def test_missing_bad_and_expired_tokens_are_401(client: AsyncClient, register) -> None:
    user = await register("frank")
    assert (await client.get("/api/v1/me")).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await client.get("/api/v1/me", headers=bad)).status_code == 401
    secret = client.services.settings.jwt_secret
    now = int(time.time())
    expired = jwt.encode({"sub": str(user.id), "iat": now - 100, "exp": now - 10,
                          "typ": "access"}, secret, algorithm="HS256")
    r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    forged = jwt.encode({"sub": str(user.id), "iat": now, "exp": now + 60, "typ": "access"},
                        "some other secret that is long enough", algorithm="HS256")
    r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


async def test_a_verified_token_still_expires(client: AsyncClient, register) -> None:
    """Verified tokens are remembered for speed, but only until their expiry."""
    user = await register("gina")
    secret = client.services.settings.jwt_secret
    now = time.time()
    exp = int(now) + 1
    token = jwt.encode({"sub": str(user.id), "iat": int(now), "exp": exp, "typ": "access"},
                       secret, algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    await asyncio.sleep(max(0.0, exp - time.time()) + 0.05)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


def test_production_refuses_default_or_short_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(_env_file=None, app_env="production", jwt_secret=DEFAULT_JWT_SECRET)
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(_env_file=None, app_env="production", jwt_secret="short")
    ok = Settings(_env_file=None, app_env="production", jwt_secret="s" * 48)
    assert ok.app_env == "production"


def test_production_app_does_not_start_with_default_secret(monkeypatch) -> None:
    import subprocess
    import sys

    env = {"APP_ENV": "production", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", "import app.main"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "JWT_SECRET" in proc.stderr
