"""Passwords (argon2id) and access tokens (JWT, HS256, with expiry)."""

from __future__ import annotations

import asyncio
import time

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import Settings


class InvalidToken(Exception):
    pass


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
    )


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    # argon2 is deliberately slow: keep it off the event loop.
    return await asyncio.to_thread(hasher.hash, password)


async def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    def _verify() -> bool:
        try:
            return hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


def create_access_token(settings: Settings, user_id: int) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "iat": now, "exp": now + settings.jwt_ttl_seconds,
              "typ": "access"}
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


#: Tokens this process has verified: (secret, token) -> (user id, expiry). Checking an HS256
#: signature costs more than the rest of a cached timeline read, and a token never changes, so
#: the answer is reused until the token expires. Bounded: cleared when full.
_verified: dict[tuple[str, str], tuple[int, int]] = {}
VERIFIED_TOKENS_MAX = 50_000


def decode_access_token(settings: Settings, token: str) -> int:
    key = (settings.jwt_secret, token)
    known = _verified.get(key)
    if known is not None and time.time() < known[1]:
        return known[0]
    try:
        claims = jwt.decode(
            token, settings.jwt_secret, algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as exc:
        _verified.pop(key, None)
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("bad subject") from exc
    if len(_verified) >= VERIFIED_TOKENS_MAX:
        _verified.clear()
    _verified[key] = (user_id, int(claims["exp"]))
    return user_id
