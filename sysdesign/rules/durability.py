"""Durability and consistency rules: promises the components cannot keep."""

from __future__ import annotations

from collections.abc import Iterator

from sysdesign.rules import Context, Finding, finding, rule


@rule("DUR001", "durability", "Strong consistency with eventually consistent components",
      why="Asynchronous replicas lag the primary, and queued work lands later. Reads served "
          "from them can miss a write the user just made, which strong consistency forbids.",
      fix="Serve reads that must be fresh from the primary (or use synchronous replication), "
          "keep asynchronous fan-out out of strongly consistent paths, or relax to "
          "read-your-writes consistency.",
      thresholds="requirements.consistency = strong with async database replicas or a queue "
                 "on the write path",
      severity="warning when strong consistency meets asynchronous replicas or a queue")
def strong_vs_eventual(ctx: Context) -> Iterator[Finding]:
    if ctx.spec.requirements.consistency != "strong":
        return
    parts = []
    db = ctx.design.get("database")
    if db and db.replicas and db.replication == "async":
        parts.append(f"{db.replicas} asynchronous database replica"
                     f"{'s' if db.replicas != 1 else ''}")
    if ctx.design.has("queue"):
        parts.append("a queue that applies writes later")
    if parts:
        yield finding("DUR001", "warning",
                      "The spec asks for strong consistency, but the design has "
                      + " and ".join(parts) + ": reads can be stale.")


@rule("DUR002", "durability", "Critical durability with asynchronous replication",
      why="With asynchronous replication the primary acknowledges a write before any replica "
          "has it; if the primary dies in that window, the write is gone. Critical data needs "
          "the write on a second node before the client hears 'saved'.",
      fix="Use synchronous (or quorum) replication for critical data, e.g. PostgreSQL "
          "synchronous_commit with synchronous_standby_names, and keep point-in-time backups.",
      thresholds="requirements.durability = critical and database replication async or no "
                 "replica",
      severity="error when durability is critical and the database has no replica or "
               "replicates asynchronously")
def critical_async(ctx: Context) -> Iterator[Finding]:
    if ctx.spec.requirements.durability != "critical":
        return
    db = ctx.design.get("database")
    if db is None:
        return
    if db.replicas == 0:
        yield finding("DUR002", "error",
                      "Durability is critical but the database has no replica: one disk "
                      "failure loses committed data.")
    elif db.replication == "async":
        yield finding("DUR002", "error",
                      "Durability is critical but the database replicates asynchronously: "
                      "writes acknowledged just before a primary crash are lost.")


@rule("DUR003", "durability", "Queued writes need a durable queue",
      why="Once an API acknowledges a write and hands it to a queue, the queue is the only "
          "copy until a worker stores it. An in-memory queue loses those writes on a crash.",
      fix="Use a replicated, persistent queue (Kafka with replication factor 3 and acks=all, "
          "or Redis Streams with AOF) or write to the database first with an outbox.",
      thresholds="a queue in the design and durability high or critical",
      severity="info when a queue carries writes and durability is high or critical")
def durable_queue(ctx: Context) -> Iterator[Finding]:
    if ctx.design.has("queue") and ctx.spec.requirements.durability in {"high", "critical"}:
        yield finding("DUR003", "info",
                      f"Durability is {ctx.spec.requirements.durability} and the design queues "
                      "work: keep the queue replicated and persistent, or write through an "
                      "outbox so an event is never the only copy.")
