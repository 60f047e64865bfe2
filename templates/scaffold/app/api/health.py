"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app.api.deps import get_services
from app.services import Services

router = APIRouter(tags=["ops"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers. Checks nothing else, so a database outage does not get
    every replica restarted."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(services: Services = Depends(get_services)) -> JSONResponse:
    """Readiness: the database answers (required) and the cache answers (reported).

    Without the cache the service still works (timelines come from the database), so a cache
    outage reports "degraded" but keeps the replica in rotation; without the database it
    cannot serve anything and answers 503.
    """
    checks: dict[str, str] = {}
    try:
        async with services.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        await services.cache.ping()
        checks["cache"] = "ok"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    if checks["database"] != "ok":
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    state = "ok" if checks["cache"] == "ok" else "degraded"
    return JSONResponse({"status": state, "checks": checks})


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
