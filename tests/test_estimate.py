"""Every formula against hand-worked values, including the guide's 10M-DAU example."""

import math

import pytest

from sysdesign import estimate, load_spec, load_spec_text
from tests.conftest import EXAMPLES


def spec_text(**over):
    base = {
        "dau": "1M", "per": 10, "resp": "1 KB", "req": "100 B", "extra": "",
    }
    base.update(over)
    return f"""
name: T
users: {{dau: {base['dau']}}}
actions:
  w: {{kind: write, per_user_per_day: 1, request_size: {base['req']}}}
  r: {{kind: read, per_user_per_day: {base['per']}, response_size: {base['resp']}}}
{base['extra']}
"""


@pytest.fixture(scope="module")
def twitter():
    return estimate(load_spec(EXAMPLES / "twitter.yaml"))


def test_guide_example_qps(twitter):
    d = twitter.to_dict()
    assert d["qps"]["average"] == pytest.approx(1157.4, abs=1)
    assert d["qps"]["peak"] == pytest.approx(2314.8, abs=1)
    assert d["requests_per_day"] == pytest.approx(100e6)
    # 10% of 10M post 2 tweets: 2M writes a day
    assert d["actions"]["post_tweet"]["requests_per_day"] == pytest.approx(2e6)
    assert d["qps"]["write"] == pytest.approx(2e6 / 86400)
    assert d["qps"]["read"] == pytest.approx(98e6 / 86400)
    assert d["qps"]["read_write_ratio"] == pytest.approx(49)


def test_guide_example_storage(twitter):
    s = twitter.to_dict()["storage"]
    assert s["per_day_bytes"] == pytest.approx(200e6)  # 200 MB/day
    assert s["per_year_bytes"] == pytest.approx(73e9)
    assert s["retention_bytes"] == pytest.approx(365e9)  # about 365 GB over 5 years
    assert s["replicated_bytes"] == pytest.approx(365e9)  # replication 1


def test_guide_example_bandwidth_is_megabits(twitter):
    bw = twitter.to_dict()["bandwidth"]
    # 98M reads x 1,000 B / 86,400 s x 8 bits + the posts' 50 B responses
    expected = (98e6 * 1000 + 2e6 * 50) / 86400 * 8
    assert bw["egress_bits_per_second"] == pytest.approx(expected)
    assert 1e6 <= bw["egress_bits_per_second"] < 1e9  # Mbps, not the guide's "9.5 Gbps"
    assert bw["peak_egress_bits_per_second"] == pytest.approx(expected * 2)
    assert bw["ingress_bits_per_second"] == pytest.approx(2e6 * 100 / 86400 * 8)


def test_guide_example_cache_and_servers(twitter):
    d = twitter.to_dict()
    assert d["cache"]["memory_bytes"] == pytest.approx(0.2 * 98e6 * 1000)
    assert d["servers"]["app"] == math.ceil(2314.8 / 500)


def test_work_is_shown(twitter):
    assert twitter.qps_average.work == "10,000,000 users x 10 / 86,400 s = 1,157 req/s"
    assert "2,000,000 x 100 B = 200 MB/day" in twitter.storage_per_day.work
    assert "365 GB" in twitter.storage_retention.work
    assert twitter.qps_average.meaning


def test_json_contract_keys(twitter):
    d = twitter.to_dict()
    assert set(d["qps"]) >= {"average", "peak", "read", "write", "read_write_ratio"}
    for a in d["actions"].values():
        assert set(a) >= {"kind", "requests_per_day", "qps", "peak_qps",
                          "ingress_bytes_per_second", "egress_bytes_per_second",
                          "stored_bytes_per_day"}
    assert set(d["storage"]) >= {"per_day_bytes", "per_year_bytes", "retention_bytes",
                                 "replicated_bytes"}
    assert set(d["bandwidth"]) >= {"ingress_bits_per_second", "egress_bits_per_second",
                                   "peak_ingress_bits_per_second",
                                   "peak_egress_bits_per_second"}
    assert "memory_bytes" in d["cache"] and "app" in d["servers"]
    assert d["assumptions"]["server_rps"] == 500


def test_mau_and_daily_fraction():
    e = estimate(load_spec_text(spec_text(dau="null").replace(
        "users: {dau: null}", "users: {mau: 300M, daily_fraction: 50%}")))
    assert e.dau.value == 150e6


def test_total_rate_and_share_of_users():
    text = """
name: T
users: {dau: 1M}
actions:
  a: {kind: write, total: 864K/day, stored_size: 1 KB}
  b: {kind: read, share_of_users: 25%, per_user_per_day: 4}
"""
    e = estimate(load_spec_text(text))
    assert e.actions["a"].qps.value == pytest.approx(10)
    assert e.actions["b"].requests_per_day.value == 1e6
    assert e.storage_per_day.value == pytest.approx(864e3 * 1000)


def test_stored_size_defaults():
    e = estimate(load_spec_text(spec_text()))
    assert e.actions["w"].stored_bytes_per_day.value == 1e6 * 100  # request_size for writes
    assert e.actions["r"].stored_bytes_per_day.value == 0


def test_replication_and_calendar_overrides():
    text = spec_text(extra="storage: {retention: 1 year, replication: 3}\n"
                           "assumptions: {days_per_year: 365.25}")
    e = estimate(load_spec_text(text))
    assert e.storage_retention.value == pytest.approx(1e6 * 100 * 365.25)
    assert e.storage_replicated.value == pytest.approx(3 * 1e6 * 100 * 365.25)
    assert e.conventions["days_per_year"] == "365.25"


def test_binary_kilo_convention():
    e = estimate(load_spec_text(spec_text(extra="assumptions: {kilo: 1024}")))
    assert e.actions["r"].action.response_size == 1024


def test_peak_factor_and_server_rps():
    text = spec_text(dau="10M").replace("users: {dau: 10M}", "users: {dau: 10M, peak_factor: 3}")
    text += "assumptions: {server_rps: 100}\n"
    e = estimate(load_spec_text(text))
    avg = 10e6 * 11 / 86400
    assert e.qps_peak.value == pytest.approx(avg * 3)
    assert e.servers_app.value == math.ceil(avg * 3 / 100)


def test_at_least_one_server_and_read_only_ratio():
    text = """
name: tiny
users: {dau: 10}
actions:
  r: {kind: read, per_user_per_day: 1}
"""
    e = estimate(load_spec_text(text))
    assert e.servers_app.value == 1
    assert e.to_dict()["qps"]["read_write_ratio"] is None
    assert "read-only" in e.read_write_ratio.work


def test_cache_disabled():
    e = estimate(load_spec_text(spec_text(extra="cache: {enabled: false}")))
    assert e.cache_memory.value == 0


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.glob("*.yaml")
                                        if p.name != "bad.yaml"), ids=lambda p: p.stem)
def test_every_example_estimates(path):
    d = estimate(load_spec(path)).to_dict()
    assert d["qps"]["average"] > 0
