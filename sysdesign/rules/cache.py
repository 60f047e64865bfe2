"""Cache rules: read-heavy systems want one, big ones want a cluster, strong ones beware."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q


@rule("CAC001", "cache", "Read-heavy traffic needs a cache",
      why="When reads dominate, most of them ask for the same hot data. An in-memory cache "
          "(Redis, Memcached) answers those in about a millisecond and keeps them off the "
          "database, which then only sees the misses.",
      fix="Add a cache-aside layer for the hot read paths, with a TTL and invalidation on "
          "write.",
      thresholds="read:write ratio >= assumption read_heavy_ratio (default 10:1) and at "
                 "least one cacheable read action",
      severity="error when traffic is read-heavy and the design has no cache; info when it has "
               "one; silent below the ratio")
def read_heavy_cache(ctx: Context) -> Iterator[Finding]:
    ratio = ctx.estimate.read_write_ratio.value
    cacheable = [x for x in ctx.estimate.actions.values()
                 if x.kind == "read" and x.action.is_cacheable]
    if ratio < ctx.a["read_heavy_ratio"] or not any(x.qps.value > 0 for x in cacheable):
        # no cacheable read (e.g. only media streamed through a CDN): nothing for a cache
        return
    ratio_text = "read-only" if math.isinf(ratio) else f"{q.fmt_num(ratio)}:1 read:write"
    c = ctx.design.get("cache")
    if c is None:
        yield finding("CAC001", "error",
                      f"Traffic is {ratio_text} ({q.fmt_rate(ctx.estimate.qps_read.value)} "
                      "reads) and the design has no cache: every read hits the database.",
                      fix="Enable the cache (cache.enabled: true) for the read paths.")
    else:
        yield finding("CAC001", "info",
                      f"Traffic is {ratio_text}: the design caches "
                      f"{q.fmt_bytes(ctx.estimate.cache_memory.value)} of hot reads.")


@rule("CAC002", "cache", "Cache larger than one node: use a cluster",
      why="One cache node holds only its RAM. When the hot set is bigger, shard it across a "
          "cluster (Redis Cluster, or consistent hashing over Memcached nodes) so each node "
          "holds a slice.",
      fix="Run a cache cluster with ceil(cache memory / node memory) shards, each with a "
          "replica.",
      thresholds="cache memory > assumption cache_node_memory (default 64 GB)",
      severity="error when the cache nodes hold less than the hot set; info for a big enough "
               "cluster; silent when one node holds it")
def cache_cluster(ctx: Context) -> Iterator[Finding]:
    mem = ctx.estimate.cache_memory.value
    node = ctx.a["cache_node_memory"]
    c = ctx.design.get("cache")
    if c is None or mem <= node:
        return
    need = math.ceil(mem / node)
    if c.count < need:
        yield finding("CAC002", "error",
                      f"The hot set is {q.fmt_bytes(mem)} but {c.count} node"
                      f"{'s' if c.count != 1 else ''} of {q.fmt_bytes(node)} hold "
                      f"{q.fmt_bytes(c.count * node)}.",
                      fix=f"Run at least {need} cache nodes.")
    else:
        yield finding("CAC002", "info",
                      f"The hot set is {q.fmt_bytes(mem)}: {q.fmt_bytes(mem)} / "
                      f"{q.fmt_bytes(node)} per node = {need} nodes in a cluster.")


@rule("CAC003", "cache", "Strong consistency with a cache: invalidate carefully",
      why="A cache is a second copy. Between a write to the database and the cache's update or "
          "expiry, readers can see the old value, which breaks strong consistency.",
      fix="Invalidate (delete) the cache entry in the same code path as the write, read your "
          "own writes from the primary, keep TTLs short, or do not cache the strongly "
          "consistent data.",
      thresholds="requirements.consistency = strong and the design has a cache",
      severity="warning whenever strong consistency meets a cache")
def strong_with_cache(ctx: Context) -> Iterator[Finding]:
    if ctx.spec.requirements.consistency == "strong" and ctx.design.has("cache"):
        yield finding("CAC003", "warning",
                      "The spec asks for strong consistency and the design caches "
                      f"{q.fmt_bytes(ctx.estimate.cache_memory.value)} of reads: cached "
                      "values can be stale after a write.")


@rule("CAC004", "cache", "A single cache node is a thundering-herd risk",
      why="When the only cache node restarts empty, every request misses at once and the "
          "database takes the full read load (a thundering herd). Replicas and warm-up "
          "keep the hit ratio up through failures.",
      fix="Give the cache a replica (design.cache.replicas: 1), warm it before taking "
          "traffic, and coalesce concurrent misses for the same key.",
      thresholds="one cache node with no replica and a hit ratio >= 50%",
      severity="warning for one cache node without a replica (hit ratio 50% or more); silent "
               "otherwise")
def single_cache(ctx: Context) -> Iterator[Finding]:
    c = ctx.design.get("cache")
    if c is None or c.count > 1 or c.replicas > 0 or ctx.a["cache_hit_ratio"] < 0.5:
        return
    db_reads = ctx.design.numbers.get("db_read_peak_qps", 0.0)
    full = db_reads / max(1 - ctx.a["cache_hit_ratio"], 1e-9)
    yield finding("CAC004", "warning",
                  f"One cache node without a replica: if it restarts, database reads jump "
                  f"from {q.fmt_rate(db_reads)} to about {q.fmt_rate(full)} at peak.")
