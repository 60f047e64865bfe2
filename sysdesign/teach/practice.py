"""Practice drills: seeded, realistic questions whose answers come from the library itself.

``generate(topic, count, seed)`` builds questions from scenario templates (a chat app, a photo
app, sensors...) with parameters drawn from realistic ranges, and from the example specs with
their DAU rescaled. Every answer is computed by the same code the rest of sysdesign uses:
estimation and capacity questions build a spec and call :func:`sysdesign.estimate.estimate`;
availability questions call :mod:`sysdesign.availability`. The same seed gives the same drills.

Progress is optional and local: :class:`Progress` keeps counts per topic and per slip in a small
JSON file (see :func:`progress_path`); it is never required and safe to delete.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sysdesign.spec import quantities as q

TOPICS: tuple[str, ...] = ("estimation", "availability", "capacity", "latency")


@dataclass(frozen=True)
class Question:
    topic: str
    prompt: str
    kind: str  # a grading kind: qps, bytes, bandwidth, duration, availability, ...
    answer: float
    work: str  # the computation, as the library shows it
    formula: str = ""  # symbolic, offered as a hint
    concept: str = ""  # concept card id for "learn more"
    context: dict[str, float] = field(default_factory=dict)  # dau, peak_factor, replication

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "prompt": self.prompt, "kind": self.kind,
                "answer": self.answer, "work": self.work, "formula": self.formula,
                "concept": self.concept}


# --- scenarios ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    app: str
    write_name: str  # spec action name
    write_phrase: str  # "send {n} messages a day of {size}"
    write_per_user: tuple[float, ...]
    write_share: tuple[float, ...]
    write_size: tuple[str, ...]
    read_name: str
    read_phrase: str  # "open the chat {n} times a day, each returning {size}"
    read_per_user: tuple[float, ...]
    read_size: tuple[str, ...]
    dau: tuple[str, ...]
    media: bool = False
    users: str = "daily active users"
    each: str = "users"  # who does the write when everyone does it


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("chat app", "send_message", "send {n} message{s} a day of {size} each",
             (20, 40, 60, 100), (1.0,), ("100 B", "200 B", "500 B"),
             "open_chat", "opens a conversation {n} time{s} a day, each load returning {size}",
             (10, 20, 50), ("5 KB", "10 KB", "20 KB"), ("5M", "20M", "50M", "200M")),
    Scenario("photo-sharing app", "upload_photo", "upload {n} photo{s} a day of {size} each",
             (1, 2, 3), (0.05, 0.1, 0.2), ("200 KB", "500 KB", "2 MB"),
             "view_feed", "scrolls the feed {n} time{s} a day, each page returning {size}",
             (10, 20, 30), ("200 KB", "500 KB", "1 MB"), ("1M", "10M", "50M", "100M"),
             media=True),
    Scenario("URL shortener", "create_link", "create {n} short link{s} a day of {size} each",
             (1, 2, 5), (0.01, 0.05, 0.1), ("500 B", "1 KB"),
             "follow_link", "follows {n} short link{s} a day, each redirect returning {size}",
             (2, 5, 10), ("500 B", "1 KB"), ("1M", "10M", "100M")),
    Scenario("sensor network", "report_reading",
             "sends {n} reading{s} a day of {size} each",
             (1440, 2880, 8640), (1.0,), ("50 B", "100 B", "200 B"),
             "view_dashboard",
             "is looked at on a dashboard {n} time{s} a day, each view returning {size}",
             (1, 2, 5), ("20 KB", "50 KB"), ("100K", "1M", "5M"),
             users="active devices", each="each device"),
    Scenario("microblog", "post", "post {n} time{s} a day, {size} per post",
             (1, 2, 5), (0.1, 0.2), ("140 B", "300 B", "1 KB"),
             "timeline", "loads the timeline {n} time{s} a day, each returning {size}",
             (10, 20, 50), ("5 KB", "10 KB", "50 KB"), ("1M", "10M", "100M", "300M")),
    Scenario("food-delivery app", "place_order", "place {n} order{s} a day of {size} each",
             (1,), (0.05, 0.1, 0.2), ("1 KB", "2 KB", "5 KB"),
             "browse_menu", "browses restaurant menus {n} time{s} a day, each returning {size}",
             (5, 10, 20), ("20 KB", "50 KB", "100 KB"), ("1M", "5M", "20M")),
)


@dataclass(frozen=True)
class Draw:
    """One concrete scenario: the spec text, its estimate and the words to describe it."""

    scenario: Scenario
    dau: float
    peak_factor: float
    write_per_user: float
    write_share: float
    write_size: str
    read_per_user: float
    read_size: str
    replication: int
    retention_years: int
    est: Any

    def describe(self, *, reads: bool = False, peak: bool = False, storage: bool = False
                 ) -> str:
        s = self.scenario
        who = s.each if self.write_share == 1 else \
            f"{q.fmt_percent(self.write_share)} of them"
        text = (f"A {s.app} has {q.fmt_count(self.dau)} {s.users}; {who} "
                + s.write_phrase.format(n=_n(self.write_per_user), size=self.write_size,
                                        s=_plural(self.write_per_user)) + ".")
        if reads:
            subject = "Each device also" if s.each == "each device" else "Every user also"
            text += (f" {subject} " + s.read_phrase.format(
                n=_n(self.read_per_user), size=self.read_size,
                s=_plural(self.read_per_user)) + ".")
        if peak:
            text += f" Peak traffic is {_n(self.peak_factor)}x the average."
        if storage:
            text += (f" Data is kept {self.retention_years} years with "
                     f"{self.replication} copies.")
        return text


def _plural(n: float) -> str:
    return "" if n == 1 else "s"


def _n(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:g}"


def build_spec_text(d: dict[str, Any]) -> str:
    """YAML for a drawn scenario (the same shape a user writes)."""
    s: Scenario = d["scenario"]
    lines = [
        f"name: {s.app}",
        "users:",
        f"  dau: {q.fmt_count(d['dau'])}",
        f"  peak_factor: {d['peak_factor']:g}",
        "actions:",
        f"  {s.write_name}:",
        "    kind: write",
        f"    share_of_users: {d['write_share'] * 100:g}%",
        f"    per_user_per_day: {d['write_per_user']:g}",
        f"    request_size: {d['write_size']}",
        f"    media: {'true' if s.media else 'false'}",
        f"  {s.read_name}:",
        "    kind: read",
        f"    per_user_per_day: {d['read_per_user']:g}",
        f"    response_size: {d['read_size']}",
        "storage:",
        f"  retention: {d['retention_years']} years",
        f"  replication: {d['replication']}",
    ]
    return "\n".join(lines) + "\n"


def draw(rng: random.Random, scenario: Scenario | None = None) -> Draw:
    from sysdesign.estimate import estimate
    from sysdesign.spec.loader import parse_spec_text

    s = scenario or rng.choice(SCENARIOS)
    d: dict[str, Any] = {
        "scenario": s,
        "dau": q.parse_count(rng.choice(s.dau)),
        "peak_factor": rng.choice((2, 3, 5)),
        "write_per_user": float(rng.choice(s.write_per_user)),
        "write_share": rng.choice(s.write_share),
        "write_size": rng.choice(s.write_size),
        "read_per_user": float(rng.choice(s.read_per_user)),
        "read_size": rng.choice(s.read_size),
        "replication": rng.choice((1, 2, 3)),
        "retention_years": rng.choice((1, 3, 5, 10)),
    }
    spec = parse_spec_text(build_spec_text(d), source=f"<{s.app}>")
    return Draw(est=estimate(spec), **d)


def _ctx(d: Draw) -> dict[str, float]:
    return {"dau": d.dau, "peak_factor": d.peak_factor, "replication": float(d.replication)}


# --- question makers -----------------------------------------------------------------------------

def _q_write_qps(rng: random.Random) -> Question:
    d = draw(rng)
    a = d.est.actions[d.scenario.write_name]
    work = f"{a.requests_per_day.work}; {a.qps.work}"
    return Question("estimation", d.describe() + " What is the average write QPS?", "qps",
                    a.qps.value, work, f"{a.requests_per_day.formula}, then {a.qps.formula}",
                    "qps-and-peak", _ctx(d))


def _q_peak_qps(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.qps_peak
    work = f"{d.est.qps_average.work}; {f.work}"
    return Question("estimation", d.describe(reads=True, peak=True)
                    + " What is the peak QPS, reads and writes together?", "qps",
                    f.value, work, f"{d.est.qps_average.formula}, then {f.formula}",
                    "qps-and-peak", _ctx(d))


def _q_storage_year(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.storage_per_year
    work = f"{d.est.storage_per_day.work}; {f.work}"
    return Question("estimation", d.describe()
                    + " How much new data is stored per year (one copy)?", "bytes",
                    f.value, work, f"{d.est.storage_per_day.formula}, then {f.formula}",
                    "storage-estimation", _ctx(d))


def _q_egress(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.peak_egress_bits
    work = f"{d.est.egress_bits.work}; {f.work}"
    return Question("estimation", d.describe(reads=True, peak=True)
                    + " What peak egress bandwidth do the responses need (in bits per second)?",
                    "bandwidth", f.value, work,
                    f"{d.est.egress_bits.formula}, then {f.formula}", "bandwidth", _ctx(d))


def _q_example(rng: random.Random) -> Question | None:
    """A question on one of the example specs, with its DAU rescaled."""
    from sysdesign.estimate import estimate
    from sysdesign.paths import examples_dir
    from sysdesign.spec.loader import load_spec

    files = sorted(examples_dir().glob("*.yaml")) if examples_dir().is_dir() else []
    if not files:
        return None
    path = rng.choice(files)
    from sysdesign.errors import SysdesignError

    try:
        spec = load_spec(path)
    except SysdesignError:  # a deliberately broken teaching example is skipped
        return None
    dau = q.parse_count(rng.choice(("1M", "5M", "20M", "100M")))
    spec = spec.model_copy(update={"users": spec.users.model_copy(
        update={"dau": dau, "mau": None, "daily_fraction": None})})
    est = estimate(spec)
    acts = "; ".join(
        f"{name}: {a.action.kind}, "
        + (f"{_n(a.action.per_user_per_day)}/user/day"
           + (f" by {q.fmt_percent(a.action.share_of_users)} of users"
              if a.action.share_of_users != 1 else "")
           if a.action.per_user_per_day is not None else
           f"{q.fmt_count(a.requests_per_day.value)}/day in total")
        for name, a in est.actions.items())
    f = est.qps_average
    return Question("estimation",
                    f"The {spec.name} example at {q.fmt_count(dau)} DAU ({acts}). "
                    "What is the average QPS over all actions?", "qps", f.value, f.work,
                    f.formula, "qps-and-peak", {"dau": dau, "peak_factor": est.peak_factor})


def _q_cache(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.cache_memory
    hot = d.est.assumptions["cache_hot_fraction"]
    return Question("capacity", d.describe(reads=True)
                    + f" You cache the hot {q.fmt_percent(hot)} of a day's read responses."
                    " How much cache memory is that?", "bytes", f.value, f.work, f.formula,
                    "caching", _ctx(d))


def _q_servers(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.servers_app
    rps = d.est.assumptions["server_rps"]
    return Question("capacity", d.describe(reads=True, peak=True)
                    + f" One app server handles {_n(rps)} requests per second. How many app"
                    " servers carry the peak (before spares)?", "servers", f.value,
                    f"{d.est.qps_peak.work}; {f.work}", f.formula, "stateless-app-servers",
                    _ctx(d))


def _q_replicated(rng: random.Random) -> Question:
    d = draw(rng)
    f = d.est.storage_replicated
    work = f"{d.est.storage_per_day.work}; {d.est.storage_retention.work}; {f.work}"
    return Question("capacity", d.describe(storage=True)
                    + " How much disk do you need in total, all copies included?", "bytes",
                    f.value, work, "per day x retention days x copies", "replication", _ctx(d))


TARGETS = (0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)


def _q_downtime(rng: random.Random) -> Question:
    from sysdesign.availability import downtime

    a = rng.choice(TARGETS)
    period = rng.choice(("year", "month", "week"))
    b = downtime(a)
    extra = " (a month is a twelfth of a 365-day year)" if period == "month" else ""
    return Question("availability",
                    f"Your SLO is {q.fmt_percent(a)} availability. How much downtime does it "
                    f"allow per {period}{extra}?", "duration", b.seconds[period],
                    b.work[period], "(1 - availability) x period length", "availability-nines")


def _q_series(rng: random.Random) -> Question:
    from sysdesign.availability import series

    names = ["load balancer", "app tier", "cache", "database", "DNS", "queue"]
    k = rng.choice((2, 3, 4))
    parts = rng.sample(names, k)
    values = [rng.choice((0.999, 0.9995, 0.9999, 0.99)) for _ in parts]
    c = series(values)
    listed = ", ".join(f"{n} {q.fmt_percent(v)}" for n, v in zip(parts, values, strict=True))
    return Question("availability",
                    f"A request needs every one of these, in a chain: {listed}. What is the "
                    "availability of the whole path?", "availability", c.availability, c.work,
                    "multiply the availabilities (series)", "availability-nines")


def _q_parallel(rng: random.Random) -> Question:
    from sysdesign.availability import parallel

    a = rng.choice((0.99, 0.995, 0.999))
    n = rng.choice((2, 3))
    c = parallel([a] * n)
    return Question("availability",
                    f"You run {n} independent copies of a server, each {q.fmt_percent(a)} "
                    "available; any one copy can serve. What is the group's availability?",
                    "availability", c.availability, c.work,
                    "1 - product of the unavailabilities (parallel)", "availability-nines")


def _q_error_budget(rng: random.Random) -> Question:
    from sysdesign.availability import error_budget

    a = rng.choice((0.99, 0.995, 0.999, 0.9995, 0.9999))
    b = error_budget(a, 30)
    return Question("availability",
                    f"A team's SLO is {q.fmt_percent(a)} over a rolling 30 days. How many "
                    "minutes of full outage is their error budget?", "duration",
                    b.minutes * 60, b.work, "(1 - SLO) x 30 days x 1,440 min", "error-budgets")


def _q_little(rng: random.Random) -> Question:
    qps = rng.choice((500, 1000, 2000, 5000, 20000))
    ms = rng.choice((20, 50, 100, 200, 500))
    answer = qps * ms / 1000
    return Question("latency",
                    f"A service receives {_n(qps)} requests per second and each takes {ms} ms. "
                    "How many requests are in flight at any moment (threads or connections "
                    "needed)?", "count", answer,
                    f"{_n(qps)} req/s x {ms / 1000:g} s = {_n(answer)} in flight",
                    "in flight = arrival rate x time in system (Little's law)",
                    "stateless-app-servers")


def _q_tail(rng: random.Random) -> Question:
    n = rng.choice((10, 20, 50, 100, 200))
    p = rng.choice((0.01, 0.001))
    answer = 1 - (1 - p) ** n
    return Question("latency",
                    f"A page waits for {n} backend calls made in parallel; each is slower than "
                    f"its p{100 - p * 100:g} {q.fmt_percent(p)} of the time. What share of page "
                    "loads waits on at least one slow call?", "percent", answer,
                    f"1 - (1 - {p:g})^{n} = {q.fmt_percent(answer, 2)}",
                    "1 - (1 - p)^calls", "latency-percentiles")


def _q_serial_hops(rng: random.Random) -> Question:
    from sysdesign.assumptions import resolve

    a = resolve()
    hops = [("load balancer", a["latency_lb"]), ("app server", a["latency_app"]),
            ("cache lookup", a["latency_cache_hit"]), ("database read", a["latency_db_read"]),
            ("database write", a["latency_db_write"]),
            ("queue publish", a["latency_queue_publish"])]
    chosen = rng.sample(hops, rng.choice((3, 4)))
    total = sum(s for _, s in chosen)
    listed = ", then ".join(f"{name} ({q.fmt_ms(s)})" for name, s in chosen)
    return Question("latency",
                    f"A request goes through {listed}, one after another, inside one data "
                    "centre. What is its server-side latency?", "duration", total,
                    " + ".join(q.fmt_ms(s) for _, s in chosen) + f" = {q.fmt_ms(total)}",
                    "sequential hops add up", "latency-percentiles")


MAKERS: dict[str, list[Callable[[random.Random], Question | None]]] = {
    "estimation": [_q_write_qps, _q_peak_qps, _q_storage_year, _q_egress, _q_example],
    "capacity": [_q_cache, _q_servers, _q_replicated],
    "availability": [_q_downtime, _q_series, _q_parallel, _q_error_budget],
    "latency": [_q_little, _q_tail, _q_serial_hops],
}


def generate(topic: str | None = None, count: int = 5, seed: int | None = None
             ) -> list[Question]:
    """``count`` questions on ``topic`` (or a mix of every topic), reproducible with ``seed``."""
    if topic is not None and topic not in MAKERS:
        raise ValueError(f'unknown topic "{topic}" (use one of {", ".join(TOPICS)})')
    rng = random.Random(seed)
    topics = [topic] if topic else list(TOPICS)
    out: list[Question] = []
    attempts = 0
    while len(out) < count and attempts < count * 20:
        attempts += 1
        t = topic if topic else topics[len(out) % len(topics)]
        maker = rng.choice(MAKERS[t])
        question = maker(rng)
        if question is None or any(x.prompt == question.prompt for x in out):
            continue
        out.append(question)
    return out


# --- progress file -------------------------------------------------------------------------------

def progress_path() -> Path:
    """Where progress is kept.

    $SYSDESIGN_PROGRESS_FILE, else $XDG_DATA_HOME/sysdesign/progress.json, else
    ~/.local/share/sysdesign/progress.json.
    """
    override = os.environ.get("SYSDESIGN_PROGRESS_FILE")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "sysdesign" / "progress.json"


@dataclass
class Progress:
    """Counts per topic and per slip across sessions. Missing or broken files start empty."""

    sessions: int = 0
    by_topic: dict[str, dict[str, int]] = field(default_factory=dict)
    slips: dict[str, int] = field(default_factory=dict)
    last: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        p = path or progress_path()
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return cls(sessions=int(data.get("sessions", 0)),
                       by_topic={str(k): {str(a): int(b) for a, b in v.items()}
                                 for k, v in dict(data.get("by_topic", {})).items()},
                       slips={str(k): int(v) for k, v in dict(data.get("slips", {})).items()},
                       last=data.get("last"))
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()

    def record(self, topic: str, verdict: str, slip: str | None) -> None:
        t = self.by_topic.setdefault(topic, {"asked": 0, "good": 0, "close": 0, "off": 0,
                                             "skipped": 0})
        t["asked"] = t.get("asked", 0) + 1
        t[verdict] = t.get(verdict, 0) + 1
        if slip:
            for s in slip.split("+"):
                self.slips[s] = self.slips.get(s, 0) + 1

    def save(self, path: Path | None = None) -> Path | None:
        """Write atomically; return None (and keep going) if the location is not writable."""
        p = path or progress_path()
        self.last = datetime.now(UTC).isoformat(timespec="seconds")
        data = {"version": 1, "sessions": self.sessions, "by_topic": self.by_topic,
                "slips": self.slips, "last": self.last}
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_name(p.name + ".tmp")
            tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            tmp.replace(p)
        except OSError:
            return None
        return p

    def weakest(self) -> list[tuple[str, float]]:
        """Topics by share of good answers, weakest first."""
        rows = []
        for t, c in self.by_topic.items():
            asked = c.get("asked", 0)
            if asked:
                rows.append((t, c.get("good", 0) / asked))
        return sorted(rows, key=lambda r: r[1])


def score_line(points: float, total: int) -> str:
    pct = 0 if total == 0 else round(100 * points / total)
    return f"{points:g} / {total} ({pct}%)"

