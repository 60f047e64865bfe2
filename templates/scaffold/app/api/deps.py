"""Shared dependencies: services, database session, authentication, rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app import metrics
from app.ratelimit import Limit
from app.security import InvalidToken, decode_access_token
from app.services import Services

bearer = HTTPBearer(auto_error=False)


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, a hop per request.
    return request.app.state.services


async def get_session(services: Services = Depends(get_services)) -> AsyncIterator[AsyncSession]:
    async with services.sessionmaker() as session:
        yield session


def _user_from(services: Services, creds: HTTPAuthorizationCredentials | None) -> int:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return decode_access_token(services.settings, creds.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
            headers={"WWW-Authenticate": "Bearer"},
        ) from exc


async def current_user_id(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    services: Services = Depends(get_services),
) -> int:
    return _user_from(services, creds)


def _limit_for(services: Services, route_class: str) -> Limit:
    s = services.settings
    per_minute, burst = {
        "read": (s.rate_limit_read_per_minute, s.rate_limit_read_burst),
        "write": (s.rate_limit_write_per_minute, s.rate_limit_write_burst),
        "auth": (s.rate_limit_auth_per_minute, s.rate_limit_auth_burst),
    }[route_class]
    return Limit(per_minute=per_minute, burst=burst)


async def _check(services: Services, route_class: str, subject: str) -> None:
    if not services.settings.rate_limit_enabled:
        return
    decision = await services.limiter.hit(route_class, subject, _limit_for(services, route_class))
    if not decision.allowed:
        metrics.RATE_LIMITED.labels(route_class).inc()
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"rate limit exceeded for {route_class} requests; retry after "
            f"{decision.retry_after_s} s",
            headers={"Retry-After": str(decision.retry_after_s)},
        )


def user_limited(route_class: str) -> Callable[..., Coroutine[Any, Any, int]]:
    """Authenticated user id, after taking a token from that user's bucket for the class.

    One dependency rather than a chain (token -> user -> limit): each level of FastAPI's
    dependency resolution costs time on every request, and this runs on every API call.
    """

    async def dep(
        request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)
    ) -> int:
        services: Services = request.app.state.services
        user_id = _user_from(services, creds)
        await _check(services, route_class, f"user:{user_id}")
        return user_id

    return dep


def ip_limited(route_class: str) -> Callable[..., Coroutine[Any, Any, None]]:
    async def dep(request: Request, services: Services = Depends(get_services)) -> None:
        host = request.client.host if request.client else "unknown"
        await _check(services, route_class, f"ip:{host}")

    return dep


def require_self(path_user_id: int, user_id: int) -> None:
    """You act only as yourself: the user in the path must be the token's user."""
    if path_user_id != user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you can only act as yourself")
