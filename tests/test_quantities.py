import math

import pytest

from sysdesign.spec import quantities as q


@pytest.mark.parametrize("text,value", [
    ("10M", 10e6), ("1.5B", 1.5e9), ("10_000_000", 1e7), ("1e7", 1e7), ("10,000", 1e4),
    ("2K", 2000), (500, 500), (9.8, 9.8), ("3 million", 3e6), ("1T", 1e12),
])
def test_parse_count(text, value):
    assert q.parse_count(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["ten", "10X", "", "M", True, None, [1]])
def test_parse_count_rejects(bad):
    with pytest.raises(ValueError):
        q.parse_count(bad)


@pytest.mark.parametrize("text,value", [
    ("100 B", 100), ("1 KB", 1000), ("1.27 KB", 1270), ("5 GiB", 5 * 2**30), ("1 MiB", 2**20),
    ("2TB", 2e12), ("1 kb", 1000), (0, 0), ("3 bytes", 3),
])
def test_parse_size(text, value):
    assert q.parse_size(text) == pytest.approx(value)


def test_parse_size_binary_convention():
    assert q.parse_size("1 KB", kilo=1024) == 1024
    assert q.parse_size("1 MB", kilo=1024) == 2**20
    assert q.parse_size("1 KiB", kilo=1000) == 1024  # KiB is always binary


@pytest.mark.parametrize("bad", ["100 XB", "-1 KB", "10 Mbit", "lots"])
def test_parse_size_rejects(bad):
    with pytest.raises(ValueError):
        q.parse_size(bad)


def test_parse_duration_calendar():
    assert q.parse_duration("200 ms") == pytest.approx(0.2)
    assert q.parse_duration("5 years") == 5 * 365 * 86400
    assert q.parse_duration("5 years", days_per_year=365.25) == 5 * 365.25 * 86400
    assert q.parse_duration("1 month", days_per_month=30) == 2_592_000
    assert q.parse_duration("2 weeks") == 14 * 86400
    assert q.parse_duration(150, default_unit="ms") == pytest.approx(0.15)


def test_parse_rate():
    assert q.parse_rate("500M/day") == pytest.approx(500e6 / 86400)
    assert q.parse_rate("10M/month", days_per_month=30) == pytest.approx(10e6 / 2_592_000)
    assert q.parse_rate("100 per second") == 100
    assert q.parse_rate("1K/hour") == pytest.approx(1000 / 3600)
    with pytest.raises(ValueError, match="unknown period"):
        q.parse_rate("5/fortnight")


@pytest.mark.parametrize("text,value", [("10%", 0.1), (0.1, 0.1), ("0.25", 0.25), ("100%", 1)])
def test_parse_fraction(text, value):
    assert q.parse_fraction(text) == pytest.approx(value)


def test_availability_forms_agree():
    forms = ["99.99%", 0.9999, 99.99, "99.99"]
    assert {q.parse_fraction(f, allow_bare_percent=True) for f in forms} == {0.9999}


def test_parse_fraction_rejects_out_of_range():
    with pytest.raises(ValueError):
        q.parse_fraction("120%")
    with pytest.raises(ValueError):
        q.parse_fraction(5)


def test_formatting():
    assert q.fmt_int(1157.4) == "1,157"
    assert q.fmt_bytes(200e6) == "200 MB"
    assert q.fmt_bytes(365e9) == "365 GB"
    assert q.fmt_bytes(2**30, binary=True) == "1 GiB"
    assert q.fmt_bits_per_second(9.26e6) == "9.26 Mbps"
    assert q.fmt_count(1.5e9) == "1.5B"
    assert q.fmt_percent(0.998001) == "99.8001%"
    assert q.fmt_duration(31536) == "8h 45m 36s"
    assert q.fmt_duration(86.4) == "1m 26.4s"
    assert q.fmt_duration(0.2) == "200 ms"
    assert not math.isnan(q.parse_count("0"))
