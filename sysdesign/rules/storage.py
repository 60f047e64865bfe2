"""Storage rules: data size against a single node, and copies against durability."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q


def _endpoint_key(ctx: Context) -> tuple[str, str] | None:
    """The first path parameter of the busiest action that reaches the database."""
    found: list[tuple[float, str, str]] = []
    for x in ctx.estimate.actions.values():
        act = x.action
        if not act.endpoint or (act.kind == "write" and act.stored_bytes <= 0):
            continue  # a write that stores nothing never reaches the database
        path = act.endpoint.split()[-1].split("?")[0]
        params = re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", path)
        if params:
            found.append((x.qps.value, params[0], act.endpoint))
    if not found:
        return None
    _, param, endpoint = max(found, key=lambda f: f[0])
    return param, endpoint


_DOMAIN_KEYS = [
    (("sensor", "device", "iot", "reading", "metric"), "device_id (with time as a "
     "secondary range key)"),
    (("message", "chat", "conversation"), "conversation_id (keeps a chat's messages "
     "together)"),
    (("url", "short", "link", "redirect"), "the short code's hash (spreads keys evenly)"),
    (("paste",), "the paste id's hash"),
    (("video", "upload", "stream"), "video_id"),
    (("ride", "trip", "driver"), "a geographic cell id (e.g. geohash prefix)"),
]

_CELEBRITY = "beware celebrities' hot shards"


def shard_key_candidate(ctx: Context) -> str:
    """A shard key to suggest: what the busiest database lookup goes by (its endpoint's path
    parameter), else a domain hint from the names, else a key field of the entities."""
    words = " ".join(ctx.spec.actions).lower() + " " + ctx.spec.name.lower()
    domain = next((s for keys, s in _DOMAIN_KEYS if any(k in words for k in keys)), None)
    by_endpoint = _endpoint_key(ctx)
    if by_endpoint is not None:
        param, endpoint = by_endpoint
        if domain is not None and domain.startswith(param):
            return domain
        note = f"; {_CELEBRITY}" if param == "user_id" else ""
        return (f"{param} (the busiest lookup that reaches the database, {endpoint}, goes by "
                f"it; hash it so keys spread evenly{note})")
    if domain is not None:
        return domain
    for ent in (ctx.spec.entities or {}).values():
        names = list(ent.fields)
        for cand in ("user_id", "device_id", "sensor_id", "tenant_id", "owner_id",
                     "conversation_id"):
            if cand in names:
                return cand
    return f"user_id (keeps one user's rows together; {_CELEBRITY})"


@rule("STO001", "storage", "Data outgrows a single database node",
      why="A single node has practical limits: backups, restores, vacuum and index rebuilds all "
          "slow down as data grows, long before the disk is full. Past that size, split the data "
          "across nodes (sharding) by a key that spreads load and keeps related rows together.",
      fix="Shard or partition the largest tables by a key with even spread; move cold data to "
          "cheaper storage; or use a horizontally scaling store.",
      thresholds="database storage over the retention period (media payloads excluded: "
                 "they live in object storage) > assumption db_node_storage_limit "
                 "(default 2 TB)",
      severity="error when a shard still holds more than a node's limit; warning when the data "
               "needs sharding and the design shards it (pick the shard key); info when it "
               "fits one node")
def outgrows_node(ctx: Context) -> Iterator[Finding]:
    # what the database holds: media bytes live in object storage (see the design)
    size = ctx.design.numbers.get("db_retention_bytes", ctx.estimate.storage_retention.value)
    media = ctx.design.numbers.get("media_retention_bytes", 0.0)
    limit = ctx.a["db_node_storage_limit"]
    db = ctx.design.get("database")
    key = shard_key_candidate(ctx)
    media_note = (f" The {q.fmt_bytes(media)} of media bytes live in object storage, not in "
                  "the database." if media > 0 else "")
    if size <= limit:
        held = (f"{q.fmt_bytes(size)} over the retention period fits" if size > 0 else
                "The database holds only metadata rows (the spec stores no other data), which "
                "fit")
        yield finding("STO001", "info",
                      f"{held} one database node "
                      f"(practical limit ~{q.fmt_bytes(limit)}); no sharding needed yet."
                      + media_note,
                      fix=f"Nothing now. When it grows, shard by {key}.",
                      title="Data fits a single database node")
        return
    shards = db.shards if db else 1
    per = size / max(shards, 1)
    if per > limit:
        yield finding("STO001", "error",
                      f"{q.fmt_bytes(size)} over the retention period is past one node's "
                      f"~{q.fmt_bytes(limit)}, and the design keeps {q.fmt_bytes(per)} per "
                      f"node ({shards} shard{'s' if shards != 1 else ''})." + media_note,
                      fix=f"Shard into at least {int(-(-size // limit))} shards by {key}.")
    else:
        yield finding("STO001", "warning",
                      f"{q.fmt_bytes(size)} over the retention period is past one node's "
                      f"~{q.fmt_bytes(limit)}: the design shards it {shards} ways "
                      f"({q.fmt_bytes(per)} each). Shard key candidate: {key}." + media_note,
                      fix=f"Shard by {key}; test resharding before you need it.")


@rule("STO002", "storage", "Too few copies for the durability asked",
      why="A single disk or node fails eventually; durability comes from copies in separate "
          "failure domains. Three copies (or erasure coding) is the usual floor for data you "
          "promise not to lose.",
      fix="Set storage.replication to 3 (replicas in different availability zones) and keep "
          "backups with tested restores.",
      thresholds="storage.replication < 3 with requirements.durability high or critical",
      severity="error for durability critical, warning for high; silent for best-effort or "
               "with 3 or more copies")
def too_few_copies(ctx: Context) -> Iterator[Finding]:
    dur = ctx.spec.requirements.durability
    copies = ctx.spec.storage.replication
    if dur == "best-effort" or copies >= 3:
        return
    yield finding("STO002", "error" if dur == "critical" else "warning",
                  f"Durability is {dur} but storage.replication is {copies}: losing "
                  f"{'one disk' if copies == 1 else 'two disks'} loses data. Three copies "
                  f"take {q.fmt_bytes(ctx.estimate.storage_retention.value * 3)}.")
