"""docs/rules.md, generated from the rule registry so the reference never drifts from the code.

Regenerate with ``python3 -m sysdesign.render.rules_doc > docs/rules.md``.
"""

from __future__ import annotations

import re

from sysdesign.assumptions import BY_KEY, DEFAULTS, Assumption
from sysdesign.rules import GROUPS, Rule, load_rules

GROUP_TITLES = {
    "capacity": "Capacity",
    "storage": "Storage",
    "bandwidth": "Bandwidth",
    "cache": "Cache",
    "availability": "Availability",
    "latency": "Latency",
    "durability": "Durability and consistency",
}

GROUP_INTRO = {
    "capacity": "Servers, load balancers, database throughput and workers against the peak.",
    "storage": "Data size against one database node, and copies against the durability asked.",
    "bandwidth": "Egress and media payloads: when a CDN and object storage are the design.",
    "cache": "When a cache earns its memory, when it must be a cluster, and what it costs "
             "consistency.",
    "availability": "The request path composed from per-instance figures, compared with the "
                    "target; single points of failure.",
    "latency": "A per-action latency budget from per-hop figures, compared with its SLO.",
    "durability": "Promises about consistency and durability that the components cannot keep.",
}

INTRO = """\
# Check rules

`sysdesign check SPEC` derives the design the numbers call for (see
[design-model.md](design-model.md)), then judges it with the rules below. Every finding has a
stable code, a severity, a message with the spec's own numbers, a *why* (the concept behind it)
and a *fix*.

Severities:

- **error**: the design cannot meet the spec as written (a target missed, a component
  overloaded). `sysdesign check` exits 1.
- **warning**: a risk or a decision left to you (a shard key to pick, a consistency trade-off).
  Exit 0, or 1 with `--strict`.
- **info** (shown as *notes*): the rule looked and the design copes; the message shows the
  numbers so you can see why.

A bad spec exits 2. Choose rules like a linter: `--select` and `--ignore` take codes
(`AVL002`), prefixes (`CAP`) or groups (`cache`), repeated or comma-separated; an unknown one is
an error (exit 2). Thresholds are assumptions: `sysdesign assumptions` lists them with their
sources, and a spec overrides any of them under `assumptions:`.

This file is generated from the rule registry: run
`python3 -m sysdesign.render.rules_doc > docs/rules.md` after changing a rule.
"""


def _anchor(r: Rule) -> str:
    return f"{r.code.lower()}"


def _assumptions_for(text: str) -> list[Assumption]:
    """Assumptions a rule's thresholds text names, by key or by ``prefix_*`` pattern."""
    found: list[Assumption] = []
    for word in re.findall(r"[a-z][a-z0-9_]*_\*|[a-z][a-z0-9_]+", text):
        if word.endswith("_*"):
            found += [a for a in DEFAULTS if a.key.startswith(word[:-1])]
        elif word in BY_KEY:
            found.append(BY_KEY[word])
    seen: set[str] = set()
    out = []
    for a in found:
        if a.key not in seen:
            seen.add(a.key)
            out.append(a)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def rules_markdown() -> str:
    """The whole of docs/rules.md."""
    rules = load_rules()
    by_group: dict[str, list[Rule]] = {g: [] for g in GROUPS}
    for r in rules.values():
        by_group.setdefault(r.group, []).append(r)
    out = [INTRO]
    out += ["## Index", "", "| Code | Group | Rule |", "|---|---|---|"]
    for g in by_group:
        for r in sorted(by_group[g], key=lambda r: r.code):
            out.append(f"| [{r.code}](#{_anchor(r)}) | {g} | {r.title} |")
    out.append("")
    for g, items in by_group.items():
        if not items:
            continue
        out += [f"## {GROUP_TITLES.get(g, g.title())} (`{g}`)", "", GROUP_INTRO.get(g, ""), ""]
        for r in sorted(items, key=lambda r: r.code):
            out += [f"### {r.code}", "", f"**{r.title}**", "",
                    f"- **Group:** `{r.group}`",
                    f"- **Severity:** {_one_line(r.severity)}",
                    f"- **Fires when:** {_one_line(r.thresholds)}",
                    "", f"**Why.** {_one_line(r.why)}", "", f"**Fix.** {_one_line(r.fix)}", ""]
            used = _assumptions_for(r.thresholds)
            if used:
                out += ["| Assumption | Default | Source |", "|---|---|---|"]
                for a in used:
                    src = _one_line(a.source).replace("|", "\\|")
                    out.append(f"| `{a.key}` | {a.display()} | {src} |")
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(rules_markdown())
