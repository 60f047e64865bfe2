"""Back-of-the-envelope estimates: pure functions of a spec and its assumptions.

Every number is a :class:`Figure` that carries its own derivation (the formula, the spec's values
substituted, the result and a one-line meaning). Renderers decide how much of it to show;
nothing downstream recomputes a figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sysdesign import assumptions as assumptions_mod
from sysdesign.spec import quantities as q
from sysdesign.spec.models import Action, Spec

SECONDS_PER_DAY = q.SECONDS_PER_DAY


@dataclass(frozen=True)
class Figure:
    """One estimated number with its work shown."""

    key: str  # dotted, e.g. "qps.average"
    label: str
    value: float
    unit: str  # req/day, req/s, bytes, bytes/s, bits/s, ratio, servers
    formula: str  # symbolic: "DAU x actions per user per day / 86,400 s"
    work: str  # substituted: "10,000,000 x 10 / 86,400 s = 1,157 req/s"
    meaning: str = ""

    @property
    def display(self) -> str:
        return format_figure(self.value, self.unit)


def format_figure(value: float, unit: str, *, binary: bool = False) -> str:
    if unit == "req/day":
        return f"{q.fmt_count(value)} req/day"
    if unit == "req/s":
        return q.fmt_rate(value, "req/s")
    if unit == "bytes":
        return q.fmt_bytes(value, binary=binary)
    if unit == "bytes/s":
        return f"{q.fmt_bytes(value, binary=binary)}/s"
    if unit == "bits/s":
        return q.fmt_bits_per_second(value)
    if unit == "ratio":
        return "no writes" if math.isinf(value) else f"{q.fmt_num(value)}:1"
    if unit == "servers":
        return f"{int(value)} server{'s' if value != 1 else ''}"
    if unit == "users":
        return f"{q.fmt_count(value)} users"
    return q.fmt_num(value)


@dataclass(frozen=True)
class ActionEstimate:
    name: str
    action: Action
    requests_per_day: Figure
    qps: Figure
    peak_qps: Figure
    ingress_bytes_per_second: Figure
    egress_bytes_per_second: Figure
    stored_bytes_per_day: Figure

    @property
    def kind(self) -> str:
        return self.action.kind

    def figures(self) -> list[Figure]:
        return [self.requests_per_day, self.qps, self.peak_qps, self.ingress_bytes_per_second,
                self.egress_bytes_per_second, self.stored_bytes_per_day]


@dataclass(frozen=True)
class Estimate:
    spec: Spec
    assumptions: dict[str, float]
    dau: Figure
    peak_factor: float
    actions: dict[str, ActionEstimate]
    requests_per_day: Figure
    qps_average: Figure
    qps_peak: Figure
    qps_read: Figure
    qps_write: Figure
    read_write_ratio: Figure
    storage_per_day: Figure
    storage_per_year: Figure
    storage_retention: Figure
    storage_replicated: Figure
    ingress_bits: Figure
    egress_bits: Figure
    peak_ingress_bits: Figure
    peak_egress_bits: Figure
    cache_memory: Figure
    servers_app: Figure
    conventions: dict[str, str] = field(default_factory=dict)

    # -- grouped views --------------------------------------------------------------------
    def sections(self) -> list[tuple[str, list[Figure]]]:
        """The figures in teaching order, grouped as the guide presents them."""
        return [
            ("Users", [self.dau]),
            ("Traffic", [self.requests_per_day, self.qps_average, self.qps_peak, self.qps_read,
                         self.qps_write, self.read_write_ratio]),
            ("Storage", [self.storage_per_day, self.storage_per_year, self.storage_retention,
                         self.storage_replicated]),
            ("Bandwidth", [self.ingress_bits, self.egress_bits, self.peak_ingress_bits,
                           self.peak_egress_bits]),
            ("Cache", [self.cache_memory]),
            ("Servers", [self.servers_app]),
        ]

    def figures(self) -> list[Figure]:
        return [f for _, figs in self.sections() for f in figs]

    def figure(self, key: str) -> Figure:
        for f in self.figures():
            if f.key == key:
                return f
        for a in self.actions.values():
            for f in a.figures():
                if f.key == key:
                    return f
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON contract: raw SI base units (requests/s, bytes, bits/s)."""
        ratio = self.read_write_ratio.value
        return {
            "name": self.spec.name,
            "dau": self.dau.value,
            "peak_factor": self.peak_factor,
            "requests_per_day": self.requests_per_day.value,
            "qps": {
                "average": self.qps_average.value,
                "peak": self.qps_peak.value,
                "read": self.qps_read.value,
                "write": self.qps_write.value,
                "read_write_ratio": None if math.isinf(ratio) else ratio,
            },
            "actions": {
                name: {
                    "kind": a.kind,
                    "requests_per_day": a.requests_per_day.value,
                    "qps": a.qps.value,
                    "peak_qps": a.peak_qps.value,
                    "ingress_bytes_per_second": a.ingress_bytes_per_second.value,
                    "egress_bytes_per_second": a.egress_bytes_per_second.value,
                    "stored_bytes_per_day": a.stored_bytes_per_day.value,
                }
                for name, a in self.actions.items()
            },
            "storage": {
                "per_day_bytes": self.storage_per_day.value,
                "per_year_bytes": self.storage_per_year.value,
                "retention_bytes": self.storage_retention.value,
                "replicated_bytes": self.storage_replicated.value,
                "retention_seconds": self.spec.storage.retention,
                "replication": self.spec.storage.replication,
            },
            "bandwidth": {
                "ingress_bits_per_second": self.ingress_bits.value,
                "egress_bits_per_second": self.egress_bits.value,
                "peak_ingress_bits_per_second": self.peak_ingress_bits.value,
                "peak_egress_bits_per_second": self.peak_egress_bits.value,
            },
            "cache": {"memory_bytes": self.cache_memory.value},
            "servers": {"app": int(self.servers_app.value)},
            "assumptions": dict(self.assumptions),
            "conventions": dict(self.conventions),
            "work": {f.key: f.work for f in self.figures()}
            | {f.key: f.work for a in self.actions.values() for f in a.figures()},
        }


# --- helpers for the "work shown" strings ------------------------------------------------

def _n(x: float) -> str:
    """A number as a student writes it in the work: 10,000,000; 9.8; 1,157."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return q.fmt_num(x, 4)


def _pct(x: float) -> str:
    return q.fmt_percent(x, 4)


def _b(x: float, kilo: float) -> str:
    return q.fmt_bytes(x, binary=kilo == 1024)


def _period_word(seconds: float) -> str:
    return f"{_n(seconds)} s"


def estimate(spec: Spec) -> Estimate:
    """Compute every figure for a spec."""
    a = assumptions_mod.resolve(spec.assumptions)
    kilo = a["kilo"]
    days_per_year = a["days_per_year"]
    peak_factor = spec.users.peak_factor if spec.users.peak_factor is not None else a[
        "peak_factor"]
    hot_fraction = (spec.cache.hot_fraction if spec.cache.hot_fraction is not None
                    else a["cache_hot_fraction"])
    a["peak_factor"] = peak_factor
    a["cache_hot_fraction"] = hot_fraction
    if spec.cache.hit_ratio is not None:
        a["cache_hit_ratio"] = spec.cache.hit_ratio
    server_rps = a["server_rps"]
    day = SECONDS_PER_DAY

    u = spec.users
    if u.dau is not None:
        dau = Figure("users.dau", "Daily active users", u.dau, "users", "given",
                     f"{_n(u.dau)} users (given)", "Everything below scales with this.")
    else:
        assert u.mau is not None and u.daily_fraction is not None
        dau = Figure("users.dau", "Daily active users", u.daily_active, "users",
                     "MAU x daily fraction",
                     f"{_n(u.mau)} x {_pct(u.daily_fraction)} = {_n(u.daily_active)} users",
                     "Monthly users turned into the daily users that generate traffic.")
    dau_v = dau.value

    actions: dict[str, ActionEstimate] = {}
    for name, act in spec.actions.items():
        key = f"actions.{name}"
        if act.total is not None:
            rpd_v = act.total * day
            rpd = Figure(f"{key}.requests_per_day", f"{name}: requests per day", rpd_v,
                         "req/day", "total rate x 86,400 s",
                         f"{_n(act.total)}/s x 86,400 s = {_n(rpd_v)} req/day",
                         "Given as an absolute rate.")
        else:
            per = act.per_user_per_day or 0.0
            rpd_v = dau_v * act.share_of_users * per
            if act.share_of_users != 1:
                work = (f"{_n(dau_v)} users x {_pct(act.share_of_users)} x {_n(per)}/day "
                        f"= {_n(rpd_v)} req/day")
                formula = "DAU x share of users x per user per day"
            else:
                work = f"{_n(dau_v)} users x {_n(per)}/day = {_n(rpd_v)} req/day"
                formula = "DAU x per user per day"
            rpd = Figure(f"{key}.requests_per_day", f"{name}: requests per day", rpd_v,
                         "req/day", formula, work, "")
        qps_v = rpd_v / day
        qps = Figure(f"{key}.qps", f"{name}: average QPS", qps_v, "req/s",
                     "requests per day / 86,400 s",
                     f"{_n(rpd_v)} / 86,400 s = {q.fmt_rate(qps_v)}")
        peak_v = qps_v * peak_factor
        peak = Figure(f"{key}.peak_qps", f"{name}: peak QPS", peak_v, "req/s",
                      "average QPS x peak factor",
                      f"{q.fmt_rate(qps_v)} x {_n(peak_factor)} = {q.fmt_rate(peak_v)}")
        ing_v = qps_v * act.request_size
        ing = Figure(f"{key}.ingress_bytes_per_second", f"{name}: ingress", ing_v, "bytes/s",
                     "QPS x request size",
                     f"{q.fmt_rate(qps_v)} x {_b(act.request_size, kilo)} = "
                     f"{_b(ing_v, kilo)}/s")
        eg_v = qps_v * act.response_size
        eg = Figure(f"{key}.egress_bytes_per_second", f"{name}: egress", eg_v, "bytes/s",
                    "QPS x response size",
                    f"{q.fmt_rate(qps_v)} x {_b(act.response_size, kilo)} = {_b(eg_v, kilo)}/s")
        st_v = rpd_v * act.stored_bytes
        st = Figure(f"{key}.stored_bytes_per_day", f"{name}: stored per day", st_v, "bytes",
                    "requests per day x stored size",
                    f"{_n(rpd_v)} x {_b(act.stored_bytes, kilo)} = {_b(st_v, kilo)}/day")
        actions[name] = ActionEstimate(name, act, rpd, qps, peak, ing, eg, st)

    # --- traffic ---------------------------------------------------------------------
    total_rpd = sum(x.requests_per_day.value for x in actions.values())
    parts = " + ".join(_n(x.requests_per_day.value) for x in actions.values())
    rpd_total = Figure("requests_per_day", "Requests per day", total_rpd, "req/day",
                       "sum of every action's requests per day",
                       f"{parts} = {_n(total_rpd)} req/day" if len(actions) > 1
                       else f"{_n(total_rpd)} req/day",
                       "All traffic the system serves in a day.")
    avg = total_rpd / day
    if all(x.action.total is None for x in actions.values()):
        per_user = total_rpd / dau_v
        avg_formula = "DAU x actions per user per day / 86,400 s"
        avg_work = (f"{_n(dau_v)} users x {_n(per_user)} / 86,400 s = "
                    f"{q.fmt_rate(total_rpd / day)}")
    else:
        avg_formula = "requests per day / 86,400 s"
        avg_work = f"{_n(total_rpd)} / 86,400 s = {q.fmt_rate(total_rpd / day)}"
    qps_average = Figure("qps.average", "Average QPS", avg, "req/s", avg_formula, avg_work,
                         _meaning_qps(avg, server_rps))
    peak_v = avg * peak_factor
    qps_peak = Figure(
        "qps.peak", "Peak QPS", peak_v, "req/s", "average QPS x peak factor",
        f"{q.fmt_rate(avg)} x {_n(peak_factor)} = {q.fmt_rate(peak_v)}",
        "Size for the busiest hour, not the average: capacity planned for the mean "
        "falls over every evening.")
    read_v = sum(x.qps.value for x in actions.values() if x.kind == "read")
    write_v = sum(x.qps.value for x in actions.values() if x.kind == "write")
    qps_read = Figure("qps.read", "Read QPS", read_v, "req/s", "sum of read actions' QPS",
                      _sum_work([x.qps.value for x in actions.values() if x.kind == "read"],
                                read_v), "Requests that only fetch data.")
    qps_write = Figure("qps.write", "Write QPS", write_v, "req/s", "sum of write actions' QPS",
                       _sum_work([x.qps.value for x in actions.values() if x.kind == "write"],
                                 write_v), "Requests that change data: they hit the primary.")
    ratio_v = read_v / write_v if write_v > 0 else math.inf
    if write_v > 0:
        ratio_work = f"{q.fmt_rate(read_v)} / {q.fmt_rate(write_v)} = {q.fmt_num(ratio_v)}:1"
    else:
        ratio_work = "no writes: read-only"
    rh = a["read_heavy_ratio"]
    wh = a["write_heavy_ratio"]
    if ratio_v >= rh:
        ratio_meaning = (f"Read-heavy (above {q.fmt_num(rh)}:1): caching and a CDN carry "
                         "the design.")
    elif ratio_v < wh:
        ratio_meaning = ("Write-heavy (more writes than reads): plan for write throughput, "
                         "a queue and a write-optimised store.")
    else:
        ratio_meaning = "Balanced: neither caching nor write throughput alone dominates."
    read_write_ratio = Figure("qps.read_write_ratio", "Read:write ratio", ratio_v, "ratio",
                              "read QPS / write QPS", ratio_work, ratio_meaning)

    # --- storage -----------------------------------------------------------------------
    per_day_v = sum(x.stored_bytes_per_day.value for x in actions.values())
    storers = [x for x in actions.values() if x.stored_bytes_per_day.value > 0]
    if len(storers) == 1:
        s = storers[0]
        per_day_work = (f"{_n(s.requests_per_day.value)} x {_b(s.action.stored_bytes, kilo)} "
                        f"= {_b(per_day_v, kilo)}/day")
    elif storers:
        per_day_work = " + ".join(f"{_b(x.stored_bytes_per_day.value, kilo)}" for x in storers)
        per_day_work += f" = {_b(per_day_v, kilo)}/day"
    else:
        per_day_work = "no action stores data: 0 B/day"
    storage_per_day = Figure("storage.per_day", "Storage per day", per_day_v, "bytes",
                             "writes per day x stored size", per_day_work,
                             "New data written each day, before replication.")
    per_year_v = per_day_v * days_per_year
    storage_per_year = Figure(
        "storage.per_year", "Storage per year", per_year_v, "bytes",
        "per day x days per year",
        f"{_b(per_day_v, kilo)}/day x {_n(days_per_year)} days = {_b(per_year_v, kilo)}",
        "A year of growth: what disks, backups and index sizes must absorb each year.")
    retention_days = spec.storage.retention / day
    retention_v = per_day_v * retention_days
    years = retention_days / days_per_year
    ret_desc = (f"{_n(round(years, 4))} years" if abs(years * 4 - round(years * 4)) < 1e-9
                and years >= 1 else f"{_n(retention_days)} days")
    if years >= 1 and ret_desc.endswith("years"):
        ret_work = (f"{_b(per_day_v, kilo)}/day x {_n(days_per_year)} days x {_n(years)} years "
                    f"= {_b(retention_v, kilo)}")
    else:
        ret_work = (f"{_b(per_day_v, kilo)}/day x {_n(retention_days)} days = "
                    f"{_b(retention_v, kilo)}")
    storage_retention = Figure("storage.retention", f"Storage over {ret_desc}", retention_v,
                               "bytes", "per day x retention in days", ret_work,
                               _meaning_storage(retention_v, a["db_node_storage_limit"]))
    repl = spec.storage.replication
    replicated_v = retention_v * repl
    storage_replicated = Figure(
        "storage.replicated", "Storage, replicated", replicated_v, "bytes",
        "retention storage x copies kept",
        f"{_b(retention_v, kilo)} x {repl} cop{'ies' if repl != 1 else 'y'} = "
        f"{_b(replicated_v, kilo)}",
        "What you actually buy: every copy takes disk." if repl > 1 else
        "One copy only: a lost disk loses data (see the durability checks).")

    # --- bandwidth (bits per second) ---------------------------------------------------
    ing_Bps = sum(x.ingress_bytes_per_second.value for x in actions.values())
    eg_Bps = sum(x.egress_bytes_per_second.value for x in actions.values())
    ingress_bits = Figure(
        "bandwidth.ingress", "Ingress bandwidth", ing_Bps * 8, "bits/s",
        "sum of QPS x request size x 8 bits",
        f"{_b(ing_Bps, kilo)}/s x 8 = {q.fmt_bits_per_second(ing_Bps * 8)}",
        "Data clients upload.")
    egress_bits = Figure(
        "bandwidth.egress", "Egress bandwidth", eg_Bps * 8, "bits/s",
        "sum of QPS x response size x 8 bits",
        f"{_egress_parts(actions, kilo)} = {_b(eg_Bps, kilo)}/s x 8 = "
        f"{q.fmt_bits_per_second(eg_Bps * 8)}",
        _meaning_egress(eg_Bps * 8 * peak_factor, a["cdn_egress_threshold"]))
    peak_ingress_bits = Figure(
        "bandwidth.peak_ingress", "Peak ingress", ing_Bps * 8 * peak_factor, "bits/s",
        "ingress x peak factor",
        f"{q.fmt_bits_per_second(ing_Bps * 8)} x {_n(peak_factor)} = "
        f"{q.fmt_bits_per_second(ing_Bps * 8 * peak_factor)}",
        "Upload capacity the edge and load balancers must accept at the busiest hour.")
    peak_egress_bits = Figure(
        "bandwidth.peak_egress", "Peak egress", eg_Bps * 8 * peak_factor, "bits/s",
        "egress x peak factor",
        f"{q.fmt_bits_per_second(eg_Bps * 8)} x {_n(peak_factor)} = "
        f"{q.fmt_bits_per_second(eg_Bps * 8 * peak_factor)}",
        "Provision network and CDN for this, not the average.")

    # --- cache -------------------------------------------------------------------------
    read_volume = sum(x.requests_per_day.value * x.action.response_size
                      for x in actions.values() if x.kind == "read" and x.action.is_cacheable)
    cache_v = hot_fraction * read_volume if spec.cache.enabled else 0.0
    cache_work = (f"{_pct(hot_fraction)} x {_b(read_volume, kilo)} read per day = "
                  f"{_b(cache_v, kilo)}")
    if not spec.cache.enabled:
        cache_work = "cache disabled in the spec: 0 B"
    cache_memory = Figure(
        "cache.memory", "Cache memory", cache_v, "bytes",
        "hot fraction x daily read response volume", cache_work,
        _meaning_cache(cache_v, a["cache_node_memory"]))

    # --- servers -----------------------------------------------------------------------
    servers_v = max(1, math.ceil(peak_v / server_rps - 1e-9))
    servers_app = Figure(
        "servers.app", "App servers at peak", servers_v, "servers",
        "ceil(peak QPS / requests per second per server), at least 1",
        f"ceil({q.fmt_rate(peak_v)} / {_n(server_rps)} req/s per server) = {servers_v}",
        "Before redundancy: the design adds spares so one failure does not overload the rest."
        if servers_v > 1 else
        "One server carries the peak; a second is still needed so a crash is not an outage.")

    conventions = {
        "seconds_per_day": "86,400",
        "days_per_year": _n(days_per_year),
        "days_per_month": _n(a["days_per_month"]),
        "sizes": ("binary: 1 KB = 1,024 B" if kilo == 1024 else "decimal (SI): 1 KB = 1,000 B")
        + "; KiB, MiB... are always binary",
        "bandwidth": "bits per second, decimal (1 Mbps = 1,000,000 bit/s)",
    }
    return Estimate(
        spec=spec, assumptions=a, dau=dau, peak_factor=peak_factor, actions=actions,
        requests_per_day=rpd_total, qps_average=qps_average, qps_peak=qps_peak,
        qps_read=qps_read, qps_write=qps_write, read_write_ratio=read_write_ratio,
        storage_per_day=storage_per_day, storage_per_year=storage_per_year,
        storage_retention=storage_retention, storage_replicated=storage_replicated,
        ingress_bits=ingress_bits, egress_bits=egress_bits,
        peak_ingress_bits=peak_ingress_bits, peak_egress_bits=peak_egress_bits,
        cache_memory=cache_memory, servers_app=servers_app, conventions=conventions,
    )


def _sum_work(values: list[float], total: float) -> str:
    if not values:
        return "none: 0 req/s"
    if len(values) == 1:
        return f"{q.fmt_rate(total)}"
    return " + ".join(q.fmt_rate(v) for v in values) + f" = {q.fmt_rate(total)}"


def _egress_parts(actions: dict[str, ActionEstimate], kilo: float) -> str:
    parts = [f"{q.fmt_rate(x.qps.value)} x {_b(x.action.response_size, kilo)}"
             for x in actions.values() if x.action.response_size > 0]
    return " + ".join(parts) if parts else "0 B/s"


def _meaning_qps(avg: float, server_rps: float) -> str:
    if avg > server_rps:
        return (f"More than one server's ~{_n(server_rps)} req/s on average: you need several "
                "application servers behind a load balancer.")
    if avg > server_rps / 10:
        return "Within one server's reach on average, but peaks and failures call for two."
    return "Small: one server could carry it; redundancy, not load, decides the server count."


def _meaning_storage(retention: float, node_limit: float) -> str:
    if retention > node_limit:
        return (f"Beyond one database node's practical ~{q.fmt_bytes(node_limit)}: partition "
                "or shard the data, or pick a horizontally scaling store.")
    if retention > node_limit / 10:
        return "Fits one database node, but plan partitioning (e.g. by time) before it grows."
    return "Manageable on a single relational database node."


def _meaning_egress(peak_bits: float, threshold: float) -> str:
    if peak_bits > threshold:
        return (f"Peak egress past {q.fmt_bits_per_second(threshold)}: serve cacheable "
                "content from a CDN's edge rather than from origin.")
    return "Modest: origin servers can send this without a CDN, though one still cuts latency."


def _meaning_cache(cache: float, node: float) -> str:
    if cache == 0:
        return "Nothing to cache (no cacheable reads, or the cache is off)."
    if cache > node:
        return (f"More than one cache node's {q.fmt_bytes(node)}: shard the cache across a "
                "cluster.")
    return "Fits in one cache node's memory."
