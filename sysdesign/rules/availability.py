"""Availability rules: compose the request path, compare with the target, find the weak spot."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from sysdesign import availability as av
from sysdesign.design import HA_TARGET, Component
from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q

SPOF_TARGET = HA_TARGET  # from three nines, one box that can fail alone is not acceptable


# Past this many instances a group is composed in closed form, 1 - (1 - a)^n, instead of
# term by term: a design with thousands of servers or shards must not build thousands of terms.
_SPELL_OUT = 16


def _parallel(a: float, n: int) -> av.Composite:
    if n <= _SPELL_OUT:
        return av.parallel([av.component(a)] * n)
    return av.component(min(1.0, round(1 - (1 - a) ** n, 15)))


def _composite(path: list[Component]) -> av.Composite:
    groups = []
    for c in path:
        n = c.count * (1 + c.replicas) if c.kind == "database" else c.count
        if c.kind in {"dns", "cdn", "object_storage", "queue"} or n <= 1:
            groups.append(av.component(c.group_availability(), c.label))
        elif c.kind == "database" and c.count > 1:
            shard = _parallel(c.availability, 1 + c.replicas)
            if c.count <= _SPELL_OUT:
                groups.append(av.series([shard] * c.count))
            else:
                groups.append(av.component(min(1.0, round(shard.availability ** c.count, 15))))
        else:
            groups.append(_parallel(c.availability, n))
    return av.series(groups)


def _improve(c: Component) -> tuple[Component, str] | None:
    """The redundancy fix for one component, or None for managed services."""
    fixed = copy.deepcopy(c)
    if c.kind == "database":
        fixed.replicas += 1
        return fixed, (f"add a database replica ({c.replicas} -> {fixed.replicas}, "
                       "design.database.replicas)")
    if c.kind in {"load_balancer", "app", "worker", "cache"}:
        fixed.count += 1
        noun = c.label.lower().rstrip("s")
        article = "an" if noun[0] in "aeiou" else "a"
        return fixed, (f"add {article} {noun} ({c.count} -> {fixed.count}, "
                       f"design.{c.kind}.count)")
    return None


def analyse(ctx: Context) -> dict[str, Any]:
    target = ctx.spec.requirements.availability
    path = ctx.design.request_path()
    comp = _composite(path)
    achieved = comp.availability
    weakest = min(path, key=lambda c: c.group_availability()) if path else None
    fixes: list[dict[str, Any]] = []
    current = [copy.deepcopy(c) for c in path]
    value = achieved
    for _ in range(4):
        if value >= target:
            break
        w = min(current, key=lambda c: c.group_availability())
        imp = _improve(w)
        if imp is None:
            fixes.append({"component": w.kind, "change": "needs a multi-region or "
                          "higher-availability service", "achieved": value})
            break
        current = [imp[0] if c.kind == w.kind else c for c in current]
        value = _composite(current).availability
        fixes.append({"component": w.kind, "change": imp[1], "achieved": value})
    budget = av.error_budget(target, ctx.a["days_per_month"])
    return {
        "target": target,
        "achieved": achieved,
        "weakest": weakest.kind if weakest else None,
        "weakest_availability": weakest.group_availability() if weakest else None,
        "path": [{"component": c.kind, "instances": c.count * (1 + c.replicas)
                  if c.kind == "database" else c.count,
                  "availability": c.availability, "group_availability": c.group_availability()}
                 for c in path],
        "work": comp.work,
        "formula": comp.formula,
        "fixes": fixes,
        "error_budget_minutes": budget.minutes,
        "error_budget_work": budget.work,
    }


@rule("AVL001", "availability", "End-to-end availability below the target",
      why="A request needs every component on its path: availabilities in series multiply, so "
          "the chain is weaker than its weakest link. Redundant instances in parallel fail only "
          "together: 1 - (1 - a)^n. Redundancy at the weakest link buys the most.",
      fix="Add redundancy where the path is weakest (a second load balancer, a database "
          "replica with automatic failover, more app servers), or relax the target.",
      thresholds="series(path) < requirements.availability; path = DNS, load balancer, app "
                 "servers, database (+ object storage for media), each group 1 - (1 - a)^n "
                 "over its redundant instances (a sharded database: every shard needed); "
                 "per-instance figures a: availability_dns, availability_load_balancer, "
                 "availability_app, availability_database, availability_object_storage, or "
                 "design.<component>.availability in the spec",
      severity="error when the composed availability is below the target (with the fixes that "
               "reach it); info when it meets the target")
def below_target(ctx: Context) -> Iterator[Finding]:
    r = ctx.extras["availability"]
    target, achieved = r["target"], r["achieved"]
    budget = r["error_budget_minutes"]
    if achieved >= target:
        yield finding("AVL001", "info",
                      f"The request path achieves {q.fmt_percent(achieved)} against a "
                      f"{q.fmt_percent(target)} target ({r['work']}). Error budget: "
                      f"{q.fmt_num(budget)} min per {q.fmt_num(ctx.a['days_per_month'])}-day "
                      "month.", title="End-to-end availability meets the target")
        return
    steps = "; then ".join(f"{f['change']} -> {q.fmt_percent(f['achieved'])}"
                           for f in r["fixes"])
    weakest = ctx.design.get(r["weakest"]) if r["weakest"] else None
    wl = weakest.label.lower() if weakest else "?"
    yield finding(
        "AVL001", "error",
        f"The request path achieves {q.fmt_percent(achieved)} ({r['work']}), below the "
        f"{q.fmt_percent(target)} target, whose error budget is {q.fmt_num(budget)} min per "
        f"{q.fmt_num(ctx.a['days_per_month'])}-day month. Weakest: {wl} at "
        f"{q.fmt_percent(r['weakest_availability'])}.",
        fix=f"Fix the weakest link first: {steps}." if steps else None)


def _spof(ctx: Context, kind: str, code: str) -> Iterator[Finding]:
    c = ctx.design.get(kind)
    target = ctx.spec.requirements.availability
    if c is None or c.redundant:
        return
    sev = "error" if target >= 0.9999 else ("warning" if target >= SPOF_TARGET else "info")
    what = "one primary and no replica" if kind == "database" else f"one {c.label.lower()}"
    yield finding(code, sev,
                  f"The design has {what} (alone at {q.fmt_percent(c.availability)}), with a "
                  f"{q.fmt_percent(target)} target: when it fails, everything fails.")


@rule("AVL002", "availability", "Single load balancer: a single point of failure",
      why="Every request passes through the load balancer, so one instance caps the whole "
          "system's availability at its own. Two in active-active (or active-passive with a "
          "floating IP) remove that cap.",
      fix="Run two load balancers (design.load_balancer.count: 2), active-active behind DNS "
          "or with a floating IP, or use a managed load balancer.",
      thresholds="one load balancer and a target >= 99.9% (error from 99.99%)",
      severity="error from a 99.99% target, warning from 99.9%, info below; silent with two or "
               "more load balancers")
def spof_lb(ctx: Context) -> Iterator[Finding]:
    yield from _spof(ctx, "load_balancer", "AVL002")


@rule("AVL003", "availability", "Single database primary: a single point of failure",
      why="Without a replica, a database crash is an outage and a disk loss is data loss. A "
          "replica that can be promoted (primary-replica with automatic failover) turns both "
          "into a short failover.",
      fix="Add a replica with automatic failover (design.database.replicas: 1 or more, e.g. "
          "Patroni or a managed Multi-AZ database).",
      thresholds="no database replica and a target >= 99.9% (error from 99.99%)",
      severity="error from a 99.99% target, warning from 99.9%, info below; silent with a "
               "replica")
def spof_db(ctx: Context) -> Iterator[Finding]:
    yield from _spof(ctx, "database", "AVL003")


@rule("AVL004", "availability", "Single app server: a single point of failure",
      why="With one application server, every deploy, crash or host failure is downtime. Two "
          "or more stateless servers behind a load balancer let one fail or restart while the "
          "others serve.",
      fix="Run at least two app servers (design.app.count: 2) behind a load balancer.",
      thresholds="one app server and a target >= 99.9% (error from 99.99%)",
      severity="error from a 99.99% target, warning from 99.9%, info below; silent with two or "
               "more app servers")
def spof_app(ctx: Context) -> Iterator[Finding]:
    yield from _spof(ctx, "app", "AVL004")
