"""The Alembic migration creates exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from httpx import AsyncClient

from app.models import Base


async def test_migrated_database_matches_the_models(client: AsyncClient) -> None:
    def diff(sync_conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(sync_conn)
        return compare_metadata(ctx, Base.metadata)

    async with client.services.engine.connect() as conn:
        problems = await conn.run_sync(diff)
    assert problems == []


async def test_constraints_carry_their_documented_names(client: AsyncClient) -> None:
    from sqlalchemy import inspect

    def names(sync_conn):  # type: ignore[no-untyped-def]
        insp = inspect(sync_conn)
        return {t: {c["name"] for c in insp.get_check_constraints(t)}
                for t in ("users", "tweets", "follows")}

    async with client.services.engine.connect() as conn:
        found = await conn.run_sync(names)
    assert "ck_tweets_text_length" in found["tweets"]
    assert "ck_follows_no_self_follow" in found["follows"]
