"""`sysdesign explain` through CliRunner."""

from __future__ import annotations

from typer.testing import CliRunner

from sysdesign.cli.explain import explain_command

from .conftest import make_app

APP = make_app(("explain", explain_command))
runner = CliRunner()


def test_lists_topics():
    r = runner.invoke(APP, ["explain"])
    assert r.exit_code == 0, r.output
    assert "token-bucket" in r.output and "concepts" in r.output


def test_one_card_has_every_part():
    r = runner.invoke(APP, ["explain", "token", "bucket"])
    assert r.exit_code == 0, r.output
    for part in ("What it is", "When to use it", "The trade-off", "A number to remember"):
        assert part in r.output


def test_alias_and_markdown():
    r = runner.invoke(APP, ["explain", "p99", "--format", "markdown"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("## Latency and percentiles")


def test_near_miss_finds_the_card():
    r = runner.invoke(APP, ["explain", "cache", "stampeed"])
    assert r.exit_code == 0, r.output
    assert "Thundering herd" in r.output


def test_unknown_topic_suggests_closest():
    r = runner.invoke(APP, ["explain", "cache", "things"])
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "Closest topics" in r.output and "caching" in r.output


def test_silly_topics_do_not_crash():
    for words in (["zzzzqqq"], ["-1"], ["9" * 50], ["'; drop table"]):
        r = runner.invoke(APP, ["explain", "--", *words])
        assert r.exit_code == 2, (words, r.output)
        assert "no concept card" in r.output
        assert "Traceback" not in r.output


def test_bad_format():
    r = runner.invoke(APP, ["explain", "dns", "--format", "pdf"])
    assert r.exit_code == 2 and "unknown format" in r.output


def test_with_spec_shows_where_it_appears(spec_path):
    r = runner.invoke(APP, ["explain", "caching", "--spec", str(spec_path)])
    assert r.exit_code == 0, r.output
    assert "Where it shows up in Microblog" in r.output
    assert "400 GB" in r.output  # 20% of 10M x 20 x 10 KB


def test_with_spec_availability(spec_path):
    r = runner.invoke(APP, ["explain", "nines", "--spec", str(spec_path), "-f", "markdown"])
    assert r.exit_code == 0, r.output
    assert "99.99%" in r.output and "52m 33.6s" in r.output


def test_missing_spec_is_a_clean_error(tmp_path):
    r = runner.invoke(APP, ["explain", "dns", "--spec", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_all_markdown_is_the_reference():
    r = runner.invoke(APP, ["explain", "--all", "--format", "markdown"])
    assert r.exit_code == 0
    assert r.output.startswith("# Concept reference")
    assert r.output.count("### A number to remember") >= 30
