"""The Mermaid emitter: ids, escaping, determinism, and labels surviving a real render."""

from __future__ import annotations

import re

import pytest

from sysdesign.render import mermaid as m
from sysdesign.render.mmdc import render_many, svg_texts

HOSTILE = [
    "end",
    'He said "hi"',
    "issue #42; closed",
    "a|b <c> & d",
    "[brackets] (parens) {braces}",
    "Grüße, 東京 — café",
    "50% off `code`",
    "class",
    "A: b",
    "x -> y --> z",
]

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


# --------------------------------------------------------------------------- pure text


def test_escape_encodes_every_dangerous_character():
    assert m.escape('"#;|<>') == "#quot;#35;#59;#124;#lt;#gt;"
    assert m.escape("a & b % c `d`") == "a #amp; b #37; c #96;d#96;"
    assert m.escape("line\none") == "line one"
    assert m.escape("Grüße 東京") == "Grüße 東京"


def test_quote_wraps_and_joins_lines():
    assert m.quote("a", 'b"c') == '"a<br/>b#quot;c"'
    assert '"' not in m.quote('"')[1:-1]


@pytest.mark.parametrize("name", HOSTILE + ["", "123", "___", "_x", "END", "Default"])
def test_ids_are_safe(name):
    ident = m.IdMaker()(name)
    assert ID_RE.match(ident), ident
    assert ident.lower() not in m.RESERVED


def test_ids_unique_and_stable():
    ids = m.IdMaker()
    a = ids("web server")
    b = ids("web-server")  # squeezes to the same base
    c = ids("Web_Server")  # differs only by case
    assert len({a.lower(), b.lower(), c.lower()}) == 3
    assert ids("web server") == a
    with pytest.raises(KeyError):
        ids.get("never declared")


def test_front_matter_title_is_quoted_yaml():
    fm = m.front_matter('Design: "x" #1')
    assert fm == '---\ntitle: "Design: \\"x\\" #1"\n---\n'
    assert m.front_matter(None) == ""
    assert "<" not in m.front_matter("a <b>")


def test_flowchart_is_deterministic_and_never_uses_raw_keywords():
    def build() -> str:
        fc = m.Flowchart("LR", title="t")
        fc.class_def("db", "fill:#eef")
        with fc.subgraph("end", "tier: end"):
            fc.node("end", "end", shape="cylinder", css_class="db")
            fc.node("class", "class")
        fc.node("style", 'style "x"')
        fc.edge("end", "class", "reads; 1|2")
        fc.edge("class", "style", style="dotted", link_class="async")
        fc.link_style("async", "stroke:#888")
        return fc.render()

    out = build()
    assert out == build()
    body = out.split("flowchart LR\n", 1)[1]
    for line in body.splitlines():
        first = line.strip().split(" ")[0].split("[")[0].split("(")[0]
        if first in {"subgraph", "end", "classDef", "class", "linkStyle", "direction"}:
            continue
        assert first.lower() not in m.RESERVED, line
    assert "linkStyle 1 stroke:#888" in out
    assert '-->|"reads#59; 1#124;2"|' in out


def test_sequence_and_er_shapes():
    sd = m.SequenceDiagram(title="flow")
    sd.participant("client", "Client", actor=True)
    sd.participant("end", "end")
    with sd.block("alt", "hit #1"):
        sd.message("client", "end", "GET /x; y")
        sd.else_("miss")
        sd.message("end", "client", "200", kind="reply")
    out = sd.render()
    assert "actor client as Client" in out
    assert "alt hit #35;1" in out
    assert "GET /x#59; y" in out

    er = m.ERDiagram()
    u = er.entity("User")
    er.attribute(u, "string(280)", "bio")
    er.attribute(u, "bigint", "first name", ["PK"])
    t = er.entity("end")
    er.attribute(t, "bigint", "user_id", ["FK"])
    er.relation("User", "end", "writes")
    text = er.render()
    assert "string(280) bio" in text
    assert 'bigint first_name PK "first name"' in text
    assert '||--o{' in text and ': "writes"' in text


# --------------------------------------------------------------------------- real render


def _flowchart() -> tuple[str, list[str]]:
    fc = m.Flowchart("TB", title='Hostile: "names" #1; <ok>')
    with fc.subgraph("tier end", "end; tier #1"):
        for i, name in enumerate(HOSTILE):
            fc.node(f"k{i}" if i % 2 else name, name, "second line")
    keys = [f"k{i}" if i % 2 else name for i, name in enumerate(HOSTILE)]
    for a, b in zip(keys, keys[1:], strict=False):
        fc.edge(a, b, f"{a} -> {b}", style="dotted" if a == "end" else "solid")
    return fc.render(), [*HOSTILE, "second line", 'Hostile: "names" #1; \u2039ok\u203a']


def _sequence() -> tuple[str, list[str]]:
    sd = m.SequenceDiagram(title="seq #1")
    for name in HOSTILE[:4]:
        sd.participant(name, name)
    with sd.block("alt", 'cache hit "#1"'):
        sd.message(HOSTILE[0], HOSTILE[1], HOSTILE[2])
        sd.else_("miss; <slow>")
        sd.message(HOSTILE[1], HOSTILE[3], HOSTILE[5], kind="async")
    sd.note([HOSTILE[0], HOSTILE[1]], HOSTILE[6])
    return sd.render(), [*HOSTILE[:4], HOSTILE[5], HOSTILE[6], "[miss; <slow>]"]


def _er() -> tuple[str, list[str]]:
    er = m.ERDiagram(title="data #1")
    a = er.entity("end", 'end "user" #1')
    er.attribute(a, "bigint", "id", ["PK"])
    er.attribute(a, "varchar(280)", "naïve name", ["UK"], comment="limit; 280 | chars")
    b = er.entity("class", "Grüße")
    er.attribute(b, "bigint", "end_id", ["FK"])
    er.relation("end", "class", 'has "many" #;')
    return er.render(), ['end "user" #1', "Grüße", 'has "many" #;', "varchar(280)"]


@pytest.fixture(scope="module")
def rendered(mmdc_ready, tmp_path_factory):
    cases = [_flowchart(), _sequence(), _er()]
    svgs = render_many([src for src, _ in cases], tmp_path_factory.mktemp("mmdc"))
    return [(svg_texts(svg), expected) for svg, (_, expected) in zip(svgs, cases, strict=True)]


@pytest.mark.mermaid
@pytest.mark.parametrize("index", [0, 1, 2], ids=["flowchart", "sequence", "er"])
def test_labels_render_as_written(rendered, index):
    texts, expected = rendered[index]
    for want in expected:
        assert any(want in t for t in texts), f"{want!r} not among {texts}"
    # No entity code leaked through undecoded.
    assert not any(re.search(r"#(quot|35|59|124|lt|gt|amp|37|96);", t) for t in texts), texts
