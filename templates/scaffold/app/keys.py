"""Every Redis key the service uses, built in one place.

A timeline written under one key and read under another reads back empty forever, and nothing
fails loudly; so no other module formats a key string, and tests/test_keys.py pins the shapes.
Keys use a ``{...}`` hash tag around the user id so that one user's keys land in the same slot
of a Redis Cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Member that marks a cached timeline as complete (built from the database, not only pushed to).
#: Scored below every real entry; real members are zero-padded tweet ids.
TIMELINE_SENTINEL = "~complete"
ID_WIDTH = 20


def member(tweet_id: int) -> str:
    """Sorted-set member for a tweet: zero-padded so equal scores order like the ids do."""
    return str(int(tweet_id)).zfill(ID_WIDTH)


def tweet_id_of(member_value: str | bytes) -> int:
    if isinstance(member_value, bytes):
        member_value = member_value.decode()
    return int(member_value)


def _tag(value: object) -> str:
    """Redis Cluster hash tag: only the part inside the braces picks the slot."""
    return "{" + str(value) + "}"


@dataclass(frozen=True)
class Keys:
    prefix: str

    def timeline(self, user_id: int) -> str:
        """Home timeline of a user: sorted set, member = tweet id, score = created_at in ms."""
        return f"{self.prefix}:timeline:" + _tag(int(user_id))

    def tweet(self, tweet_id: int) -> str:
        """Cached tweet body: the exact JSON bytes the API returns for it."""
        return f"{self.prefix}:tweet:{int(tweet_id)}"

    def followed_celebrities(self, user_id: int) -> str:
        """Set of the authors a user follows whose tweets are pulled at read time (celebrities).

        Same hash tag as the user's timeline: one read of both stays in one Cluster slot.
        """
        return f"{self.prefix}:celebs:" + _tag(int(user_id))

    def celebrity_tweets(self, author_id: int) -> str:
        """A celebrity's recent pulled tweets: sorted set shaped like a timeline."""
        return f"{self.prefix}:celebtweets:" + _tag(int(author_id))

    def celebrity_announced(self, author_id: int) -> str:
        """Marker: every follower's cached celebrity set has been told about this author."""
        return f"{self.prefix}:celebknown:" + _tag(int(author_id))

    def rate_limit(self, route_class: str, subject: str) -> str:
        """Token bucket of one subject (user:<id> or ip:<address>) for one route class."""
        return f"{self.prefix}:ratelimit:{route_class}:" + _tag(subject)

    def stream(self) -> str:
        """The event stream (Redis Streams) the outbox relay publishes to."""
        return f"{self.prefix}:events"

    def consumer_group(self) -> str:
        return f"{self.prefix}:fanout"
