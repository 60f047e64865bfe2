"""The generated SLO alerts fire when they should and stay quiet when they should not, checked
with `promtool test rules` on synthetic series."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_helpers import TWITTER_YAML, render_deploy, require_binary, sizing_for

COUNT = "http_request_duration_seconds_count"
OK = COUNT + '{job="api",route="/api/v1/timeline",method="GET",status="200"}'
ERR = COUNT + '{job="api",route="/api/v1/timeline",method="GET",status="500"}'
PROBE_ERR = COUNT + '{job="api",route="/ready",method="GET",status="503"}'


def _rules(deploy: Path) -> dict[str, Any]:
    return yaml.safe_load((deploy / "deploy" / "prometheus" / "rules.yml").read_text())


def _alert_expr(rules: dict[str, Any], name: str) -> str:
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == name:
                return " ".join(rule["expr"].split())
    raise AssertionError(f"no alert {name}")


def _promtool_test(tmp_path: Path, deploy: Path, tests: list[dict[str, Any]]) -> None:
    promtool = require_binary("promtool")
    doc = {
        "rule_files": [str(deploy / "deploy" / "prometheus" / "rules.yml")],
        "evaluation_interval": "1m",
        "tests": tests,
    }
    f = tmp_path / "rules_test.yml"
    f.write_text(yaml.safe_dump(doc, sort_keys=False))
    r = subprocess.run([promtool, "test", "rules", str(f)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_burn_rate_alerts(twitter_deploy: Path, twitter_sizing: dict[str, Any],
                          tmp_path: Path) -> None:
    rules = _rules(twitter_deploy)
    fast = _alert_expr(rules, "ApiErrorBudgetBurn1h")
    slow = _alert_expr(rules, "ApiErrorBudgetBurn3d")
    budget = twitter_sizing["error_budget"]["value"]
    # 10 req/s; errors at 2% (200x the 0.01% budget) in one run, none in the other.
    tests = [
        {   # a 2% error ratio for 70 minutes: the 14.4x alert's expression is true
            "interval": "1m",
            "input_series": [{"series": OK, "values": "0+588x80"},
                             {"series": ERR, "values": "0+12x80"}],
            "promql_expr_test": [{
                "expr": fast, "eval_time": "70m",
                "exp_samples": [{"labels": "api:slo_errors:ratio_rate1h", "value": 0.02}],
            }],
        },
        {   # no errors at all: no burn-rate alert, whatever the window
            "interval": "1m",
            "input_series": [{"series": OK, "values": "0+600x80"}],
            "alert_rule_test": [
                {"eval_time": "70m", "alertname": "ApiErrorBudgetBurn1h", "exp_alerts": []},
                {"eval_time": "70m", "alertname": "ApiErrorBudgetBurn6h", "exp_alerts": []},
            ],
        },
        {   # the readiness probe failing is not a user-facing error: excluded from the SLI
            "interval": "1m",
            "input_series": [{"series": OK, "values": "0+600x80"},
                             {"series": PROBE_ERR, "values": "0+600x80"}],
            "alert_rule_test": [
                {"eval_time": "70m", "alertname": "ApiErrorBudgetBurn1h", "exp_alerts": []},
            ],
        },
        {   # errors at 10x the budget: the 14.4x page stays quiet, the 1x ticket's expression holds
            "interval": "1m",
            "input_series": [{"series": OK, "values": f"0+{600 - 600 * budget * 10:g}x80"},
                             {"series": ERR, "values": f"0+{600 * budget * 10:g}x80"}],
            "alert_rule_test": [
                {"eval_time": "70m", "alertname": "ApiErrorBudgetBurn1h", "exp_alerts": []},
            ],
            "promql_expr_test": [{
                "expr": slow, "eval_time": "70m",
                "exp_samples": [{"labels": "api:slo_errors:ratio_rate3d", "value": budget * 10}],
            }],
        },
    ]
    _promtool_test(tmp_path, twitter_deploy, tests)


ALIAS_YAML = TWITTER_YAML.replace("endpoint: GET /api/v1/timeline",
                                  "endpoint: GET /api/v1/timeline/{user_id}")


@pytest.mark.parametrize("route", ["/api/v1/timeline", "/api/v1/timeline/{user_id}"])
def test_latency_alert(route: str, tmp_path: Path) -> None:
    # The spec names GET /api/v1/timeline/{user_id}; the service answers on that path and on its
    # canonical /api/v1/timeline, and the alert must see slow requests on either.
    deploy = render_deploy(sizing_for(ALIAS_YAML), tmp_path / "out")
    expr = _alert_expr(_rules(deploy), "ApiLatencyReadTimelineP99")
    labels = f'job="api",route="{route}",method="GET",status="200"'

    def buckets(slow_share: float) -> list[dict[str, str]]:
        per_min = 600
        fast = int(per_min * (1 - slow_share))
        series = []
        for le, n in (("0.1", fast), ("0.2", fast), ("0.25", fast), ("0.5", per_min),
                      ("+Inf", per_min)):
            series.append({"series": f'http_request_duration_seconds_bucket{{{labels},le="{le}"}}',
                           "values": f"0+{n}x30"})
        series.append({"series": f"http_request_duration_seconds_count{{{labels}}}",
                       "values": f"0+{per_min}x30"})
        return series

    tests = [
        {   # 5% of reads take 250-500 ms: p99 is far above the 200 ms target
            "interval": "1m", "input_series": buckets(0.05),
            "promql_expr_test": [{"expr": f"count({expr})", "eval_time": "20m",
                                  "exp_samples": [{"labels": "{}", "value": 1}]}],
        },
        {   # every read under 100 ms: quiet
            "interval": "1m", "input_series": buckets(0.0),
            "alert_rule_test": [{"eval_time": "20m", "alertname": "ApiLatencyReadTimelineP99",
                                 "exp_alerts": []}],
        },
    ]
    _promtool_test(tmp_path, deploy, tests)
