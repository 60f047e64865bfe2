from __future__ import annotations

from httpx import AsyncClient


async def test_health_is_liveness_only(client: AsyncClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_ready_checks_database_and_cache(client: AsyncClient) -> None:
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


async def test_metrics_expose_latency_histogram_by_route(client: AsyncClient) -> None:
    await client.get("/health")
    r = await client.get("/metrics")
    assert r.status_code == 200
    body = r.text
    assert 'http_request_duration_seconds_bucket{' in body
    assert 'route="/health"' in body
    for name in ("cache_requests_total", "fanout_lag_seconds", "fanout_timeline_inserts_total"):
        assert name in body


async def test_correlation_id_is_kept_or_created(client: AsyncClient) -> None:
    r = await client.get("/health", headers={"X-Correlation-ID": "abc-123"})
    assert r.headers["x-correlation-id"] == "abc-123"
    r = await client.get("/health")
    assert len(r.headers["x-correlation-id"]) == 32
    # A header that could forge log lines is replaced, not echoed.
    r = await client.get("/health", headers={"X-Correlation-ID": 'a" b'})
    assert r.headers["x-correlation-id"] != 'a" b'
