"""Deployment sizing: the numbers follow from the spec and respect their invariants."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_helpers import SMALL_YAML, TWITTER_YAML, render_deploy, sizing_for

from sysdesign.scaffold import sizing as sz


def _v(s: dict[str, Any], key: str) -> Any:
    return s[key]["value"]


@pytest.mark.parametrize("text", [TWITTER_YAML, SMALL_YAML])
def test_every_setting_says_where_it_came_from(text: str) -> None:
    s = sizing_for(text)
    for key, item in s.items():
        if isinstance(item, dict):
            assert item["why"].strip(), key
            assert "\n" not in item["why"], key
    for slo in s["latency_slos"]:
        assert slo["why"].startswith("requirements.latency.")


def test_api_replicas_from_the_estimate() -> None:
    from sysdesign import estimate, load_spec_text

    spec = load_spec_text(TWITTER_YAML)
    est = estimate(spec)
    s = sz.deployment_sizing(spec, est)
    servers = est.to_dict()["servers"]["app"]
    assert _v(s, "api_replicas") == max(2, servers)
    assert str(servers) in s["api_replicas"]["why"].replace(",", "") or "K" in \
        s["api_replicas"]["why"]
    assert _v(s, "hpa_min_replicas") <= _v(s, "api_replicas") < _v(s, "hpa_max_replicas")


def test_small_spec_still_gets_redundancy(small_sizing: dict[str, Any]) -> None:
    assert _v(small_sizing, "api_replicas") == 2
    assert _v(small_sizing, "hpa_min_replicas") >= 2
    assert _v(small_sizing, "worker_replicas") >= 2
    assert _v(small_sizing, "fanout_inserts_per_second") == 0


def test_workers_from_fanout_rate(twitter_sizing: dict[str, Any]) -> None:
    from sysdesign import estimate, load_spec_text

    est = estimate(load_spec_text(TWITTER_YAML)).to_dict()
    rate = est["actions"]["post_tweet"]["peak_qps"] * 200
    assert _v(twitter_sizing, "fanout_inserts_per_second") == pytest.approx(rate, rel=1e-3)
    assert _v(twitter_sizing, "worker_replicas") == math.ceil(
        rate / sz.PER_WORKER_INSERTS_PER_SECOND)


@pytest.mark.parametrize("text", [TWITTER_YAML, SMALL_YAML])
def test_connections_fit_postgres(text: str) -> None:
    s = sizing_for(text)
    processes = _v(s, "hpa_max_replicas") + _v(s, "worker_replicas")
    assert _v(s, "db_processes") == processes
    per = _v(s, "db_pool_size") + _v(s, "db_max_overflow")
    budget = (int(_v(s, "postgres_max_connections") * (1 - sz.POSTGRES_HEADROOM_FRACTION))
              - sz.POSTGRES_SUPERUSER_RESERVED)
    assert processes * per <= budget
    assert _v(s, "db_pool_size") >= 2


def test_small_spec_keeps_postgres_default(small_sizing: dict[str, Any]) -> None:
    assert _v(small_sizing, "postgres_max_connections") == 100


@pytest.mark.parametrize("text", [TWITTER_YAML, SMALL_YAML])
def test_nginx_limits_sit_above_the_apps(text: str) -> None:
    s = sizing_for(text)
    assert _v(s, "nginx_read_rate_per_minute") >= _v(s, "rate_limit_read_per_minute")
    assert _v(s, "nginx_write_rate_per_minute") >= _v(s, "rate_limit_write_per_minute")
    assert _v(s, "nginx_read_burst") >= _v(s, "rate_limit_read_burst")
    assert _v(s, "nginx_write_burst") >= _v(s, "rate_limit_write_burst")


def test_slo_numbers(twitter_sizing: dict[str, Any]) -> None:
    assert _v(twitter_sizing, "availability_target") == pytest.approx(0.9999)
    assert _v(twitter_sizing, "error_budget") == pytest.approx(0.0001)
    burns = {(a["burn_rate"], a["long_window"], a["short_window"])
             for a in twitter_sizing["burn_rate_alerts"]}
    assert burns == {(14.4, "1h", "5m"), (6.0, "6h", "30m"), (1.0, "3d", "6h")}
    for a in twitter_sizing["burn_rate_alerts"]:
        assert a["threshold"] == pytest.approx(a["burn_rate"] * 0.0001)
    slos = {(x["action"], x["quantile"], x["seconds"], x["method"], x["route"])
            for x in twitter_sizing["latency_slos"]}
    assert slos == {("read_timeline", 0.99, 0.2, "GET", "/api/v1/timeline"),
                    ("post_tweet", 0.95, 0.5, "POST", "/api/v1/tweets")}
    assert {0.2, 0.5} <= set(_v(twitter_sizing, "histogram_buckets"))


def test_design_count_wins_when_given() -> None:
    try:
        s = sizing_for(TWITTER_YAML, with_design=True)
    except (ImportError, AttributeError):
        pytest.skip("design derivation not available")
    assert _v(s, "api_replicas") >= 2
    assert "design" in s["api_replicas"]["why"]


HOSTILE = TWITTER_YAML.replace(
    "name: Twitter",
    'name: "Evil\\n  injected: true {{ 7*7 }} ${{ secrets.X }} ../../etc \\"; drop"',
).replace("endpoint: GET /api/v1/timeline",
          'endpoint: "GET /api/v1/timeline\\"} or vector(1) #\\nx"')


def test_hostile_spec_cannot_inject(tmp_path: Path) -> None:
    s = sizing_for(HOSTILE)
    assert "\n" not in _v(s, "service_name")
    assert "{{" not in _v(s, "service_name") and "${" not in _v(s, "service_name")
    assert _v(s, "k8s_name").replace("-", "").isalnum()
    assert len(_v(s, "k8s_name")) <= 40
    route = next(x["route"] for x in s["latency_slos"] if x["action"] == "read_timeline")
    assert '"' not in route and " " not in route
    out = render_deploy(s, tmp_path)
    for f in out.rglob("*"):
        if f.suffix in {".yml", ".yaml"}:
            for doc in yaml.safe_load_all(f.read_text()):
                assert "injected" not in (doc or {}), f
        text = f.read_text() if f.is_file() else ""
        assert "{{ 7*7 }}" not in text
        assert "${{ secrets.X" not in text
