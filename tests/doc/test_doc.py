"""The design document: sections, content from the spec's own numbers, user templates,
HTML, and every Mermaid block rendered by mmdc."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysdesign import load_spec
from sysdesign.cli import app
from sysdesign.doc import SECTIONS, build_context, mermaid_blocks, render_doc
from sysdesign.render.mmdc import render_markdown, svg_texts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "bad.yaml")
HOSTILE = ROOT / "tests" / "diagrams" / "specs" / "hostile.yaml"
TWITTER = ROOT / "examples" / "twitter.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def twitter_doc() -> str:
    return render_doc(load_spec(TWITTER))


def test_twitter_doc_has_every_section(twitter_doc):
    headings = re.findall(r"^## \d+\. (.+)$", twitter_doc, flags=re.M)
    assert headings == list(SECTIONS)
    for needle in (
        "### Functional requirements",
        "### Non-functional requirements",
        "| Peak QPS | **2,315 req/s** | 1,157 req/s x 2 = 2,315 req/s |",  # work shown
        "### `POST /api/v1/tweet` (post_tweet)",
        "CREATE INDEX ix_tweets_user_id_created_at ON tweets (user_id, created_at);",
        "CREATE UNIQUE INDEX ux_follows_follower_id_followee_id",
        "CREATE UNIQUE INDEX ux_likes_user_id_tweet_id ON likes (user_id, tweet_id);",
        "erDiagram",
        "flowchart LR",
        "### Fan-out: on write, on read, or hybrid",
        "400M inserts a day",  # 2M posts x 200 followers, the spec's own numbers
        "AVL002",  # the single load balancer finding
        "| Availability | share of requests",
        "4.32 min per 30 days",
        "## 10. Summary",
    ):
        assert needle in twitter_doc, needle
    assert len(mermaid_blocks(twitter_doc)) == 4  # ER, architecture, two sequences


def test_twitter_ddl_from_doc_runs_in_sqlite(twitter_doc):
    sql = re.findall(r"```sql\n(.*?)```", twitter_doc, flags=re.S)
    assert len(sql) == 2  # PostgreSQL, then SQLite
    con = sqlite3.connect(":memory:")
    con.executescript(sql[1])
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"users", "tweets", "follows", "likes"}


def test_doc_is_deterministic():
    assert render_doc(load_spec(TWITTER)) == render_doc(load_spec(TWITTER))


@pytest.mark.parametrize("path", [*EXAMPLES, HOSTILE], ids=lambda p: p.stem)
def test_every_example_doc_uses_the_diagram_command_blocks(path, tmp_path):
    out = tmp_path / "design.md"
    res = runner.invoke(app, ["doc", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    doc = out.read_text()
    assert re.findall(r"^## \d+\. (.+)$", doc, flags=re.M) == list(SECTIONS)
    # The doc embeds exactly the diagrams `diagram --kind all` draws (those are all rendered
    # by mmdc in tests/diagrams), so the doc's blocks are validated too.
    res = runner.invoke(app, ["diagram", str(path), "--kind", "all"])
    assert res.exit_code == 0
    assert sorted(mermaid_blocks(doc)) == sorted(mermaid_blocks(res.stdout))


@pytest.mark.mermaid
def test_doc_renders_through_mmdc(mmdc_ready, tmp_path):
    # One end-to-end render of a whole doc, as a user would run `mmdc -i design.md`.
    doc = render_doc(load_spec(TWITTER))
    svgs = render_markdown(doc, tmp_path)
    assert len(svgs) == len(mermaid_blocks(doc)) == 4
    texts = [t for f in svgs for t in svg_texts(f.read_text())]
    assert "Twitter-like timeline: architecture" in texts


def test_hostile_doc_keeps_markdown_intact():
    doc = render_doc(load_spec(HOSTILE))
    # Table rows keep their column count even with | in names and endpoints.
    for line in doc.splitlines():
        if line.startswith("| end") or line.startswith("| class"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 7, line
    assert doc.startswith("# The \"end\" \\[system\\] #1; a\\|b \\<c> — Grüße 東京: system design")


# --------------------------------------------------------------------------- templates


def test_user_template_gets_the_documented_context(tmp_path):
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text(
        "# {{ system.name }}\n"
        "{% for c in components %}- {{ c.title }}: {{ c.headline }}\n{% endfor %}"
        "{{ diagrams.architecture.fenced }}"
        "{{ ddl.postgresql | fence('sql') }}\n"
        "{{ availability.achieved_text }} {{ slos[0].error_budget }}\n"
    )
    out = tmp_path / "out.md"
    res = runner.invoke(app, ["doc", str(TWITTER), "--template", str(tpl), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert text.startswith("# Twitter-like timeline\n- Clients")
    assert "- App servers x6: 2,315 req/s at peak" in text
    assert "CREATE TABLE users" in text


@pytest.mark.parametrize(
    "body, message",
    [
        ("{{ nope }}", "'nope' is undefined"),
        ("{{ system.nope }}", "nope"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ components.append(1) }}", "unsafe"),
        ("{% for x in %}", "mine.md.j2"),
    ],
)
def test_user_template_errors_are_clean(tmp_path, body, message):
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text(body)
    res = runner.invoke(app, ["doc", str(TWITTER), "--template", str(tpl)])
    assert res.exit_code == 2, res.output
    assert message in res.stderr and "Traceback" not in res.output


def test_context_is_plain_data():
    ctx = build_context(load_spec(TWITTER))

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                assert isinstance(k, str)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert x is None or isinstance(x, str | int | float | bool), type(x)

    walk(ctx)


def test_doc_refuses_to_overwrite(tmp_path):
    out = tmp_path / "d.md"
    out.write_text("mine")
    res = runner.invoke(app, ["doc", str(TWITTER), "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.stderr
    assert out.read_text() == "mine"


@pytest.mark.mermaid
def test_html_is_self_contained(mmdc_ready, tmp_path):
    out = tmp_path / "d.html"
    res = runner.invoke(app, ["doc", str(TWITTER), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 4 and "```mermaid" not in page
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert not re.search(r"url\((?!#)", page)  # only in-page references (markers)
    assert "<table>" in page and "CREATE TABLE users" in page
