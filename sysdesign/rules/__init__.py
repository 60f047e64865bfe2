"""Rules that judge a design against its numbers and targets.

Each rule is a small function ``(ctx) -> list[Finding]`` registered with a stable code and a
group, in a module named after its concern (capacity, storage, bandwidth, cache, availability,
latency, durability). ``check()`` runs them all and returns a :class:`Report`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sysdesign.design import Design, derive_design
from sysdesign.estimate import Estimate, estimate
from sysdesign.spec.models import Spec

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
GROUPS = ("capacity", "storage", "bandwidth", "cache", "availability", "latency", "durability")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    title: str
    message: str  # with the spec's own numbers
    why: str  # the concept, for a student
    fix: str
    group: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "title": self.title,
                "message": self.message, "why": self.why, "fix": self.fix, "group": self.group}


@dataclass
class Context:
    spec: Spec
    estimate: Estimate
    design: Design
    # computed once by the availability and latency modules, shared with the report
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def a(self) -> dict[str, float]:
        return self.estimate.assumptions


RuleFn = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    group: str
    title: str
    why: str
    fix: str
    thresholds: str
    fn: RuleFn
    severity: str = ""  # when it is an error, a warning or a note (for docs/rules.md)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, group: str, title: str, *, why: str, fix: str,
         thresholds: str = "", severity: str = "") -> Callable[[RuleFn], RuleFn]:
    """Register a rule. The why/fix/thresholds/severity here are the rule's documentation
    (docs/rules.md is generated from them)."""

    def deco(fn: RuleFn) -> RuleFn:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(code, group, title, why, fix, thresholds, fn, severity)
        return fn

    return deco


def finding(code: str, severity: Severity, message: str, *, fix: str | None = None,
            title: str | None = None, why: str | None = None) -> Finding:
    r = REGISTRY[code]
    return Finding(code=code, severity=severity, title=title or r.title, message=message,
                   why=why or r.why, fix=fix or r.fix, group=r.group)


_LOADED = False


def load_rules() -> dict[str, Rule]:
    global _LOADED
    if not _LOADED:
        for g in GROUPS:
            importlib.import_module(f"sysdesign.rules.{g}")
        _LOADED = True
    return REGISTRY


@dataclass
class Report:
    spec: Spec
    estimate: Estimate
    design: Design
    findings: list[Finding]
    availability: dict[str, Any]
    latency: dict[str, dict[str, Any]]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def summary(self) -> str:
        e, w, i = len(self.errors), len(self.warnings), len(self.infos)
        return (f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}, "
                f"{i} note{'s' if i != 1 else ''}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "findings": [f.to_dict() for f in self.findings],
            "availability": self.availability,
            "latency": self.latency,
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings),
                        "info": len(self.infos)},
        }


def _selected(code: str, group: str, select: list[str] | None, ignore: list[str] | None) -> bool:
    def match(pattern: str) -> bool:
        p = pattern.strip()
        return bool(p) and (code.upper().startswith(p.upper()) or p.lower() == group)

    if select and not any(match(p) for p in select):
        return False
    return not (ignore and any(match(p) for p in ignore))


def check(spec: Spec, est: Estimate | None = None, design: Design | None = None, *,
          select: list[str] | None = None, ignore: list[str] | None = None) -> Report:
    """Run every rule (or the selected ones) and return the report."""
    from sysdesign.rules import availability as avail_rules
    from sysdesign.rules import latency as lat_rules

    rules = load_rules()
    est = est or estimate(spec)
    design = design or derive_design(spec, est)
    ctx = Context(spec, est, design)
    ctx.extras["availability"] = avail_rules.analyse(ctx)
    ctx.extras["latency"] = lat_rules.budgets(ctx)
    findings: list[Finding] = []
    for r in rules.values():
        if not _selected(r.code, r.group, select, ignore):
            continue
        findings.extend(r.fn(ctx))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.code))
    av = ctx.extras["availability"]
    lat = ctx.extras["latency"]
    return Report(
        spec=spec, estimate=est, design=design, findings=findings,
        availability={"target": av["target"], "achieved": av["achieved"],
                      "weakest": av["weakest"], "error_budget_minutes_per_month":
                      av["error_budget_minutes"], "path": av["path"],
                      "fixes": av["fixes"], "work": av["work"]},
        latency={name: {"expected_ms": b["expected_ms"], "target_ms": b["target_ms"],
                        "percentile": b["percentile"], "estimated_percentile_ms":
                        b["estimated_percentile_ms"], "dominant_hop": b["dominant_hop"],
                        "hops": b["hops"]}
                 for name, b in lat.items()},
    )


def unknown_codes(patterns: list[str]) -> list[str]:
    """Patterns that match no rule code or group (for a clear CLI error)."""
    rules = load_rules()
    bad = []
    for p in patterns:
        if not any(code.upper().startswith(p.strip().upper()) or p.strip().lower() == r.group
                   for code, r in rules.items()):
            bad.append(p)
    return bad
