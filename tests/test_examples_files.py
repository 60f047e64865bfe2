"""The example specs: each loads, estimates in every format, and says where its figures come from.

The twitter example is the beginner's guide's 10M-DAU worked example; its numbers are checked
against values worked out by hand here (not copied from the guide, whose bandwidth line has a
unit slip).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysdesign import estimate, load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REQUIRED = ["twitter", "url-shortener", "pastebin", "chat", "video-streaming", "iot-sensors"]
GOOD = sorted(p.stem for p in EXAMPLES.glob("*.yaml") if p.stem != "bad")

runner = CliRunner()


def _app():  # type: ignore[no-untyped-def]
    from sysdesign.cli import app

    return app


def _estimate_json(name: str) -> dict:  # type: ignore[type-arg]
    r = runner.invoke(_app(), ["estimate", str(EXAMPLES / f"{name}.yaml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_required_examples_exist() -> None:
    for name in REQUIRED:
        assert (EXAMPLES / f"{name}.yaml").is_file(), name


@pytest.mark.parametrize("name", GOOD)
def test_example_has_a_sources_and_notice_comment(name: str) -> None:
    text = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
    head = text.split("\nname:", 1)[0]
    assert head.startswith("#"), "the file starts with its comment block"
    assert "Where the figures come from" in head
    assert "What to notice" in head


@pytest.mark.parametrize("name", GOOD)
def test_example_loads_and_estimates(name: str) -> None:
    spec = load_spec(str(EXAMPLES / f"{name}.yaml"))
    d = estimate(spec).to_dict()
    assert d["qps"]["average"] > 0
    assert d["servers"]["app"] >= 1


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
@pytest.mark.parametrize("name", GOOD)
def test_example_estimates_in_every_format(name: str, fmt: str) -> None:
    r = runner.invoke(_app(), ["estimate", str(EXAMPLES / f"{name}.yaml"), "--format", fmt])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip()


# --- the guide's 10M-DAU example, by hand -----------------------------------------------------
#   requests/day = 10M x 10%  x 2   (posts)  =  2M
#                + 10M x 100% x 9.8 (reads)  = 98M            total 100M
#   average QPS  = 100M / 86,400 s          = 1,157.4 req/s
#   storage/day  = 2M x 100 B               = 200 MB
#   5 years      = 200 MB x 365 x 5         = 365 GB
#   egress       = 98M x 1,000 B / 86,400 s = 1,134,259 B/s (reads)
#                +  2M x    50 B / 86,400 s =     1,157 B/s (post responses)
#                = 1,135,417 B/s x 8        = 9.08 Mbps   (megabits, not gigabits)


def test_twitter_matches_the_worked_example() -> None:
    d = _estimate_json("twitter")
    assert d["qps"]["average"] == pytest.approx(1157, abs=1)
    assert d["qps"]["peak"] == pytest.approx(2315, abs=1)
    assert d["qps"]["read_write_ratio"] == pytest.approx(49)
    assert d["actions"]["post_tweet"]["requests_per_day"] == pytest.approx(2e6)
    assert d["actions"]["view_timeline"]["requests_per_day"] == pytest.approx(98e6)
    assert d["storage"]["per_day_bytes"] == pytest.approx(200e6)
    assert d["storage"]["retention_bytes"] == pytest.approx(365e9)
    assert d["storage"]["replicated_bytes"] == pytest.approx(365e9)  # replication 1
    egress = d["bandwidth"]["egress_bits_per_second"]
    assert egress == pytest.approx(9.083e6, rel=1e-3)
    assert 1e6 <= egress < 1e9, "the egress is in the Mbps range"


def test_twitter_spec_fields() -> None:
    spec = load_spec(str(EXAMPLES / "twitter.yaml"))
    assert spec.users.dau == 10e6
    assert spec.users.followers is not None
    assert spec.users.followers.average == 200
    assert spec.users.followers.celebrity_threshold == 10_000
    post = spec.actions["post_tweet"]
    assert (post.kind, post.share_of_users, post.per_user_per_day) == ("write", 0.1, 2)
    assert post.request_size == 100 and post.stored_size == 100 and post.fanout
    assert spec.requirements.availability == pytest.approx(0.9999)
    assert spec.requirements.latency["view_timeline"]["p95"] == pytest.approx(0.2)
    assert spec.requirements.latency["post_tweet"]["p99"] == pytest.approx(0.5)
    assert spec.storage.replication == 1
    lb, db = spec.design.get("load_balancer"), spec.design.get("database")
    assert lb is not None and lb.count == 1
    assert db is not None and db.replicas == 0


def test_iot_is_write_heavy() -> None:
    d = _estimate_json("iot-sensors")
    # 1M devices x 8,640 readings / 86,400 s = 100,000 writes/s
    assert d["qps"]["write"] == pytest.approx(100_000)
    assert d["qps"]["write"] > 1000 * d["qps"]["read"]
    # 8.64B x 50 B = 432 GB a day
    assert d["storage"]["per_day_bytes"] == pytest.approx(432e9)


def test_video_is_dominated_by_media_egress() -> None:
    d = _estimate_json("video-streaming")
    # 2M x 5 views x 500 MB / 86,400 s x 8 = 463 Gbps
    assert d["bandwidth"]["egress_bits_per_second"] == pytest.approx(463e9, rel=0.01)
    spec = load_spec(str(EXAMPLES / "video-streaming.yaml"))
    assert spec.actions["watch_video"].media and spec.actions["upload_video"].media


def test_url_shortener_is_read_heavy() -> None:
    d = _estimate_json("url-shortener")
    # 10B / 100M per month
    assert d["qps"]["read_write_ratio"] == pytest.approx(100)


# --- the broken example --------------------------------------------------------------------


def test_bad_example_reports_every_problem_with_lines() -> None:
    r = runner.invoke(_app(), ["estimate", str(EXAMPLES / "bad.yaml")])
    assert r.exit_code == 2
    err = r.stderr
    assert "Traceback" not in r.output + err
    assert 'bad.yaml:7: actions.post_tweet.per_user_per_day: must be a positive number, got "-3"' \
        in err
    assert "bad.yaml:8: actions.post_tweet.request_size" in err and "XB" in err
    assert "bad.yaml:9: actions.post_tweet.respnse_size" in err
    assert 'did you mean "response_size"' in err


def test_bad_example_lines_match_its_comment() -> None:
    lines = (EXAMPLES / "bad.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[6].strip() == "per_user_per_day: -3"
    assert lines[7].strip() == "request_size: 100 XB"
    assert lines[8].strip() == "respnse_size: 50 B"
