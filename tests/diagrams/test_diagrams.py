"""Diagrams from the design model and entities, the `diagram` command, and real rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysdesign import derive_design, estimate, load_spec
from sysdesign.cli import app
from sysdesign.diagrams import diagrams, er_diagram, to_markdown
from sysdesign.errors import SysdesignError
from sysdesign.render.mmdc import render_markdown, svg_texts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "bad.yaml")
HOSTILE = Path(__file__).resolve().parent / "specs" / "hostile.yaml"
TWITTER = ROOT / "examples" / "twitter.yaml"
runner = CliRunner()


def build(path: Path, kind: str = "all", action: str | None = None):
    spec = load_spec(path)
    est = estimate(spec)
    return spec, diagrams(spec, est, derive_design(spec, est), kind=kind, action=action)


def test_architecture_labels_counts_numbers_and_paths():
    _, [arch] = build(TWITTER, "architecture")
    src = arch.source
    assert src.startswith('---\ntitle: "Twitter-like timeline: architecture"\n---\nflowchart LR')
    assert re.search(r'app\["App servers x\d+<br/>2,315 req/s at peak"\]', src), src
    assert 'subgraph sg_data ["Data tier"]' in src and 'subgraph sg_async' in src
    assert 'app -.->|"publish event"| queue' in src  # async edges are dotted
    assert re.search(r"linkStyle [\d,]+ stroke:#1f6fb2", src)  # read path
    assert re.search(r"linkStyle [\d,]+ stroke:#c0392b", src)  # write path
    assert "Database: 1 primary, no replica" in src
    assert arch.caption and "read path" in arch.caption


def test_sequence_read_has_cache_alt_and_write_has_fanout():
    _, [read] = build(TWITTER, "sequence", "view_timeline")
    assert "alt cache hit" in read.source and "else cache miss" in read.source
    assert "GET /api/v1/timeline/#123;user_id#125;" in read.source
    _, [write] = build(TWITTER, "sequence", "post_tweet")
    assert "app-)queue: publish event" in write.source
    assert "fan-out on write" in write.source and "fan-out on read" in write.source
    assert "loop each follower (about 200 on average" in write.source


def test_er_from_entities():
    spec = load_spec(TWITTER)
    er = er_diagram(spec)
    assert er is not None
    for name in ("User", "Tweet", "Follow", "Like"):
        assert f'{name}["{name}"]' in er.source
    assert "User ||--o{ Tweet" in er.source
    assert "string(280) body" in er.source


def test_all_is_deterministic_and_ordered():
    spec, first = build(TWITTER)
    _, second = build(TWITTER)
    assert to_markdown(first) == to_markdown(second)
    assert [d.kind for d in first] == ["architecture", "sequence", "sequence", "er"]
    assert [d.action for d in first if d.kind == "sequence"] == list(spec.actions)


def test_errors_are_user_errors():
    with pytest.raises(SysdesignError, match="unknown action"):
        build(TWITTER, "sequence", "nope")
    with pytest.raises(SysdesignError, match="--action"):
        build(TWITTER, "sequence")
    spec = load_spec(ROOT / "examples" / "url-shortener.yaml")
    if not spec.entities:
        with pytest.raises(SysdesignError, match="entities"):
            diagrams(spec, kind="er")


# --------------------------------------------------------------------------- CLI


def test_cli_stdout_is_pure_mermaid():
    res = runner.invoke(app, ["diagram", str(TWITTER)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("---\ntitle:") and "flowchart LR" in res.stdout
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "all"])
    assert res.exit_code == 0
    assert res.stdout.count("```mermaid") == 4


def test_cli_files_and_overwrite(tmp_path):
    mmd = tmp_path / "a.mmd"
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "er", "-o", str(mmd)])
    assert res.exit_code == 0, res.output
    assert mmd.read_text().startswith("---")
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "er", "-o", str(mmd)])
    assert res.exit_code == 2 and "--force" in res.output
    b_mmd = str(tmp_path / "b.mmd")
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "all", "-o", b_mmd])
    assert res.exit_code == 2 and ".md" in res.output
    md = tmp_path / "all.md"
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "all", "-o", str(md)])
    assert res.exit_code == 0 and md.read_text().count("```mermaid") == 4
    res = runner.invoke(app, ["diagram", str(TWITTER), "--kind", "sequence", "--action", "x"])
    assert res.exit_code == 2 and "unknown action" in res.output and "Traceback" not in res.output


def test_cli_render_without_any_renderer_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SYSDESIGN_MMDC", str(tmp_path / "no-mmdc"))
    monkeypatch.setenv("MERMAID_INK_SERVER", "http://127.0.0.1:9")  # nothing listens there
    out = tmp_path / "a.svg"
    res = runner.invoke(app, ["diagram", str(TWITTER), "--render", "svg", "-o", str(out)])
    assert res.exit_code == 2
    assert "mermaid-cli" in res.stderr and "MERMAID_INK_SERVER" in res.stderr
    assert res.stdout == ""  # mermaid-py's import notice never reaches stdout
    assert not out.exists()


@pytest.mark.mermaid
def test_cli_render_svg_and_png_with_mmdc(mmdc_ready, tmp_path):
    target = str(tmp_path / "t.svg")
    res = runner.invoke(
        app, ["diagram", str(TWITTER), "--kind", "all", "--render", "svg", "-o", target]
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert names == ["t-architecture.svg", "t-er.svg", "t-sequence-post_tweet.svg",
                     "t-sequence-view_timeline.svg"]
    png = tmp_path / "a.png"
    res = runner.invoke(app, ["diagram", str(TWITTER), "--render", "png", "-o", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- real render


@pytest.fixture(scope="module")
def rendered_all(mmdc_ready, tmp_path_factory):
    """Every example's and the hostile spec's `diagram --kind all`, rendered by one mmdc run."""
    work = tmp_path_factory.mktemp("diagrams")
    chunks, owners = [], []
    for path in [*EXAMPLES, HOSTILE]:
        out = work / f"{path.stem}.md"
        res = runner.invoke(app, ["diagram", str(path), "--kind", "all", "-o", str(out)])
        assert res.exit_code == 0, f"{path.name}: {res.output}"
        text = out.read_text()
        chunks.append(text)
        owners += [path.stem] * text.count("```mermaid")
    svgs = render_markdown("\n".join(chunks), work / "render")
    return list(zip(owners, [svg_texts(p.read_text()) for p in svgs], strict=True))


@pytest.mark.mermaid
def test_every_example_renders(rendered_all):
    stems = {o for o, _ in rendered_all}
    assert stems == {p.stem for p in [*EXAMPLES, HOSTILE]}
    assert len(EXAMPLES) >= 6
    for owner, texts in rendered_all:
        assert texts, f"{owner}: empty SVG"
        assert not any(re.search(r"#(quot|35|59|124|lt|gt|amp|37|96|123|125);", t)
                       for t in texts), (owner, texts)


@pytest.mark.mermaid
def test_hostile_names_read_as_written(rendered_all):
    texts = [t for owner, ts in rendered_all if owner == "hostile" for t in ts]
    for want in (
        'The "end" [system] #1; a|b ‹c› — Grüße 東京: architecture',
        'POST /api/v1/end?x="1"&y=#2;z',
        "GET /api/v1/{class}/<id>|all",
        "PUT /media/[id]#frag",
        'User "end"',
        'Post "end"',
        "Grüße",
        'likes "a lot" #1; <3',
        "naïve name; #1",
    ):
        assert any(want in t for t in texts), want
