"""Mermaid diagrams from a spec: architecture (the design model), request sequences, ER.

Every diagram is built through :mod:`sysdesign.render.mermaid`, which owns identifiers and
escaping; nothing here writes a user-supplied name into Mermaid text directly. Output is
deterministic: components in design order, actions in spec order, entities in spec order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sysdesign.errors import SysdesignError
from sysdesign.render import mermaid as m
from sysdesign.spec.entities import Entity, spec_entities

if TYPE_CHECKING:  # pragma: no cover
    from sysdesign.design import Component, Design
    from sysdesign.estimate import Estimate
    from sysdesign.spec.models import Spec

KINDS = ("architecture", "sequence", "er", "all")

ARCHITECTURE_CAPTION = (
    "Blue edges are the read path, red edges the write path, dashed purple edges are "
    "asynchronous (queue and workers); grey edges carry both. Each box shows its count and "
    "the number that sized it."
)


@dataclass(frozen=True)
class Diagram:
    """One diagram: what it shows, and its Mermaid source."""

    kind: str  # architecture | sequence | er
    title: str
    source: str
    action: str | None = None  # for sequence diagrams
    caption: str = ""  # how to read it, shown under the diagram in Markdown

    def fenced(self) -> str:
        return m.fenced(self.source)


# --------------------------------------------------------------------------- ER


def _er_relations(er: m.ERDiagram, entities: dict[str, Entity]) -> None:
    explicit: set[frozenset[str]] = set()
    for name, ent in entities.items():
        for rel in ent.relations:
            explicit.add(frozenset((name, rel.to)))
    for name, ent in entities.items():
        pk = ent.primary_key
        for fname, f in ent.fields.items():
            target = f.target
            if target is None or frozenset((name, target[0])) in explicit:
                continue
            one_to_one = f.unique or (f.primary_key and len(pk) == 1)
            er.relation(
                target[0],
                name,
                fname,
                left_card="zero_or_one" if f.nullable else "one",
                right_card="zero_or_one" if one_to_one else "zero_or_many",
            )
        for rel in ent.relations:
            many = "zero_or_many" if rel.optional else "many"
            one = "zero_or_one" if rel.optional else "one"
            left, right = {
                "many-to-one": (many, "one"),
                "one-to-many": ("one", many),
                "one-to-one": (one, "one"),
                "many-to-many": (many, many),
            }[rel.kind]
            label = rel.label or (f"via {rel.via}" if rel.via else rel.kind)
            er.relation(
                name, rel.to, label, left_card=left, right_card=right,
                identifying=rel.kind != "many-to-many",
            )


def er_diagram(spec: Spec) -> Diagram | None:
    """The ER diagram of ``spec.entities``; None when the spec has no data model."""
    entities = spec_entities(spec)
    if not entities:
        return None
    title = f"{spec.name}: data model"
    er = m.ERDiagram(title=title)
    for name, ent in entities.items():
        node = er.entity(name, name)
        unique_single = {
            ix.columns[0] for ix in ent.indexes if ix.unique and len(ix.columns) == 1
        }
        for fname, f in ent.fields.items():
            keys = []
            if f.primary_key:
                keys.append("PK")
            if f.references:
                keys.append("FK")
            if f.unique or fname in unique_single:
                keys.append("UK")
            notes = []
            if f.references:
                notes.append(f"references {f.references}")
            if f.nullable:
                notes.append("nullable")
            er.attribute(node, f.type, fname, keys, comment=", ".join(notes) or None)
    _er_relations(er, entities)
    return Diagram("er", title, er.render())


# --------------------------------------------------------------------------- helpers

_TIER_TITLES = {
    "client": "Clients",
    "edge": "Edge",
    "app": "Application tier",
    "application": "Application tier",
    "cache": "Cache tier",
    "data": "Data tier",
    "storage": "Storage",
    "async": "Async processing",
}

_SHAPES = {
    "client": "stadium",
    "dns": "hexagon",
    "cdn": "round",
    "load_balancer": "hexagon",
    "app": "rect",
    "cache": "subroutine",
    "database": "cylinder",
    "queue": "subroutine",
    "worker": "rect",
    "object_storage": "cylinder",
}

_CLASSES = {
    "client": "fill:#f4f4f4,stroke:#555,color:#111",
    "edge": "fill:#e8f1fb,stroke:#3a6ea5,color:#111",
    "compute": "fill:#eaf6ea,stroke:#3c8d40,color:#111",
    "cache": "fill:#fff4e0,stroke:#c77c02,color:#111",
    "data": "fill:#fdeaea,stroke:#b03a2e,color:#111",
    "async": "fill:#f1eafb,stroke:#6c3fb0,color:#111",
}

_KIND_CLASS = {
    "client": "client",
    "dns": "edge",
    "cdn": "edge",
    "load_balancer": "edge",
    "app": "compute",
    "cache": "cache",
    "database": "data",
    "object_storage": "data",
    "queue": "async",
    "worker": "async",
}

TIER_BOX_STYLE = "fill:#fbfbfb,stroke:#bbbbbb,stroke-dasharray:3 3,color:#333"
READ_STYLE = "stroke:#1f6fb2,stroke-width:2px"
WRITE_STYLE = "stroke:#c0392b,stroke-width:2px"
ASYNC_STYLE = "stroke:#6c3fb0,stroke-width:2px,stroke-dasharray:4 4"


def component_count(c: Component) -> str:
    """How many: ``x6``, ``1 primary + 2 replicas``, ``3 shards, each 1 primary, no replica``,
    ``2 nodes + 1 replica each``; empty for a single instance of anything else."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word if n == 1 else word + 's'}"

    replicas = getattr(c, "replicas", 0) or 0
    if c.kind == "database":
        shards = getattr(c, "shards", 1) or c.count or 1
        per = "1 primary" + (f" + {plural(replicas, 'replica')}" if replicas else ", no replica")
        return f"{shards} shards, each {per}" if shards > 1 else per
    if c.kind == "cache":
        text = plural(c.count, "node")
        if replicas:
            text += f" + {plural(replicas, 'replica')}" + (" each" if c.count > 1 else "")
        return text
    return f"x{c.count}" if c.count and c.count > 1 else ""


def component_title(c: Component) -> str:
    """``App servers x5``, ``Database: 1 primary + 2 replicas``, ``Cache: 3 nodes``."""
    count = component_count(c)
    if not count:
        return c.label
    return f"{c.label} {count}" if count.startswith("x") else f"{c.label}: {count}"


def component_headline(c: Component) -> str | None:
    """The number that justifies a component, for its diagram label."""
    from sysdesign.spec import quantities as q

    n: dict[str, float] = getattr(c, "numbers", None) or {}
    if c.kind in {"app", "load_balancer"} and "peak_qps" in n:
        return f"{q.fmt_rate(n['peak_qps'])} at peak"
    if c.kind == "cdn" and "peak_egress_bits_per_second" in n:
        return f"{q.fmt_bits_per_second(n['peak_egress_bits_per_second'])} peak egress"
    if c.kind == "cache" and "memory_bytes" in n:
        text = f"{q.fmt_bytes(n['memory_bytes'])} hot set"
        if n.get("hit_ratio"):
            text += f", {q.fmt_percent(n['hit_ratio'], 3)} hits"
        return text
    if c.kind == "database" and "write_peak_qps" in n:
        return (
            f"{q.fmt_rate(n['write_peak_qps'], 'writes/s')}, "
            f"{q.fmt_rate(n.get('read_peak_qps', 0.0), 'reads/s')} at peak; "
            f"{q.fmt_bytes(n.get('retention_bytes', 0.0))} stored"
        )
    if c.kind == "queue" and n.get("fanout_inserts_peak_per_second"):
        return f"{q.fmt_rate(n['fanout_inserts_peak_per_second'], 'inserts/s')} at peak"
    if c.kind == "worker" and "items_per_second" in n:
        return (
            f"{q.fmt_rate(n['items_per_second'], 'items/s')}, "
            f"{q.fmt_num(n.get('per_worker', 0.0))}/s each"
        )
    tech = str(getattr(c, "technology", "") or "")
    if not tech or tech.lower().startswith(c.label.lower()):
        return None  # "Object storage (e.g. S3)" under "Object storage" says nothing new
    return tech


def _num(x: float) -> str:
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.3g}"


# --------------------------------------------------------------------------- architecture


def architecture_diagram(spec: Spec, design: Design) -> Diagram:
    """Flowchart of the design model: tiers as subgraphs, counts and numbers on labels,
    read and write paths coloured, async edges dashed."""
    title = f"{spec.name}: architecture"
    fc = m.Flowchart("LR", title=title)
    for name, css in _CLASSES.items():
        fc.class_def(name, css)
    tiers: dict[str, list[Component]] = {}
    for c in design.components:
        tiers.setdefault(c.tier or "other", []).append(c)
    for tier, members in tiers.items():
        if tier == "client" or len(tiers) == 1:
            for c in members:
                _arch_node(fc, c)
            continue
        title_ = _TIER_TITLES.get(tier, tier.replace("_", " ").title())
        with fc.subgraph(tier, title_, css=TIER_BOX_STYLE):
            for c in members:
                _arch_node(fc, c)
    known = {c.id for c in design.components}
    for e in design.edges:
        if e.src not in known or e.dst not in known:
            continue
        if e.mode == "async":
            fc.edge(e.src, e.dst, e.label or "", style="dotted", link_class="async")
        else:
            path = e.path if e.path in {"read", "write"} else "both"
            fc.edge(e.src, e.dst, e.label or "", link_class=path)
    fc.link_style("read", READ_STYLE)
    fc.link_style("write", WRITE_STYLE)
    fc.link_style("async", ASYNC_STYLE)
    return Diagram("architecture", title, fc.render(), caption=ARCHITECTURE_CAPTION)


def _arch_node(fc: m.Flowchart, c: Component) -> None:
    lines = [component_title(c)]
    headline = component_headline(c)
    if headline:
        lines.append(headline)
    fc.node(
        c.id, *lines, shape=_SHAPES.get(c.kind, "rect"), css_class=_KIND_CLASS.get(c.kind)
    )


# --------------------------------------------------------------------------- sequence


def sequence_diagram(spec: Spec, est: Estimate, design: Design, action: str) -> Diagram:
    """The request flow of one action through the components it touches."""
    if action not in spec.actions:
        names = ", ".join(spec.actions)
        raise SysdesignError(f"unknown action {action!r}: the spec's actions are {names}")
    act = spec.actions[action]
    ae = est.actions[action]
    title = f"{spec.name}: {action}"
    sd = m.SequenceDiagram(title=title, autonumber=True)
    get = design.get

    def present(kind: str) -> Component | None:
        c = get(kind)
        if c is None or (getattr(c, "count", 1) or 0) <= 0:
            return None
        return c

    client = present("client")
    lb, app, cache, db = present("load_balancer"), present("app"), present("cache"), present(
        "database"
    )
    cdn, obj = present("cdn"), present("object_storage")
    queue, worker = present("queue"), present("worker")
    if app is None:
        raise SysdesignError("the design has no application servers to draw a request through")

    is_read = act.kind == "read"
    uses_cache = cache is not None and is_read and act.is_cacheable
    uses_media = act.media and (obj is not None or cdn is not None)
    fans_out = (not is_read) and act.fanout and queue is not None

    sd.participant("client", client.label if client else "Client", actor=True)
    if uses_media and cdn is not None and is_read:
        sd.participant("cdn", component_title(cdn))
    if lb is not None:
        sd.participant("lb", component_title(lb))
    sd.participant("app", component_title(app))
    if uses_cache or (fans_out and cache is not None):
        sd.participant("cache", component_title(cache))  # type: ignore[arg-type]
    if db is not None:
        sd.participant("db", component_title(db))
    if uses_media and obj is not None:
        sd.participant("obj", component_title(obj))
    if fans_out:
        sd.participant("queue", component_title(queue))  # type: ignore[arg-type]
        if worker is not None:
            sd.participant("worker", component_title(worker))

    from sysdesign.estimate import format_figure

    endpoint = act.endpoint or f"{'GET' if is_read else 'POST'} /{action}"
    req = format_figure(act.request_size, "bytes") if act.request_size else None
    resp = format_figure(act.response_size, "bytes") if act.response_size else None
    peak = format_figure(ae.peak_qps.value, "req/s")
    sd.note(["client", "app"], f"{action}: {peak} at peak")

    # Media reads come from the CDN, which falls back to object storage on a miss.
    if uses_media and is_read and cdn is not None:
        with sd.block("alt", "CDN hit"):
            sd.message("client", "cdn", f"GET media ({resp})" if resp else "GET media")
            sd.message("cdn", "client", "media bytes", kind="reply")
            sd.else_("CDN miss")
            sd.message("client", "cdn", "GET media")
            if obj is not None:
                sd.message("cdn", "obj", "GET object")
                sd.message("obj", "cdn", "object", kind="reply")
            sd.message("cdn", "client", "media bytes (now cached at the edge)", kind="reply")
        return Diagram("sequence", title, sd.render(), action)

    first = "lb" if lb is not None else "app"
    sd.message("client", first, endpoint, f"request {req}" if req else None)
    if lb is not None:
        sd.message("lb", "app", "forward to a healthy server")

    if is_read:
        if uses_cache:
            with sd.block("alt", "cache hit"):
                sd.message("app", "cache", "GET key")
                sd.message("cache", "app", "value", kind="reply")
                sd.else_("cache miss")
                sd.message("app", "cache", "GET key")
                sd.message("cache", "app", "miss", kind="reply")
                if db is not None:
                    sd.message("app", "db", "SELECT (read replica)")
                    sd.message("db", "app", "rows", kind="reply")
                sd.message("app", "cache", "SET key with TTL")
        elif db is not None:
            sd.message("app", "db", "SELECT")
            sd.message("db", "app", "rows", kind="reply")
    else:
        if uses_media and obj is not None:
            sd.message("app", "obj", "PUT media object")
            sd.message("obj", "app", "object key", kind="reply")
        if db is not None:
            if uses_media and obj is not None:
                sd.message("app", "db", "INSERT metadata row (primary)", "with the object key")
            else:
                stored = format_figure(act.stored_bytes, "bytes") if act.stored_bytes else None
                sd.message(
                    "app", "db", "INSERT (primary)", f"{stored} per row" if stored else None
                )
            sd.message("db", "app", "committed", kind="reply")
        if fans_out:
            sd.message("app", "queue", "publish event", kind="async")

    back = "lb" if lb is not None else "client"
    ok = "200 OK" if is_read else "201 Created"
    sd.message("app", back, ok, f"response {resp}" if resp else None, kind="reply")
    if lb is not None:
        sd.message("lb", "client", ok, kind="reply")

    if fans_out:
        _fanout(sd, spec, design, has_worker=worker is not None, has_cache=cache is not None)
    return Diagram("sequence", title, sd.render(), action)


def _fanout(sd: m.SequenceDiagram, spec: Spec, design: Design, *, has_worker: bool,
            has_cache: bool) -> None:
    followers = spec.users.followers
    consumer = "worker" if has_worker else "queue"
    store = "cache" if has_cache else ("db" if "db" in sd.ids else None)
    if has_worker:
        sd.message("queue", "worker", "deliver event", kind="async")
    if followers is None:
        with sd.block("loop", "each follower"):
            if store:
                sd.message(consumer, store, "push id to follower's timeline")
        return
    from sysdesign.spec import quantities as q

    avg = _num(followers.average)
    threshold = _num(followers.celebrity_threshold)
    inserts = (getattr(design, "numbers", None) or {}).get("fanout_inserts_peak_per_second")
    loop_label = f"each follower (about {avg} on average)"
    if inserts:
        loop_label += f": {q.fmt_rate(inserts, 'inserts/s')} at peak"
    with sd.block("alt", f"author has under {threshold} followers (fan-out on write)"):
        with sd.block("loop", loop_label):
            if store:
                sd.message(consumer, store, "push id to follower's timeline")
        sd.else_(f"celebrity: {threshold}+ followers (fan-out on read)")
        sd.note(consumer, "no push: followers merge this author's recent posts at read time")


# --------------------------------------------------------------------------- all


def diagrams(
    spec: Spec,
    est: Estimate | None = None,
    design: Design | None = None,
    *,
    kind: str = "architecture",
    action: str | None = None,
) -> list[Diagram]:
    """The diagrams of one kind (``all``: architecture, one sequence per action, ER)."""
    if kind not in KINDS:
        raise SysdesignError(f"unknown diagram kind {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "er":
        er = er_diagram(spec)
        if er is None:
            raise SysdesignError(
                "the spec has no entities: add an `entities:` section to draw an ER diagram"
            )
        return [er]
    if est is None or design is None:
        from sysdesign import derive_design, estimate

        est = est or estimate(spec)
        design = design or derive_design(spec, est)
    if kind == "architecture":
        return [architecture_diagram(spec, design)]
    if kind == "sequence":
        if action is None:
            if len(spec.actions) != 1:
                names = ", ".join(spec.actions)
                raise SysdesignError(f"--kind sequence needs --action NAME (one of {names})")
            action = next(iter(spec.actions))
        return [sequence_diagram(spec, est, design, action)]
    out = [architecture_diagram(spec, design)]
    names = [action] if action else list(spec.actions)
    out += [sequence_diagram(spec, est, design, a) for a in names]
    er = er_diagram(spec)
    if er is not None:
        out.append(er)
    return out


def to_markdown(items: list[Diagram], heading_level: int = 2) -> str:
    """Diagrams as a Markdown document: a heading and a fenced block each."""
    hashes = "#" * heading_level
    parts = [
        f"{hashes} {d.title}\n\n{d.fenced()}" + (f"\n{d.caption}\n" if d.caption else "")
        for d in items
    ]
    return "\n".join(parts)
