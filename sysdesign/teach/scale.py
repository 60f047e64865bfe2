"""The scaling journey: one spec re-estimated at each order of magnitude of DAU.

For each DAU the spec is copied with ``users.dau`` replaced, then run through the same pipeline
as everything else (:func:`estimate`, :func:`derive_design`, :func:`check`). Each stage records
the key numbers, the components and their counts, and what changed since the previous stage:
components that appear, counts that grow (replicas, shards, cache nodes) and findings that start
to fire. Actions given as an absolute ``total`` rate do not scale with DAU; the journey says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from sysdesign.errors import SysdesignError
from sysdesign.spec import quantities as q

MAX_STAGES = 25


def parse_daus(text: str) -> list[float]:
    """``1K..1B`` -> every power of ten from 1K to 1B; ``1K,50K,2M`` -> that list."""
    t = (text or "").strip()
    if not t:
        raise SysdesignError("--dau is empty: give a range such as 1K..1B or a list such as "
                             "1K,50K,2M")
    try:
        if ".." in t:
            lo_text, hi_text = (x.strip() for x in t.split("..", 1))
            lo, hi = q.parse_count(lo_text), q.parse_count(hi_text)
            _check_dau(lo, lo_text)
            _check_dau(hi, hi_text)
            if hi < lo:
                raise SysdesignError(f"--dau {t}: the range runs backwards; try "
                                     f"{hi_text}..{lo_text}")
            values = []
            e = math.floor(math.log10(lo) + 1e-9)
            # start at lo, then every power of ten above it, then hi
            values.append(lo)
            p = 10.0 ** (e + 1)
            while p < hi * (1 - 1e-9):
                values.append(p)
                p *= 10
            if hi > lo:
                values.append(hi)
        else:
            parts = [x.strip() for x in re.split(r"[,\s]+", t) if x.strip()]
            values = []
            for x in parts:
                v = q.parse_count(x)
                _check_dau(v, x)
                values.append(v)
            values = sorted(set(values))
    except ValueError as exc:
        raise SysdesignError(f"--dau {t}: {exc}") from None
    if len(values) > MAX_STAGES:
        raise SysdesignError(f"--dau {t}: {len(values)} stages is too many (at most "
                             f"{MAX_STAGES})")
    return values


def _check_dau(v: float, text: str) -> None:
    if not math.isfinite(v) or v < 1:
        raise SysdesignError(f'--dau: "{text}" must be at least 1 user')
    if v > 1e10:
        raise SysdesignError(f'--dau: "{text}" is more people than live on Earth')


@dataclass
class Stage:
    dau: float
    numbers: dict[str, float]
    components: dict[str, str]  # kind -> count description
    new: list[str] = field(default_factory=list)  # what changed since the previous stage
    findings: list[str] = field(default_factory=list)  # error/warning codes + titles
    new_findings: list[str] = field(default_factory=list)
    one_box: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"dau": self.dau, "numbers": self.numbers, "components": self.components,
                "changes": self.new, "findings": self.findings,
                "new_findings": self.new_findings, "one_server_would_do": self.one_box}


NUMBER_KEYS = ("qps_average", "qps_peak", "storage_bytes", "peak_egress_bits_per_second",
               "cache_bytes", "app_servers_needed")


def with_dau(spec: Any, dau: float) -> Any:
    users = spec.users.model_copy(update={"dau": dau, "mau": None, "daily_fraction": None})
    return spec.model_copy(update={"users": users})


def journey(spec: Any, daus: list[float]) -> list[Stage]:
    from sysdesign.design import derive_design
    from sysdesign.estimate import estimate
    from sysdesign.rules import check

    stages: list[Stage] = []
    prev: dict[str, Any] | None = None
    prev_findings: set[str] = set()
    for dau in daus:
        s = with_dau(spec, dau)
        est = estimate(s)
        design = derive_design(s, est)
        report = check(s, est, design)
        a = est.assumptions
        numbers = {
            "qps_average": est.qps_average.value,
            "qps_peak": est.qps_peak.value,
            "storage_bytes": est.storage_retention.value,
            "peak_egress_bits_per_second": est.peak_egress_bits.value,
            "cache_bytes": est.cache_memory.value,
            "app_servers_needed": est.servers_app.value,
        }
        comps = {c.kind: c.describe_count() for c in design.components if c.kind != "client"}
        shape = {c.kind: (c.count, c.replicas, c.shards) for c in design.components}
        changes: list[str] = []
        if prev is None:
            changes.append("start: " + ", ".join(_label(k) for k in comps))
        else:
            for c in design.components:
                if c.kind == "client":
                    continue
                before = prev.get(c.kind)
                if before is None:
                    changes.append(f"+ {_label(c.kind)}")
                elif before != shape[c.kind]:
                    changes.append(_growth(c.kind, before, shape[c.kind]))
            for k in prev:
                if k not in shape:
                    changes.append(f"- {_label(k)}")
        codes = {f"{f.code} {f.title}" for f in report.findings
                 if f.severity in ("error", "warning")}
        one_box = (est.servers_app.value <= 1
                   and est.storage_retention.value <= a["db_node_storage_limit"]
                   and est.qps_write.value * est.peak_factor <= a["db_write_qps_limit"])
        stages.append(Stage(dau, numbers, comps, changes, sorted(codes),
                            sorted(codes - prev_findings), one_box))
        prev = shape
        prev_findings = codes
    return stages


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def _growth(kind: str, before: tuple[int, int, int], after: tuple[int, int, int]) -> str:
    (c0, r0, s0), (c1, r1, s1) = before, after
    bits = []
    if kind == "database":
        if s1 != s0:
            bits.append(f"shards {s0} -> {s1}")
        if r1 != r0:
            bits.append(f"replicas {r0} -> {r1}")
    else:
        if c1 != c0:
            bits.append(f"{c0} -> {c1}")
        if r1 != r0:
            bits.append(f"replicas {r0} -> {r1}")
    return f"{_label(kind)} " + ", ".join(bits)


def fixed_rate_actions(spec: Any) -> list[str]:
    return [name for name, a in spec.actions.items() if a.total is not None]


# --- rendering ----------------------------------------------------------------------------------

def _row(st: Stage) -> list[str]:
    n = st.numbers
    changes = "; ".join(st.new) if st.new else "-"
    if st.one_box:
        changes += " (one server would carry this; the second is for failover)"
    return [
        q.fmt_count(st.dau),
        q.fmt_rate(n["qps_peak"]),
        q.fmt_bytes(n["storage_bytes"]),
        q.fmt_bits_per_second(n["peak_egress_bits_per_second"]),
        q.fmt_bytes(n["cache_bytes"]),
        f"{n['app_servers_needed']:g}",
        changes,
        "; ".join(st.new_findings) or "-",
    ]


HEADERS = ["DAU", "Peak QPS", "Storage", "Peak egress", "Cache", "Servers", "What changes",
           "New findings"]


def to_markdown(spec: Any, stages: list[Stage]) -> str:
    lines = [f"# Scaling journey: {spec.name}", "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for st in stages:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in _row(st)) + " |")
    fixed = fixed_rate_actions(spec)
    if fixed:
        lines += ["", f"Fixed-rate actions (do not scale with DAU): {', '.join(fixed)}."]
    return "\n".join(lines) + "\n"


def to_json(spec: Any, stages: list[Stage]) -> str:
    import json

    return json.dumps({"name": spec.name, "fixed_rate_actions": fixed_rate_actions(spec),
                       "stages": [s.to_dict() for s in stages]}, indent=2) + "\n"


def print_table(spec: Any, stages: list[Stage], out: Any) -> None:
    from rich.table import Table

    table = Table(title=f"Scaling journey: {spec.name}", title_justify="left", show_lines=True)
    for h in HEADERS:
        table.add_column(h, justify="right" if h in ("DAU", "Peak QPS", "Storage",
                                                     "Peak egress", "Cache", "Servers")
                         else "left", overflow="fold")
    for st in stages:
        table.add_row(*_row(st))
    out.print(table)
    fixed = fixed_rate_actions(spec)
    if fixed:
        out.print(f"[dim]Fixed-rate actions (do not scale with DAU): {', '.join(fixed)}.[/dim]")


def chart_lines(spec: Any, stages: list[Stage], assumptions: dict[str, float],
                width: int = 40) -> list[str]:
    """A log-scale terminal chart: one block per metric, one bar per stage, a marked threshold.

    Bars are log10 scaled across the stages; ``|`` marks the threshold where one machine is no
    longer enough (one app server's req/s, one database node's storage, the CDN egress line).
    """
    metrics = [
        ("Peak QPS", "qps_peak", q.fmt_rate, assumptions.get("server_rps"), "one server"),
        ("Storage", "storage_bytes", q.fmt_bytes, assumptions.get("db_node_storage_limit"),
         "one DB node"),
        ("Peak egress", "peak_egress_bits_per_second", q.fmt_bits_per_second,
         assumptions.get("cdn_egress_threshold"), "CDN line"),
        ("App servers", "app_servers_needed", lambda v: f"{v:g}", None, ""),
    ]
    lines: list[str] = []
    for title, key, fmt, threshold, tname in metrics:
        vals = [max(st.numbers[key], 0.0) for st in stages]
        positive = [v for v in vals if v > 0] + ([threshold] if threshold else [])
        if not positive:
            continue
        lo = math.floor(math.log10(min(positive)))
        hi = math.ceil(math.log10(max(positive)))
        if hi == lo:
            hi = lo + 1

        def col(v: float, lo: int = lo, hi: int = hi) -> int:
            if v <= 0:
                return 0
            return max(0, min(width, round((math.log10(v) - lo) / (hi - lo) * width)))

        tcol = col(threshold) if threshold else None
        head = f"{title} (log scale, 10^{lo} .. 10^{hi})"
        if threshold:
            head += f"; | = {tname} ({fmt(threshold)})"
        lines.append(head)
        for st, v in zip(stages, vals, strict=True):
            n = col(v)
            bar = ["#" if i < n else " " for i in range(width)]
            if tcol is not None and tcol < width:
                bar[tcol] = "|" if bar[tcol] == " " else "+"
            lines.append(f"  {q.fmt_count(st.dau):>6} DAU {''.join(bar)} {fmt(v)}")
        lines.append("")
    return lines
