"""The latency numbers every programmer should know, loaded from packaged data.

The figures live in ``sysdesign/data/latency_numbers.yaml`` with a source and a year for each;
this module validates them into small immutable objects and formats nanoseconds for people.
Nothing here prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sysdesign.errors import SysdesignError

DATA_FILE = "latency_numbers.yaml"


@dataclass(frozen=True)
class Source:
    key: str
    author: str
    title: str
    year: int
    url: str

    def cite(self) -> str:
        return f"{self.author}, {self.title} ({self.year})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "author": self.author,
            "title": self.title,
            "year": self.year,
            "url": self.url,
        }


@dataclass(frozen=True)
class Figure:
    """One value with the source and the year it describes."""

    value_ns: float
    source: str
    year: int

    def to_dict(self) -> dict[str, Any]:
        return {"value_ns": self.value_ns, "source": self.source, "year": self.year}


@dataclass(frozen=True)
class LatencyNumber:
    key: str
    operation: str
    value_ns: float
    source: str
    year: int
    note: str
    updated: Figure | None = None

    @property
    def seconds(self) -> float:
        return self.value_ns / 1e9

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "key": self.key,
            "operation": self.operation,
            "value_ns": self.value_ns,
            "human": format_ns(self.value_ns),
            "source": self.source,
            "year": self.year,
            "note": self.note,
        }
        if self.updated is not None:
            d["updated"] = {**self.updated.to_dict(), "human": format_ns(self.updated.value_ns)}
        return d


@dataclass(frozen=True)
class LatencyTable:
    numbers: tuple[LatencyNumber, ...]
    sources: dict[str, Source]
    how_to_read: tuple[str, ...]

    def get(self, key: str) -> LatencyNumber:
        for n in self.numbers:
            if n.key == key:
                return n
        known = ", ".join(n.key for n in self.numbers)
        raise KeyError(f"no latency number {key!r} (known: {known})")

    def keys(self) -> list[str]:
        return [n.key for n in self.numbers]

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": "ns",
            "numbers": [n.to_dict() for n in self.numbers],
            "sources": {k: s.to_dict() for k, s in self.sources.items()},
            "how_to_read": list(self.how_to_read),
        }


def format_ns(ns: float) -> str:
    """Nanoseconds in the largest unit that keeps the number >= 1: 250000 -> '250 µs'."""
    if ns < 0 or not math.isfinite(ns):
        raise ValueError(f"latency must be a non-negative number of nanoseconds, got {ns!r}")
    for size, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= size:
            return f"{_trim(ns / size)} {unit}"
    return f"{_trim(ns)} ns"


def _trim(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def data_path() -> Path:
    from sysdesign.paths import data_dir

    return data_dir() / DATA_FILE


@lru_cache(maxsize=4)
def load_latency_numbers(path: str | None = None) -> LatencyTable:
    """Load and validate the table (the packaged file unless ``path`` is given)."""
    import yaml

    file = Path(path) if path is not None else data_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SysdesignError(f"cannot read latency numbers from {file}: {exc}") from None
    except yaml.YAMLError as exc:
        raise SysdesignError(f"{file}: not valid YAML: {exc}") from None
    return parse_latency_numbers(raw, str(file))


def parse_latency_numbers(raw: object, where: str = "latency numbers") -> LatencyTable:
    """Validate the YAML structure; every problem is reported at once."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise SysdesignError(f"{where}: expected a mapping at the top level")

    sources: dict[str, Source] = {}
    for key, s in (raw.get("sources") or {}).items():
        if not isinstance(s, dict) or not all(
            isinstance(s.get(f), str) for f in ("author", "title", "url")
        ) or not isinstance(s.get("year"), int):
            problems.append(f"sources.{key}: needs author, title, url (text) and year (integer)")
            continue
        sources[key] = Source(key, s["author"].strip(), " ".join(s["title"].split()), s["year"],
                              s["url"])

    numbers: list[LatencyNumber] = []
    seen: set[str] = set()
    items = raw.get("numbers")
    if not isinstance(items, list) or not items:
        problems.append("numbers: expected a non-empty list")
        items = []
    for i, item in enumerate(items):
        at = f"numbers[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: expected a mapping")
            continue
        key = item.get("key")
        if not isinstance(key, str) or not key:
            problems.append(f"{at}.key: missing")
            continue
        at = f"numbers.{key}"
        if key in seen:
            problems.append(f"{at}: duplicate key")
        seen.add(key)
        value = _figure_value(item.get("value_ns"), f"{at}.value_ns", problems)
        source = item.get("source")
        if source not in sources:
            problems.append(f"{at}.source: unknown source {source!r}")
        year = item.get("year")
        if not isinstance(year, int) or not 1970 <= year <= 2100:
            problems.append(f"{at}.year: expected a year, got {year!r}")
        updated: Figure | None = None
        up = item.get("updated")
        if up is not None:
            if not isinstance(up, dict):
                problems.append(f"{at}.updated: expected a mapping")
            else:
                uv = _figure_value(up.get("value_ns"), f"{at}.updated.value_ns", problems)
                if up.get("source") not in sources:
                    problems.append(f"{at}.updated.source: unknown source {up.get('source')!r}")
                if not isinstance(up.get("year"), int):
                    problems.append(f"{at}.updated.year: expected a year")
                else:
                    updated = Figure(uv, str(up.get("source")), up["year"])
        operation = item.get("operation")
        note = item.get("note")
        if not isinstance(operation, str) or not isinstance(note, str):
            problems.append(f"{at}: needs an operation and a note")
            continue
        numbers.append(
            LatencyNumber(
                key=key,
                operation=operation,
                value_ns=value,
                source=str(source),
                year=year if isinstance(year, int) else 0,
                note=" ".join(note.split()),
                updated=updated,
            )
        )

    how = raw.get("how_to_read") or []
    if not isinstance(how, list) or not all(isinstance(h, str) for h in how):
        problems.append("how_to_read: expected a list of text")
        how = []
    if problems:
        raise SysdesignError(f"{where}: " + "; ".join(problems))
    return LatencyTable(
        numbers=tuple(numbers),
        sources=sources,
        how_to_read=tuple(" ".join(h.split()) for h in how),
    )


def _figure_value(v: object, at: str, problems: list[str]) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
        problems.append(f"{at}: expected a positive number of nanoseconds, got {v!r}")
        return math.nan
    return float(v)
