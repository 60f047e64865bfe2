"""The design document: one Jinja2 template over a context built from spec, estimate, design
and check report.

The context is plain data (dicts, lists, strings, numbers), documented in
docs/doc-template.md, so that user templates (``--template``) do not depend on internal
classes. User templates run in Jinja2's sandbox; every template uses StrictUndefined, so a
misspelt variable is an error rather than an empty string.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sysdesign import __version__
from sysdesign.errors import SysdesignError

if TYPE_CHECKING:  # pragma: no cover
    from sysdesign.design import Design
    from sysdesign.estimate import Estimate
    from sysdesign.rules import Report
    from sysdesign.spec.models import Spec

DEFAULT_TEMPLATE = "doc/design.md.j2"

SECTIONS = (
    "Requirements",
    "Back-of-the-envelope estimates",
    "API contract",
    "Data model",
    "High-level design",
    "Request flows",
    "Deep dive",
    "Bottlenecks and mitigations",
    "SLOs and error budgets",
    "Summary",
)


# --------------------------------------------------------------------------- context


def build_context(
    spec: Spec,
    est: Estimate | None = None,
    design: Design | None = None,
    report: Report | None = None,
) -> dict[str, Any]:
    """Everything a design-doc template can use (see docs/doc-template.md)."""
    from sysdesign import derive_design, estimate
    from sysdesign.diagrams import architecture_diagram, er_diagram, sequence_diagram
    from sysdesign.render.ddl import generate_ddl
    from sysdesign.rules import check
    from sysdesign.spec.entities import spec_entities

    est = est or estimate(spec)
    design = design or derive_design(spec, est)
    report = report or check(spec, est, design)
    entities = spec_entities(spec)

    arch = architecture_diagram(spec, design)
    seqs = [sequence_diagram(spec, est, design, name) for name in spec.actions]
    er = er_diagram(spec)

    return {
        "generator": f"sysdesign {__version__}",
        "sections": list(SECTIONS),
        "system": _system(spec, est),
        "functional": _functional(spec, est),
        "non_functional": _non_functional(spec, report),
        "estimates": _estimates(est),
        "assumptions": _assumptions(est),
        "api": _api(spec, est),
        "entities": _entities(entities),
        "ddl": {
            "postgresql": generate_ddl(entities, "postgresql") if entities else "",
            "sqlite": generate_ddl(entities, "sqlite") if entities else "",
        },
        "diagrams": {
            "architecture": _diagram(arch),
            "sequences": [_diagram(d) for d in seqs],
            "er": _diagram(er) if er is not None else None,
        },
        "components": _components(design),
        "deep_dives": _deep_dives(spec, est, design),
        "findings": [f.to_dict() for f in report.findings],
        "findings_summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "info": len(report.infos),
            "text": report.summary(),
        },
        "availability": _availability(report),
        "slos": _slos(spec, report),
        "summary": _summary(spec, est, design, report),
    }


def _diagram(d: Any) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "title": d.title,
        "action": d.action,
        "source": d.source,
        "fenced": d.fenced(),
        "caption": d.caption,
    }


def _pct(x: float) -> str:
    from sysdesign.spec import quantities as q

    return q.fmt_percent(x)


def _system(spec: Spec, est: Estimate) -> dict[str, Any]:
    from sysdesign.spec import quantities as q

    return {
        "name": spec.name,
        "description": spec.description or "",
        "dau": spec.dau,
        "dau_text": q.fmt_count(spec.dau),
        "peak_factor": est.peak_factor,
        "peak_factor_text": q.fmt_num(est.peak_factor),
        "retention_text": _retention(spec.storage.retention),
        "replication": spec.storage.replication,
    }


def _retention(seconds: float) -> str:
    from sysdesign.spec import quantities as q

    year = 365 * q.SECONDS_PER_DAY
    if seconds >= year:
        n = seconds / year
        return f"{q.fmt_num(n)} year{'s' if n != 1 else ''}"
    return q.fmt_duration(seconds)


def _functional(spec: Spec, est: Estimate) -> list[dict[str, Any]]:
    from sysdesign.spec import quantities as q

    out = []
    for name, act in spec.actions.items():
        ae = est.actions[name]
        if act.per_user_per_day is not None:
            who = (
                f"{q.fmt_percent(act.share_of_users)} of users, "
                f"{q.fmt_num(act.per_user_per_day)} a day each"
            )
        else:
            who = f"{ae.requests_per_day.display} in total"
        out.append({
            "name": name,
            "kind": act.kind,
            "description": act.description or "",
            "endpoint": act.endpoint or "",
            "frequency": who,
            "requests_per_day": ae.requests_per_day.display,
            "fanout": act.fanout,
            "media": act.media,
        })
    return out


def _non_functional(spec: Spec, report: Report) -> list[dict[str, str]]:
    from sysdesign.spec import quantities as q

    r = spec.requirements
    n = spec.storage.replication
    copies = f"{n} cop{'y' if n == 1 else 'ies'}"
    budget = report.availability.get("error_budget_minutes_per_month")
    out = [
        {
            "name": "Availability",
            "target": _pct(r.availability),
            "detail": f"error budget {q.fmt_num(budget)} min per 30-day month"
            if budget is not None else "",
        },
        {"name": "Consistency", "target": r.consistency, "detail": ""},
        {"name": "Durability", "target": r.durability,
         "detail": f"{copies} of each byte, kept {_retention(spec.storage.retention)}"},
    ]
    for action, targets in r.latency.items():
        for pct, seconds in targets.items():
            out.append({"name": f"Latency of {action}", "target": f"{pct} <= {q.fmt_ms(seconds)}",
                        "detail": ""})
    return out


def _estimates(est: Estimate) -> list[dict[str, Any]]:
    return [
        {
            "title": title,
            "figures": [
                {
                    "key": f.key,
                    "label": f.label,
                    "value": f.value,
                    "unit": f.unit,
                    "display": f.display,
                    "formula": f.formula,
                    "work": f.work,
                    "meaning": f.meaning,
                }
                for f in figures
            ],
        }
        for title, figures in est.sections()
    ]


def _assumptions(est: Estimate) -> dict[str, Any]:
    return {k: v for k, v in sorted(est.assumptions.items())}


def _body(body: dict[str, str] | None) -> list[dict[str, Any]]:
    from sysdesign.spec.entities import parse_body_type

    out = []
    for name, typ in (body or {}).items():
        try:
            inner, is_list, optional = parse_body_type(typ)
        except ValueError:
            inner, is_list, optional = typ, False, False
        out.append({"name": name, "type": typ, "base": inner, "list": is_list,
                    "optional": optional})
    return out


def _api(spec: Spec, est: Estimate) -> list[dict[str, Any]]:
    from sysdesign.estimate import format_figure

    out = []
    for name, act in spec.actions.items():
        ae = est.actions[name]
        endpoint = act.endpoint or ""
        method, _, path = endpoint.partition(" ")
        if not path:
            method, path = ("GET" if act.kind == "read" else "POST"), endpoint or f"/{name}"
        out.append({
            "action": name,
            "kind": act.kind,
            "endpoint": endpoint or f"{method} {path}",
            "method": method.upper(),
            "path": path,
            "declared": bool(act.endpoint),
            "request_size": format_figure(act.request_size, "bytes") if act.request_size else "",
            "response_size": (
                format_figure(act.response_size, "bytes") if act.response_size else ""
            ),
            "request_body": _body(act.request_body),
            "response_body": _body(act.response_body),
            "qps": ae.qps.display,
            "peak_qps": ae.peak_qps.display,
        })
    return out


def _entities(entities: dict[str, Any]) -> list[dict[str, Any]]:
    from sysdesign.spec.entities import table_name

    out = []
    for name, ent in entities.items():
        out.append({
            "name": name,
            "table": table_name(name, ent),
            "description": ent.description or "",
            "primary_key": ent.primary_key,
            "fields": [
                {"name": f.name, "type": f.type, "primary_key": f.primary_key,
                 "unique": f.unique, "nullable": f.nullable, "references": f.references or "",
                 "description": f.description or ""}
                for f in ent.fields.values()
            ],
            "indexes": [
                {"columns": list(ix.columns), "unique": ix.unique, "name": ix.name or "",
                 "description": ix.description or ""}
                for ix in ent.indexes
            ],
        })
    return out


def _components(design: Design) -> list[dict[str, Any]]:
    from sysdesign.diagrams import component_count, component_headline, component_title

    return [
        {
            "id": c.id,
            "kind": c.kind,
            "label": c.label,
            "title": component_title(c),
            "count_text": component_count(c) or "x1",
            "headline": component_headline(c) or "",
            "count": c.count,
            "replicas": c.replicas,
            "shards": getattr(c, "shards", 1),
            "tier": c.tier,
            "technology": getattr(c, "technology", "") or "",
            "availability": c.availability,
            "availability_text": _pct(c.availability),
            "reason": c.reason,
            "numbers": dict(getattr(c, "numbers", {}) or {}),
            "pinned": list(getattr(c, "pinned", []) or []),
        }
        for c in design.components
    ]


# --------------------------------------------------------------------------- deep dives


def _deep_dives(spec: Spec, est: Estimate, design: Design) -> list[dict[str, Any]]:
    dives = []
    if any(a.fanout and a.kind == "write" for a in spec.actions.values()):
        dives.append(_fanout_dive(spec, est, design))
    db = design.get("database")
    if db is not None and (getattr(db, "shards", 1) or 1) > 1:
        dives.append(_sharding_dive(spec, est, design))
    if any(a.media for a in spec.actions.values()):
        dives.append(_media_dive(spec, est, design))
    if not dives:
        dives.append(_cache_dive(spec, est, design))
    return dives


def _fanout_dive(spec: Spec, est: Estimate, design: Design) -> dict[str, Any]:
    from sysdesign.spec import quantities as q

    f = spec.users.followers
    avg = f.average if f else 100.0
    threshold = f.celebrity_threshold if f else 10_000.0
    writes = [x for x in est.actions.values() if x.action.fanout and x.kind == "write"]
    reads = [x for x in est.actions.values() if x.kind == "read"]
    posts_day = sum(x.requests_per_day.value for x in writes)
    posts_peak = sum(x.peak_qps.value for x in writes)
    reads_peak = sum(x.peak_qps.value for x in reads)
    inserts_day = posts_day * avg
    inserts_peak = posts_peak * avg
    merge_peak = reads_peak * avg
    worker = design.get("worker")
    per_worker = (worker.numbers.get("per_worker") if worker is not None else None) or \
        est.assumptions.get("worker_inserts_per_second", 20_000.0)
    source = "the spec's follower distribution" if f else "an assumed 100 followers per user"
    rows = [
        {
            "strategy": "Fan-out on write (push)",
            "write_cost": f"{q.fmt_rate(inserts_peak, 'inserts/s')} at peak "
                          f"({q.fmt_count(inserts_day)} timeline inserts a day)",
            "read_cost": "1 precomputed timeline read",
            "weakness": "celebrity posts: one post is millions of inserts",
        },
        {
            "strategy": "Fan-out on read (pull)",
            "write_cost": f"{q.fmt_rate(posts_peak, 'writes/s')}: just the post",
            "read_cost": f"merge ~{q.fmt_num(avg)} authors per read = "
                         f"{q.fmt_rate(merge_peak, 'lookups/s')} at peak",
            "weakness": "slow timeline reads for users who follow many accounts",
        },
        {
            "strategy": f"Hybrid (push below {q.fmt_count(threshold)} followers)",
            "write_cost": "push for most authors; celebrities are not pushed",
            "read_cost": "precomputed timeline + merge of the few celebrities followed",
            "weakness": "two code paths to build and test",
        },
    ]
    paras = [
        f"Writes fan out: {q.fmt_count(posts_day)} posts a day, each delivered to about "
        f"{q.fmt_num(avg)} followers ({source}). Pushing every post into every follower's "
        f"timeline costs {q.fmt_count(inserts_day)} inserts a day, "
        f"{q.fmt_rate(inserts_peak, 'inserts/s')} at peak: far more work than the posts "
        f"themselves ({q.fmt_rate(posts_peak, 'writes/s')} at peak).",
        f"Pulling instead makes every timeline read merge the recent posts of ~{q.fmt_num(avg)} "
        f"followed accounts: {q.fmt_rate(merge_peak, 'lookups/s')} at the read peak of "
        f"{q.fmt_rate(reads_peak)}, on the path the user waits for.",
        f"One post from an account right at the {q.fmt_count(threshold)}-follower threshold is "
        f"{q.fmt_count(threshold)} inserts, {threshold / per_worker:.2g} s of one worker at "
        f"{q.fmt_num(per_worker)} inserts/s; an account with 100 times that many followers "
        f"takes {100 * threshold / per_worker:.3g} s of one worker per post. That is why the "
        "hybrid skips the push above the threshold and merges celebrities at read time.",
    ]
    if f is not None and f.celebrities:
        celeb_share = f.celebrities / spec.dau if spec.dau else 0.0
        paras.append(
            f"The spec counts {q.fmt_count(f.celebrities)} celebrity accounts "
            f"({q.fmt_percent(celeb_share, 3)} of daily users): a read merges only the few of "
            "them a user follows, so the pull side of the hybrid stays small."
        )
    return {
        "topic": "fanout",
        "title": "Fan-out: on write, on read, or hybrid",
        "paragraphs": paras,
        "table": rows,
        "table_columns": ["strategy", "write_cost", "read_cost", "weakness"],
        "table_headers": ["Strategy", "Write cost", "Read cost", "Weakness"],
        "recommendation": "Hybrid: push for ordinary authors, pull for celebrities.",
    }


def _sharding_dive(spec: Spec, est: Estimate, design: Design) -> dict[str, Any]:
    from sysdesign.spec import quantities as q

    db = design.get("database")
    assert db is not None
    shards = getattr(db, "shards", 1) or db.count
    n = getattr(design, "numbers", {}) or {}
    paras = [
        f"The database needs {shards} shards: {db.reason}",
        f"Over {q.fmt_duration(spec.storage.retention)} the data grows to "
        f"{est.storage_retention.display} ({est.storage_replicated.display} with "
        f"{spec.storage.replication} copies).",
        "A shard key should spread writes evenly and keep a request on one shard: the owning "
        "user's id (hashed) is the usual candidate; a time-based key would put every new "
        "write on the newest shard.",
    ]
    if n.get("shards_for_writes", 1) > 1:
        paras.append(
            f"Writes alone call for {int(n['shards_for_writes'])} shards at "
            f"{q.fmt_rate(n.get('db_write_peak_qps', 0.0))} peak writes."
        )
    return {"topic": "sharding", "title": "Sharding the database", "paragraphs": paras,
            "table": [], "table_columns": [], "table_headers": [],
            "recommendation": "Hash-partition by the owning user's id; use consistent hashing "
                              "so adding shards moves only a fraction of the keys."}


def _media_dive(spec: Spec, est: Estimate, design: Design) -> dict[str, Any]:
    media = [x for x in est.actions.values() if x.action.media]
    cdn = design.get("cdn")
    paras = [
        "Media payloads ("
        + ", ".join(x.name for x in media)
        + ") dominate bytes: they go to object storage and are served through the CDN, "
        f"so the app servers carry metadata only. Peak egress is {est.peak_egress_bits.display}.",
    ]
    if cdn is not None:
        paras.append(f"CDN: {cdn.reason}")
    return {"topic": "media", "title": "Serving media: object storage and CDN",
            "paragraphs": paras, "table": [], "table_columns": [], "table_headers": [],
            "recommendation": "Upload directly to object storage with pre-signed URLs; serve "
                              "reads from the CDN with long cache lifetimes."}


def _cache_dive(spec: Spec, est: Estimate, design: Design) -> dict[str, Any]:
    cache = design.get("cache")
    ratio = est.read_write_ratio.value
    ratio_text = "reads only" if math.isinf(ratio) else est.read_write_ratio.display
    paras = [f"Read:write ratio is {ratio_text}; cache memory for the hot set is "
             f"{est.cache_memory.display}."]
    if cache is not None:
        paras.append(f"Cache: {cache.reason}")
    else:
        paras.append("The design has no cache; every read reaches the database.")
    return {"topic": "cache", "title": "Caching the hot reads", "paragraphs": paras,
            "table": [], "table_columns": [], "table_headers": [],
            "recommendation": "Cache-aside with a TTL, invalidated on write."}


# --------------------------------------------------------------------------- SLOs, summary


def _availability(report: Report) -> dict[str, Any]:
    av = dict(report.availability)
    av["target_text"] = _pct(av["target"])
    av["achieved_text"] = _pct(av["achieved"])
    av["meets_target"] = av["achieved"] >= av["target"]
    av["fixes"] = [dict(f, achieved_text=_pct(f["achieved"])) for f in av.get("fixes", [])]
    return av


def _slos(spec: Spec, report: Report) -> list[dict[str, Any]]:
    from sysdesign.availability import downtime, error_budget
    from sysdesign.spec import quantities as q

    a = spec.requirements.availability
    eb = error_budget(a)
    dt = downtime(a)
    out = [{
        "name": "Availability",
        "sli": "share of requests answered without a server error",
        "objective": _pct(a),
        "expected": _pct(report.availability["achieved"]),
        "met": report.availability["achieved"] >= a,
        "error_budget": f"{q.fmt_num(eb.minutes)} min per 30 days",
        "error_budget_work": eb.work,
        "downtime_per_year": _downtime_year(dt),
    }]
    for name, lat in report.latency.items():
        target = lat.get("target_ms")
        pct = lat.get("percentile")
        if target is None or pct is None:
            continue
        est_ms = lat.get("estimated_percentile_ms", lat.get("expected_ms"))
        share = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999}.get(pct)
        out.append({
            "name": f"Latency of {name}",
            "sli": f"{pct} of {name} request latency",
            "objective": f"{pct} <= {q.fmt_num(target)} ms",
            "expected": f"about {q.fmt_num(est_ms)} ms ({lat.get('dominant_hop', '')} dominates)",
            "met": est_ms is not None and est_ms <= target,
            "error_budget": (
                f"{q.fmt_percent(1 - share, 3)} of requests may take longer" if share else ""
            ),
            "error_budget_work": "",
            "downtime_per_year": "",
        })
    return out


def _downtime_year(dt: Any) -> str:
    text = dt.to_dict().get("downtime", {}).get("year")
    return str(text) if text else ""


def _summary(spec: Spec, est: Estimate, design: Design, report: Report) -> list[str]:
    from sysdesign.diagrams import component_title

    out = [
        f"{est.dau.display} a day make {est.requests_per_day.display}: "
        f"{est.qps_average.display} on average and {est.qps_peak.display} at peak, "
        f"read:write {est.read_write_ratio.display}.",
        f"Storage grows {est.storage_per_day.display} a day, {est.storage_retention.display} "
        f"over the retention period.",
        "The design: " + ", ".join(component_title(c) for c in design.components
                                   if c.kind != "client") + ".",
    ]
    av = report.availability
    verdict = "meets" if av["achieved"] >= av["target"] else "misses"
    out.append(f"End-to-end availability {_pct(av['achieved'])} {verdict} the "
               f"{_pct(av['target'])} target.")
    out.append(f"Check findings: {report.summary()}.")
    return out


# --------------------------------------------------------------------------- rendering


def _md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    s = "" if value is None else str(value)
    if "\\|" not in s:
        s = s.replace("|", "\\|")
    return s.replace("\r", " ").replace("\n", " ")


_MD_ESCAPE = re.compile(r"([\\`*\[\]<|])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MD_LEADING = re.compile(r"^(\s*)([#>+\-=](?=\s|$)|#+|\d+(?=[.)](?:\s|$)))")


def _md_inline(value: object) -> str:
    """User text made safe as inline Markdown: no accidental emphasis, links, HTML tags,
    table breaks or line-start markup, while ordinary text (post_tweet, a -> b) stays
    readable in the raw file."""
    s = ("" if value is None else str(value)).replace("\r", " ").replace("\n", " ")
    s = _MD_ESCAPE.sub(lambda m: "\\" + m.group(0), s)

    def lead(m: re.Match[str]) -> str:
        mark = m.group(2)
        return m.group(1) + (mark + "\\" if mark[0].isdigit() else "\\" + mark)

    return _MD_LEADING.sub(lead, s)


def _code(value: object) -> str:
    """Inline code span that survives backticks in the text."""
    s = "" if value is None else str(value)
    fence = "`"
    while fence in s:
        fence += "`"
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _fence(value: object, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in the text."""
    s = ("" if value is None else str(value)).rstrip("\n")
    longest, run = 0, 0
    for ch in s:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{s}\n{fence}"


def _environment(loader: Any, sandboxed: bool) -> Any:
    from jinja2 import StrictUndefined

    if sandboxed:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env: Any = ImmutableSandboxedEnvironment(
            loader=loader, undefined=StrictUndefined, autoescape=False,
            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )
    else:
        from jinja2 import Environment

        env = Environment(
            loader=loader, undefined=StrictUndefined, autoescape=False,
            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )
    env.filters["md_cell"] = _md_cell
    env.filters["md"] = _md_inline
    env.filters["code"] = _code
    env.filters["fence"] = _fence
    return env


def render_doc(
    spec: Spec,
    *,
    template: Path | None = None,
    est: Estimate | None = None,
    design: Design | None = None,
    report: Report | None = None,
) -> str:
    """The design doc as Markdown, from the built-in template or a user's ``template``."""
    from jinja2 import FileSystemLoader, TemplateError, TemplateNotFound, UndefinedError

    from sysdesign.paths import templates_dir

    context = build_context(spec, est, design, report)
    try:
        if template is None:
            env = _environment(FileSystemLoader(str(templates_dir())), sandboxed=False)
            tpl = env.get_template(DEFAULT_TEMPLATE)
        else:
            if not template.is_file():
                raise SysdesignError(f"{template}: no such template file")
            env = _environment(FileSystemLoader(str(template.resolve().parent)), sandboxed=True)
            tpl = env.get_template(template.name)
        text = tpl.render(**context)
    except UndefinedError as exc:
        where = template or DEFAULT_TEMPLATE
        raise SysdesignError(
            f"{where}: {exc.message}; see docs/doc-template.md for the variables a template "
            "receives"
        ) from None
    except TemplateNotFound as exc:
        raise SysdesignError(f"template not found: {exc.name}") from None
    except TemplateError as exc:
        where = template or DEFAULT_TEMPLATE
        line = getattr(exc, "lineno", None)
        raise SysdesignError(
            f"{where}{':' + str(line) if line else ''}: {exc.message or exc}"
        ) from None
    return text.rstrip("\n") + "\n"


def mermaid_blocks(markdown: str) -> list[str]:
    """The sources of every ```mermaid block in a Markdown text."""
    blocks, current = [], None
    for line in markdown.splitlines():
        if current is None and line.strip() == "```mermaid":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


_HTML_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;
max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #d0d0d0;padding:.35rem .6rem;vertical-align:top;text-align:left}
th{background:#f4f4f4}code{background:#f3f3f3;padding:.1rem .25rem;border-radius:3px}
pre{background:#f6f8fa;padding:.8rem;overflow:auto;border-radius:4px}pre code{background:none}
figure.diagram{margin:1.2rem 0;overflow:auto}figure.diagram svg{max-width:100%;height:auto}
"""


def to_html(markdown: str, *, title: str | None = None) -> str:
    """One self-contained HTML page: the Markdown converted, every Mermaid block rendered to
    inline SVG with mmdc now, so the page needs no network or script when it is viewed."""
    import html
    import tempfile

    from markdown_it import MarkdownIt

    from sysdesign.render import mmdc
    from sysdesign.render.mermaid import fenced

    if not mmdc.available():
        raise SysdesignError(
            "--format html inlines the diagrams as SVG and needs the Mermaid CLI (mmdc) and "
            "Chromium to draw them. " + mmdc.INSTALL_HINT + " Or keep the Markdown: GitHub, "
            "GitLab and most wikis draw ```mermaid blocks themselves."
        )
    blocks = mermaid_blocks(markdown)
    svgs: list[str] = []
    if blocks:
        with tempfile.TemporaryDirectory(prefix="sysdesign-doc-") as tmp:
            files = mmdc.render_markdown("\n".join(fenced(b) for b in blocks), Path(tmp))
            svgs = [f.read_text(encoding="utf-8") for f in files]
    # Swap each block for a placeholder paragraph, convert, then put the SVGs in.
    out_lines: list[str] = []
    inside, n = False, 0
    for line in markdown.splitlines():
        if not inside and line.strip() == "```mermaid":
            inside = True
            out_lines.append(f"SYSDESIGNDIAGRAM{n}")
            n += 1
        elif inside and line.strip() == "```":
            inside = False
        elif not inside:
            out_lines.append(line)
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    body = md.render("\n".join(out_lines) + "\n")
    for i, svg in enumerate(svgs):
        svg = svg.replace("my-svg", f"sysdesign-diagram-{i}")
        if svg.startswith("<?xml"):
            svg = svg.split("?>", 1)[1]
        body = body.replace(
            f"<p>SYSDESIGNDIAGRAM{i}</p>", f'<figure class="diagram">{svg}</figure>'
        )
    if title is None:
        first = next((ln[2:] for ln in markdown.splitlines() if ln.startswith("# ")), "Design")
        title = first.replace("\\", "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<style>{_HTML_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
