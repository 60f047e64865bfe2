"""Latency rules: a per-action budget from documented per-hop figures, against its SLO."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sysdesign.rules import Context, Finding, finding, rule
from sysdesign.spec import quantities as q

# how far a percentile sits above the mean, in units of the tail factor assumption
PERCENTILE_SCALE = {"p50": 0.0, "p90": 0.75, "p95": 1.0, "p99": 1.5, "p999": 2.0}


def percentile_multiplier(percentile: str, tail_factor: float) -> float:
    s = PERCENTILE_SCALE[percentile]
    return 1.0 if s == 0 else max(1.0, tail_factor * s)


def hops_for(ctx: Context, name: str) -> list[tuple[str, float]]:
    """(hop, expected seconds) along one action's request path."""
    a = ctx.a
    d = ctx.design
    x = ctx.estimate.actions[name]
    act = x.action
    dc = a["latency_dc_rtt"]
    hops: list[tuple[str, float]] = []
    media_cdn = act.media and act.kind == "read" and d.has("cdn")
    hops.append(("client round trip" + (" to the CDN edge" if media_cdn else ""),
                 a["latency_client_rtt"]))
    if media_cdn:
        hit = a["cache_hit_ratio"]
        hops.append((f"origin fetch on CDN miss ({q.fmt_percent(1 - hit)})",
                     (1 - hit) * (a["latency_object_storage"] + dc)))
        return hops
    if d.has("load_balancer"):
        hops.append(("load balancer", a["latency_lb"] + dc))
    hops.append(("app server", a["latency_app"]))
    if act.kind == "read":
        if act.is_cacheable and d.has("cache"):
            hit = a["cache_hit_ratio"]
            hops.append(("cache lookup", a["latency_cache_hit"]))
            hops.append((f"database read on miss ({q.fmt_percent(1 - hit)})",
                         (1 - hit) * (a["latency_db_read"] + dc)))
        else:
            hops.append(("database read", a["latency_db_read"] + dc))
        if act.media and d.has("object_storage"):
            hops.append(("object storage read", a["latency_object_storage"]))
    else:
        if act.media and d.has("object_storage"):
            hops.append(("object storage write", a["latency_object_storage"]))
        hops.append(("database write (commit)", a["latency_db_write"] + dc))
        if act.fanout and d.has("queue"):
            hops.append(("queue publish (fan-out is async)", a["latency_queue_publish"]))
    return hops


def budgets(ctx: Context) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    tail = ctx.a["latency_tail_factor"]
    for name in ctx.estimate.actions:
        hops = hops_for(ctx, name)
        expected = sum(s for _, s in hops)
        dominant = max(hops, key=lambda h: h[1])
        slo = ctx.spec.requirements.latency.get(name, {})
        pct, target = (next(iter(slo.items())) if slo else (None, None))
        if slo and len(slo) > 1:
            # judge the strictest target relative to its percentile
            pct, target = min(slo.items(),
                              key=lambda kv: kv[1] / percentile_multiplier(kv[0], tail))
        est_pct = expected * percentile_multiplier(pct, tail) if pct else None
        out[name] = {
            "expected_ms": round(expected * 1000, 3),
            "target_ms": round(target * 1000, 3) if target is not None else None,
            "percentile": pct,
            "estimated_percentile_ms": round(est_pct * 1000, 3) if est_pct is not None else None,
            "dominant_hop": dominant[0],
            "hops": [{"hop": h, "ms": round(s * 1000, 3)} for h, s in hops],
        }
    return out


@rule("LAT001", "latency", "Expected latency exceeds the SLO",
      why="Latency adds up hop by hop along the request path, and percentiles sit well above "
          "the mean. If the budget does not fit on paper, no tuning will make it fit in "
          "production: remove a hop or make the slowest one faster.",
      fix="Attack the dominant hop: cache the read, move data closer to users (CDN, regions), "
          "make slow work asynchronous, or add an index.",
      thresholds="mean = sum of per-hop latency_* assumptions (misses weighted by "
                 "1 - cache_hit_ratio); p50 = mean, p90 = mean x 0.75 x latency_tail_factor, "
                 "p95 = mean x tail factor, p99 = mean x 1.5 x tail factor, p999 = mean x 2 x "
                 "tail factor (never below the mean); flagged when above the target (with "
                 "several targets for one action, the strictest is judged)",
      severity="error per action whose estimated percentile is over its SLO; info per action "
               "that fits")
def over_slo(ctx: Context) -> Iterator[Finding]:
    for name, b in ctx.extras["latency"].items():
        if b["target_ms"] is None:
            continue
        detail = ", ".join(f"{h['hop']} {q.fmt_num(h['ms'])} ms" for h in b["hops"])
        if b["estimated_percentile_ms"] > b["target_ms"]:
            yield finding("LAT001", "error",
                          f"{name}: expected {q.fmt_num(b['expected_ms'])} ms mean ({detail}) "
                          f"puts its {b['percentile']} near "
                          f"{q.fmt_num(b['estimated_percentile_ms'])} ms, over the "
                          f"{q.fmt_num(b['target_ms'])} ms SLO. Dominant hop: "
                          f"{b['dominant_hop']}.",
                          fix=f"Make the {b['dominant_hop']} cheaper or take it off the "
                              "synchronous path, or relax the SLO.")
        else:
            yield finding("LAT001", "info",
                          f"{name}: {b['percentile']} about "
                          f"{q.fmt_num(b['estimated_percentile_ms'])} ms "
                          f"(mean {q.fmt_num(b['expected_ms'])} ms) fits the "
                          f"{q.fmt_num(b['target_ms'])} ms SLO; largest hop: "
                          f"{b['dominant_hop']}.", title="Latency budget fits the SLO")


@rule("LAT002", "latency", "Action without a latency SLO",
      why="An action without a latency objective cannot be judged or alerted on. Every "
          "user-facing action deserves a percentile target, even a generous one.",
      fix="Add requirements.latency.<action>: {p95: ...} for it.",
      thresholds="an action with no entry under requirements.latency",
      severity="info listing the actions without an SLO; silent when every action has one")
def no_slo(ctx: Context) -> Iterator[Finding]:
    missing = [n for n in ctx.estimate.actions if n not in ctx.spec.requirements.latency]
    if missing:
        yield finding("LAT002", "info",
                      f"No latency SLO for: {', '.join(missing)} (expected means: "
                      + ", ".join(f"{n} {q.fmt_num(ctx.extras['latency'][n]['expected_ms'])} ms"
                                  for n in missing) + ").")
