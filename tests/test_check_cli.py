"""`sysdesign check` and `sysdesign design` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysdesign.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TWITTER = str(EXAMPLES / "twitter.yaml")
PASTEBIN = str(EXAMPLES / "pastebin.yaml")  # warnings only
VIDEO = str(EXAMPLES / "video-streaming.yaml")  # notes only
BAD = str(EXAMPLES / "bad.yaml")


@pytest.fixture()
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TERMINAL_WIDTH", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    return CliRunner()


def codes(output: str) -> list[str]:
    return [f["code"] for f in json.loads(output)["findings"]]


# --- check: formats ---------------------------------------------------------------------------


def test_check_table(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", TWITTER])
    assert r.exit_code == 1, r.output
    out = r.output
    assert "Design check for Twitter-like timeline" in out
    # grouped by severity, errors first
    assert out.index("Errors (3)") < out.index("Warnings (1)") < out.index("Notes (7)")
    for code in ("AVL001", "AVL002", "AVL003", "STO002", "CAP001", "CAC001"):
        assert code in out
    assert "Why:" in out and "Fix:" in out
    assert "behind a load balancer" in out
    assert "error budget 4.32 min/month" in out
    assert out.rstrip().splitlines()[-1] == "3 errors, 1 warning, 7 notes"


def test_check_json(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", TWITTER, "--format", "json"])
    assert r.exit_code == 1
    d = json.loads(r.output)
    for f in d["findings"]:
        assert {"code", "severity", "title", "message", "why", "fix"} <= set(f)
    assert d["availability"]["target"] == pytest.approx(0.9999)
    assert d["availability"]["achieved"] == pytest.approx(
        0.99999 * 0.9999 * (1 - 0.001 ** 6) * 0.9995, abs=1e-12)
    assert d["availability"]["weakest"] == "database"
    tl = d["latency"]["view_timeline"]
    assert (tl["target_ms"], tl["percentile"]) == (200, "p95")
    assert tl["expected_ms"] == pytest.approx(59.6)


def test_check_markdown(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", TWITTER, "-f", "markdown"])
    assert r.exit_code == 1
    out = r.output
    assert out.startswith("## Design check: Twitter-like timeline")
    assert "### Availability" in out and "### Latency budgets" in out
    assert "### Errors" in out and "### Warnings" in out and "### Notes" in out
    assert "- **AVL002** Single load balancer" in out
    assert "| `view_timeline` |" in out
    assert "*Why:*" in out and "*Fix:*" in out


def test_check_output_file_and_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "check.md"
    r = runner.invoke(app, ["check", TWITTER, "-f", "markdown", "-o", str(target)])
    assert r.exit_code == 1 and target.read_text().startswith("## Design check")
    target.write_text("mine")
    r = runner.invoke(app, ["check", TWITTER, "-f", "markdown", "-o", str(target)])
    assert r.exit_code == 2 and "--force" in r.output
    assert target.read_text() == "mine"
    r = runner.invoke(app, ["check", TWITTER, "-f", "markdown", "-o", str(target), "--force"])
    assert r.exit_code == 1 and target.read_text().startswith("## Design check")


# --- check: exit codes ------------------------------------------------------------------------


def test_exit_codes(runner: CliRunner) -> None:
    assert runner.invoke(app, ["check", VIDEO]).exit_code == 0
    assert runner.invoke(app, ["check", VIDEO, "--strict"]).exit_code == 0
    assert runner.invoke(app, ["check", PASTEBIN]).exit_code == 0
    assert runner.invoke(app, ["check", PASTEBIN, "--strict"]).exit_code == 1
    assert runner.invoke(app, ["check", TWITTER]).exit_code == 1


def test_fixing_the_spec_clears_the_errors(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", TWITTER, "-f", "json", "--set",
                            "design.database.replicas=1", "--set",
                            "design.load_balancer.count=2"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["availability"]["achieved"] >= d["availability"]["target"]
    assert not {"AVL002", "AVL003"} & set(codes(r.output))


def test_bad_spec_exits_2_without_traceback(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", BAD])
    assert r.exit_code == 2
    assert "bad.yaml:7" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["check", str(EXAMPLES / "no-such.yaml")])
    assert r.exit_code == 2 and "no such file" in r.output


def test_spec_on_stdin(runner: CliRunner) -> None:
    text = Path(TWITTER).read_text(encoding="utf-8")
    r = runner.invoke(app, ["check", "-", "-f", "json"], input=text)
    assert r.exit_code == 1 and "AVL002" in codes(r.output)


# --- check: --select / --ignore -----------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--select", "AVL002"], ["AVL002"]),
    (["--select", "avl002,AVL003"], ["AVL002", "AVL003"]),
    (["--select", "AVL002", "--select", "CAC001"], ["AVL002", "CAC001"]),
    (["--select", "CAP"], ["CAP001", "CAP005"]),
    (["--select", "cache"], ["CAC001"]),
    (["--select", "availability", "--ignore", "AVL001"], ["AVL002", "AVL003"]),
])
def test_select(runner: CliRunner, args: list[str], expected: list[str]) -> None:
    r = runner.invoke(app, ["check", TWITTER, "-f", "json", *args])
    assert sorted(codes(r.output)) == expected


def test_ignore(runner: CliRunner) -> None:
    r = runner.invoke(app, ["check", TWITTER, "-f", "json", "--ignore", "AVL,latency"])
    got = codes(r.output)
    assert got and not any(c.startswith(("AVL", "LAT")) for c in got)
    assert r.exit_code == 0  # the only errors were availability findings
    r = runner.invoke(app, ["check", TWITTER, "-f", "json", "--ignore", "availability",
                            "--ignore", "STO002", "--strict"])
    assert r.exit_code == 0 and "STO002" not in codes(r.output)


def test_ignoring_errors_changes_the_exit_code(runner: CliRunner) -> None:
    assert runner.invoke(app, ["check", TWITTER, "--select", "CAC"]).exit_code == 0
    assert runner.invoke(app, ["check", TWITTER, "--select", "AVL002"]).exit_code == 1


@pytest.mark.parametrize("args", [["--select", "XYZ"], ["--ignore", "CAP999"],
                                  ["--select", "CAP,nonsense"]])
def test_unknown_code_exits_2(runner: CliRunner, args: list[str]) -> None:
    r = runner.invoke(app, ["check", TWITTER, *args])
    assert r.exit_code == 2
    bad = args[1].split(",")[-1]
    assert f"unknown rule code or group: {bad}" in r.output
    assert "docs/rules.md" in r.output and "Traceback" not in r.output


# --- design ---------------------------------------------------------------------------------


def test_design_table(runner: CliRunner) -> None:
    r = runner.invoke(app, ["design", TWITTER])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "Design for Twitter-like timeline" in out
    for label in ("Load balancer (pinned)", "App servers", "Cache", "Database (pinned)",
                  "Message queue", "Workers"):
        assert label in out
    flat = " ".join(out.split())
    assert "1 primary + 0" in flat and "x6" in flat
    assert "ceil(2,315 req/s peak / 500 req/s per" in flat
    assert "(derived: 1)" in flat  # the pinned replica count says what it replaced


def test_design_json(runner: CliRunner) -> None:
    r = runner.invoke(app, ["design", TWITTER, "--format", "json"])
    assert r.exit_code == 0
    d = json.loads(r.output)
    comps = {c["kind"]: c for c in d["components"]}
    assert comps["app"]["count"] == 6 and comps["load_balancer"]["count"] == 1
    assert comps["database"]["replicas"] == 0 and comps["database"]["pinned"]
    assert all(c["reason"] for c in d["components"])
    assert {"src", "dst", "label", "mode", "path"} <= set(d["edges"][0])


def test_design_markdown(runner: CliRunner) -> None:
    r = runner.invoke(app, ["design", TWITTER, "-f", "markdown", "--set",
                            "design.load_balancer.count=2"])
    assert r.exit_code == 0
    assert r.output.startswith("## Components for Twitter-like timeline")
    assert "| Load balancer | x2 |" in r.output
    assert "| App servers | x6 |" in r.output


def test_design_bad_spec(runner: CliRunner) -> None:
    r = runner.invoke(app, ["design", BAD])
    assert r.exit_code == 2 and "Traceback" not in r.output
