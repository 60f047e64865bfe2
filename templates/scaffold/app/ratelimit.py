"""Token-bucket rate limiting per subject (user, or client IP for login) and route class.

A bucket holds up to ``burst`` tokens and refills at ``per_minute`` tokens a minute; a request
takes one token or is refused with 429 and a Retry-After of the seconds until one is back.
In Redis the whole read-refill-take-write step is one Lua script, so concurrent requests on many
API replicas cannot both take the last token; the script uses the Redis server's clock, so
replicas with skewed clocks agree. If Redis is unreachable the limiter falls back to an
in-process bucket (per replica: looser, but the API stays up).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from app.keys import Keys

log = logging.getLogger("app.ratelimit")

TOKEN_BUCKET_LUA = """
local key = KEYS[1]
local per_ms = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * per_ms)
local allowed = 0
local retry_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_ms = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', key, math.ceil(burst / per_ms) + 1000)
return {allowed, retry_ms}
"""


@dataclass(frozen=True)
class Limit:
    per_minute: int
    burst: int

    @property
    def per_ms(self) -> float:
        return self.per_minute / 60000.0


@dataclass
class Decision:
    allowed: bool
    retry_after_s: int = 0


class MemoryRateLimiter:
    def __init__(self, keys: Keys, max_buckets: int = 100_000):
        self.keys = keys
        self.max_buckets = max_buckets
        self._buckets: dict[str, tuple[float, float]] = {}

    async def hit(self, route_class: str, subject: str, limit: Limit) -> Decision:
        key = self.keys.rate_limit(route_class, subject)
        now = time.monotonic() * 1000
        tokens, ts = self._buckets.get(key, (float(limit.burst), now))
        tokens = min(limit.burst, tokens + max(0.0, now - ts) * limit.per_ms)
        if tokens >= 1:
            self._store(key, tokens - 1, now)
            return Decision(True)
        self._store(key, tokens, now)
        return Decision(False, max(1, math.ceil((1 - tokens) / limit.per_ms / 1000)))

    def _store(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self.max_buckets and key not in self._buckets:
            self._buckets.clear()  # crude bound on memory; buckets refill anyway
        self._buckets[key] = (tokens, now)


class RedisRateLimiter:
    def __init__(self, redis: Any, keys: Keys):
        self.redis = redis
        self.keys = keys
        self.script = redis.register_script(TOKEN_BUCKET_LUA)
        self.fallback = MemoryRateLimiter(keys)

    async def hit(self, route_class: str, subject: str, limit: Limit) -> Decision:
        from redis.exceptions import RedisError

        key = self.keys.rate_limit(route_class, subject)
        try:
            allowed, retry_ms = await self.script(keys=[key], args=[limit.per_ms, limit.burst])
        except (RedisError, OSError) as exc:
            log.warning("rate limiter using in-process buckets, Redis unavailable: %s", exc)
            return await self.fallback.hit(route_class, subject, limit)
        if int(allowed) == 1:
            return Decision(True)
        return Decision(False, max(1, math.ceil(int(retry_ms) / 1000)))
