"""The schema: users, tweets, follows, likes, and the outbox of events to publish.

The migration in migrations/versions/ creates exactly this (tests/test_migrations.py compares).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an "INTEGER PRIMARY KEY"; PostgreSQL gets BIGINT identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")

TWEET_MAX_CHARS = 280

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow_ms() -> datetime:
    """Now, truncated to the millisecond: the timeline scores are milliseconds, and the database
    must order tweets exactly as the cache does."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


def to_ms(value: datetime) -> int:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return int(round(value.timestamp() * 1000))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    # Denormalised counts, updated in the same transaction as the follow row. The fan-out
    # decision (push to followers or pull at read time) reads follower_count.
    follower_count: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=sql_text("0")
    )
    following_count: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=sql_text("0")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow_ms
    )

    __table_args__ = (
        CheckConstraint("follower_count >= 0", name="follower_count_nonneg"),
        CheckConstraint("following_count >= 0", name="following_count_nonneg"),
    )


class Tweet(Base):
    __tablename__ = "tweets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    text: Mapped[str] = mapped_column(String(TWEET_MAX_CHARS), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow_ms
    )
    # True: pushed into followers' cached timelines by the worker. False: the author had more
    # followers than CELEBRITY_THRESHOLD when posting, so readers pull it at read time.
    fanout: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    like_count: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=sql_text("0")
    )

    __table_args__ = (
        CheckConstraint(
            f"length(text) >= 1 AND length(text) <= {TWEET_MAX_CHARS}", name="text_length"
        ),
        CheckConstraint("like_count >= 0", name="like_count_nonneg"),
        # A user's tweets, newest first; also the database side of the home timeline.
        Index("ix_tweets_author_created", "author_id", "created_at", "id"),
        # Tweets that readers pull at read time (celebrity authors), newest first.
        Index(
            "ix_tweets_pull_author_created",
            "author_id",
            "created_at",
            "id",
            postgresql_where=sql_text("NOT fanout"),
            sqlite_where=sql_text("NOT fanout"),
        ),
    )


class Follow(Base):
    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow_ms
    )

    __table_args__ = (
        CheckConstraint("follower_id <> followee_id", name="no_self_follow"),
        # Fan-out reads "who follows this author", in id order for resumable batches.
        Index("ix_follows_followee_follower", "followee_id", "follower_id"),
    )


class Like(Base):
    __tablename__ = "likes"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tweet_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tweets.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow_ms
    )

    __table_args__ = (Index("ix_likes_tweet_user", "tweet_id", "user_id"),)


class OutboxEvent(Base):
    """Transactional outbox: written in the same transaction as the tweet, published after.

    If the queue is down when a tweet is posted, the row stays unpublished and the relay
    (app/outbox.py) publishes it when the queue is back; the tweet and its event are never split.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow_ms
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index(
            "ix_outbox_unpublished",
            "id",
            postgresql_where=sql_text("published_at IS NULL"),
            sqlite_where=sql_text("published_at IS NULL"),
        ),
    )
