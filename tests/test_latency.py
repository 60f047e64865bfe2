"""The latency numbers table: data integrity, formatting and the `latency` command."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from sysdesign.cli.latency import human_scale
from sysdesign.errors import SysdesignError
from sysdesign.latency_numbers import format_ns, load_latency_numbers, parse_latency_numbers

runner = CliRunner()


def test_table_loads_from_packaged_data() -> None:
    t = load_latency_numbers()
    keys = t.keys()
    assert keys[0] == "l1_cache_reference"
    assert keys[-1] == "cross_continent_round_trip"
    assert len(keys) == len(set(keys)) >= 12


def test_every_number_has_a_known_source_and_year() -> None:
    t = load_latency_numbers()
    for n in t.numbers:
        assert n.source in t.sources, n.key
        assert 2000 <= n.year <= 2025, n.key
        assert n.note
        assert n.updated is not None and n.updated.source in t.sources
    authors = " ".join(s.author for s in t.sources.values())
    for name in ("Jeff Dean", "Peter Norvig", "Colin Scott"):
        assert name in authors


def test_table_is_in_increasing_order() -> None:
    values = [n.value_ns for n in load_latency_numbers().numbers]
    assert values == sorted(values)


def test_well_known_values() -> None:
    t = load_latency_numbers()
    assert t.get("l1_cache_reference").value_ns == 0.5
    assert t.get("main_memory_reference").value_ns == 100
    assert t.get("datacenter_round_trip").value_ns == 500_000
    assert t.get("disk_seek").value_ns == 10_000_000
    assert t.get("cross_continent_round_trip").seconds == pytest.approx(0.150)
    # physics does not move: both round trips are the same in the later figures
    for key in ("datacenter_round_trip", "cross_continent_round_trip"):
        n = t.get(key)
        assert n.updated is not None and n.updated.value_ns == n.value_ns
    with pytest.raises(KeyError):
        t.get("warp_drive")


def test_ratios_quoted_in_the_notes_hold() -> None:
    t = load_latency_numbers()
    v = {n.key: n.value_ns for n in t.numbers}
    # "a network hop inside the data centre costs 5,000 memory references"
    assert v["datacenter_round_trip"] / v["main_memory_reference"] == 5_000
    # "10 ms, twenty data-centre round trips"
    assert v["disk_seek"] / v["datacenter_round_trip"] == 20
    # "about 14 times an L1 hit"
    assert v["l2_cache_reference"] / v["l1_cache_reference"] == 14
    # "about 4 times memory"
    assert v["ssd_read_1mb"] / v["read_1mb_memory"] == 4


@pytest.mark.parametrize(
    ("ns", "text"),
    [(0.5, "0.5 ns"), (100, "100 ns"), (3000, "3 µs"), (250_000, "250 µs"), (1e6, "1 ms"),
     (2.5e6, "2.5 ms"), (1.5e8, "150 ms"), (2e9, "2 s")],
)
def test_format_ns(ns: float, text: str) -> None:
    assert format_ns(ns) == text


@pytest.mark.parametrize(
    ("ns", "text"),
    [(0.5, "0.5 s"), (100, "1.7 min"), (500_000, "5.8 days"), (1.5e8, "4.8 years")],
)
def test_human_scale(ns: float, text: str) -> None:
    assert human_scale(ns) == text


def test_format_ns_rejects_negative() -> None:
    with pytest.raises(ValueError):
        format_ns(-1)


def test_broken_data_reports_every_problem() -> None:
    raw = {
        "sources": {"a": {"author": "A", "title": "T", "year": 2009, "url": "u"}},
        "numbers": [
            {"key": "x", "operation": "X", "value_ns": -1, "source": "a", "year": 2009,
             "note": "n"},
            {"key": "y", "operation": "Y", "value_ns": 5, "source": "nope", "year": 2009,
             "note": "n"},
        ],
    }
    with pytest.raises(SysdesignError) as err:
        parse_latency_numbers(raw, "test")
    msg = str(err.value)
    assert "numbers.x.value_ns" in msg and "numbers.y.source" in msg


def test_unreadable_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SysdesignError):
        load_latency_numbers(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("numbers: [\n", encoding="utf-8")
    with pytest.raises(SysdesignError):
        load_latency_numbers(str(bad))


# --- CLI ----------------------------------------------------------------------------------


def _app() -> typer.Typer:
    """The real app when it registers the command; otherwise a one-command app around it."""
    try:
        import typer.main

        from sysdesign.cli import app

        if "latency" in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
            return app
    except ImportError:
        pass
    from sysdesign.cli.latency import latency_command

    app = typer.Typer()
    app.command("latency")(latency_command)
    app.command("noop")(lambda: None)
    return app


def test_cli_table() -> None:
    r = runner.invoke(_app(), ["latency"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    for text in ("L1 cache reference", "0.5 ns", "150 ms", "How to read them", "Colin Scott",
                 "Jeff Dean", "Peter Norvig"):
        assert text in r.stdout


def test_cli_json() -> None:
    r = runner.invoke(_app(), ["latency", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["unit"] == "ns"
    first = d["numbers"][0]
    assert first["key"] == "l1_cache_reference"
    assert first["value_ns"] == 0.5
    assert {"source", "year", "note", "updated", "human", "human_scale"} <= set(first)
    assert "scott-2020" in d["sources"]
    assert d["how_to_read"]


def test_cli_markdown() -> None:
    r = runner.invoke(_app(), ["latency", "--format", "markdown"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("## Latency numbers every programmer should know")
    assert "| L1 cache reference | 0.5 ns | 2009 |" in r.stdout
    assert "### Sources" in r.stdout


def test_cli_bad_format() -> None:
    r = runner.invoke(_app(), ["latency", "--format", "xml"])
    if isinstance(r.exception, SysdesignError):
        assert "unknown format" in str(r.exception)
    else:
        assert r.exit_code == 2
        assert "unknown format" in r.output + r.stderr
