"""Every default sysdesign uses, as data: a value, a unit, and where it comes from.

A spec overrides any of them under ``assumptions:``. Estimates, the design model and the rules read
them only through :func:`resolve`, so ``sysdesign assumptions`` lists exactly what is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches

from sysdesign.spec import quantities as q


@dataclass(frozen=True)
class Assumption:
    key: str
    value: float
    unit: str  # "count", "req/s", "bytes", "bits/s", "seconds", "fraction", "ratio", "days"
    group: str
    description: str
    source: str

    def display(self, value: float | None = None) -> str:
        v = self.value if value is None else value
        return format_value(v, self.unit)


def format_value(v: float, unit: str) -> str:
    if unit == "bytes":
        return q.fmt_bytes(v)
    if unit == "bits/s":
        return q.fmt_bits_per_second(v)
    if unit == "seconds":
        return q.fmt_duration(v)
    if unit == "fraction":
        return q.fmt_percent(v)
    if unit in {"req/s", "writes/s", "reads/s", "inserts/s"}:
        return q.fmt_rate(v, unit)
    if unit == "days":
        return f"{q.fmt_num(v)} days"
    return q.fmt_num(v)


_A = Assumption

DEFAULTS: tuple[Assumption, ...] = (
    # --- calendar and units -------------------------------------------------------------
    _A("days_per_year", 365, "days", "calendar",
       "Days in a year, for retention, yearly storage and yearly downtime.",
       "Calendar year. Some estimates use 365.25 (Julian year); set it here to match them."),
    _A("days_per_month", 30, "days", "calendar",
       "Days in a month, for monthly rates (10M/month) and monthly error budgets.",
       "30-day month (2,592,000 s), the window SRE error budgets are usually counted over; "
       "an average month is 30.4375 days (2,629,800 s) and the napkin rule is 2.5M s."),
    _A("kilo", 1000, "count", "calendar",
       "Bytes in a KB (1000: SI, as disks and networks count; 1024: binary, as RAM counts).",
       "SI prefixes (IEC 80000-13). KiB, MiB... are always binary whatever this says."),
    # --- traffic ------------------------------------------------------------------------
    _A("peak_factor", 2, "ratio", "traffic",
       "Peak traffic / average traffic, when the spec does not give users.peak_factor.",
       "Rule of thumb for consumer apps with a daily cycle: the busiest hour runs at about "
       "twice the daily average."),
    _A("server_rps", 500, "req/s", "capacity",
       "Requests per second one application server sustains at acceptable latency.",
       "The guide's 'a single server can handle maybe a few hundred RPS' for a typical "
       "web app doing database and cache calls; measure your own service and override."),
    # --- cache --------------------------------------------------------------------------
    _A("cache_hot_fraction", 0.2, "fraction", "cache",
       "Share of daily read volume kept hot in cache, when the spec does not give one.",
       "80/20 rule (Pareto): about 20% of items serve about 80% of reads."),
    _A("cache_hit_ratio", 0.8, "fraction", "cache",
       "Share of cacheable reads answered by the cache.",
       "Follows the 80/20 rule above; real hit ratios for timelines run 80-99%."),
    _A("cache_node_memory", 64e9, "bytes", "cache",
       "Usable memory for data on one cache node.",
       "A common 64 GB instance class (e.g. AWS r6g.2xlarge has 52.82 GiB); Redis "
       "needs headroom for fragmentation and forks."),
    # --- database limits ----------------------------------------------------------------
    _A("db_write_qps_limit", 5000, "writes/s", "capacity",
       "Sustained writes per second a single relational primary handles.",
       "Order of magnitude for PostgreSQL on one well-provisioned node with small rows and "
       "indexes (pgbench TPC-B-like runs reach a few thousand tps); measure yours."),
    _A("db_read_qps_per_node", 10000, "reads/s", "capacity",
       "Indexed point reads per second one database node (primary or replica) serves.",
       "Order of magnitude for PostgreSQL with the working set in memory (pgbench select-only "
       "runs reach tens of thousands per node); kept conservative."),
    _A("db_node_storage_limit", 2e12, "bytes", "storage",
       "Practical data size for one database node before backups, restores, vacuum and index "
       "rebuilds get painful.",
       "Operational rule of thumb: single-node PostgreSQL is comfortable up to a few TB; "
       "the guide's 365 GB is 'manageable', its 365 TB calls for sharding."),
    _A("shard_storage_target", 1e12, "bytes", "storage",
       "Data per shard to aim for when sharding, leaving room to grow.",
       "Half the single-node practical limit, so each shard can double before resharding."),
    # --- bandwidth ----------------------------------------------------------------------
    _A("cdn_egress_threshold", 1e9, "bits/s", "bandwidth",
       "Peak egress above which serving from origin alone is costly and a CDN pays off.",
       "One 1 Gbps uplink, a common origin NIC size; past it, edge caches are cheaper than "
       "more origin bandwidth."),
    _A("media_size_threshold", 1e6, "bytes", "bandwidth",
       "Response size from which a payload counts as media (images, video) for CDN and object "
       "storage.",
       "Text/JSON API responses are kilobytes; images and video segments are megabytes."),
    _A("read_heavy_ratio", 10, "ratio", "cache",
       "Read:write ratio above which a system counts as read-heavy and wants a cache.",
       "Common interview threshold; social feeds run 100:1 or more."),
    _A("write_heavy_ratio", 1, "ratio", "capacity",
       "Read:write ratio below which a system counts as write-heavy (queue the writes).",
       "More writes than reads: ingestion dominates, as in sensor networks."),
    # --- fan-out ------------------------------------------------------------------------
    _A("timeline_length", 800, "count", "cache",
       "Entries kept per cached home timeline (older pages come from the database).",
       "Twitter's 2013 'Timelines at Scale' talk: home timelines kept to ~800 entries in "
       "Redis; few readers scroll further."),
    _A("worker_inserts_per_second", 20000, "inserts/s", "capacity",
       "Timeline inserts per second one fan-out worker performs (pipelined Redis ZADDs).",
       "Redis serves ~100K simple ops/s per core; pipelined fan-out writes a few tens of "
       "thousands per worker process after serialisation and network."),
    # --- availability of one instance ---------------------------------------------------
    _A("availability_dns", 0.99999, "fraction", "availability",
       "Availability of managed DNS.", "Route 53 offers a 100% SLA; 99.999% is a modest guess."),
    _A("availability_cdn", 0.9999, "fraction", "availability",
       "Availability of a CDN.", "CloudFront SLA: 99.9% monthly; edge networks usually do better."),
    _A("availability_load_balancer", 0.9999, "fraction", "availability",
       "Availability of one load balancer instance.",
       "Self-managed NGINX/HAProxy on one VM, bounded by the VM (EC2 instance SLA: 99.5%); "
       "managed ALBs publish 99.99%."),
    _A("availability_app", 0.999, "fraction", "availability",
       "Availability of one application server instance.",
       "Deploys, crashes and host failures: three nines per instance is a usual planning figure."),
    _A("availability_cache", 0.999, "fraction", "availability",
       "Availability of one cache node.", "Single Redis node with restarts: three nines."),
    _A("availability_database", 0.9995, "fraction", "availability",
       "Availability of one database node (primary or replica).",
       "RDS single-AZ SLA: 99.5%; Multi-AZ: 99.95%. A well-run node: 99.95%."),
    _A("availability_queue", 0.9995, "fraction", "availability",
       "Availability of the message queue cluster.", "Managed queues publish 99.9-99.95%."),
    _A("availability_worker", 0.999, "fraction", "availability",
       "Availability of one worker instance.", "Same as an app server."),
    _A("availability_object_storage", 0.9999, "fraction", "availability",
       "Availability of object storage.", "S3 Standard is designed for 99.99% availability."),
    # --- latency of one hop (seconds) -------------------------------------------------
    _A("latency_client_rtt", 0.05, "seconds", "latency",
       "Round trip from a client to the nearest region.",
       "Within a continent, 20-80 ms is typical for mobile and broadband."),
    _A("latency_lb", 0.001, "seconds", "latency",
       "Added by a load balancer hop.", "Sub-millisecond to a millisecond inside a data centre."),
    _A("latency_dc_rtt", 0.0005, "seconds", "latency",
       "One round trip inside a data centre.",
       "Jeff Dean's 'numbers everyone should know': 0.5 ms round trip within a datacenter."),
    _A("latency_app", 0.005, "seconds", "latency",
       "Application server work per request (parsing, logic, serialisation).",
       "A few milliseconds for a typical JSON API handler."),
    _A("latency_cache_hit", 0.001, "seconds", "latency",
       "One cache read (Redis GET/ZRANGE) including the network round trip.",
       "Redis answers in well under a millisecond; with the DC round trip about 1 ms."),
    _A("latency_db_read", 0.01, "seconds", "latency",
       "One indexed database read.",
       "Typical indexed PostgreSQL query with the working set in memory: 1-10 ms; 10 ms "
       "covers a p95 with some disk reads."),
    _A("latency_db_write", 0.02, "seconds", "latency",
       "One durable database write (commit with fsync).",
       "A commit waits for the WAL flush: a few to tens of ms on SSD."),
    _A("latency_queue_publish", 0.005, "seconds", "latency",
       "Publishing one message to a queue with acknowledgement.",
       "Kafka acks=all within a DC: a few milliseconds."),
    _A("latency_object_storage", 0.05, "seconds", "latency",
       "First byte from object storage.", "S3 first-byte latency is typically 10-100 ms."),
    _A("latency_tail_factor", 2, "ratio", "latency",
       "Multiplier from the expected (mean) latency to a p95/p99 estimate.",
       "Tail latency runs a few times the median; 2x for p95 and 3x for p99 is a common guess "
       "(p99 uses 1.5 times this factor)."),
)

BY_KEY: dict[str, Assumption] = {a.key: a for a in DEFAULTS}

_PARSERS: dict[str, Callable[[object], float]] = {
    "bytes": q.parse_size,
    "fraction": lambda v: q.parse_fraction(v, allow_bare_percent=False),
    "seconds": q.parse_duration,
}


def parse_override(key: str, value: object) -> float:
    """Parse one override from a spec. Raises ValueError naming the problem."""
    if key not in BY_KEY:
        hint = get_close_matches(key, BY_KEY, n=1)
        tip = f' (did you mean "{hint[0]}"?)' if hint else " (see `sysdesign assumptions`)"
        raise ValueError(f'unknown assumption "{key}"{tip}')
    a = BY_KEY[key]
    if a.key.startswith("availability_"):
        x = q.parse_fraction(value, allow_bare_percent=True)
    elif a.unit in _PARSERS:
        x = _PARSERS[a.unit](value)
    elif a.unit == "bits/s":
        x = _parse_bits_rate(value)
    else:
        x = q.parse_count(value)
    if a.unit not in {"fraction"} and x <= 0:
        raise ValueError(f"must be a positive number, got {value!r}")
    if key == "kilo" and x not in (1000, 1024):
        raise ValueError(f"must be 1000 or 1024, got {value!r}")
    if key == "latency_tail_factor" and x < 1:
        raise ValueError(f"must be at least 1, got {value!r}")
    return x


def _parse_bits_rate(value: object) -> float:
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        for suffix, mult in (("tbps", 1e12), ("gbps", 1e9), ("mbps", 1e6), ("kbps", 1e3),
                             ("bps", 1.0)):
            if text.endswith(suffix):
                return q.parse_count(text[: -len(suffix)]) * mult
    return q.parse_count(value)


def resolve(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every assumption's value, with the spec's (already parsed) overrides applied."""
    values = {a.key: float(a.value) for a in DEFAULTS}
    for k, v in (overrides or {}).items():
        values[k] = float(v)
    return values
