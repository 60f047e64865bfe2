"""The template context for the scaffold: spec and estimate numbers turned into settings.

Every setting is ``{"value": v, "why": "..."}``; the templates print ``why`` as a comment next to
the value, so a reader of the generated config.py sees which spec number produced it.
Formulas (also in docs/scaffold.md):

- celebrity_threshold = users.followers.celebrity_threshold (default 10,000).
- timeline_length = the assumption timeline_length when the assumptions table has one, else 800
  (the length Twitter's cached timelines were trimmed to).
- rate limits, database pool, histogram buckets: the deployment sizing's values
  (sysdesign.scaffold.sizing), so the app, nginx and Kubernetes agree.
- fanout_batch_size = users.followers.average clamped to 100..1000: one Redis round trip carries
  an average author's whole follower list.
- queue_max_length = one hour of peak fan-out write events (at least 10,000).
"""

from __future__ import annotations

import math
import re
from typing import Any

from sysdesign.scaffold.names import names_for
from sysdesign.scaffold.sizing import _est_dict, _get, deployment_sizing

DEFAULT_CELEBRITY_THRESHOLD = 10_000
DEFAULT_TIMELINE_LENGTH = 800
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_./{}-]{0,200}$")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

CANONICAL_POST = "/api/v1/tweets"
CANONICAL_TIMELINE = "/api/v1/timeline"


def _s(value: Any, why: str) -> dict[str, Any]:
    return {"value": value, "why": why}


def _fmt(x: float) -> str:
    ax = abs(x)
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if ax >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def _assumption(spec: Any, est_d: dict[str, Any], key: str) -> Any:
    value = (_get(spec, "assumptions", {}) or {}).get(key)
    if value is None:
        value = (est_d.get("assumptions") or {}).get(key)
    return value


def _split_endpoint(endpoint: str | None) -> tuple[str | None, str | None]:
    if not endpoint:
        return None, None
    parts = str(endpoint).strip().split(None, 1)
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z]+", parts[0]):
        return parts[0].upper(), parts[1].strip()
    return None, str(endpoint).strip()


def _looks_like_timeline(name: str, path: str) -> bool:
    text = f"{name} {path}".lower()
    return any(word in text for word in ("timeline", "feed", "home"))


def spec_routes(spec: Any) -> list[dict[str, Any]]:
    """Spec endpoints the generated API serves beside its canonical routes.

    The first fan-out write action's endpoint posts a tweet (no path parameters); the first read
    action with "timeline", "feed" or "home" in its name or endpoint serves the caller's home
    timeline (at most one path parameter, the user id, which must be the caller's). Anything
    else is left out: a spec endpoint only becomes a route when its meaning is unambiguous.
    """
    routes: list[dict[str, Any]] = []
    actions = _get(spec, "actions", {}) or {}
    post_done = timeline_done = False
    for name, action in actions.items():
        method, path = _split_endpoint(_get(action, "endpoint"))
        if not path or not _SAFE_PATH.match(path) or "//" in path or ".." in path:
            continue
        params = _PARAM.findall(path)
        if path.count("{") != len(params) or path.count("}") != len(params):
            continue
        kind = _get(action, "kind")
        if (not post_done and kind == "write" and _get(action, "fanout", False)
                and method in (None, "POST") and not params and path != CANONICAL_POST):
            routes.append({"action": name, "method": "POST", "path": path,
                           "handler": "post_tweet", "param": None})
            post_done = True
        elif (not timeline_done and kind == "read" and method in (None, "GET")
              and len(params) <= 1 and _looks_like_timeline(str(name), path)
              and path != CANONICAL_TIMELINE):
            routes.append({"action": name, "method": "GET", "path": path,
                           "handler": "home_timeline", "param": params[0] if params else None})
            timeline_done = True
    return routes


def build_context(spec: Any, est: Any, design: Any = None) -> dict[str, Any]:
    """Everything the scaffold templates read. Pure: no I/O."""
    est_d = _est_dict(est)
    name = str(_get(spec, "name", "service") or "service")
    names = names_for(name)
    description = names_for(str(_get(spec, "description", "") or ""))["display"]
    users = _get(spec, "users")
    followers = _get(users, "followers")
    deploy = deployment_sizing(spec, est, design)

    config: dict[str, dict[str, Any]] = {}
    celeb = _get(followers, "celebrity_threshold")
    config["celebrity_threshold"] = (
        _s(int(celeb), f"users.followers.celebrity_threshold = {_fmt(float(celeb))}: authors "
                       "with more followers are merged in at read time, not fanned out")
        if celeb else
        _s(DEFAULT_CELEBRITY_THRESHOLD, "default 10K: the spec sets no "
                                        "users.followers.celebrity_threshold"))
    tl = _assumption(spec, est_d, "timeline_length")
    config["timeline_length"] = (
        _s(int(tl), f"assumptions.timeline_length = {int(tl)}") if tl else
        _s(DEFAULT_TIMELINE_LENGTH, "default 800 entries per cached timeline (the length "
                                    "Twitter trimmed its cached timelines to)"))
    config["timeline_ttl_seconds"] = _s(7 * 86400, "default 7 days: inactive users' timelines "
                                                   "expire and are rebuilt from the database")
    config["tweet_cache_ttl_seconds"] = _s(86400, "default 1 day for cached tweet bodies")

    avg = float(_get(followers, "average", 0.0) or 0.0)
    batch = int(min(1000, max(100, math.ceil(avg)))) if avg else 500
    config["fanout_batch_size"] = _s(batch, (
        f"users.followers.average {_fmt(avg)} clamped to 100..1000: an average author's "
        "followers in one pipelined round trip") if avg else
        "default 500 followers per pipelined round trip (spec sets no users.followers)")

    fan_qps = 0.0
    for aname, action in (_get(spec, "actions", {}) or {}).items():
        if _get(action, "kind") == "write" and _get(action, "fanout", False):
            a = (est_d.get("actions") or {}).get(aname, {})
            fan_qps += float(a.get("peak_qps", a.get("qps", 0.0)) or 0.0)
    qlen = max(10_000, math.ceil(fan_qps * 3600))
    config["queue_max_length"] = _s(qlen, (
        f"one hour of peak fan-out events: {_fmt(fan_qps)}/s x 3600, at least 10K"))

    for key in ("rate_limit_read_per_minute", "rate_limit_read_burst",
                "rate_limit_write_per_minute", "rate_limit_write_burst",
                "db_pool_size", "db_max_overflow", "histogram_buckets"):
        config[key] = deploy[key]

    return {
        "names": names,
        "description": description,
        "config": config,
        "spec_routes": spec_routes(spec),
        "numbers": {
            "dau": float(_get(users, "dau", 0.0) or 0.0),
            "peak_qps": float((est_d.get("qps") or {}).get("peak", 0.0) or 0.0),
            "app_servers": int((est_d.get("servers") or {}).get("app", 1) or 1),
            "followers_average": avg,
        },
        "deploy": deploy,
    }
