"""Quantities written the way people write them, and back again.

Parsing: counts (``10M``, ``1.5B``, ``10_000_000``, ``1e7``), sizes (``100 B``, ``1.27 KB``,
``5 GiB``), durations (``200 ms``, ``5 years``), rates (``500M/day``), fractions (``10%``, ``0.1``).
Formatting: the inverse, for humans (``1,157``, ``200 MB``, ``9.26 Mbps``, ``8h 45m 36s``).

Every parser raises ``ValueError`` with a message a student can act on; the spec loader turns
that into ``file:line: field: message``.
"""

from __future__ import annotations

import math
import re

# --- counts -------------------------------------------------------------------------------

COUNT_SUFFIXES = {
    "": 1.0,
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "m": 1e6,
    "B": 1e9,
    "b": 1e9,
    "G": 1e9,
    "T": 1e12,
    "t": 1e12,
}
_WORDS = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
_NUM = r"[-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COUNT_RE = re.compile(rf"^\s*({_NUM})\s*([A-Za-z]*)\s*$")


def _to_float(text: str) -> float:
    return float(text.replace("_", "").replace(",", ""))


def parse_count(value: object) -> float:
    """``10M`` -> 10_000_000.0. Plain numbers pass through."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number such as 10M, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value)
    if not isinstance(value, str):
        raise ValueError(f"expected a number such as 10M, got {value!r}")
    m = _COUNT_RE.match(value)
    if not m:
        raise ValueError(f'expected a number such as 10M, 1.5B or 10_000, got "{value}"')
    number, suffix = m.groups()
    if suffix in COUNT_SUFFIXES:
        mult = COUNT_SUFFIXES[suffix]
    elif suffix.lower() in _WORDS:
        mult = _WORDS[suffix.lower()]
    else:
        raise ValueError(
            f'unknown count suffix "{suffix}" in "{value}" (use K, M, B or T, e.g. 10M)'
        )
    return _finite(_to_float(number) * mult, value)


def _finite(x: float, original: object) -> float:
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"expected a finite number, got {original!r}")
    return x


# --- sizes --------------------------------------------------------------------------------

SI_SIZE = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15, "EB": 1e18}
BINARY_SIZE = {
    "KIB": 2.0**10,
    "MIB": 2.0**20,
    "GIB": 2.0**30,
    "TIB": 2.0**40,
    "PIB": 2.0**50,
    "EIB": 2.0**60,
}
_SIZE_ALIASES = {"BYTE": "B", "BYTES": "B", "K": "KB", "M": "MB", "G": "GB", "T": "TB"}
_SIZE_RE = re.compile(rf"^\s*({_NUM})\s*([A-Za-z]+)\s*$")


def parse_size(value: object, *, kilo: int = 1000) -> float:
    """``1.27 KB`` -> 1270.0 bytes. ``kilo=1024`` makes KB/MB/... binary (the spec may ask)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a size such as 100 B or 1 KB, got {value!r}")
    if isinstance(value, int | float):
        return _nonneg(float(value), value)
    if not isinstance(value, str):
        raise ValueError(f"expected a size such as 100 B or 1 KB, got {value!r}")
    m = _SIZE_RE.match(value)
    if not m:
        raise ValueError(f'expected a size such as 100 B, 1.27 KB or 5 GiB, got "{value}"')
    number, unit = m.groups()
    u = unit.upper()
    u = _SIZE_ALIASES.get(u, u)
    if u in BINARY_SIZE:
        mult = BINARY_SIZE[u]
    elif u in SI_SIZE:
        power = list(SI_SIZE).index(u)
        mult = float(kilo) ** power
    elif u in {"KBIT", "MBIT", "GBIT", "BIT", "BITS", "KB/S"}:
        raise ValueError(f'"{value}" looks like bits; sizes are in bytes (B, KB, MB, ...)')
    else:
        raise ValueError(
            f'unknown size unit "{unit}" in "{value}" (use B, KB, MB, GB, TB, PB or KiB, MiB, GiB)'
        )
    return _nonneg(_to_float(number) * mult, value)


def _nonneg(x: float, original: object) -> float:
    x = _finite(x, original)
    if x < 0:
        raise ValueError(f"must not be negative, got {original!r}")
    return x


# --- durations ----------------------------------------------------------------------------

SECONDS_PER_DAY = 86_400.0

_DURATION_UNITS: dict[str, float | str] = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "d": SECONDS_PER_DAY,
    "day": SECONDS_PER_DAY,
    "w": 7 * SECONDS_PER_DAY,
    "week": 7 * SECONDS_PER_DAY,
    "month": "month",
    "mo": "month",
    "y": "year",
    "yr": "year",
    "year": "year",
}
_DUR_RE = re.compile(rf"^\s*({_NUM})\s*([A-Za-zµ]+)\s*$")


def _unit_key(unit: str) -> str:
    u = unit.strip()
    if u.lower() in _DURATION_UNITS:
        return u.lower()
    if u.lower().endswith("s") and u.lower()[:-1] in _DURATION_UNITS:
        return u.lower()[:-1]
    raise ValueError(u)


def period_seconds(unit: str, *, days_per_year: float = 365.0, days_per_month: float | None = None
                   ) -> float:
    """Length of one ``unit`` (second, day, month, year...) in seconds under a calendar."""
    key = _unit_key(unit)
    base = _DURATION_UNITS[key]
    if base == "year":
        return days_per_year * SECONDS_PER_DAY
    if base == "month":
        dpm = days_per_month if days_per_month is not None else days_per_year / 12
        return dpm * SECONDS_PER_DAY
    assert isinstance(base, float)
    return base


def parse_duration(value: object, *, days_per_year: float = 365.0,
                   days_per_month: float | None = None, default_unit: str = "s") -> float:
    """``200 ms`` -> 0.2; ``5 years`` -> 5 * 365 days in seconds. Bare numbers use default_unit."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 200 ms or 5 years, got {value!r}")
    if isinstance(value, int | float):
        secs = period_seconds(default_unit, days_per_year=days_per_year,
                              days_per_month=days_per_month)
        return _nonneg(float(value) * secs, value)
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as 200 ms or 5 years, got {value!r}")
    m = _DUR_RE.match(value)
    if not m:
        raise ValueError(f'expected a duration such as 200 ms, 30 days or 5 years, got "{value}"')
    number, unit = m.groups()
    try:
        secs = period_seconds(unit, days_per_year=days_per_year, days_per_month=days_per_month)
    except ValueError:
        raise ValueError(
            f'unknown time unit "{unit}" in "{value}" (use ms, s, min, hours, days, weeks, '
            "months or years)"
        ) from None
    return _nonneg(_to_float(number) * secs, value)


# --- rates --------------------------------------------------------------------------------

_RATE_RE = re.compile(r"^\s*(.+?)\s*(?:/|\bper\b)\s*([A-Za-z]+)\s*$")


def parse_rate(value: object, *, days_per_year: float = 365.0,
               days_per_month: float | None = None) -> float:
    """``500M/day`` -> events per second. A bare number is taken as per day."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _nonneg(float(value), value) / SECONDS_PER_DAY
    if not isinstance(value, str):
        raise ValueError(f"expected a rate such as 500M/day, got {value!r}")
    m = _RATE_RE.match(value)
    if not m:
        raise ValueError(
            f'expected a rate such as 500M/day or 10K per second, got "{value}" '
            "(N per second|minute|hour|day|month|year)"
        )
    count_text, unit = m.groups()
    count = _nonneg(parse_count(count_text), value)
    try:
        secs = period_seconds(unit, days_per_year=days_per_year, days_per_month=days_per_month)
    except ValueError:
        raise ValueError(
            f'unknown period "{unit}" in "{value}" (use second, minute, hour, day, month or year)'
        ) from None
    return count / secs


# --- fractions ----------------------------------------------------------------------------

def parse_fraction(value: object, *, allow_bare_percent: bool = False) -> float:
    """``10%`` -> 0.1; ``0.1`` -> 0.1. With allow_bare_percent, ``99.99`` -> 0.9999."""
    if isinstance(value, bool):
        raise ValueError(f"expected a percentage such as 10% or 0.1, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                x = _to_float(text[:-1].strip()) / 100
            except ValueError:
                raise ValueError(f'expected a percentage such as 10%, got "{value}"') from None
        else:
            try:
                x = _to_float(text)
            except ValueError:
                raise ValueError(
                    f'expected a percentage such as 10% or 0.1, got "{value}"'
                ) from None
            if allow_bare_percent and 1 < x <= 100:
                x /= 100
    elif isinstance(value, int | float):
        x = float(value)
        if allow_bare_percent and 1 < x <= 100:
            x /= 100
    else:
        raise ValueError(f"expected a percentage such as 10% or 0.1, got {value!r}")
    x = round(_finite(x, value), 12)  # 99.99% -> 0.9999, not 0.9998999999999999
    if not 0 <= x <= 1:
        raise ValueError(f"must be between 0% and 100%, got {value!r}")
    return x


# --- formatting ---------------------------------------------------------------------------

def fmt_int(x: float) -> str:
    """1157.4 -> '1,157'."""
    return f"{round(x):,}"


def fmt_num(x: float, digits: int = 3) -> str:
    """A plain number with thousands separators and at most ``digits`` significant decimals."""
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    s = f"{x:.{digits}g}"
    if "e" in s:
        return s
    return s


def _scaled(x: float, steps: list[tuple[float, str]], unit_suffix: str = "") -> str:
    for size, name in steps:
        if abs(x) >= size:
            v = x / size
            return f"{_sig(v)} {name}{unit_suffix}"
    return f"{_sig(x)} {steps[-1][1]}{unit_suffix}"


def _sig(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v:.2f}".rstrip("0").rstrip(".")


def fmt_count(x: float) -> str:
    """1.5e9 -> '1.5B'; 1157 -> '1,157' (small counts stay exact)."""
    if abs(x) < 10_000:
        return fmt_num(x)
    return _scaled(x, [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]).replace(" ", "")


def fmt_bytes(x: float, *, binary: bool = False) -> str:
    """200e6 -> '200 MB' (SI) or '190.73 MiB' (binary)."""
    if binary:
        steps = [(2.0**50, "PiB"), (2.0**40, "TiB"), (2.0**30, "GiB"), (2.0**20, "MiB"),
                 (2.0**10, "KiB"), (1, "B")]
    else:
        steps = [(1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB"),
                 (1, "B")]
    return _scaled(x, steps)


def fmt_bits_per_second(x: float) -> str:
    """9.26e6 -> '9.26 Mbps' (always decimal: network rates are SI)."""
    return _scaled(x, [(1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "Kbps"), (1, "bps")])


def fmt_rate(x: float, unit: str = "req/s") -> str:
    if abs(x) >= 10_000:
        return f"{fmt_count(x)} {unit}"
    if abs(x) >= 10:
        return f"{x:,.0f} {unit}"
    return f"{_sig(x)} {unit}"


def fmt_percent(x: float, digits: int = 6) -> str:
    """0.998001 -> '99.8001%' (no trailing zeros)."""
    s = f"{x * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{s}%"


def fmt_duration(seconds: float) -> str:
    """31536.0 -> '8h 45m 36s'; 86.4 -> '1m 26.4s'; 0.2 -> '200 ms'."""
    if seconds < 1:
        ms = seconds * 1000
        return f"{_sig(ms)} ms" if ms >= 1 else f"{_sig(ms * 1000)} µs"
    parts = []
    rem = seconds
    for size, name in [(86_400, "d"), (3600, "h"), (60, "m")]:
        if rem >= size:
            n = int(rem // size)
            rem -= n * size
            parts.append(f"{n}{name}")
    rem = round(rem, 3)
    if rem or not parts:
        parts.append(f"{rem:g}s")
    return " ".join(parts)


def fmt_ms(seconds: float) -> str:
    return f"{_sig(seconds * 1000)} ms"
