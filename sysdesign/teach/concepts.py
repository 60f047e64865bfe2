"""Concept cards: one Markdown file per topic under ``sysdesign/teach/concepts/``.

A card is Markdown with a YAML front matter block::

    ---
    title: Caching and cache-aside
    aliases: [cache, cache-aside]
    related: [cache-invalidation, redis-vs-memcached]
    spec_hook: [cache.memory_bytes, design.cache]
    ---

    ## What it is
    ...
    ## When to use it
    ## The trade-off
    ## A number to remember

The file name (without ``.md``) is the card's id. ``spec_hook`` names the numbers the concept
connects to, so ``sysdesign explain TOPIC --spec FILE`` can show where it appears in that spec:

* a dotted path into ``Estimate.to_dict()`` (``qps.peak``, ``storage.retention_bytes``),
* ``design.<kind>`` for a component of the derived design (``design.cache``),
* ``spec.<path>`` for a value of the spec itself (``spec.requirements.availability``),
* ``availability.downtime_per_year`` for the downtime budget of the availability target.

Adding a topic means adding one file; nothing else needs to change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONCEPTS_DIR = Path(__file__).resolve().parent / "concepts"

REQUIRED_SECTIONS: tuple[str, ...] = (
    "What it is",
    "When to use it",
    "The trade-off",
    "A number to remember",
)

_FRONT_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_HEADING_RE = re.compile(r"^##\s+(.+?)\s*$", re.M)


class CardError(ValueError):
    """A card file is malformed (bad front matter, missing section)."""


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    spec_hook: tuple[str, ...]
    sections: dict[str, str] = field(hash=False, compare=False)
    path: Path | None = None

    def section(self, name: str) -> str:
        return self.sections.get(name, "")

    def names(self) -> list[str]:
        """Every name the card answers to, normalised for lookup."""
        return [normalise(n) for n in (self.id, self.title, *self.aliases)]


def normalise(text: str) -> str:
    """'Cache-Aside ' -> 'cache aside'; used for every comparison in lookups."""
    text = text.strip().lower()
    text = re.sub(r"[_\-/:,.()]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_card(text: str, card_id: str, path: Path | None = None) -> Card:
    m = _FRONT_RE.match(text)
    if not m:
        raise CardError(f"{card_id}: a card must start with a '---' YAML front matter block")
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CardError(f"{card_id}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise CardError(f"{card_id}: front matter must be a mapping")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CardError(f"{card_id}: front matter needs a 'title'")
    body = m.group(2)
    sections: dict[str, str] = {}
    heads = list(_HEADING_RE.finditer(body))
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        sections[h.group(1).strip()] = body[h.end():end].strip()
    return Card(
        id=card_id,
        title=title.strip(),
        aliases=_str_tuple(meta.get("aliases")),
        related=_str_tuple(meta.get("related")),
        spec_hook=_str_tuple(meta.get("spec_hook")),
        sections=sections,
        path=path,
    )


def _str_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple[Card, ...]:
    cards = []
    for p in sorted(Path(directory).glob("*.md")):
        cards.append(parse_card(p.read_text(encoding="utf-8"), p.stem, p))
    return tuple(cards)


def load_cards(directory: Path | None = None) -> list[Card]:
    """All cards, sorted by id."""
    return list(_load(str(directory or CONCEPTS_DIR)))


def get_card(card_id: str, directory: Path | None = None) -> Card | None:
    for c in load_cards(directory):
        if c.id == card_id:
            return c
    return None


def find(topic: str, directory: Path | None = None) -> Card | None:
    """The card for ``topic``: exact id, title or alias (ignoring case and punctuation)."""
    key = normalise(topic)
    if not key:
        return None
    cards = load_cards(directory)
    for c in cards:
        if key in c.names():
            return c
    # "load balancer algorithms" vs "load balancing algorithms": accept a single very close name
    for c in cards:
        if any(difflib.SequenceMatcher(None, key, n).ratio() >= 0.92 for n in c.names()):
            return c
    return None


def suggest(topic: str, n: int = 5, directory: Path | None = None) -> list[Card]:
    """Closest cards to an unknown ``topic``: fuzzy name matches first, then word overlap."""
    key = normalise(topic)
    cards = load_cards(directory)
    by_name: dict[str, Card] = {}
    for c in cards:
        for name in c.names():
            by_name.setdefault(name, c)
    out: list[Card] = []

    def add(c: Card) -> None:
        if c not in out:
            out.append(c)

    for name in difflib.get_close_matches(key, list(by_name), n=n * 2, cutoff=0.55):
        add(by_name[name])
    words = set(key.split())
    if words:
        scored = []
        for c in cards:
            text = " ".join(c.names())
            hits = sum(1 for w in words if len(w) > 2 and w in text)
            if hits:
                scored.append((-hits, c.id, c))
        for _, _, c in sorted(scored):
            add(c)
    return out[:n]


# --- spec hooks ------------------------------------------------------------------------------

HOOK_LABELS: dict[str, str] = {
    "qps.average": "Average QPS",
    "qps.peak": "Peak QPS",
    "qps.read": "Read QPS",
    "qps.write": "Write QPS",
    "qps.read_write_ratio": "Read:write ratio",
    "storage.per_day_bytes": "New data per day",
    "storage.per_year_bytes": "New data per year",
    "storage.retention_bytes": "Data kept over the retention period",
    "storage.replicated_bytes": "Disk with all replicas",
    "bandwidth.ingress_bits_per_second": "Ingress bandwidth (average)",
    "bandwidth.egress_bits_per_second": "Egress bandwidth (average)",
    "bandwidth.peak_ingress_bits_per_second": "Ingress bandwidth (peak)",
    "bandwidth.peak_egress_bits_per_second": "Egress bandwidth (peak)",
    "cache.memory_bytes": "Cache memory",
    "servers.app": "App servers",
    "spec.users.dau": "Daily active users",
    "spec.users.peak_factor": "Peak factor",
    "spec.users.followers": "Followers",
    "spec.requirements.availability": "Availability target",
    "spec.requirements.consistency": "Consistency",
    "spec.requirements.durability": "Durability",
    "spec.requirements.latency": "Latency targets",
    "spec.storage.replication": "Replication factor",
    "spec.cache.hot_fraction": "Hot fraction cached",
    "spec.actions": "Actions",
    "availability.downtime_per_year": "Downtime budget",
}
DESIGN_KINDS = (
    "client", "dns", "cdn", "load_balancer", "app", "cache", "database", "queue", "worker",
    "object_storage",
)


def known_hook(hook: str) -> bool:
    if hook in HOOK_LABELS:
        return True
    if hook.startswith("design."):
        return hook.removeprefix("design.") in DESIGN_KINDS
    return False


def format_number(path: str, value: float) -> str:
    """Format a raw SI number from the estimate according to what its key says it is."""
    from sysdesign.spec import quantities as q

    leaf = path.rsplit(".", 1)[-1]
    if leaf.endswith("bits_per_second"):
        return q.fmt_bits_per_second(value)
    if leaf.endswith("_bytes"):
        return q.fmt_bytes(value)
    if leaf == "read_write_ratio":
        return f"{q.fmt_num(value)} : 1"
    if path.startswith("qps.") or leaf.endswith("qps"):
        return q.fmt_rate(value)
    if leaf == "app" or path.startswith("servers."):
        return f"{value:g}"
    return q.fmt_num(value)


def _dig(data: Any, path: Iterable[str]) -> Any:
    cur = data
    for part in path:
        if isinstance(cur, Mapping):
            if part not in cur:
                return None
            cur = cur[part]
        else:
            cur = getattr(cur, part, None)
        if cur is None:
            return None
    return cur


def spec_connections(card: Card, spec: Any, est: Any = None, design: Any = None
                     ) -> list[tuple[str, str]]:
    """(label, value text) for each of the card's hooks that this spec has a value for."""
    from sysdesign.spec import quantities as q

    est_dict: Mapping[str, Any] = {}
    if est is not None:
        est_dict = est.to_dict() if hasattr(est, "to_dict") else est
    out: list[tuple[str, str]] = []
    for hook in card.spec_hook:
        label = HOOK_LABELS.get(hook, hook)
        text: str | None = None
        if hook.startswith("design."):
            kind = hook.removeprefix("design.")
            label = f"Design: {kind.replace('_', ' ')}"
            if design is None:
                continue
            comp = design.get(kind) if hasattr(design, "get") else None
            if comp is None:
                text = "not part of this design at this scale"
            else:
                count = getattr(comp, "count", 1) or 1
                replicas = getattr(comp, "replicas", 0) or 0
                bits = [f"{getattr(comp, 'label', kind)} x{count:g}"]
                if replicas:
                    bits.append(f"{replicas:g} replica{'s' if replicas != 1 else ''}")
                reason = getattr(comp, "reason", "")
                text = ", ".join(bits) + (f": {reason}" if reason else "")
        elif hook == "availability.downtime_per_year":
            a = _dig(spec, ["requirements", "availability"])
            if a is not None:
                from sysdesign.availability import downtime

                budget = downtime(float(a))
                text = (f"{q.fmt_percent(float(a))} allows {budget.human()['year']} a year, "
                        f"{budget.human()['month']} a month")
        elif hook.startswith("spec."):
            value = _dig(spec, hook.removeprefix("spec.").split("."))
            text = _spec_value_text(hook, value)
        else:
            value = _dig(est_dict, hook.split("."))
            if isinstance(value, int | float):
                text = format_number(hook, float(value))
        if text:
            out.append((label, text))
    return out


def _spec_value_text(hook: str, value: Any) -> str | None:
    from sysdesign.spec import quantities as q

    if value is None:
        return None
    if hook == "spec.requirements.availability":
        return q.fmt_percent(float(value))
    if hook == "spec.cache.hot_fraction":
        return q.fmt_percent(float(value))
    if hook == "spec.users.dau":
        return q.fmt_count(float(value))
    if hook == "spec.users.peak_factor":
        return f"{float(value):g}x"
    if hook == "spec.storage.replication":
        return f"{value} copies"
    if hook == "spec.requirements.latency" and isinstance(value, Mapping):
        parts = []
        for action, targets in value.items():
            inner = ", ".join(f"{p} {q.fmt_ms(float(s))}" for p, s in dict(targets).items())
            parts.append(f"{action}: {inner}")
        return "; ".join(parts) or None
    if hook == "spec.users.followers":
        avg = getattr(value, "average", None)
        thr = getattr(value, "celebrity_threshold", None)
        if avg is None:
            return None
        text = f"{q.fmt_count(float(avg))} on average"
        if thr:
            text += f", celebrity above {q.fmt_count(float(thr))}"
        return text
    if hook == "spec.actions" and isinstance(value, Mapping):
        parts = []
        for name, action in value.items():
            endpoint = getattr(action, "endpoint", None)
            parts.append(f"{name} ({getattr(action, 'kind', '?')}"
                         + (f", {endpoint}" if endpoint else "") + ")")
        return ", ".join(parts)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return q.fmt_num(float(value))
    return str(value)
