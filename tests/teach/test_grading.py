"""Grading: the 2x / 10x bands, each named slip, and reading learner answers."""

from __future__ import annotations

import math

import pytest

from sysdesign.teach.grading import format_answer, grade, parse_answer

CTX = {"dau": 10_000_000, "peak_factor": 3, "replication": 3}


def test_bands():
    assert grade(1200, 1157, "qps").verdict == "good"
    assert grade(600, 1157, "qps").verdict == "good"
    assert grade(5000, 1157, "qps").verdict == "close"
    assert grade(200, 1157, "qps").verdict == "close"
    assert grade(50_000, 1157, "qps").verdict == "off"
    assert grade(1157, 1157, "qps").points == 1.0
    assert grade(5000, 1157, "qps").points == 0.5
    assert grade(50_000, 1157, "qps").points == 0.0


def test_thousand_is_a_unit_slip():
    g = grade(200e9, 200e6, "bytes")
    assert g.verdict == "off"
    assert g.slip == "unit"
    assert "1,000" in g.message and "unit slip" in g.message
    g = grade(1.157, 1157, "qps")
    assert g.slip == "unit" and g.direction == "too small"


def test_1024_is_a_binary_unit_slip():
    g = grade(1024 * 5e6, 5e6, "bytes")
    assert g.slip == "unit"
    assert "1,024" in g.message


def test_bits_vs_bytes():
    g = grade(1.2e6, 9.6e6, "bandwidth")
    assert g.slip == "bits"
    assert g.verdict == "close"
    assert "bits" in g.message


def test_kb_vs_kib_is_good_with_a_note():
    g = grade(2**30, 1e9, "bytes")
    assert g.verdict == "good"
    assert "KiB" in g.note


@pytest.mark.parametrize("factor,key", [(86_400, "per-day"), (3_600, "per-hour"),
                                        (60, "per-minute")])
def test_seconds_per_period(factor, key):
    g = grade(1157 * factor, 1157, "qps")
    assert g.slip == key
    assert g.direction == "too big"


def test_per_user_vs_total():
    answer = 1157.0
    g = grade(answer / CTX["dau"], answer, "qps", CTX)
    assert g.slip == "per-user"
    assert "DAU" in g.message or "users" in g.message


def test_forgot_peak():
    g = grade(1157, 3471, "qps", CTX)
    assert g.slip == "peak"
    assert "peak" in g.message


def test_forgot_replication():
    g = grade(1e12, 3e12, "bytes", CTX)
    assert g.slip == "replication"


def test_two_slips_together():
    # bytes instead of bits and average instead of peak
    g = grade(9.6e6 / 8 / 3, 9.6e6, "bandwidth", CTX)
    assert set(g.slip.split("+")) == {"bits", "peak"}


def test_availability_is_graded_on_downtime():
    assert grade(0.999, 0.9999, "availability").slip == "nine"
    assert grade(0.9999, 0.9999, "availability").verdict == "good"
    assert grade(0.998, 0.999, "availability").verdict == "good"  # 2x the downtime


def test_unexplained_and_degenerate():
    g = grade(7, 1157, "qps")
    assert g.verdict == "off" and g.slip is None
    assert grade(0, 10, "qps").verdict == "off"
    assert grade(5, 0, "qps").verdict == "off"
    with pytest.raises(ValueError):
        grade(1, 1, "colour")


@pytest.mark.parametrize("text,kind,value", [
    ("1.2K", "qps", 1200), ("1,157 req/s", "qps", 1157), ("1157 rps", "qps", 1157),
    ("4 servers", "servers", 4), ("3.2", "servers", 4), ("10:1", "ratio", 10),
    ("200 MB", "bytes", 200e6), ("365 GB/year", "bytes", 365e9), ("5 GiB", "bytes", 5 * 2**30),
    ("9 Mbps", "bandwidth", 9e6), ("2.5 Gbit/s", "bandwidth", 2.5e9),
    ("1.2 MB/s", "bandwidth", 9.6e6), ("52 min", "duration", 3120),
    ("8h 45m", "duration", 31500), ("90", "duration", 90), ("99.9%", "availability", 0.999),
    ("99.9", "availability", 0.999), ("0.999", "availability", 0.999),
])
def test_parse_answer(text, kind, value):
    assert math.isclose(parse_answer(text, kind), value, rel_tol=1e-9)


@pytest.mark.parametrize("text,kind", [
    ("", "qps"), ("   ", "bytes"), ("-5", "qps"), ("lots", "bytes"), ("fast", "bandwidth"),
    ("1e400", "qps"), ("9e99", "count"), ("-3 MB", "bytes"), ("150%", "availability"),
    ("a while", "duration"), ("nan", "qps"),
])
def test_parse_answer_rejects_with_a_hint(text, kind):
    with pytest.raises(ValueError) as err:
        parse_answer(text, kind)
    assert "type" in str(err.value) or "negative" in str(err.value)


def test_format_answer():
    assert format_answer(200e6, "bytes") == "200 MB"
    assert format_answer(9.26e6, "bandwidth") == "9.26 Mbps"
    assert format_answer(0.999, "availability") == "99.9%"
