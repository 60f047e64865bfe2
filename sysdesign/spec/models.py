"""The spec: pydantic models of the YAML a user writes.

Strict (unknown keys are errors), with quantity fields that accept the notation people write
(``10M``, ``1 KB``, ``5 years``, ``500M/day``, ``99.99%``) and store SI floats: counts, bytes,
seconds, events per second, fractions. Calendar-dependent values (months, years) and KB size read
the calendar from the validation context, which the loader fills from ``assumptions:``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sysdesign.spec import quantities as q
from sysdesign.spec.entities import BodyFields, Entity


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def _count(v: object) -> float:
    return q.parse_count(v)


def _positive_count(v: object) -> float:
    x = q.parse_count(v)
    if x <= 0:
        raise ValueError(f'must be a positive number, got "{v}"')
    return x


def _nonneg_count(v: object) -> float:
    x = q.parse_count(v)
    if x < 0:
        raise ValueError(f'must not be negative, got "{v}"')
    return x


def _size(v: object, info: ValidationInfo) -> float:
    return q.parse_size(v, kilo=int(_ctx(info).get("kilo", 1000)))


def _duration(v: object, info: ValidationInfo) -> float:
    c = _ctx(info)
    return q.parse_duration(v, days_per_year=c.get("days_per_year", 365.0),
                            days_per_month=c.get("days_per_month", 30.0))


def _duration_ms(v: object, info: ValidationInfo) -> float:
    c = _ctx(info)
    x = q.parse_duration(v, days_per_year=c.get("days_per_year", 365.0),
                         days_per_month=c.get("days_per_month", 30.0), default_unit="ms")
    if x <= 0:
        raise ValueError(f'must be a positive duration such as 200 ms, got "{v}"')
    return x


def _rate(v: object, info: ValidationInfo) -> float:
    c = _ctx(info)
    return q.parse_rate(v, days_per_year=c.get("days_per_year", 365.0),
                        days_per_month=c.get("days_per_month", 30.0))


def _fraction(v: object) -> float:
    return q.parse_fraction(v)


def _availability(v: object) -> float:
    x = q.parse_fraction(v, allow_bare_percent=True)
    if x <= 0 or x >= 1:
        raise ValueError(f'must be between 0% and 100% (exclusive), e.g. 99.99%, got "{v}"')
    return x


Count = Annotated[float, BeforeValidator(_count)]
PositiveCount = Annotated[float, BeforeValidator(_positive_count)]
NonNegCount = Annotated[float, BeforeValidator(_nonneg_count)]
Size = Annotated[float, BeforeValidator(_size)]
Duration = Annotated[float, BeforeValidator(_duration)]
LatencyTarget = Annotated[float, BeforeValidator(_duration_ms)]
Rate = Annotated[float, BeforeValidator(_rate)]
Fraction = Annotated[float, BeforeValidator(_fraction)]
Availability = Annotated[float, BeforeValidator(_availability)]

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Followers(Strict):
    """The follower graph, for fan-out sizing and the celebrity (hybrid) model."""

    average: NonNegCount = Field(description="Average followers per user, e.g. 200.")
    celebrity_threshold: PositiveCount = Field(
        default=10_000,
        description="Followers above which an author is pulled at read time, not pushed.",
    )
    celebrities: NonNegCount | None = Field(
        default=None, description="How many accounts are above the threshold (optional)."
    )


class Users(Strict):
    dau: PositiveCount | None = Field(default=None, description="Daily active users, e.g. 10M.")
    mau: PositiveCount | None = Field(
        default=None, description="Monthly active users; give daily_fraction with it."
    )
    daily_fraction: Fraction | None = Field(
        default=None, description="Share of monthly users active on a given day, e.g. 50%."
    )
    peak_factor: float | None = Field(
        default=None, description="Peak / average traffic (default: assumption peak_factor, 2)."
    )
    followers: Followers | None = Field(default=None, description="The follower graph.")

    @field_validator("peak_factor", mode="before")
    @classmethod
    def _peak(cls, v: object) -> object:
        if v is None:
            return v
        x = q.parse_count(v)
        if x < 1:
            raise ValueError(f'must be at least 1 (peak is never below average), got "{v}"')
        return x

    @model_validator(mode="after")
    def _dau_or_mau(self) -> Users:
        if self.dau is None:
            if self.mau is None:
                raise ValueError("give users.dau, or users.mau with users.daily_fraction")
            if self.daily_fraction is None:
                raise ValueError("users.mau needs users.daily_fraction (e.g. 50%) to derive DAU")
            if self.daily_fraction == 0:
                raise ValueError("users.daily_fraction must be above 0%")
        return self

    @property
    def daily_active(self) -> float:
        if self.dau is not None:
            return self.dau
        assert self.mau is not None and self.daily_fraction is not None
        return self.mau * self.daily_fraction


class Action(Strict):
    kind: Literal["read", "write"] = Field(description="read or write.")
    share_of_users: Fraction = Field(default=1.0, description="Fraction of DAU doing this.")
    per_user_per_day: PositiveCount | None = Field(
        default=None, description="Times per participating user per day."
    )
    total: Rate | None = Field(
        default=None, description="Absolute rate instead, e.g. 500M/day (stored per second)."
    )
    request_size: Size = Field(default=0.0, description="Bytes the client sends per call.")
    response_size: Size = Field(default=0.0, description="Bytes returned per call.")
    stored_size: Size | None = Field(
        default=None,
        description="Bytes persisted per call (default: request_size for writes, 0 for reads).",
    )
    endpoint: str | None = Field(default=None, description='e.g. "POST /api/v1/tweet".')
    description: str | None = Field(default=None, description="What the user does, in words.")
    fanout: bool = Field(
        default=False, description="A write delivered into each follower's timeline."
    )
    media: bool = Field(default=False, description="The payload is media (images, video).")
    cacheable: bool | None = Field(
        default=None, description="Reads served from cache (default: true for reads)."
    )
    request_body: BodyFields = Field(
        default_factory=dict, description="API contract: request body fields, name -> type."
    )
    response_body: BodyFields = Field(
        default_factory=dict, description="API contract: response body fields, name -> type."
    )

    @model_validator(mode="after")
    def _rate_given(self) -> Action:
        if self.per_user_per_day is None and self.total is None:
            self.per_user_per_day = 1.0
        if self.per_user_per_day is not None and self.total is not None:
            raise ValueError("give per_user_per_day or total, not both")
        return self

    @property
    def stored_bytes(self) -> float:
        if self.stored_size is not None:
            return self.stored_size
        return self.request_size if self.kind == "write" else 0.0

    @property
    def is_cacheable(self) -> bool:
        return self.kind == "read" if self.cacheable is None else self.cacheable


class Storage(Strict):
    retention: Duration = Field(
        default=5 * 365 * q.SECONDS_PER_DAY, description="How long data is kept, e.g. 5 years."
    )
    replication: int = Field(default=1, ge=1, le=100, description="Copies kept of each byte.")

    @field_validator("replication", mode="before")
    @classmethod
    def _rep(cls, v: object) -> object:
        if isinstance(v, str):
            x = q.parse_count(v)
            if x != int(x):
                raise ValueError(f'must be a whole number of copies, got "{v}"')
            return int(x)
        return v


class Cache(Strict):
    enabled: bool = Field(default=True, description="Whether the design has a cache.")
    hot_fraction: Fraction | None = Field(
        default=None, description="Share of daily read volume kept hot (default 20%)."
    )
    hit_ratio: Fraction | None = Field(
        default=None, description="Share of cacheable reads the cache answers (default 80%)."
    )


PERCENTILES = ("p50", "p90", "p95", "p99", "p999")


class Requirements(Strict):
    availability: Availability = Field(default=0.999, description="e.g. 99.99%.")
    consistency: Literal["strong", "eventual"] = Field(default="eventual")
    durability: Literal["best-effort", "high", "critical"] = Field(default="high")
    latency: dict[str, dict[Literal["p50", "p90", "p95", "p99", "p999"], LatencyTarget]] = Field(
        default_factory=dict, description="SLO per action: {p95: 200 ms}."
    )


class ComponentPin(Strict):
    """What a spec pins about one component of the design; pinned values win."""

    enabled: bool | None = Field(default=None, description="Force the component in or out.")
    count: int | None = Field(default=None, ge=0, le=100_000, description="Instances.")
    replicas: int | None = Field(default=None, ge=0, le=1000, description="Read replicas.")
    shards: int | None = Field(default=None, ge=1, le=100_000, description="Shards.")
    availability: Availability | None = Field(default=None, description="Per instance.")
    replication: Literal["sync", "async"] | None = Field(
        default=None, description="Database replication mode."
    )
    technology: str | None = Field(default=None, description="e.g. PostgreSQL, Redis, Kafka.")


class DesignPins(Strict):
    dns: ComponentPin | None = None
    cdn: ComponentPin | None = None
    load_balancer: ComponentPin | None = None
    app: ComponentPin | None = None
    cache: ComponentPin | None = None
    database: ComponentPin | None = None
    queue: ComponentPin | None = None
    worker: ComponentPin | None = None
    object_storage: ComponentPin | None = None

    def get(self, kind: str) -> ComponentPin | None:
        return getattr(self, kind, None)


class Spec(Strict):
    """One system, as the user describes it."""

    name: str = Field(min_length=1, max_length=200, description="The system's name.")
    description: str | None = Field(default=None, description="One or two sentences.")
    users: Users
    actions: dict[str, Action] = Field(min_length=1, description="name -> action.")
    storage: Storage = Field(default_factory=Storage)
    cache: Cache = Field(default_factory=Cache)
    requirements: Requirements = Field(default_factory=Requirements)
    assumptions: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of documented defaults."
    )
    design: DesignPins = Field(default_factory=DesignPins)
    entities: dict[str, Entity] = Field(
        default_factory=dict, description="The data model: entity name -> fields, indexes."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("actions")
    @classmethod
    def _action_names(cls, v: dict[str, Action]) -> dict[str, Action]:
        for k in v:
            if not NAME_RE.match(str(k)):
                raise ValueError(
                    f'action name "{k}" must start with a letter and use letters, digits, _ or -'
                )
        return v

    @model_validator(mode="after")
    def _latency_actions(self) -> Spec:
        unknown = [a for a in self.requirements.latency if a not in self.actions]
        if unknown:
            raise ValueError(
                f"requirements.latency names unknown action(s): {', '.join(unknown)} "
                f"(actions are: {', '.join(self.actions)})"
            )
        return self

    @property
    def dau(self) -> float:
        return self.users.daily_active
