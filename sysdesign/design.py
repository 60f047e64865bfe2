"""The design the numbers call for: components, counts and the reason for each.

``derive_design(spec, estimate)`` is the single source that ``check``, the diagrams, the design
doc and the scaffold's sizing read. A spec may pin any component under ``design:``; what it pins
wins over what is derived, and the reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from sysdesign.estimate import ActionEstimate, Estimate
from sysdesign.spec import quantities as q
from sysdesign.spec.models import ComponentPin, Spec

Tier = Literal["client", "edge", "app", "data", "async"]

KINDS = ("client", "dns", "cdn", "load_balancer", "app", "cache", "database", "queue", "worker",
         "object_storage")

DEFAULT_TECH = {
    "client": "Web / mobile app",
    "dns": "Managed DNS (e.g. Route 53)",
    "cdn": "CDN (e.g. CloudFront)",
    "load_balancer": "NGINX / cloud load balancer",
    "app": "Stateless API servers",
    "cache": "Redis",
    "database": "PostgreSQL",
    "queue": "Kafka / Redis Streams",
    "worker": "Fan-out / background workers",
    "object_storage": "Object storage (e.g. S3)",
}

LABELS = {
    "client": "Clients",
    "dns": "DNS",
    "cdn": "CDN",
    "load_balancer": "Load balancer",
    "app": "App servers",
    "cache": "Cache",
    "database": "Database",
    "queue": "Message queue",
    "worker": "Workers",
    "object_storage": "Object storage",
}

TIERS: dict[str, Tier] = {
    "client": "client", "dns": "edge", "cdn": "edge", "load_balancer": "edge", "app": "app",
    "cache": "data", "database": "data", "object_storage": "data", "queue": "async",
    "worker": "async",
}


# From three nines on, no single box may be able to take the whole system down: the design
# doubles the load balancer and gives the database and the cache a replica. The availability
# rules use the same threshold for their single-point-of-failure findings.
HA_TARGET = 0.999


@dataclass
class Component:
    id: str
    kind: str
    label: str
    count: int  # instances (for the database: primaries, one per shard)
    reason: str
    tier: Tier
    availability: float  # of one instance
    technology: str
    replicas: int = 0  # read replicas per primary (database) or per node (cache)
    shards: int = 1
    replication: str | None = None  # "sync" | "async" (database)
    numbers: dict[str, float] = field(default_factory=dict)
    pinned: list[str] = field(default_factory=list)

    @property
    def instances(self) -> int:
        """Every running instance, replicas included."""
        return self.count * (1 + self.replicas)

    @property
    def redundant(self) -> bool:
        if self.kind == "database":
            return self.replicas >= 1
        if self.kind == "cache":
            return self.replicas >= 1 or self.count >= 2
        if self.kind in {"dns", "cdn", "object_storage", "queue", "client"}:
            return True  # managed, replicated services
        return self.count >= 2

    def group_availability(self) -> float:
        """Availability of this component's redundant group (parallel instances)."""
        a = self.availability
        if self.kind == "database":
            # each shard is primary + replicas in parallel; every shard is needed (series)
            shard = 1 - (1 - a) ** (1 + self.replicas)
            return shard ** self.count
        if self.kind in {"dns", "cdn", "object_storage", "queue", "client"}:
            return a
        if self.kind == "cache":
            node = 1 - (1 - a) ** (1 + self.replicas)
            return node ** self.count if self.replicas else 1 - (1 - a) ** self.count
        return 1 - (1 - a) ** max(self.count, 1)

    def describe_count(self) -> str:
        if self.kind == "database":
            s = f"{self.count} primar{'ies' if self.count != 1 else 'y'}"
            if self.shards > 1:
                s = f"{self.shards} shards ({self.count} primaries)"
            return s + f" + {self.replicas} replica{'s' if self.replicas != 1 else ''} each"
        if self.kind == "cache" and self.count > 1:
            return f"{self.count}-node cluster"
        return f"x{self.count}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "label": self.label, "count": self.count,
            "replicas": self.replicas, "shards": self.shards, "replication": self.replication,
            "tier": self.tier, "availability": self.availability,
            "group_availability": self.group_availability(), "technology": self.technology,
            "reason": self.reason, "numbers": dict(self.numbers), "pinned": list(self.pinned),
        }


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str
    mode: Literal["sync", "async"] = "sync"
    path: Literal["read", "write", "both"] = "both"


@dataclass
class Design:
    spec: Spec
    estimate: Estimate
    components: list[Component]
    edges: list[Edge]
    numbers: dict[str, float] = field(default_factory=dict)

    def get(self, kind: str) -> Component | None:
        for c in self.components:
            if c.kind == kind:
                return c
        return None

    def has(self, kind: str) -> bool:
        return self.get(kind) is not None

    def request_path(self, kind: Literal["read", "write", "all"] = "all") -> list[Component]:
        """Components every request of this kind needs, in order (for availability)."""
        order = ["dns", "load_balancer", "app", "database"]
        if media_actions(self.estimate):
            order.append("object_storage")
        return [c for k in order if (c := self.get(k)) is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "components": [c.to_dict() for c in self.components],
            "edges": [e.__dict__ for e in self.edges],
            "numbers": dict(self.numbers),
        }


def media_actions(est: Estimate) -> list[ActionEstimate]:
    """Actions whose payloads are media: marked ``media: true``, or a request or response of
    at least the ``media_size_threshold`` assumption."""
    limit = est.assumptions["media_size_threshold"]
    return [x for x in est.actions.values() if x.action.media
            or x.action.response_size >= limit or x.action.request_size >= limit]


def _pin(spec: Spec, kind: str) -> ComponentPin:
    return spec.design.get(kind) or ComponentPin()


def derive_design(spec: Spec, est: Estimate) -> Design:
    """Derive the components the numbers call for, then apply the spec's pins."""
    a = est.assumptions
    target = spec.requirements.availability
    peak = est.qps_peak.value
    peak_factor = est.peak_factor
    comps: list[Component] = []
    numbers: dict[str, float] = {}

    def avail(kind: str) -> float:
        pin = _pin(spec, kind)
        if pin.availability is not None:
            return pin.availability
        return a.get(f"availability_{kind}", 1.0)

    def add(kind: str, count: int, reason: str, **kw: Any) -> Component | None:
        pin = _pin(spec, kind)
        if pin.enabled is False:
            return None
        pinned: list[str] = []
        if pin.count is not None and kind != "database":
            if pin.count == 0:
                return None
            if pin.count != count:
                reason += f" The spec pins {pin.count} (derived: {count})."
            count = pin.count
            pinned.append("count")
        c = Component(id=kind, kind=kind, label=LABELS[kind], count=count, reason=reason,
                      tier=TIERS[kind], availability=avail(kind),
                      technology=pin.technology or DEFAULT_TECH[kind], pinned=pinned, **kw)
        if pin.availability is not None:
            c.pinned.append("availability")
        comps.append(c)
        return c

    reads = [x for x in est.actions.values() if x.kind == "read"]
    writes = [x for x in est.actions.values() if x.kind == "write"]
    media = media_actions(est)

    add("client", 1, f"{q.fmt_count(est.dau.value)} daily users on web and mobile clients.")
    add("dns", 1, "Resolves the service name to the nearest entry point; managed and "
        "replicated by the provider.")

    # --- CDN ---------------------------------------------------------------------------
    peak_egress = est.peak_egress_bits.value
    numbers["peak_egress_bits_per_second"] = peak_egress
    cdn_reasons = []
    if peak_egress > a["cdn_egress_threshold"]:
        cdn_reasons.append(f"peak egress {q.fmt_bits_per_second(peak_egress)} is past "
                           f"{q.fmt_bits_per_second(a['cdn_egress_threshold'])}")
    if media:
        cdn_reasons.append("media payloads (" + ", ".join(x.name for x in media) + ")")
    if cdn_reasons or _pin(spec, "cdn").enabled:
        reason = ("Serves cacheable and media content from the edge: "
                  + "; ".join(cdn_reasons) + "." if cdn_reasons
                  else "Pinned by the spec.")
        add("cdn", 1, reason, numbers={"peak_egress_bits_per_second": peak_egress})

    # --- app servers -------------------------------------------------------------------
    needed = int(est.servers_app.value)
    spare = 1
    app_count = max(2, needed + spare)
    numbers["app_servers_needed"] = needed
    app_reason = (f"ceil({q.fmt_rate(peak)} peak / {q.fmt_num(a['server_rps'])} req/s per "
                  f"server) = {needed} to carry the peak, plus {spare} spare so one failure "
                  f"or deploy does not overload the rest = {app_count}.")
    app = add("app", app_count, app_reason,
              numbers={"peak_qps": peak, "server_rps": a["server_rps"], "needed": needed})

    # --- load balancer -----------------------------------------------------------------
    lb_count = 2 if target >= HA_TARGET else 1
    lb_reason = (f"Spreads {q.fmt_rate(peak)} at peak across the app servers and takes "
                 "failed ones out of rotation.")
    lb_reason += (f" Two, active-active, because the {q.fmt_percent(target)} target cannot "
                  "afford one box as a single point of failure." if lb_count == 2 else "")
    lb_pin = _pin(spec, "load_balancer")
    if app is not None and (app.count > 1 or lb_pin.count or lb_pin.enabled):
        add("load_balancer", lb_count, lb_reason, numbers={"peak_qps": peak})

    # --- cache -------------------------------------------------------------------------
    cache_mem = est.cache_memory.value
    hit_ratio = a["cache_hit_ratio"]
    cacheable_read_qps = sum(x.qps.value for x in reads if x.action.is_cacheable)
    other_read_qps = sum(x.qps.value for x in reads if not x.action.is_cacheable)
    ratio = est.read_write_ratio.value
    cache_on = spec.cache.enabled and cache_mem > 0
    cache_pin = _pin(spec, "cache")
    if cache_pin.enabled is False:
        cache_on = False
    if cache_on:
        nodes = max(1, math.ceil(cache_mem / a["cache_node_memory"]))
        replicas = cache_pin.replicas if cache_pin.replicas is not None else (
            1 if target >= HA_TARGET else 0)
        why = ("read-heavy " if ratio >= a["read_heavy_ratio"] else "") + (
            f"reads ({q.fmt_num(ratio)}:1)" if not math.isinf(ratio) else "read-only traffic")
        reason = (f"Keeps the hot {q.fmt_percent(est.assumptions['cache_hot_fraction'])} of "
                  f"daily reads in memory ({q.fmt_bytes(cache_mem)}) for {why}; with a "
                  f"{q.fmt_percent(hit_ratio)} hit ratio the database sees only "
                  f"{q.fmt_percent(1 - hit_ratio)} of the cacheable reads.")
        if nodes > 1:
            reason += (f" {q.fmt_bytes(cache_mem)} / {q.fmt_bytes(a['cache_node_memory'])} per "
                       f"node = {nodes} nodes: a sharded cluster.")
        c = add("cache", nodes, reason, replicas=replicas,
                numbers={"memory_bytes": cache_mem, "node_memory_bytes": a["cache_node_memory"],
                         "hit_ratio": hit_ratio})
        if c is not None and cache_pin.replicas is not None:
            c.pinned.append("replicas")
    else:
        hit_ratio = 0.0

    # --- database ----------------------------------------------------------------------
    # a write that stores nothing (stored_size: 0 B, e.g. a position kept in memory) never
    # reaches the database primary
    db_writes = [x for x in writes if x.action.stored_bytes > 0]
    write_peak = sum(x.qps.value for x in db_writes) * peak_factor
    memory_writes = [x.name for x in writes if x.action.stored_bytes <= 0]
    db_read_peak = (cacheable_read_qps * (1 - hit_ratio) + other_read_qps) * peak_factor
    # media bytes live in object storage; the database keeps their metadata rows only
    media_names = {x.name for x in media}
    media_share = sum(x.stored_bytes_per_day.value for x in media)
    per_day = est.storage_per_day.value
    retention_total = est.storage_retention.value
    retention = (retention_total * (per_day - media_share) / per_day if per_day > 0 else 0.0)
    media_retention = retention_total - retention
    shards_storage = (math.ceil(retention / a["shard_storage_target"])
                      if retention > a["db_node_storage_limit"] else 1)
    shards_writes = (math.ceil(write_peak / (a["db_write_qps_limit"] * 0.7))
                     if write_peak > a["db_write_qps_limit"] else 1)
    shards = max(shards_storage, shards_writes)
    per_shard_reads = db_read_peak / shards
    read_nodes = math.ceil(per_shard_reads / a["db_read_qps_per_node"]) if per_shard_reads else 0
    replicas_for_reads = max(0, read_nodes - 1)
    replicas_for_ha = 1 if (target >= HA_TARGET
                            or spec.requirements.durability != "best-effort") else 0
    replicas = max(replicas_for_reads, replicas_for_ha)
    db_pin = _pin(spec, "database")
    derived_shards, derived_replicas = shards, replicas
    if db_pin.shards is not None:
        shards = db_pin.shards
    elif db_pin.count is not None and db_pin.count > 0:
        shards = db_pin.count
    if db_pin.replicas is not None:
        replicas = db_pin.replicas
    replication = db_pin.replication or (
        "sync" if spec.requirements.durability == "critical" else "async")
    numbers.update(db_write_peak_qps=write_peak, db_read_peak_qps=db_read_peak,
                   shards_for_storage=shards_storage, shards_for_writes=shards_writes,
                   db_retention_bytes=retention, media_retention_bytes=media_retention)
    parts = [f"Source of truth for {q.fmt_bytes(retention)} over the retention period"]
    if media_retention > 0:
        parts[0] += (f" (the {q.fmt_bytes(media_retention)} of media from "
                     f"{', '.join(sorted(media_names))} live in object storage; the database "
                     "keeps their metadata)")
    parts.append(f"{q.fmt_rate(write_peak)} writes and {q.fmt_rate(db_read_peak)} reads at peak "
                 "after the cache"
                 + (f" ({', '.join(memory_writes)} "
                    + ("stores nothing and does not count)" if len(memory_writes) == 1
                       else "store nothing and do not count)") if memory_writes else ""))
    if shards > 1:
        sr = []
        if shards_storage > 1:
            sr.append(f"storage {q.fmt_bytes(retention)} past one node's "
                      f"{q.fmt_bytes(a['db_node_storage_limit'])}")
        if shards_writes > 1:
            sr.append(f"writes {q.fmt_rate(write_peak)} past one primary's "
                      f"{q.fmt_rate(a['db_write_qps_limit'])}")
        parts.append(f"{shards} shards because " + " and ".join(sr or ["the spec pins them"]))
    if replicas:
        rr = []
        if replicas_for_reads:
            rr.append(f"{replicas_for_reads} to serve reads at "
                      f"{q.fmt_rate(a['db_read_qps_per_node'])} each")
        if replicas_for_ha:
            rr.append("one to fail over to, so the primary is not a single point of failure")
        parts.append(f"{replicas} replica{'s' if replicas != 1 else ''} per primary: "
                     + " and ".join(rr or ["pinned by the spec"]))
    db_reason = "; ".join(parts) + f". Replication is {replication}."
    pinned_db = []
    if shards != derived_shards:
        pinned_db.append(f"{shards} shard{'s' if shards != 1 else ''} "
                         f"(derived: {derived_shards})")
    if replicas != derived_replicas:
        pinned_db.append(f"{replicas} replica{'s' if replicas != 1 else ''} per primary "
                         f"(derived: {derived_replicas})")
    if pinned_db:
        db_reason += " The spec pins " + " and ".join(pinned_db) + "."
    if db_pin.enabled is not False and db_pin.count != 0:
        c = Component(id="database", kind="database", label=LABELS["database"], count=shards,
                      reason=db_reason, tier="data", availability=avail("database"),
                      technology=db_pin.technology or DEFAULT_TECH["database"],
                      replicas=replicas, shards=shards, replication=replication,
                      numbers={"write_peak_qps": write_peak, "read_peak_qps": db_read_peak,
                               "retention_bytes": retention},
                      pinned=[k for k in ("count", "replicas", "shards", "availability",
                                          "replication")
                              if getattr(db_pin, k) is not None])
        comps.append(c)

    # --- queue and workers -------------------------------------------------------------
    fanout = [x for x in writes if x.action.fanout]
    followers = spec.users.followers
    avg_followers = followers.average if followers else 100.0
    inserts_peak = sum(x.qps.value for x in fanout) * avg_followers * peak_factor
    numbers["fanout_inserts_peak_per_second"] = inserts_peak
    write_heavy = ratio < a["write_heavy_ratio"]
    q_reasons = []
    if fanout:
        q_reasons.append(
            f"fan-out of {', '.join(x.name for x in fanout)} to ~{q.fmt_num(avg_followers)} "
            f"followers each = {q.fmt_rate(inserts_peak, 'inserts/s')} at peak, done "
            "asynchronously so posting stays fast")
    if write_heavy:
        q_reasons.append(f"write-heavy traffic ({q.fmt_rate(est.qps_write.value)} writes vs "
                         f"{q.fmt_rate(est.qps_read.value)} reads) buffered for batched inserts")
    if shards_writes > 1:
        q_reasons.append("writes past a single primary's limit are absorbed and batched")
    if q_reasons or _pin(spec, "queue").enabled:
        reason = ("Decouples slow work from requests: " + "; ".join(q_reasons) + "."
                  if q_reasons else "Pinned by the spec.")
        add("queue", 1, reason, numbers={"fanout_inserts_peak_per_second": inserts_peak})
        per_worker = a["worker_inserts_per_second"]
        work_rate = inserts_peak if fanout else est.qps_write.value * peak_factor
        workers_needed = max(1, math.ceil(work_rate / per_worker))
        workers = workers_needed + 1
        add("worker", workers,
            f"ceil({q.fmt_rate(work_rate, 'items/s')} / {q.fmt_num(per_worker)} per worker) = "
            f"{workers_needed}, plus one spare = {workers}.",
            numbers={"items_per_second": work_rate, "per_worker": per_worker})

    # --- object storage ----------------------------------------------------------------
    if media or _pin(spec, "object_storage").enabled:
        add("object_storage", 1,
            "Media blobs (" + ", ".join(x.name for x in media) + ") live in object storage; "
            "the database keeps only their metadata and keys." if media
            else "Pinned by the spec.")

    # keep a stable order
    comps.sort(key=lambda c: KINDS.index(c.kind))
    edges = _edges(comps, est)
    return Design(spec=spec, estimate=est, components=comps, edges=edges, numbers=numbers)


def _edges(comps: list[Component], est: Estimate) -> list[Edge]:
    have = {c.kind for c in comps}
    e: list[Edge] = []
    entry = "load_balancer" if "load_balancer" in have else "app"
    e.append(Edge("client", "dns", "resolve name"))
    if "cdn" in have:
        e.append(Edge("client", "cdn", "static and media", path="read"))
        origin = "object_storage" if "object_storage" in have else entry
        e.append(Edge("cdn", origin, "cache miss", path="read"))
    e.append(Edge("client", entry, "HTTPS API"))
    if entry == "load_balancer":
        e.append(Edge("load_balancer", "app", "round robin"))
    if "cache" in have:
        e.append(Edge("app", "cache", "read (cache-aside)", path="read"))
    if "database" in have:
        e.append(Edge("app", "database", "cache miss" if "cache" in have else "read",
                      path="read"))
        e.append(Edge("app", "database", "write", path="write"))
    if "queue" in have:
        e.append(Edge("app", "queue", "publish event", mode="async", path="write"))
        if "worker" in have:
            e.append(Edge("queue", "worker", "consume", mode="async", path="write"))
            if "cache" in have:
                e.append(Edge("worker", "cache", "fan-out to timelines", mode="async",
                              path="write"))
            if "database" in have:
                e.append(Edge("worker", "database", "batch writes", mode="async",
                              path="write"))
    if "object_storage" in have:
        e.append(Edge("app", "object_storage", "upload media", path="write"))
    return e
