from __future__ import annotations

import pytest
from httpx import AsyncClient


@pytest.fixture
def settings_overrides() -> dict:
    return {"rate_limit_write_burst": 2, "rate_limit_write_per_minute": 1,
            "rate_limit_auth_burst": 50}


async def test_token_bucket_gives_429_with_retry_after(client: AsyncClient, register) -> None:
    alice, bob = await register("alice"), await register("bob")
    codes = []
    for i in range(3):
        r = await client.post("/api/v1/tweets", json={"text": f"{i}"}, headers=alice.headers)
        codes.append(r.status_code)
    assert codes == [201, 201, 429]
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # buckets are per user
    r = await client.post("/api/v1/tweets", json={"text": "mine"}, headers=bob.headers)
    assert r.status_code == 201
    # and per route class: reads are still allowed
    r = await client.get("/api/v1/timeline", headers=alice.headers)
    assert r.status_code == 200


async def test_spec_limits_are_the_defaults() -> None:
    from app.config import Settings

    s = Settings(_env_file=None)
    assert s.rate_limit_read_per_minute > 0 and s.rate_limit_write_per_minute > 0
    assert s.rate_limit_read_burst >= 1 and s.rate_limit_write_burst >= 1
