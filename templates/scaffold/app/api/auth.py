"""Register and log in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_services, get_session, ip_limited
from app.models import User
from app.schemas import Credentials, TokenOut, UserOut
from app.security import create_access_token, hash_password, verify_password
from app.services import Services

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


async def _dummy_hash(services: Services) -> str:
    cached = services.extras.get("dummy_hash")
    if cached is None:
        cached = await hash_password(services.hasher, "not a real password")
        services.extras["dummy_hash"] = cached
    return cached


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserOut,
             dependencies=[Depends(ip_limited("auth"))])
async def register(
    body: Credentials,
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    password_hash = await hash_password(services.hasher, body.password)
    user = User(username=body.username, password_hash=password_hash)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "username already taken") from exc
    return UserOut(id=user.id, username=user.username)


@router.post("/login", response_model=TokenOut, dependencies=[Depends(ip_limited("auth"))])
async def login(
    body: Credentials,
    services: Services = Depends(get_services),
    session: AsyncSession = Depends(get_session),
) -> TokenOut:
    user = (await session.execute(select(User).where(User.username == body.username))).scalar()
    # Same answer, and about the same time, for an unknown user and a wrong password: an
    # unknown user is checked against a dummy hash so response times do not reveal usernames.
    stored = user.password_hash if user is not None else await _dummy_hash(services)
    if not await verify_password(services.hasher, stored, body.password) or user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    token = create_access_token(services.settings, user.id)
    return TokenOut(access_token=token, expires_in=services.settings.jwt_ttl_seconds,
                    user_id=user.id)
