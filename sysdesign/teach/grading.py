"""Grade a learner's estimate against the computed answer, and name the usual slip.

The rules, from the teaching method:

* within 2x of the answer is **good** (back-of-the-envelope precision),
* within 10x is the **right order of magnitude**,
* anything further is **off**.

Whenever the guess is more than 2x away, the ratio guess/answer is compared with the factors
behind the classic mistakes: 1,000 or 1,024 (a unit prefix: KB vs MB, Mbps vs Gbps), 8 (bits vs
bytes), 86,400 / 3,600 / 60 (seconds per day, hour, minute), the DAU (per user vs total), the
peak factor (forgot peak) and the replication factor (forgot replication). A ratio of 1.024^n
within a good answer is pointed out as a KB vs KiB difference. If no single factor fits, pairs
of factors are tried (forgot peak *and* used bytes for bits).

Availability answers are graded on the *unavailability* (1 - A), because 99.8% and 99.9% are
"1.002x apart" but one allows twice the downtime of the other.

``parse_answer`` reads what a learner types using the same notation as specs (``1.2K``,
``200 MB``, ``9 Mbps``, ``52 min``, ``99.9%``) and raises ``ValueError`` with a message that says
what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sysdesign.spec import quantities as q

Kind = Literal["qps", "count", "servers", "bytes", "bandwidth", "duration", "availability",
               "ratio", "percent"]
KINDS: tuple[str, ...] = ("qps", "count", "servers", "bytes", "bandwidth", "duration",
                          "availability", "ratio", "percent")
Verdict = Literal["good", "close", "off"]

GOOD_WITHIN = 2.0
CLOSE_WITHIN = 10.0
SLIP_TOLERANCE = 1.15  # a ratio within 15% of a slip factor counts as that slip
KIB_TOLERANCE = 0.003  # 1.024^n matched to 0.3%

# What a learner can be asked for, in words; used by prompts and messages.
KIND_HINTS: dict[str, str] = {
    "qps": "a rate such as 1.2K or 1157 (requests per second)",
    "count": "a number such as 2M or 2,000,000",
    "servers": "a whole number of servers such as 4",
    "bytes": "a size such as 200 MB, 1.5 TB or 64 GiB",
    "bandwidth": "a rate such as 9 Mbps, 1.2 Gbps or 150 MB/s",
    "duration": "a duration such as 52 min, 8.76 h or 8h 45m",
    "availability": "a percentage such as 99.9%",
    "ratio": "a number such as 10 (for 10:1)",
    "percent": "a percentage such as 63% (or 0.63)",
}


@dataclass(frozen=True)
class Slip:
    """A named mistake: ``factor`` is how far off it makes an answer."""

    key: str
    factor: float
    name: str
    too_big: str  # advice when the guess is larger than the answer by this factor
    too_small: str  # advice when it is smaller


@dataclass(frozen=True)
class Grade:
    verdict: Verdict
    guess: float
    answer: float
    kind: str
    ratio: float  # guess / answer (on unavailability for availability)
    slips: tuple[Slip, ...] = ()
    note: str = ""  # extra remark on a good answer (e.g. KB vs KiB)
    message: str = ""
    direction: str = field(default="")  # "too big" | "too small" | ""

    @property
    def points(self) -> float:
        return {"good": 1.0, "close": 0.5, "off": 0.0}[self.verdict]

    @property
    def slip(self) -> str | None:
        """Key of the named slip ('unit', 'bits', 'per-day', ...), joined with '+' for pairs."""
        return "+".join(s.key for s in self.slips) if self.slips else None

    def to_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "guess": self.guess, "answer": self.answer,
                "kind": self.kind, "ratio": self.ratio, "slip": self.slip,
                "message": self.message, "note": self.note}


# --- the slips ---------------------------------------------------------------------------------

UNIT = Slip("unit", 1000.0, "unit slip (a factor of 1,000: KB vs MB, K vs M, Mbps vs Gbps)",
            "one unit prefix too high, e.g. MB where KB was meant",
            "one unit prefix too low, e.g. KB where MB was meant")
UNIT_BINARY = Slip("unit", 1024.0,
                   "unit slip (a factor of 1,024: one binary prefix, KiB vs MiB)",
                   "one binary prefix too high (MiB for KiB)",
                   "one binary prefix too low (KiB for MiB)")
UNIT2 = Slip("unit2", 1e6, "unit slip of two prefixes (a factor of 1,000,000: KB vs GB, K vs B)",
             "two unit prefixes too high", "two unit prefixes too low")
BITS = Slip("bits", 8.0, "bits vs bytes (a factor of 8)",
            "bits where bytes were asked, or x8 once too often",
            "bytes where bits were asked: multiply bytes by 8 for bits per second")
PER_DAY = Slip("per-day", 86_400.0, "seconds per day (a factor of 86,400)",
               "a per-day total where a per-second rate was asked: divide by 86,400 s",
               "divided by 86,400 once too often, or a per-second rate where a per-day "
               "total was asked")
PER_HOUR = Slip("per-hour", 3600.0, "seconds per hour (a factor of 3,600)",
                "a per-hour figure where per-second was asked: divide by 3,600 s",
                "divided by 3,600 where it was not needed")
PER_MINUTE = Slip("per-minute", 60.0, "seconds per minute (a factor of 60)",
                  "a per-minute figure where per-second was asked (or minutes for seconds)",
                  "divided by 60 once too often (or seconds where minutes were asked)")
HOURS = Slip("hours", 24.0, "hours per day (a factor of 24)",
             "multiplied by 24 where it was not needed", "forgot the 24 hours in a day")
PER_YEAR = Slip("per-year", 365.0, "days per year (a factor of 365)",
                "a yearly figure where a daily one was asked",
                "a daily figure where a yearly one was asked: multiply by 365 days")
MS = Slip("ms", 1000.0, "milliseconds vs seconds (a factor of 1,000)",
          "milliseconds counted as seconds", "seconds counted as milliseconds")
NINE = Slip("nine", 10.0, "one nine off (a factor of 10 in downtime)",
            "one nine fewer than the target: 99.9% allows 10x the downtime of 99.99%",
            "one nine more than the target")


def _dau_slip(dau: float) -> Slip:
    return Slip("per-user", dau, f"per user vs total (a factor of the DAU, {q.fmt_count(dau)})",
                "multiplied by the number of users once too often",
                "a per-user figure where the total for all users was asked: multiply by DAU")


def _peak_slip(pf: float) -> Slip:
    return Slip("peak", pf, f"forgot peak (a factor of the peak factor, {pf:g}x)",
                "applied the peak factor where the average was asked",
                f"the average where the peak was asked: multiply by the peak factor ({pf:g}x)")


def _replication_slip(r: float) -> Slip:
    return Slip("replication", r, f"forgot replication (a factor of {r:g} copies)",
                "counted every replica where a single copy was asked",
                f"one copy where all replicas were asked: multiply by {r:g} copies")


def candidate_slips(kind: str, context: Mapping[str, float] | None = None) -> list[Slip]:
    """The slips worth testing for a kind of answer, with the context's own factors."""
    ctx = dict(context or {})
    slips: list[Slip] = []
    pf = float(ctx.get("peak_factor") or 0)
    rep = float(ctx.get("replication") or 0)
    dau = float(ctx.get("dau") or 0)
    if kind in ("qps", "count", "ratio"):
        slips += [PER_DAY, PER_HOUR, PER_MINUTE, UNIT, UNIT2, HOURS]
    elif kind == "servers":
        slips += [UNIT, PER_DAY]
    elif kind == "bytes":
        slips += [UNIT, UNIT_BINARY, UNIT2, BITS, PER_YEAR]
    elif kind == "bandwidth":
        slips += [BITS, UNIT, UNIT_BINARY, UNIT2, PER_DAY, PER_HOUR]
    elif kind == "duration":
        slips += [PER_MINUTE, PER_HOUR, PER_DAY, HOURS, PER_YEAR, MS]
    elif kind == "availability":
        slips += [NINE]
    if pf > 1 and kind in ("qps", "servers", "bandwidth", "count"):
        slips.append(_peak_slip(pf))
    if rep > 1 and kind == "bytes":
        slips.append(_replication_slip(rep))
    if dau > 1 and kind not in ("duration", "availability", "percent"):
        slips.append(_dau_slip(dau))
    return slips


def _match(ratio: float, slips: list[Slip], tolerance: float) -> tuple[Slip, ...]:
    """The single slip (or pair) whose factor is closest to ``ratio``, within tolerance."""
    lr = abs(math.log(ratio))
    tol = math.log(tolerance)
    best: tuple[float, tuple[Slip, ...]] | None = None
    for s in slips:
        d = abs(lr - math.log(s.factor))
        if d <= tol and (best is None or d < best[0]):
            best = (d, (s,))
    if best is not None:
        return best[1]
    # pairs, e.g. forgot peak and bits vs bytes; a tighter tolerance keeps pairs honest
    pair_tol = math.log(1 + (tolerance - 1) / 2)
    for i, a in enumerate(slips):
        for b in slips[i + 1:]:
            if a.key == b.key:
                continue
            d = abs(lr - math.log(a.factor * b.factor))
            if d <= pair_tol and (best is None or d < best[0]):
                best = (d, (a, b))
    return best[1] if best else ()


def _kib_power(ratio: float) -> int:
    """n if ratio is 1.024^n (or its inverse) for n = 1..4, else 0."""
    lr = abs(math.log(ratio))
    for n in range(1, 5):
        if abs(lr - n * math.log(1.024)) <= KIB_TOLERANCE:
            return n
    return 0


def _times(r: float) -> str:
    if r >= 100:
        return f"{q.fmt_count(r)}x" if r >= 10_000_000 else f"{r:,.0f}x"
    return f"{r:.1f}x".replace(".0x", "x")


def grade(guess: float, answer: float, kind: str = "count",
          context: Mapping[str, float] | None = None) -> Grade:
    """Compare ``guess`` with ``answer`` (same unit) and name the likely slip.

    ``context`` may carry ``dau``, ``peak_factor`` and ``replication`` so those factors can be
    recognised. For ``kind="availability"`` both values are fractions (0.999).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r} (use one of {', '.join(KINDS)})")
    g, a = float(guess), float(answer)
    if kind == "availability":
        g, a = 1.0 - g, 1.0 - a  # compare downtime, not the number close to 1
    if not (math.isfinite(g) and math.isfinite(a)):
        raise ValueError("guess and answer must be finite numbers")
    if g == a:
        return Grade("good", float(guess), float(answer), kind, 1.0,
                     message="Spot on.")
    if a == 0 or g <= 0:
        if a == 0:
            msg = "The answer is zero here: nothing in this spec produces this quantity."
        else:
            msg = "A zero or negative estimate cannot be right for a quantity that exists."
        return Grade("off", float(guess), float(answer), kind, 0.0 if a else math.inf,
                     message=msg)
    if a < 0:
        raise ValueError("answers are never negative")
    ratio = g / a
    off_by = max(ratio, 1 / ratio)
    direction = "too big" if ratio > 1 else "too small"
    if off_by <= GOOD_WITHIN:
        note = ""
        n = _kib_power(ratio)
        if n and kind in ("bytes", "bandwidth"):
            note = (f"The small gap ({_times(off_by)}) is 1.024^{n}: KB vs KiB. Decimal and "
                    "binary prefixes differ by 2.4% per step.")
        pct = abs(ratio - 1) * 100
        msg = "Good: within 2x." if pct >= 1 else "Good: practically exact."
        if pct >= 1:
            msg = f"Good: within 2x ({pct:.0f}% {'high' if ratio > 1 else 'low'})."
        return Grade("good", float(guess), float(answer), kind, ratio, note=note,
                     message=msg + (f" {note}" if note else ""), direction=direction)
    slips = _match(ratio, candidate_slips(kind, context), SLIP_TOLERANCE)
    verdict: Verdict = "close" if off_by <= CLOSE_WITHIN else "off"
    head = ("Right order of magnitude" if verdict == "close" else "Off") + \
        f": {_times(off_by)} {direction}."
    if slips:
        names = " and ".join(s.name for s in slips)
        advice = "; ".join(s.too_big if ratio > 1 else s.too_small for s in slips)
        msg = f"{head} Looks like {names}: {advice}."
    elif verdict == "close":
        msg = f"{head} Check each factor in the formula against the work below."
    else:
        msg = (f"{head} No single usual slip explains it; redo the chain one factor at a "
               "time and write the unit next to every number.")
    return Grade(verdict, float(guess), float(answer), kind, ratio, slips=slips, message=msg,
                 direction=direction)


# --- parsing what learners type --------------------------------------------------------------

_RATE_WORDS = re.compile(
    r"\s*(?:req(?:uests?)?\s*(?:/|per)\s*s(?:ec(?:ond)?)?|rps|qps|/\s*s(?:ec(?:ond)?)?|"
    r"per\s+second|requests?|servers?|instances?|machines?|boxes|nodes?|x|:\s*1)\s*$",
    re.I,
)
_BITS_RE = re.compile(
    r"^\s*(?P<num>[-+]?[\d_,]*\.?\d+(?:[eE][-+]?\d+)?)\s*"
    r"(?P<prefix>[kmgtp]?)(?:bps|bit/s|bits/s|b/s|bit|bits|bits per second)\s*$",
    re.I,
)
_BYTES_RATE_RE = re.compile(r"^\s*(?P<size>.+?)\s*(?:/\s*s|/\s*sec|ps|per\s+second)\s*$", re.I)
_PREFIX = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15}
_DUR_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)")
_SIZE_SUFFIX_RE = re.compile(r"\s*(?:/|per)\s*(?:day|d|year|yr|y)\s*$", re.I)


def parse_answer(text: str, kind: str) -> float:
    """Read a learner's answer of ``kind`` into the SI unit the answer uses.

    qps/count/servers/ratio -> a plain number; bytes -> bytes; bandwidth -> bits per second;
    duration -> seconds; availability -> a fraction. Raises ValueError with a hint.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}")
    raw = (text or "").strip()
    hint = KIND_HINTS[kind]
    if not raw:
        raise ValueError(f"no answer given; type {hint}")
    try:
        value = _parse(raw, kind)
    except ValueError as exc:
        detail = str(exc)
        raise ValueError(f"could not read \"{raw}\" ({detail}); type {hint}") from None
    if not math.isfinite(value):
        raise ValueError(f"\"{raw}\" is not a finite number; type {hint}")
    if value < 0:
        raise ValueError(f"\"{raw}\" is negative; estimates here are never below zero")
    if kind != "availability" and value > 1e30:
        raise ValueError(f"\"{raw}\" is larger than anything in this universe; type {hint}")
    return value


def _parse(raw: str, kind: str) -> float:
    if kind in ("qps", "count", "servers", "ratio"):
        text = _RATE_WORDS.sub("", raw)
        text = re.sub(r"\s*/\s*1\s*$", "", text)  # "10/1" for a ratio
        value = q.parse_count(text)
        if kind == "servers" and value != int(value):
            value = math.ceil(value)
        return value
    if kind == "bytes":
        text = _SIZE_SUFFIX_RE.sub("", raw)
        if re.fullmatch(r"\s*[-+]?[\d_,.]+(?:[eE][-+]?\d+)?\s*", text):
            return q.parse_count(text)  # a bare number is bytes
        return q.parse_size(text)
    if kind == "bandwidth":
        m = _BITS_RE.match(raw)
        if m and not re.search(r"[KMGTP]?B/s|[KMGTP]?Bps", raw.replace(" ", "")):
            return q.parse_count(m.group("num")) * _PREFIX[m.group("prefix").lower()]
        m2 = _BYTES_RATE_RE.match(raw)
        if m2:
            return q.parse_size(m2.group("size")) * 8
        if re.fullmatch(r"\s*[-+]?[\d_,.]+(?:[eE][-+]?\d+)?\s*", raw):
            return q.parse_count(raw)  # a bare number is bits per second
        raise ValueError("use bits per second (Mbps, Gbps) or bytes per second (MB/s)")
    if kind == "duration":
        parts = _DUR_PART.findall(raw)
        leftover = _DUR_PART.sub("", raw).strip(" ,and")
        if parts and not leftover:
            total = 0.0
            for num, unit in parts:
                u = "min" if unit.lower() in ("m", "mn", "mins") else unit
                total += q.parse_duration(f"{num} {u}")
            return total
        if re.fullmatch(r"\s*[-+]?[\d_,.]+\s*", raw):
            return q.parse_count(raw)  # a bare number is seconds
        return q.parse_duration(raw)
    if kind == "availability":
        return q.parse_fraction(raw, allow_bare_percent=True)
    if kind == "percent":
        return q.parse_fraction(raw, allow_bare_percent=True)
    raise ValueError(kind)


def format_answer(value: float, kind: str) -> str:
    """The computed answer as a learner would write it."""
    if kind == "qps":
        return q.fmt_rate(value)
    if kind == "servers":
        return f"{value:g} server{'s' if value != 1 else ''}"
    if kind == "bytes":
        return q.fmt_bytes(value)
    if kind == "bandwidth":
        return q.fmt_bits_per_second(value)
    if kind == "duration":
        return q.fmt_duration(value)
    if kind == "availability":
        return q.fmt_percent(value)
    if kind == "ratio":
        return f"{q.fmt_num(value)}:1"
    if kind == "percent":
        return q.fmt_percent(value, 1)
    return q.fmt_count(value)
