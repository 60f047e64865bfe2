"""Request and response bodies. Unknown fields are rejected (422), never silently ignored."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.models import TWEET_MAX_CHARS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(Strict):
    username: str = Field(min_length=3, max_length=30, pattern=r"^[A-Za-z0-9_]+$")
    password: str = Field(min_length=8, max_length=128)


class UserOut(BaseModel):
    id: int
    username: str
    follower_count: int = 0
    following_count: int = 0


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user_id: int


class TweetIn(Strict):
    text: str = Field(min_length=1, max_length=TWEET_MAX_CHARS)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class TweetOut(BaseModel):
    id: int
    author_id: int
    author: str
    text: str
    created_at: datetime
    like_count: int


class Page(BaseModel):
    items: list[TweetOut]
    next_cursor: str | None = None
