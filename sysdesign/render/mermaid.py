"""A small Mermaid emitter that owns identifiers and escaping.

Everything sysdesign draws goes through this module, so that names taken from a spec (a node
called ``end``, a label with a quote, ``#`` or ``;`` in it, non-ASCII text) can never change the
meaning of the diagram or render as something other than what was written.

The rules it enforces:

* Identifiers are made here, never taken raw from user text: ``[A-Za-z][A-Za-z0-9_]*``, never a
  Mermaid keyword (``end``, ``class``, ``style``, ``subgraph``...), unique per diagram and stable
  for the same key, so output is deterministic.
* Every user label is entity-encoded: ``"`` ``#`` ``;`` ``|`` ``<`` ``>`` ``&`` ``%`` and the
  backtick become Mermaid entity codes (``#quot;``, ``#35;``...), and flowchart/ER labels are
  also wrapped in double quotes. Line breaks are emitted as ``<br/>`` by the emitter itself.
* The front-matter title is a YAML double-quoted string (``<``/``>`` shown as ``‹``/``›``).
* Output order is the order of the calls; nothing is sorted or hashed behind the caller's back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# Words that mean something to at least one Mermaid diagram parser. Compared case-insensitively.
RESERVED = frozenset(
    {
        "end", "class", "classdef", "style", "subgraph", "graph", "flowchart", "click",
        "default", "direction", "linkstyle", "call", "href", "interpolate", "tb", "td", "bt",
        "rl", "lr", "sequencediagram", "participant", "actor", "as", "alt", "else", "opt",
        "loop", "par", "and", "rect", "note", "over", "left", "right", "of", "activate",
        "deactivate", "autonumber", "critical", "break", "box", "create", "destroy", "title",
        "erdiagram", "accdescr", "acctitle", "pk", "fk", "uk", "one", "many", "only", "zero",
        "to", "optionally", "u", "o", "x", "v", "e", "l", "r", "t", "b",
    }
)

_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    ";": "#59;",
    "|": "#124;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "%": "#37;",
    "`": "#96;",
    "{": "#123;",
    "}": "#125;",
}
_ENTITY_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_WS_RE = re.compile(r"[\r\n\t]+")
_ID_BAD = re.compile(r"[^A-Za-z0-9_]+")
_ID_OK = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

BR = "<br/>"


def escape(text: object) -> str:
    """Entity-encode one line of user text (newlines and tabs become spaces)."""
    s = _WS_RE.sub(" ", str(text))
    return _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(0)], s)


def text(*lines: object) -> str:
    """Escaped lines joined with Mermaid line breaks, not quoted (sequence diagrams)."""
    return BR.join(escape(line) for line in lines if line is not None and str(line) != "")


def quote(*lines: object) -> str:
    """A quoted, escaped label of one or more lines (flowchart nodes, edges, ER labels)."""
    return '"' + text(*lines) + '"'


def front_matter(title: str | None) -> str:
    """The ``---`` block carrying the diagram title as a YAML double-quoted scalar.

    Mermaid shows the title literally (no entity codes) but strips anything that looks like an
    HTML tag, so ``<`` and ``>`` become the look-alike angle quotes ``‹`` and ``›``.
    """
    if not title:
        return ""
    clean = _WS_RE.sub(" ", title).replace("<", "\u2039").replace(">", "\u203a")
    return "---\ntitle: " + json.dumps(clean, ensure_ascii=False) + "\n---\n"


def is_valid_id(ident: str) -> bool:
    return bool(_ID_OK.match(ident)) and ident.lower() not in RESERVED


class IdMaker:
    """Makes safe, unique, stable identifiers from arbitrary keys.

    The same key always maps to the same id within one maker; different keys never collide.
    """

    def __init__(self, prefix: str = "n") -> None:
        self.prefix = prefix
        self._by_key: dict[str, str] = {}
        self._used: set[str] = set()

    def __call__(self, key: str) -> str:
        if key in self._by_key:
            return self._by_key[key]
        base = _ID_BAD.sub("_", key.encode("ascii", "ignore").decode()).strip("_")
        if not base or not base[0].isalpha():
            base = f"{self.prefix}_{base}" if base else self.prefix
        if base.lower() in RESERVED:
            base = f"{self.prefix}_{base}"
        base = base[:48].rstrip("_") or self.prefix
        ident, n = base, 1
        while ident.lower() in self._used:
            n += 1
            ident = f"{base}_{n}"
        self._used.add(ident.lower())
        self._by_key[key] = ident
        return ident

    def get(self, key: str) -> str:
        """The id already made for ``key`` (KeyError if none: edges must name known nodes)."""
        return self._by_key[key]

    def __contains__(self, key: str) -> bool:
        return key in self._by_key


# --------------------------------------------------------------------------- flowchart

_SHAPES = {
    "rect": ("[", "]"),
    "round": ("(", ")"),
    "stadium": ("([", "])"),
    "subroutine": ("[[", "]]"),
    "cylinder": ("[(", ")]"),
    "circle": ("((", "))"),
    "hexagon": ("{{", "}}"),
    "parallelogram": ("[/", "/]"),
    "trapezoid": ("[/", "\\]"),
    "asymmetric": (">", "]"),
}

_ARROWS = {"solid": "-->", "dotted": "-.->", "thick": "==>", "line": "---"}


@dataclass
class _Edge:
    src: str
    dst: str
    label: str | None
    style: str


class Flowchart:
    """A ``flowchart`` with nodes, labelled edges, nested subgraphs and CSS classes."""

    def __init__(self, direction: str = "LR", title: str | None = None) -> None:
        if direction not in {"LR", "RL", "TB", "TD", "BT"}:
            raise ValueError(f"bad flowchart direction {direction!r}")
        self.direction = direction
        self.title = title
        self.ids = IdMaker("n")
        self._lines: list[str] = []
        self._depth = 0
        self._edges: list[_Edge] = []
        self._class_defs: dict[str, str] = {}
        self._classes: dict[str, list[str]] = {}
        self._link_styles: dict[str, list[int]] = {}
        self._styles: list[str] = []

    def _emit(self, line: str) -> None:
        self._lines.append("    " * (self._depth + 1) + line)

    def node(
        self, key: str, *label: object, shape: str = "rect", css_class: str | None = None
    ) -> str:
        """Declare a node; returns its id. ``label`` lines default to the key."""
        if key in self.ids:
            raise ValueError(f"node {key!r} declared twice")
        ident = self.ids(key)
        left, right = _SHAPES[shape]
        self._emit(f"{ident}{left}{quote(*(label or (key,)))}{right}")
        if css_class:
            self._classes.setdefault(_class_name(css_class), []).append(ident)
        return ident

    @contextmanager
    def subgraph(
        self, key: str, *label: object, direction: str | None = None, css: str | None = None
    ) -> Iterator[str]:
        """A subgraph; ``css`` is sysdesign's own styling for its box, never user text."""
        ident = self.ids("sg " + key)
        if css:
            self._styles.append(f"style {ident} {css}")
        self._emit(f"subgraph {ident} [{quote(*(label or (key,)))}]")
        self._depth += 1
        if direction:
            self._emit(f"direction {direction}")
        try:
            yield ident
        finally:
            self._depth -= 1
            self._emit("end")

    def edge(
        self,
        src: str,
        dst: str,
        *label: object,
        style: str = "solid",
        link_class: str | None = None,
    ) -> int:
        """An edge between two declared node keys; returns its index (for link styles)."""
        a, b = self.ids.get(src), self.ids.get(dst)
        arrow = _ARROWS[style]
        lab = f"|{quote(*label)}|" if any(str(x) for x in label) else ""
        index = len(self._edges)
        self._edges.append(_Edge(a, b, lab or None, style))
        if link_class:
            self._link_styles.setdefault(link_class, []).append(index)
        self._emit(f"{a} {arrow}{lab} {b}")
        return index

    def class_def(self, name: str, css: str) -> None:
        """A node class; ``css`` is sysdesign's own styling, never user text."""
        self._class_defs[_class_name(name)] = css

    def link_style(self, link_class: str, css: str) -> None:
        self._class_defs["__link__" + link_class] = css

    def render(self) -> str:
        out = [front_matter(self.title) + f"flowchart {self.direction}", *self._lines]
        for name, css in self._class_defs.items():
            if name.startswith("__link__"):
                idx = self._link_styles.get(name[len("__link__") :])
                if idx:
                    out.append(f"    linkStyle {','.join(map(str, idx))} {css}")
            else:
                out.append(f"    classDef {name} {css}")
        for name, members in self._classes.items():
            out.append(f"    class {','.join(members)} {name}")
        out.extend("    " + line for line in self._styles)
        return "\n".join(out) + "\n"


def _class_name(name: str) -> str:
    ident = _ID_BAD.sub("_", name)
    if not is_valid_id(ident):
        ident = "c_" + ident
    return ident


# --------------------------------------------------------------------------- sequence

_SEQ_ARROWS = {
    "sync": "->>",
    "reply": "-->>",
    "async": "-)",
    "async_reply": "--)",
    "line": "->",
}


class SequenceDiagram:
    """A ``sequenceDiagram``: participants, messages, notes and alt/opt/loop/par blocks."""

    def __init__(self, title: str | None = None, autonumber: bool = False) -> None:
        self.title = title
        self.autonumber = autonumber
        self.ids = IdMaker("p")
        self._head: list[str] = []
        self._lines: list[str] = []
        self._depth = 0

    def _emit(self, line: str) -> None:
        self._lines.append("    " * (self._depth + 1) + line)

    def participant(self, key: str, *label: object, actor: bool = False) -> str:
        if key in self.ids:
            raise ValueError(f"participant {key!r} declared twice")
        ident = self.ids(key)
        kind = "actor" if actor else "participant"
        # The alias runs to the end of the line and is not unquoted by Mermaid: no quotes here.
        self._head.append(f"    {kind} {ident} as {text(*(label or (key,)))}")
        return ident

    def message(self, src: str, dst: str, *label: object, kind: str = "sync") -> None:
        a, b = self.ids.get(src), self.ids.get(dst)
        self._emit(f"{a}{_SEQ_ARROWS[kind]}{b}: {text(*label) or ' '}".rstrip())

    def note(self, over: str | Iterable[str], *label: object) -> None:
        keys = [over] if isinstance(over, str) else list(over)
        who = ",".join(self.ids.get(k) for k in keys)
        self._emit(f"Note over {who}: {text(*label)}")

    @contextmanager
    def block(self, kind: str, *label: object) -> Iterator[None]:
        """``alt``/``opt``/``loop``/``par``/``critical``/``break`` block; see :meth:`else_`."""
        if kind not in {"alt", "opt", "loop", "par", "critical", "break"}:
            raise ValueError(f"bad block kind {kind!r}")
        self._emit(f"{kind} {text(*label)}".rstrip())
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            self._emit("end")

    def else_(self, *label: object, keyword: str = "else") -> None:
        """Start the next branch of the current ``alt`` (``else``) or ``par`` (``and``)."""
        if self._depth == 0:
            raise ValueError("else_ outside a block")
        self._lines.append("    " * self._depth + f"{keyword} {text(*label)}".rstrip())

    def render(self) -> str:
        out = [front_matter(self.title) + "sequenceDiagram"]
        if self.autonumber:
            out.append("    autonumber")
        return "\n".join([*out, *self._head, *self._lines]) + "\n"


# --------------------------------------------------------------------------- ER

_ER_TOKEN_BAD = re.compile(r"[^A-Za-z0-9_]+")
_ER_TYPE_BAD = re.compile(r"[^A-Za-z0-9_()\[\]\-]+")

# Crow's-foot ends, left side then right side.
_CARD_LEFT = {"one": "||", "zero_or_one": "|o", "many": "}|", "zero_or_many": "}o"}
_CARD_RIGHT = {"one": "||", "zero_or_one": "o|", "many": "|{", "zero_or_many": "o{"}


@dataclass
class ERAttribute:
    type: str
    name: str
    keys: tuple[str, ...] = ()
    comment: str | None = None


@dataclass
class _EREntity:
    ident: str
    label: str
    attributes: list[ERAttribute] = field(default_factory=list)


def er_token(value: str, *, kind: str = "name") -> str:
    """Squeeze a field name or type into the characters an ER attribute allows."""
    bad = _ER_TYPE_BAD if kind == "type" else _ER_TOKEN_BAD
    s = bad.sub("_", value.encode("ascii", "ignore").decode()).strip("_")
    if not s or not s[0].isalpha():
        s = ("t_" if kind == "type" else "f_") + s
    if s.lower() in RESERVED:
        s = "f_" + s
    return s


class ERDiagram:
    """An ``erDiagram`` with aliased entities (label shown as written), attributes, relations."""

    def __init__(self, title: str | None = None) -> None:
        self.title = title
        self.ids = IdMaker("e")
        self._entities: list[_EREntity] = []
        self._relations: list[str] = []

    def entity(self, key: str, label: str | None = None) -> _EREntity:
        if key in self.ids:
            raise ValueError(f"entity {key!r} declared twice")
        ent = _EREntity(self.ids(key), label if label is not None else key)
        self._entities.append(ent)
        return ent

    def attribute(
        self,
        entity: _EREntity,
        type_: str,
        name: str,
        keys: Iterable[str] = (),
        comment: str | None = None,
    ) -> None:
        """Add a field. The name and type are squeezed to Mermaid's token rules; when that
        changes the name, the original goes into the comment so nothing is lost."""
        safe_name = er_token(name)
        safe_type = er_token(type_, kind="type")
        notes = []
        if safe_name != name:
            notes.append(name)
        if comment:
            notes.append(comment)
        ks = tuple(k for k in ("PK", "FK", "UK") if k in set(keys))
        entity.attributes.append(ERAttribute(safe_type, safe_name, ks, ", ".join(notes) or None))

    def relation(
        self,
        left: str,
        right: str,
        label: str,
        *,
        left_card: str = "one",
        right_card: str = "zero_or_many",
        identifying: bool = True,
    ) -> None:
        a, b = self.ids.get(left), self.ids.get(right)
        line = "--" if identifying else ".."
        self._relations.append(
            f"    {a} {_CARD_LEFT[left_card]}{line}{_CARD_RIGHT[right_card]} {b} : {quote(label)}"
        )

    def render(self) -> str:
        out = [front_matter(self.title) + "erDiagram"]
        for ent in self._entities:
            head = f"    {ent.ident}[{quote(ent.label)}]"
            if not ent.attributes:
                out.append(head)
                continue
            out.append(head + " {")
            for at in ent.attributes:
                parts = [at.type, at.name]
                if at.keys:
                    parts.append(", ".join(at.keys))
                if at.comment:
                    parts.append(quote(at.comment))
                out.append("        " + " ".join(parts))
            out.append("    }")
        out.extend(self._relations)
        return "\n".join(out) + "\n"


def fenced(source: str) -> str:
    """A Markdown fenced ``mermaid`` block around one diagram."""
    return "```mermaid\n" + source.rstrip("\n") + "\n```\n"
