"""`sysdesign walkthrough` through CliRunner, with right, wrong and silly answers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sysdesign.cli.walkthrough import walkthrough_command
from sysdesign.teach.walkthrough import STEPS

from .conftest import make_app

APP = make_app(("walkthrough", walkthrough_command))
runner = CliRunner()


def test_no_input_prints_every_step(spec_path):
    r = runner.invoke(APP, ["walkthrough", str(spec_path), "--no-input"])
    assert r.exit_code == 0, r.output
    for i, title in enumerate(STEPS, 1):
        assert f"Step {i} of 8: {title}" in r.output
    assert "2,338 req/s" in r.output  # 10M x (0.1 x 2 + 20) / 86,400
    assert "7,014 req/s" in r.output  # x3 peak
    assert "No answers were given" in r.output


def test_step_jumps(spec_path):
    r = runner.invoke(APP, ["walkthrough", str(spec_path), "--no-input", "--step", "5"])
    assert r.exit_code == 0, r.output
    assert "Step 4 of 8" not in r.output and "Step 5 of 8: High-level design" in r.output
    for bad in ("0", "9", "-1", "two"):
        r = runner.invoke(APP, ["walkthrough", str(spec_path), "--step", bad])
        assert r.exit_code == 2, bad
        assert "Traceback" not in r.output


def test_graded_session_names_slips(spec_path):
    answers = [
        "1",             # read-heavy: right
        "52 min",        # downtime at 99.99%: right
        "2338000",       # average QPS 1000x too big -> unit slip
        "",              # peak QPS: empty -> re-prompt
        "-7",            # negative -> re-prompt
        "loads",         # words -> re-prompt
        "2338",          # forgot peak (x3)
        "1.1 TB",        # storage over 5 years: right
        "1.1 TB",        # replicated: forgot replication
        "69 MB/s",       # peak egress in bytes/s -> converted, right
        "400 GB",        # cache: right
        "1e99",          # servers: absurd -> re-prompt
        "15",            # servers: right
        "quit",          # stop at the design step
    ]
    r = runner.invoke(APP, ["walkthrough", str(spec_path)], input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    assert "unit slip" in r.output
    assert "no answer given" in r.output and "negative" in r.output
    assert "could not read" in r.output and "larger than anything" in r.output
    assert "forgot peak" in r.output
    assert "forgot replication" in r.output
    assert "Stopping here" in r.output
    assert "Score:" in r.output and "Weak spots:" in r.output
    assert "sysdesign explain qps-and-peak" in r.output


def test_design_picks_compared(spec_path):
    r = runner.invoke(APP, ["walkthrough", str(spec_path), "--step", "5"],
                      input="dns, 3, app, cache, database, teapot\n1,3,4,5,6,7,8\n"
                            "skip\n2\n")
    assert r.exit_code == 0, r.output
    assert '"teapot" is not one of the options' in r.output
    assert "right" in r.output
    assert "Traceback" not in r.output


def test_running_out_of_input_goes_to_summary(spec_path):
    r = runner.invoke(APP, ["walkthrough", str(spec_path)], input="1\n")
    assert r.exit_code == 0, r.output
    assert "Step 8 of 8: Summary" in r.output


def test_missing_spec(tmp_path):
    r = runner.invoke(APP, ["walkthrough", str(tmp_path / "none.yaml"), "--no-input"])
    assert r.exit_code == 2 and "Traceback" not in r.output


@pytest.mark.parametrize("name", ["twitter", "url-shortener", "chat", "video-streaming"])
def test_examples_run(name):
    from sysdesign.paths import examples_dir

    path = examples_dir() / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"{name} example not present")
    r = runner.invoke(APP, ["walkthrough", str(path), "--no-input"])
    assert r.exit_code == 0, r.output
    assert "Step 8 of 8" in r.output
