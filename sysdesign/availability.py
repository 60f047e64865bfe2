"""Availability arithmetic: nines, downtime budgets, series and parallel composition.

Everything here is pure: functions take fractions (0.999 for 99.9%) and return small result
objects that carry their own working (a formula string with the values substituted), so the
CLI, the checks and the teaching material can show *how* a number came out, not just the number.

Calendar
    Downtime "per month" depends on what a month is. Published tables disagree: some use a
    30-day month (2,592,000 s), some a twelfth of a 365-day year (30.4167 days, 2,628,000 s),
    some a twelfth of a 365.25-day year (2,629,800 s). :class:`Calendar` makes that choice an
    explicit parameter and every result states it.

Composition
    Components on one request path are in *series*: all must be up, so availabilities multiply.
    Redundant copies are in *parallel*: the group is down only when every copy is down, so
    unavailabilities multiply. Both assume failures are independent, which real systems only
    approximate (shared power, shared deploys, shared bugs); the result is an upper bound on
    what redundancy buys.

    A composition is a small tree::

        ("series", [0.9999, ("parallel", [0.999, 0.999]), 0.9995])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NoReturn

SECONDS_PER_DAY = 86_400.0
PERIODS: tuple[str, ...] = ("year", "quarter", "month", "week", "day")


# --- calendar --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """Lengths of the periods a downtime budget is quoted over.

    ``days_per_year`` defaults to 365. ``days_per_month`` defaults to ``None``, meaning a
    twelfth of the year; pass 30 for the 30-day month many SLAs use. A quarter is a quarter of
    the year, a week 7 days, a day 86,400 s.
    """

    days_per_year: float = 365.0
    days_per_month: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.days_per_year) and self.days_per_year > 0):
            raise ValueError(f"days per year must be a positive number, got {self.days_per_year}")
        if self.days_per_month is not None and not (
            math.isfinite(self.days_per_month) and self.days_per_month > 0
        ):
            raise ValueError(
                f"days per month must be a positive number, got {self.days_per_month}"
            )

    @property
    def month_days(self) -> float:
        if self.days_per_month is not None:
            return self.days_per_month
        return self.days_per_year / 12

    def days(self, period: str) -> float:
        """Length of ``period`` (year, quarter, month, week, day) in days."""
        if period == "year":
            return self.days_per_year
        if period == "quarter":
            return self.days_per_year / 4
        if period == "month":
            return self.month_days
        if period == "week":
            return 7.0
        if period == "day":
            return 1.0
        raise ValueError(f"unknown period {period!r} (use one of {', '.join(PERIODS)})")

    def seconds(self, period: str) -> float:
        return self.days(period) * SECONDS_PER_DAY

    def describe(self) -> str:
        if self.days_per_month is None:
            month = f"month = year / 12 = {_num(self.month_days)} days"
        else:
            month = f"month = {_num(self.days_per_month)} days"
        return (
            f"year = {_num(self.days_per_year)} days, quarter = year / 4, {month}, "
            "week = 7 days, day = 86,400 s"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "days_per_year": self.days_per_year,
            "days_per_month": self.month_days,
            "month_rule": "fixed" if self.days_per_month is not None else "year/12",
            "seconds": {p: self.seconds(p) for p in PERIODS},
            "description": self.describe(),
        }


DEFAULT_CALENDAR = Calendar()


# --- formatting helpers (kept local: the core library depends on nothing heavy) -------------


def _num(x: float, max_decimals: int = 4) -> str:
    """A number with thousands separators and no trailing zeros: 86400 -> '86,400'."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    s = f"{x:,.{max_decimals}f}".rstrip("0").rstrip(".")
    return s


def fraction_text(a: float) -> str:
    """0.999 -> '0.999' with enough digits to be exact for typical nines, no float noise."""
    s = f"{a:.12f}".rstrip("0").rstrip(".")
    return s if s else "0"


def percent_text(a: float, decimals: int = 10) -> str:
    """0.998001 -> '99.8001%'; ``decimals`` caps the digits after the point."""
    s = f"{a * 100:.{decimals}f}".rstrip("0").rstrip(".")
    return f"{s}%"


def format_downtime(seconds: float) -> str:
    """Seconds as a human duration: 31536 -> '8h 45m 36s', 86.4 -> '1m 26.4s', 0.864 -> '864 ms'.

    Rounded (to 0.01 s under a minute, 0.1 s above, 0.1 ms under a second) before splitting,
    so float noise never shows as '59.99999s'.
    """
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    if seconds == 0:
        return "0s"
    if seconds < 1:
        ms = round(seconds * 1000, 1)
        if ms >= 1:
            return f"{ms:g} ms"
        us = round(seconds * 1e6, 1)
        return f"{us:g} µs"
    scale = 100 if seconds < 60 else 10  # hundredths under a minute, tenths above
    ticks = round(seconds * scale)
    whole, frac = divmod(ticks, scale)
    parts: list[str] = []
    for size, name in ((86_400, "d"), (3600, "h"), (60, "m")):
        if whole >= size:
            n, whole = divmod(whole, size)
            parts.append(f"{n}{name}")
    if whole or frac or not parts:
        digits = 2 if scale == 100 else 1
        text = f"{whole}.{frac:0{digits}d}".rstrip("0").rstrip(".") if frac else f"{whole}"
        parts.append(f"{text}s")
    return " ".join(parts)


# --- validation ------------------------------------------------------------------------------


def check_fraction(a: float, what: str = "availability") -> float:
    """Return ``a`` as a float if it is a number in [0, 1]; raise ValueError otherwise."""
    if isinstance(a, bool) or not isinstance(a, int | float):
        raise ValueError(f"{what} must be a number between 0 and 1, got {a!r}")
    x = float(a)
    if not math.isfinite(x) or not 0.0 <= x <= 1.0:
        raise ValueError(f"{what} must be between 0 and 1 (0% and 100%), got {a!r}")
    return x


# --- nines ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nines:
    """How many nines an availability has: -log10(1 - A).

    ``value`` is the exact (fractional) count: 99.9% -> 3.0, 99.95% -> 3.30.
    ``whole`` is the conventional count of leading nines: 99.95% -> 3. Both are ``None``
    for 100%, which has no finite count.
    """

    availability: float
    value: float | None
    whole: int | None
    work: str

    def label(self) -> str:
        if self.value is None:
            return "unbounded (100% allows no downtime at all)"
        if self.whole is not None and abs(self.value - self.whole) < 1e-9:
            return f"{self.whole} nines"
        return f"{self.value:.2f} nines"


def nines(a: float) -> Nines:
    """Count the nines of availability ``a`` (a fraction)."""
    a = check_fraction(a)
    if a == 1.0:
        return Nines(a, None, None, "1 - A = 0, so -log10(1 - A) is unbounded")
    unavailability = 1.0 - a
    value = -math.log10(unavailability)
    # 1 - 0.999 is 0.0010000000000000009 in binary floating point; round the noise away.
    value = round(value, 9)
    if value == 0:
        value = 0.0  # avoid "-0.0" for A = 0
    whole = max(0, math.floor(value + 1e-9))
    work = (
        f"-log10(1 - {fraction_text(a)}) = -log10({_unavail_text(a)}) = {value:.2f}"
    )
    return Nines(a, value, whole, work)


def _unavail_text(a: float) -> str:
    u = 1.0 - a
    s = f"{u:.12f}".rstrip("0").rstrip(".")
    return s if s else "0"


# --- downtime budget ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DowntimeBudget:
    """Downtime an availability target allows per period, with the calendar and the working."""

    availability: float
    calendar: Calendar
    seconds: dict[str, float]
    work: dict[str, str]
    nines: Nines

    def human(self) -> dict[str, str]:
        return {p: format_downtime(s) for p, s in self.seconds.items()}

    def to_dict(self) -> dict[str, object]:
        return {
            "availability": self.availability,
            "availability_percent": percent_text(self.availability),
            "nines": self.nines.value,
            "nines_whole": self.nines.whole,
            "downtime_seconds": dict(self.seconds),
            "downtime": self.human(),
            "calendar": self.calendar.to_dict(),
            "work": dict(self.work),
        }


def downtime(a: float, calendar: Calendar = DEFAULT_CALENDAR) -> DowntimeBudget:
    """Allowed downtime of availability ``a`` per year, quarter, month, week and day.

    downtime = (1 - A) x period length in seconds.
    """
    a = check_fraction(a)
    unavailability = 1.0 - a
    seconds: dict[str, float] = {}
    work: dict[str, str] = {}
    for period in PERIODS:
        length = calendar.seconds(period)
        value = _clean(unavailability * length)
        seconds[period] = value
        days = calendar.days(period)
        work[period] = (
            f"(1 - {fraction_text(a)}) x {_num(days)} d x 86,400 s = "
            f"{_unavail_text(a)} x {_num(length)} s = {_num(value, 4)} s "
            f"({format_downtime(value)})"
        )
    return DowntimeBudget(a, calendar, seconds, work, nines(a))


def _clean(x: float) -> float:
    """Round away binary float noise (1e-9 relative) so 31536.000000000004 reads 31536.0."""
    if x == 0:
        return 0.0
    digits = 9 - int(math.floor(math.log10(abs(x))))
    return round(x, max(digits, 0))


# --- error budget -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorBudget:
    """Minutes of full outage an SLO allows over a rolling window (default 30 days)."""

    availability: float
    window_days: float
    minutes: float
    work: str

    def to_dict(self) -> dict[str, object]:
        return {
            "availability": self.availability,
            "window_days": self.window_days,
            "minutes": self.minutes,
            "work": self.work,
        }


def error_budget(a: float, window_days: float = 30.0) -> ErrorBudget:
    """Error budget in minutes per ``window_days`` (SRE practice: a rolling 30-day window).

    budget = (1 - A) x window_days x 1,440 min.
    """
    a = check_fraction(a)
    if not (math.isfinite(window_days) and window_days > 0):
        raise ValueError(f"window must be a positive number of days, got {window_days}")
    minutes = _clean((1.0 - a) * window_days * 1440.0)
    work = (
        f"(1 - {fraction_text(a)}) x {_num(window_days)} d x 1,440 min = "
        f"{_num(minutes, 4)} min ({format_downtime(minutes * 60)})"
    )
    return ErrorBudget(a, window_days, minutes, work)


# --- composition ---------------------------------------------------------------------------------

Mode = Literal["series", "parallel"]
# A composition tree: a leaf fraction, or (mode, children).
Expr = float | int | tuple[str, Sequence["Expr"]]


@dataclass(frozen=True)
class Composite:
    """Result of composing availabilities; ``children`` are the evaluated sub-results.

    ``formula`` is the expression with values substituted, ``work`` the line that computes
    this node from its children's values, and ``steps`` the working of every node, innermost
    first.
    """

    kind: str  # "component" | "series" | "parallel"
    availability: float
    children: tuple[Composite, ...] = ()
    formula: str = ""
    work: str = ""
    label: str | None = None
    steps: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "kind": self.kind,
            "availability": self.availability,
            "availability_percent": percent_text(self.availability),
        }
        if self.label:
            d["label"] = self.label
        if self.children:
            d["components"] = [c.to_dict() for c in self.children]
            d["formula"] = self.formula
            d["work"] = self.work
        return d

    def expression(self) -> str:
        """The composition written back in the CLI's expression syntax."""
        if self.kind == "component":
            return percent_text(self.availability)
        inner = ", ".join(c.expression() for c in self.children)
        return f"{self.kind}({inner})"


def component(a: float, label: str | None = None) -> Composite:
    a = check_fraction(a)
    return Composite("component", a, (), fraction_text(a), "", label, ())


def series(parts: Sequence[float | Composite]) -> Composite:
    """All parts must be up: A = A1 x A2 x ... (independent failures)."""
    children = _as_children(parts, "series")
    value = 1.0
    for c in children:
        value *= c.availability
    value = _clamp(value)
    terms = " x ".join(_term(c) for c in children)
    formula = " x ".join(_paren(c.formula, c.kind == "parallel") for c in children)
    work = f"{terms} = {fraction_text(value)}"
    steps = tuple(s for c in children for s in c.steps) + (f"series: {work}",)
    return Composite("series", value, children, formula, work, None, steps)


def parallel(parts: Sequence[float | Composite]) -> Composite:
    """Up if any part is up: A = 1 - (1 - A1) x (1 - A2) x ... (independent failures)."""
    children = _as_children(parts, "parallel")
    down = 1.0
    for c in children:
        down *= 1.0 - c.availability
    value = _clamp(1.0 - down)
    terms = " x ".join(f"(1 - {_term(c)})" for c in children)
    formula = "1 - " + " x ".join(f"(1 - {_paren(c.formula, c.kind != 'component')})"
                                   for c in children)
    work = f"1 - {terms} = {fraction_text(value)}"
    steps = tuple(s for c in children for s in c.steps) + (f"parallel: {work}",)
    return Composite("parallel", value, children, formula, work, None, steps)


def compose(expr: Expr | Composite) -> Composite:
    """Evaluate a composition tree.

    ``expr`` is a fraction (a leaf), a :class:`Composite`, or ``(mode, [children...])`` with
    mode ``"series"`` or ``"parallel"``; children nest to any depth.
    """
    if isinstance(expr, Composite):
        return expr
    if isinstance(expr, bool):
        raise ValueError(f"expected an availability or a (mode, parts) pair, got {expr!r}")
    if isinstance(expr, int | float):
        return component(expr)
    if isinstance(expr, tuple | list) and len(expr) == 2 and isinstance(expr[0], str):
        mode, parts = expr
        if not isinstance(parts, Sequence) or isinstance(parts, str):
            raise ValueError(f"{mode}: expected a list of parts, got {parts!r}")
        evaluated = [compose(p) for p in parts]
        if mode == "series":
            return series(evaluated)
        if mode == "parallel":
            return parallel(evaluated)
        raise ValueError(f'unknown composition "{mode}" (use "series" or "parallel")')
    raise ValueError(f"expected an availability or a (mode, parts) pair, got {expr!r}")


def _as_children(parts: Sequence[float | Composite], mode: str) -> tuple[Composite, ...]:
    if isinstance(parts, str) or not isinstance(parts, Sequence):
        raise ValueError(f"{mode}: expected a list of availabilities, got {parts!r}")
    if not parts:
        raise ValueError(f"{mode}: needs at least one component")
    return tuple(p if isinstance(p, Composite) else component(p) for p in parts)


def _term(c: Composite) -> str:
    return fraction_text(c.availability)


def _paren(text: str, wrap: bool) -> str:
    return f"({text})" if wrap else text


def _clamp(x: float) -> float:
    """Keep float results inside [0, 1] and drop binary noise (0.9980010000000002 -> 0.998001).

    Rounding to 15 decimals keeps every digit a real availability needs.
    """
    return min(1.0, max(0.0, round(x, 15)))


def downtime_factor(a: float, b: float) -> float | None:
    """How many times more downtime ``a`` allows than ``b`` ((1-a)/(1-b)); None if b is 100%."""
    a = check_fraction(a)
    b = check_fraction(b)
    if b == 1.0:
        return None
    return (1.0 - a) / (1.0 - b)


# --- parsing (text -> fraction / tree) ------------------------------------------------------------


def parse_availability(text: object) -> float:
    """``99.95%``, ``0.9995`` or ``99.95`` -> 0.9995 (a bare number above 1 is a percentage)."""
    from sysdesign.spec.quantities import parse_fraction

    return parse_fraction(text, allow_bare_percent=True)


def parse_expression(text: str) -> Composite:
    """Parse the composition syntax: a number, or ``series(...)`` / ``parallel(...)`` nested.

    Examples: ``99.9%``; ``parallel(99.9, 99.9)``;
    ``series(99.99%, parallel(99.9%, 99.9%), 99.95%)``. Parts are separated by commas;
    ``s(...)``/``p(...)`` are accepted as short forms. Raises ValueError with the position of
    the first problem.
    """
    return _ExprParser(text).parse()


class _ExprParser:
    _NAMES = {"series": "series", "s": "series", "parallel": "parallel", "p": "parallel"}

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> Composite:
        if not self.text.strip():
            raise ValueError("empty availability expression")
        node = self._node()
        self._skip()
        if self.pos != len(self.text):
            self._fail("unexpected text")
        return node

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _fail(self, what: str) -> NoReturn:
        shown = self.text[self.pos:] or "end of input"
        raise ValueError(
            f'{what} at position {self.pos + 1} of "{self.text}" (near "{shown}"); '
            "write e.g. series(99.99%, parallel(99.9%, 99.9%))"
        )

    def _node(self) -> Composite:
        self._skip()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isalpha():
            self.pos += 1
        word = self.text[start:self.pos]
        if word:
            mode = self._NAMES.get(word.lower())
            if mode is None:
                self.pos = start
                self._fail(f'unknown word "{word}" (use series or parallel)')
            self._skip()
            if self.pos >= len(self.text) or self.text[self.pos] != "(":
                self._fail(f'expected "(" after {word}')
            self.pos += 1
            parts = [self._node()]
            self._skip()
            while self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                parts.append(self._node())
                self._skip()
            if self.pos >= len(self.text) or self.text[self.pos] != ")":
                self._fail('expected "," or ")"')
            self.pos += 1
            return series(parts) if mode == "series" else parallel(parts)
        while self.pos < len(self.text) and self.text[self.pos] not in ",()" and not (
            self.text[self.pos].isspace()
        ):
            self.pos += 1
        token = self.text[start:self.pos]
        if not token:
            self._fail("expected an availability such as 99.9%")
        try:
            return component(parse_availability(token))
        except ValueError as exc:
            self.pos = start
            self._fail(f'bad availability "{token}": {exc}')
