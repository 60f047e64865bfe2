"""Deployment sizing: turn a spec, its estimate and (optionally) its design into the numbers the
generated deployment files use.

Every setting is returned as ``{"value": ..., "why": "..."}`` where ``why`` is one line naming the
spec or estimate number it came from, so the templates can print the reason next to the setting.

The function is pure: no I/O, no printing. It reads the spec through the attributes of
``sysdesign.spec.models.Spec``, the estimate through ``Estimate.to_dict()`` and the design through
``Design.get(kind)``; ``design`` may be ``None``.
"""

from __future__ import annotations

import math
import re
from typing import Any

# ---------------------------------------------------------------------------------------------
# Documented defaults. Each is a judgement call, not a law of nature; docs/deployment.md explains
# them and the load benchmark (benchmarks/scaffold_load.py) measures the ones that can be measured.
# ---------------------------------------------------------------------------------------------

#: Timeline inserts per second one fan-out worker sustains: followers read from PostgreSQL in
#: batches, each batch one pipelined ZADD+ZREMRANGEBYRANK+PEXPIRE round trip to Redis. The load
#: benchmark measured 16K-26K/s for one worker on loopback (docs/deployment.md); 10K leaves room
#: for network round trips to a remote Redis and database.
PER_WORKER_INSERTS_PER_SECOND = 10_000

#: PostgreSQL's default max_connections; the generated compose and Kubernetes files set it.
POSTGRES_DEFAULT_MAX_CONNECTIONS = 100
#: Connections PostgreSQL keeps for superusers (its default).
POSTGRES_SUPERUSER_RESERVED = 3
#: Share of max_connections left free for migrations, psql sessions, exporters and backups.
POSTGRES_HEADROOM_FRACTION = 0.2
#: SQLAlchemy's defaults, used when the connection budget allows them.
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 10

#: HPA scales on CPU around this utilisation.
HPA_TARGET_CPU_PERCENT = 70
#: HPA ceiling as a multiple of the peak replica count: room for growth and for losing a zone.
HPA_MAX_FACTOR = 1.5
#: docker-compose runs on one machine; more replicas than this there only adds noise.
COMPOSE_MAX_API_REPLICAS = 4
COMPOSE_MAX_WORKER_REPLICAS = 2

#: Per-user token buckets: a human client's burst is far above its daily average, so the spec's
#: per-user daily rate is spread over one busy hour and floored at these values (per minute).
READ_LIMIT_FLOOR_PER_MINUTE = 120
WRITE_LIMIT_FLOOR_PER_MINUTE = 30
#: How many users nginx assumes may share one client IP (offices, carrier NAT).
NGINX_USERS_PER_IP = 4

#: Prometheus histogram buckets (seconds); the spec's latency targets are added to these so the
#: latency SLO is measured at an exact bucket boundary.
BASE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: Multiwindow multi-burn-rate alerting (Google SRE workbook, chapter 5): burn rate, long window,
#: short window, severity. 14.4x over 1h spends 2% of a 30-day budget; 6x over 6h spends 5%;
#: 1x over 3d spends 10%.
BURN_RATE_WINDOWS = (
    (14.4, "1h", "5m", "page"),
    (6.0, "6h", "30m", "page"),
    (1.0, "3d", "6h", "ticket"),
)
SLO_PERIOD_DAYS = 30
#: Routes left out of the availability SLI (a regex on the histogram's route label).
SLI_EXCLUDED_ROUTES = "/health|/ready|/metrics"

#: Resource requests/limits per pod (one uvicorn process per api pod, one worker process per
#: worker pod); the HPA's CPU target is a share of the request.
API_RESOURCES = {"requests": {"cpu": "500m", "memory": "256Mi"},
                 "limits": {"cpu": "1", "memory": "512Mi"}}
WORKER_RESOURCES = {"requests": {"cpu": "250m", "memory": "128Mi"},
                    "limits": {"cpu": "1", "memory": "256Mi"}}


def clean_text(text: Any, limit: int = 300) -> str:
    """One printable line without template delimiters.

    The explanation strings quote spec text (the name, endpoints) into comments of the generated
    files. Newlines and control characters would end a comment and let the rest be read as
    configuration; template delimiters would be live in a generated file that is itself
    templated (a CI workflow's ``${{ }}``). Both are removed.
    """
    s = "".join(ch if ch.isprintable() else " " for ch in str(text))
    s = re.sub(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\$\{|`", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[:limit]


def dns_label(name: Any, default: str = "service") -> str:
    """A Kubernetes/DNS-1123 label (lowercase letters, digits, '-', at most 40 characters)."""
    s = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")[:40].strip("-")
    if not s or not s[0].isalpha():
        s = f"{default}-{s}".strip("-")[:40].strip("-") if s else default
    return s


def _window_seconds(window: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return int(window[:-1]) * units[window[-1]]


def _setting(value: Any, why: str) -> dict[str, Any]:
    return {"value": value, "why": clean_text(why)}


def _fmt(x: float) -> str:
    """Short human form of a number for the explanation strings (1.2K, 3.4M)."""
    ax = abs(x)
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if ax >= div:
            return f"{x / div:.3g}{suffix}"
    if ax >= 10 or x == int(x):
        return f"{x:.0f}"
    return f"{x:.3g}"


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.10g}%"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.10g} ms"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _est_dict(est: Any) -> dict[str, Any]:
    if isinstance(est, dict):
        return est
    return est.to_dict()


def _component_count(design: Any, kind: str) -> int | None:
    if design is None:
        return None
    comp = design.get(kind) if hasattr(design, "get") else None
    if comp is None:
        return None
    count = _get(comp, "count")
    return int(count) if count else None


def split_endpoint(endpoint: str | None) -> tuple[str | None, str | None]:
    """'POST /api/v1/tweet' -> ('POST', '/api/v1/tweet'); a bare path gets method None."""
    if not endpoint:
        return None, None
    parts = endpoint.strip().split(None, 1)
    method: str | None = None
    path = endpoint.strip()
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z]+", parts[0]):
        method, path = parts[0].upper()[:10], parts[1].strip()
    # Keep only what a route template can hold, so the path is safe inside PromQL and YAML.
    path = re.sub(r"[^A-Za-z0-9/_{}.:-]", "", path)[:200]
    return method, (path if path.startswith("/") else None)


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return s or "action"


def _api_replicas(spec: Any, est_d: dict[str, Any], design: Any) -> tuple[int, str]:
    from_design = _component_count(design, "app")
    if from_design is not None:
        n = max(2, from_design)
        return n, f"design's app tier count {from_design} (at least 2 for redundancy)"
    raw = est_d.get("servers", {}).get("app", 1) or 1
    n = max(2, int(math.ceil(raw)))
    peak = est_d.get("qps", {}).get("peak", 0.0)
    return n, (f"estimate servers.app = {_fmt(raw)} for peak {_fmt(peak)} req/s "
               f"(at least 2 for redundancy)")


def _fanout(spec: Any, est_d: dict[str, Any]) -> tuple[float, str]:
    followers = _get(_get(spec, "users"), "followers")
    avg = float(_get(followers, "average", 0.0) or 0.0)
    actions = _get(spec, "actions", {}) or {}
    est_actions = est_d.get("actions", {})
    total_qps = 0.0
    names = []
    for name, action in actions.items():
        if _get(action, "kind") == "write" and _get(action, "fanout", False):
            a = est_actions.get(name, {})
            total_qps += float(a.get("peak_qps", a.get("qps", 0.0)) or 0.0)
            names.append(name)
    rate = total_qps * avg
    if not names:
        return 0.0, "no write action has fanout: true"
    if avg <= 0:
        return 0.0, f"{'+'.join(names)} fans out but users.followers.average is not set"
    return rate, (f"peak write QPS of {'+'.join(names)} {_fmt(total_qps)}/s x "
                  f"users.followers.average {_fmt(avg)}")


def _db_pool(processes: int, max_connections: int) -> tuple[int, int, int, str]:
    """Pool size and overflow per process so processes x (pool+overflow) fits the budget.

    Returns (max_connections, pool_size, max_overflow, explanation). Raises max_connections
    only when even 3 connections per process would not fit.
    """
    def budget(mc: int) -> int:
        return int(mc * (1 - POSTGRES_HEADROOM_FRACTION)) - POSTGRES_SUPERUSER_RESERVED

    per_process = budget(max_connections) // processes
    raised = ""
    if per_process < 3:
        needed = math.ceil((3 * processes + POSTGRES_SUPERUSER_RESERVED)
                           / (1 - POSTGRES_HEADROOM_FRACTION))
        raised = (f"; max_connections raised {max_connections}->{needed} "
                  f"(a connection pooler such as PgBouncer is the better fix at this size)")
        max_connections = needed
        per_process = budget(max_connections) // processes
    if per_process >= DEFAULT_POOL_SIZE + DEFAULT_MAX_OVERFLOW:
        pool, overflow = DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW
    else:
        pool = max(2, (per_process * 2) // 3)
        overflow = max(0, per_process - pool)
    why = (f"{processes} processes (HPA max api + workers) x (pool {pool} + overflow {overflow}) "
           f"= {processes * (pool + overflow)} <= {budget(max_connections)} "
           f"(max_connections {max_connections} - {int(POSTGRES_HEADROOM_FRACTION * 100)}% "
           f"headroom - {POSTGRES_SUPERUSER_RESERVED} reserved){raised}")
    return max_connections, pool, overflow, why


def _rate_limits(spec: Any) -> dict[str, dict[str, Any]]:
    actions = _get(spec, "actions", {}) or {}
    peak_factor = float(_get(_get(spec, "users"), "peak_factor", 1.0) or 1.0)
    reads = sum(float(_get(a, "per_user_per_day", 0.0) or 0.0)
                for a in actions.values() if _get(a, "kind") == "read")
    writes = sum(float(_get(a, "per_user_per_day", 0.0) or 0.0)
                 for a in actions.values() if _get(a, "kind") == "write")
    # A day's actions squeezed into one busy hour, at the peak factor, per minute.
    read_from_spec = math.ceil(reads * peak_factor / 60)
    write_from_spec = math.ceil(writes * peak_factor / 60)
    read_pm = max(READ_LIMIT_FLOOR_PER_MINUTE, read_from_spec)
    write_pm = max(WRITE_LIMIT_FLOOR_PER_MINUTE, write_from_spec)
    read_burst = max(10, read_pm // 4)
    write_burst = max(5, write_pm // 6)
    n = NGINX_USERS_PER_IP
    return {
        "rate_limit_read_per_minute": _setting(read_pm, (
            f"read actions {_fmt(reads)}/user/day x peak_factor {_fmt(peak_factor)} in one busy "
            f"hour = {read_from_spec}/min, floor {READ_LIMIT_FLOOR_PER_MINUTE}/min")),
        "rate_limit_read_burst": _setting(read_burst, "a quarter of the read per-minute limit"),
        "rate_limit_write_per_minute": _setting(write_pm, (
            f"write actions {_fmt(writes)}/user/day x peak_factor {_fmt(peak_factor)} in one busy "
            f"hour = {write_from_spec}/min, floor {WRITE_LIMIT_FLOOR_PER_MINUTE}/min")),
        "rate_limit_write_burst": _setting(write_burst, "a sixth of the write per-minute limit"),
        "nginx_read_rate_per_minute": _setting(read_pm * n, (
            f"per client IP: app read limit {read_pm}/user/min x {n} users per IP, above the "
            f"app's per-user limit so a client normally meets the app's 429 with Retry-After")),
        "nginx_read_burst": _setting(read_burst * n, (
            f"app read burst {read_burst} x {n} users per IP")),
        "nginx_write_rate_per_minute": _setting(write_pm * n, (
            f"per client IP: app write limit {write_pm}/user/min x {n} users per IP")),
        "nginx_write_burst": _setting(write_burst * n, (
            f"app write burst {write_burst} x {n} users per IP")),
    }


#: The routes of the generated service (templates/scaffold/app/api), as its metrics label them.
#: A spec's endpoint is free text ("POST /api/v1/tweet"); the latency alerts must watch the route
#: the generated app really serves, or they could never fire.
APP_ROUTES = (
    ("POST", "/api/v1/tweets"),
    ("GET", "/api/v1/timeline"),
    ("GET", "/api/v1/users/{user_id}/timeline"),
    ("GET", "/api/v1/users/{user_id}/tweets"),
    ("GET", "/api/v1/tweets/{tweet_id}"),
    ("GET", "/api/v1/users/{user_id}"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/me"),
    ("PUT", "/api/v1/users/{user_id}/following/{target_id}"),
    ("DELETE", "/api/v1/users/{user_id}/following/{target_id}"),
    ("PUT", "/api/v1/users/{user_id}/likes/{tweet_id}"),
    ("DELETE", "/api/v1/users/{user_id}/likes/{tweet_id}"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
)
#: Where an action goes when its endpoint matches no route: the write that fans out is a post,
#: a read is the home timeline.
FANOUT_WRITE_ROUTE = ("POST", "/api/v1/tweets")
DEFAULT_READ_ROUTE = ("GET", "/api/v1/timeline")


def _route_key(path: str) -> str:
    """/api/v1/timeline/{user_id} -> /api/v1/timeline; /api/v1/tweets -> /api/v1/tweet."""
    parts = [p for p in path.strip("/").split("/") if p and not p.startswith("{")]
    return "/" + "/".join(p[:-1] if p.endswith("s") and len(p) > 1 else p for p in parts)


def resolve_route(action: Any) -> tuple[str | None, str | None, str]:
    """(method, route, how) of the generated app's route serving a spec action."""
    method, path = split_endpoint(_get(action, "endpoint"))
    if path:
        for m, r in APP_ROUTES:
            if r == path and (method in (None, m)):
                return m, r, f"spec endpoint {method or ''} {path}".replace("  ", " ")
        for m, r in APP_ROUTES:
            if _route_key(r) == _route_key(path) and (method in (None, m)):
                return m, r, f"spec endpoint {method or ''} {path} served by {m} {r}"
    kind = _get(action, "kind")
    if kind == "write" and _get(action, "fanout", False):
        m, r = FANOUT_WRITE_ROUTE
        return m, r, f"fan-out write served by {m} {r}"
    if kind == "read" and (not path or "timeline" in path):
        m, r = DEFAULT_READ_ROUTE
        return m, r, f"timeline read served by {m} {r}"
    return method, None, "no route of the generated service serves it"


def promql_regex_alternatives(paths: list[str]) -> str:
    """'a|b' with regex metacharacters escaped, ready inside a double-quoted PromQL string."""
    escaped = [re.sub(r"([.{}()\[\]*+?^$|\\])", r"\\\1", p) for p in paths]
    return "|".join(escaped).replace("\\", "\\\\")


def _latency_slos(spec: Any) -> list[dict[str, Any]]:
    req = _get(spec, "requirements")
    latency = _get(req, "latency", {}) or {}
    actions = _get(spec, "actions", {}) or {}
    out = []
    for action_name, targets in latency.items():
        action = actions.get(action_name)
        method, path, how = resolve_route(action)
        spec_method, spec_path = split_endpoint(_get(action, "endpoint"))
        # The generated service also answers on the spec's own endpoint paths
        # (app/spec_routes.py): the alert watches both the spec's path and the canonical route.
        routes = [r for r in dict.fromkeys([spec_path if spec_method in (None, method) else None,
                                            path]) if r]
        for quantile_name, seconds in (targets or {}).items():
            q = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999}.get(
                quantile_name)
            if q is None or seconds is None:
                continue
            out.append({
                "action": action_name,
                "slug": _slug(f"{action_name}_{quantile_name}"),
                "alert_name": "".join(w.capitalize() for w in
                                      _slug(f"{action_name}_{quantile_name}").split("_")),
                "method": method,
                "route": path,
                "routes": routes,
                "route_regex": promql_regex_alternatives(routes),
                "quantile_name": quantile_name,
                "quantile": q,
                "seconds": float(seconds),
                "why": clean_text(f"requirements.latency.{action_name}.{quantile_name} = "
                                  f"{_ms(float(seconds))}"
                                  + f" ({how})"),
            })
    return out


def deployment_sizing(spec: Any, est: Any, design: Any = None) -> dict[str, Any]:
    """The deployment numbers for a spec: replicas, HPA bounds, pools, limits and SLOs.

    Returns a dict of settings, each ``{"value": v, "why": "one line"}``, plus
    ``latency_slos`` (a list of per-route targets), ``burn_rate_alerts`` and ``histogram_buckets``.
    """
    est_d = _est_dict(est)
    qps = est_d.get("qps", {})
    peak_qps = float(qps.get("peak", 0.0) or 0.0)
    avg_qps = float(qps.get("average", 0.0) or 0.0)
    peak_factor = float(_get(_get(spec, "users"), "peak_factor", 0.0) or 0.0)
    if peak_factor <= 0:
        peak_factor = peak_qps / avg_qps if avg_qps > 0 else 1.0

    api, api_why = _api_replicas(spec, est_d, design)
    hpa_min = max(2, math.ceil(api / peak_factor))
    hpa_max = max(hpa_min + 1, math.ceil(api * HPA_MAX_FACTOR))

    fanout_rate, fanout_why = _fanout(spec, est_d)
    workers_from_rate = math.ceil(fanout_rate / PER_WORKER_INSERTS_PER_SECOND)
    design_workers = _component_count(design, "worker")
    workers = max(2, workers_from_rate, design_workers or 0)
    workers_why = (f"fan-out {_fmt(fanout_rate)} inserts/s / {_fmt(PER_WORKER_INSERTS_PER_SECOND)}"
                   f" per worker = {workers_from_rate}"
                   + (f", design's worker count {design_workers}" if design_workers else "")
                   + " (at least 2 so one crash does not stop fan-out)")

    processes = hpa_max + workers
    max_conn, pool, overflow, pool_why = _db_pool(processes, POSTGRES_DEFAULT_MAX_CONNECTIONS)

    req = _get(spec, "requirements")
    availability = float(_get(req, "availability", 0.999) or 0.999)
    budget = round(1.0 - availability, 12)
    followers = _get(_get(spec, "users"), "followers")
    celeb = _get(followers, "celebrity_threshold")

    latency_slos = _latency_slos(spec)
    buckets = sorted(set(BASE_BUCKETS) | {s["seconds"] for s in latency_slos})

    slowest = max((s["seconds"] for s in latency_slos), default=1.0)
    upstream_timeout = max(5, math.ceil(slowest * 20))
    per_replica = peak_qps / api if api else peak_qps
    cache_bytes = float(est_d.get("cache", {}).get("memory_bytes", 0.0) or 0.0)

    name = _get(spec, "name", "service") or "service"
    out: dict[str, Any] = {
        "service_name": _setting(clean_text(name, 80) or "service", "spec name, sanitised"),
        "k8s_name": _setting(dns_label(name), "spec name as a DNS-1123 label"),
        "api_replicas": _setting(api, api_why),
        "per_replica_peak_qps": _setting(round(per_replica, 1), (
            f"peak {_fmt(peak_qps)} req/s / {api} api replicas")),
        "compose_api_replicas": _setting(min(api, COMPOSE_MAX_API_REPLICAS), (
            f"api replicas {api}, capped at {COMPOSE_MAX_API_REPLICAS} for one machine")),
        "hpa_min_replicas": _setting(hpa_min, (
            f"api replicas {api} / peak_factor {_fmt(peak_factor)} = the average-load count "
            f"(at least 2)")),
        "hpa_max_replicas": _setting(hpa_max, (
            f"api replicas {api} x {HPA_MAX_FACTOR} for growth and a lost zone")),
        "hpa_target_cpu_percent": _setting(HPA_TARGET_CPU_PERCENT, (
            "default: scale out before a replica saturates at the peak load it was sized for")),
        "fanout_inserts_per_second": _setting(round(fanout_rate, 1), fanout_why),
        "per_worker_inserts_per_second": _setting(PER_WORKER_INSERTS_PER_SECOND, (
            "measured 16K-26K/s per worker on loopback, planned at 10K; see docs/deployment.md")),
        "worker_replicas": _setting(workers, workers_why),
        "compose_worker_replicas": _setting(min(workers, COMPOSE_MAX_WORKER_REPLICAS), (
            f"worker replicas {workers}, capped at {COMPOSE_MAX_WORKER_REPLICAS} for one machine")),
        "postgres_max_connections": _setting(max_conn, (
            f"PostgreSQL default {POSTGRES_DEFAULT_MAX_CONNECTIONS}"
            + (" (raised for the process count)" if max_conn != POSTGRES_DEFAULT_MAX_CONNECTIONS
               else ""))),
        "db_pool_size": _setting(pool, pool_why),
        "db_max_overflow": _setting(overflow, pool_why),
        "db_processes": _setting(processes, (
            f"HPA max api replicas {hpa_max} + worker replicas {workers}")),
        "availability_target": _setting(round(availability, 10), (
            f"requirements.availability = {_pct(availability)}")),
        "error_budget": _setting(budget, (
            f"1 - availability {_pct(availability)} = {_pct(budget)} of requests over "
            f"{SLO_PERIOD_DAYS} days")),
        "celebrity_threshold": _setting(
            int(celeb) if celeb else 10_000,
            f"users.followers.celebrity_threshold = {_fmt(celeb)}" if celeb
            else "default 10K followers (spec sets no users.followers.celebrity_threshold)"),
        "cache_memory_bytes": _setting(cache_bytes, (
            f"estimate cache.memory_bytes = {_fmt(cache_bytes)}B for the hot set")),
        "api_resources": _setting(API_RESOURCES, (
            "one uvicorn process per pod; documented default in docs/deployment.md")),
        "worker_resources": _setting(WORKER_RESOURCES, (
            "one worker process per pod; documented default in docs/deployment.md")),
        "upstream_timeout_seconds": _setting(upstream_timeout, (
            f"20x the slowest requirements.latency target {_ms(slowest)}, at least 5 s: a "
            f"request this slow has long since failed its SLO")),
        "slo_period_days": _setting(SLO_PERIOD_DAYS, "SLO window of 30 days (SRE workbook)"),
    }
    out.update(_rate_limits(spec))
    out["burn_rate_alerts"] = [
        {
            "burn_rate": rate,
            "long_window": long_w,
            "short_window": short_w,
            "severity": severity,
            "threshold": round(rate * budget, 12),
            "why": clean_text(f"{rate:g}x burn of the {_pct(budget)} error budget "
                    f"(requirements.availability {_pct(availability)}) "
                    f"over {long_w} and {short_w}"),
        }
        for rate, long_w, short_w, severity in BURN_RATE_WINDOWS
    ]
    out["latency_slos"] = latency_slos
    windows = sorted({w for _, lw, sw, _ in BURN_RATE_WINDOWS for w in (lw, sw)},
                     key=_window_seconds)
    out["sli_windows"] = _setting(windows, "the long and short windows of the burn-rate alerts")
    out["sli_excluded_routes"] = _setting(SLI_EXCLUDED_ROUTES, (
        "probes and metrics are not user requests and stay out of the SLI"))
    out["histogram_buckets"] = _setting(buckets, (
        "standard buckets plus each requirements.latency target, so the SLO is a bucket bound"))
    return out


def sizing_rows(sizing: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Flatten the sizing into (name, value, why) rows, for docs and summaries."""
    rows: list[tuple[str, Any, str]] = []
    for key, item in sizing.items():
        if isinstance(item, dict) and "value" in item and "why" in item:
            rows.append((key, item["value"], item["why"]))
    for slo in sizing.get("latency_slos", []):
        rows.append((f"latency {slo['action']} {slo['quantile_name']}", slo["seconds"], slo["why"]))
    for alert in sizing.get("burn_rate_alerts", []):
        rows.append((f"burn {alert['burn_rate']:g}x", alert["threshold"], alert["why"]))
    return rows
