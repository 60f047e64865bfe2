"""Capacity rules: servers, load balancers and database throughput against the peak."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q


@rule("CAP001", "capacity", "Peak traffic needs several servers behind a load balancer",
      why="One application server sustains only a few hundred requests per second. Past that, "
          "requests queue, latency climbs and the server falls over; the way out is horizontal "
          "scaling: identical stateless servers behind a load balancer.",
      fix="Run N stateless app servers (ceil(peak QPS / server capacity), plus a spare) behind "
          "a load balancer; keep session state out of the servers (tokens, Redis).",
      thresholds="peak QPS > assumption server_rps (default 500 req/s)",
      severity="error when the design runs fewer app servers than the peak needs, or has no "
               "load balancer in front of them; info when it carries the peak; silent when one "
               "server carries the peak")
def peak_needs_servers(ctx: Context) -> Iterator[Finding]:
    peak = ctx.estimate.qps_peak.value
    rps = ctx.a["server_rps"]
    needed = int(ctx.estimate.servers_app.value)
    app = ctx.design.get("app")
    have = app.count if app else 0
    if peak <= rps:
        return
    msg = (f"Peak {q.fmt_rate(peak)} is above one server's {q.fmt_num(rps)} req/s: "
           f"ceil({q.fmt_rate(peak)} / {q.fmt_num(rps)}) = {needed} app servers at peak")
    if have < needed:
        yield finding("CAP001", "error",
                      msg + f", but the design has {have}. The peak will overload them.",
                      fix=f"Raise design.app.count to at least {needed + 1} ({needed} for the "
                          "peak plus one spare).")
    elif not ctx.design.has("load_balancer"):
        yield finding("CAP001", "error", msg + ", and there is no load balancer to spread "
                      "requests across them.", fix="Add a load balancer in front of the app "
                      "servers (remove design.load_balancer.enabled: false).")
    else:
        yield finding("CAP001", "info", msg + f"; the design runs {have} behind a load "
                      "balancer.")


@rule("CAP002", "capacity", "Database writes exceed a single primary",
      why="Every write goes to the primary: replicas add read capacity, never write capacity. "
          "Past a single node's write throughput the only ways out are to split the data "
          "(sharding) or to absorb bursts in a queue and write in batches.",
      fix="Shard the write-heavy tables by a key that spreads writes evenly, or put a queue in "
          "front of the database and batch inserts; consider a write-optimised store "
          "(Cassandra, DynamoDB) for append-only data.",
      thresholds="peak write QPS of the actions that store data (stored_size above 0 B) > "
                 "assumption db_write_qps_limit (default 5,000 writes/s)",
      severity="error when each primary still takes more than the limit and there is no write "
               "queue; info when shards or a queue absorb the writes; silent under the limit")
def writes_exceed_primary(ctx: Context) -> Iterator[Finding]:
    db = ctx.design.get("database")
    w = ctx.design.numbers.get("db_write_peak_qps", 0.0)
    limit = ctx.a["db_write_qps_limit"]
    if w <= limit:
        return
    shards = db.shards if db else 1
    per = w / max(shards, 1)
    msg = (f"Peak writes {q.fmt_rate(w, 'writes/s')} exceed one primary's "
           f"{q.fmt_rate(limit, 'writes/s')}")
    if per > limit and not ctx.design.has("queue"):
        need = math.ceil(w / limit)
        yield finding("CAP002", "error", msg + f" and the design has {shards} primar"
                      f"{'ies' if shards != 1 else 'y'} ({q.fmt_rate(per, 'writes/s')} each).",
                      fix=f"Shard into at least {need} primaries (design.database.shards), or "
                          "queue and batch the writes.")
    else:
        yield finding("CAP002", "info", msg + f"; the design spreads them over {shards} "
                      f"shard{'s' if shards != 1 else ''}"
                      + (" with a write queue." if ctx.design.has("queue") else "."))


@rule("CAP003", "capacity", "Database reads exceed what the replicas serve",
      why="Reads that miss the cache land on the database. Each node serves a bounded number "
          "of indexed reads per second; read replicas multiply that, at the price of "
          "replication lag (reads may be slightly stale).",
      fix="Add read replicas (design.database.replicas), raise the cache hit ratio, or cache "
          "more of the read path.",
      thresholds="peak database reads per shard > (1 + replicas) x assumption "
                 "db_read_qps_per_node (default 10,000 reads/s)",
      severity="error when the reads per primary exceed what the primary and its replicas "
               "serve; silent otherwise")
def reads_exceed_replicas(ctx: Context) -> Iterator[Finding]:
    db = ctx.design.get("database")
    if db is None:
        return
    reads = ctx.design.numbers.get("db_read_peak_qps", 0.0) / max(db.count, 1)
    cap = (1 + db.replicas) * ctx.a["db_read_qps_per_node"]
    if reads <= cap:
        return
    need = math.ceil(reads / ctx.a["db_read_qps_per_node"]) - 1
    yield finding("CAP003", "error",
                  f"Peak database reads after the cache are {q.fmt_rate(reads, 'reads/s')} per "
                  f"primary, above the {q.fmt_rate(cap, 'reads/s')} that 1 primary + "
                  f"{db.replicas} replica{'s' if db.replicas != 1 else ''} serve.",
                  fix=f"Run at least {need} read replicas per primary, or cache more reads.")


@rule("CAP004", "capacity", "Write-heavy traffic: queue the writes",
      why="When writes outnumber reads, ingestion is the bottleneck. A queue absorbs bursts, "
          "lets workers write in batches, and keeps a slow database from rejecting devices or "
          "users at the peak.",
      fix="Put a durable queue (Kafka, Redis Streams, SQS) between the API and the store; "
          "have workers batch inserts; pick a store built for high write throughput.",
      thresholds="read:write ratio < assumption write_heavy_ratio (default 1)",
      severity="warning when the system is write-heavy and the design has no queue; info when "
               "it has one; silent for read-heavy or balanced traffic")
def write_heavy(ctx: Context) -> Iterator[Finding]:
    ratio = ctx.estimate.read_write_ratio.value
    if ratio >= ctx.a["write_heavy_ratio"]:
        return
    has_q = ctx.design.has("queue")
    yield finding("CAP004", "info" if has_q else "warning",
                  f"Writes ({q.fmt_rate(ctx.estimate.qps_write.value)}) outnumber reads "
                  f"({q.fmt_rate(ctx.estimate.qps_read.value)}): the system is write-heavy"
                  + ("; the design buffers them in a queue." if has_q else
                     ", and the design has no queue to absorb them."))


@rule("CAP005", "capacity", "Fan-out needs enough workers",
      why="Fan-out on write turns one post into one timeline insert per follower. The insert "
          "rate, not the post rate, sizes the workers, and a backlog shows up as stale "
          "timelines.",
      fix="Run enough workers for the peak insert rate (design.worker.count) and skip fan-out "
          "for celebrities (hybrid model: pull their posts at read time).",
      thresholds="peak timeline inserts/s > workers x assumption worker_inserts_per_second",
      severity="error when the workers cannot keep up with the peak fan-out insert rate; info "
               "when they can; silent without fan-out")
def fanout_workers(ctx: Context) -> Iterator[Finding]:
    inserts = ctx.design.numbers.get("fanout_inserts_peak_per_second", 0.0)
    if inserts <= 0:
        return
    worker = ctx.design.get("worker")
    per = ctx.a["worker_inserts_per_second"]
    have = worker.count if worker else 0
    cap = have * per
    if cap < inserts:
        yield finding("CAP005", "error",
                      f"Fan-out needs {q.fmt_rate(inserts, 'inserts/s')} at peak but "
                      f"{have} worker{'s' if have != 1 else ''} do {q.fmt_rate(cap, 'inserts/s')}.",
                      fix=f"Run at least {math.ceil(inserts / per)} workers.")
    else:
        yield finding("CAP005", "info",
                      f"Fan-out writes {q.fmt_rate(inserts, 'inserts/s')} at peak; {have} "
                      f"workers handle {q.fmt_rate(cap, 'inserts/s')}.")
