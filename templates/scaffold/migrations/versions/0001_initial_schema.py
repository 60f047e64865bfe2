"""Initial schema: users, tweets (280-character check), follows and likes (unique pairs),
the outbox, and the indexes the timeline and fan-out queries use.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(30), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("follower_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("following_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sa.CheckConstraint("follower_count >= 0", name=op.f("ck_users_follower_count_nonneg")),
        sa.CheckConstraint("following_count >= 0", name=op.f("ck_users_following_count_nonneg")),
    )
    op.create_table(
        "tweets",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("author_id", BigId, nullable=False),
        sa.Column("text", sa.String(280), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("fanout", sa.Boolean(), nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tweets")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_tweets_author_id_users")),
        sa.CheckConstraint("length(text) >= 1 AND length(text) <= 280",
                           name=op.f("ck_tweets_text_length")),
        sa.CheckConstraint("like_count >= 0", name=op.f("ck_tweets_like_count_nonneg")),
    )
    op.create_index("ix_tweets_author_created", "tweets", ["author_id", "created_at", "id"])
    op.create_index(
        "ix_tweets_pull_author_created", "tweets", ["author_id", "created_at", "id"],
        postgresql_where=sa.text("NOT fanout"), sqlite_where=sa.text("NOT fanout"),
    )
    op.create_table(
        "follows",
        sa.Column("follower_id", BigId, nullable=False),
        sa.Column("followee_id", BigId, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("follower_id", "followee_id", name=op.f("pk_follows")),
        sa.ForeignKeyConstraint(["follower_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_follows_follower_id_users")),
        sa.ForeignKeyConstraint(["followee_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_follows_followee_id_users")),
        sa.CheckConstraint("follower_id <> followee_id", name=op.f("ck_follows_no_self_follow")),
    )
    op.create_index("ix_follows_followee_follower", "follows", ["followee_id", "follower_id"])
    op.create_table(
        "likes",
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("tweet_id", BigId, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "tweet_id", name=op.f("pk_likes")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_likes_user_id_users")),
        sa.ForeignKeyConstraint(["tweet_id"], ["tweets.id"], ondelete="CASCADE",
                                name=op.f("fk_likes_tweet_id_tweets")),
    )
    op.create_index("ix_likes_tweet_user", "likes", ["tweet_id", "user_id"])
    op.create_table(
        "outbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(
        "ix_outbox_unpublished", "outbox", ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("likes")
    op.drop_table("follows")
    op.drop_table("tweets")
    op.drop_table("users")
