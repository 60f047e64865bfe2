"""Practice drills: reproducible generation, library-computed answers, the CLI session."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysdesign.availability import downtime
from sysdesign.cli.practice import practice_command
from sysdesign.teach import practice

from .conftest import make_app

APP = make_app(("practice", practice_command))
runner = CliRunner()


def test_same_seed_same_questions():
    a = [q.to_dict() for q in practice.generate(None, 8, seed=42)]
    b = [q.to_dict() for q in practice.generate(None, 8, seed=42)]
    assert a == b
    c = [q.to_dict() for q in practice.generate(None, 8, seed=43)]
    assert a != c


@pytest.mark.parametrize("topic", practice.TOPICS)
def test_every_topic_generates(topic):
    qs = practice.generate(topic, 6, seed=1)
    assert len(qs) == 6
    assert all(q.topic == topic for q in qs)
    assert all(math.isfinite(q.answer) and q.answer > 0 and q.work for q in qs)
    assert len({q.prompt for q in qs}) == 6


def test_mixed_set_covers_all_topics():
    assert {q.topic for q in practice.generate(None, 8, seed=5)} == set(practice.TOPICS)


def test_answers_come_from_the_library():
    for q in practice.generate("availability", 20, seed=9):
        if q.kind == "duration" and "per year" in q.prompt:
            pct = q.prompt.split(" is ")[1].split(" availability")[0]
            a = float(pct.rstrip("%")) / 100
            assert math.isclose(q.answer, downtime(a).seconds["year"])
            break
    else:
        pytest.skip("no yearly downtime question in this seed")


def test_unknown_topic_is_an_error():
    with pytest.raises(ValueError):
        practice.generate("astrology", 1)
    r = runner.invoke(APP, ["practice", "--topic", "astrology"])
    assert r.exit_code == 2 and "unknown topic" in r.output and "Traceback" not in r.output


def test_no_input_prints_answers():
    r = runner.invoke(APP, ["practice", "--no-input", "--count", "4", "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert r.output.count("Answer:") == 4 and r.output.count("Work:") == 4


def test_session_with_silly_answers_and_progress(tmp_path):
    qs = practice.generate("estimation", 3, seed=11)
    # q1: junk then the exact answer; q2: 1000x too big; q3: skip
    from sysdesign.teach.grading import format_answer
    first = format_answer(qs[0].answer, qs[0].kind)
    second = {"qps": f"{qs[1].answer * 1000:g}", "bytes": f"{qs[1].answer * 1000:g} B",
              "bandwidth": f"{qs[1].answer * 1000:g} bps"}[qs[1].kind]
    answers = ["", "-3", "a lot", first, "9e99", second, "skip"]
    r = runner.invoke(APP, ["practice", "--topic", "estimation", "--count", "3", "--seed", "11"],
                      input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    assert "no answer given" in r.output
    assert "negative" in r.output
    assert "could not read" in r.output
    assert "larger than anything" in r.output
    assert "Good" in r.output
    assert "unit slip" in r.output
    assert "Score: 1 / 3" in r.output
    data = json.loads(Path(os.environ["SYSDESIGN_PROGRESS_FILE"]).read_text())
    assert data["sessions"] == 1
    assert data["by_topic"]["estimation"]["asked"] == 3
    assert data["slips"]["unit"] == 1
    r = runner.invoke(APP, ["practice", "--show-progress"])
    assert "estimation" in r.output and "unit" in r.output


def test_running_out_of_input_ends_cleanly():
    r = runner.invoke(APP, ["practice", "--count", "3", "--seed", "2"], input="")
    assert r.exit_code == 0, r.output
    assert "Stopping here" in r.output and "Traceback" not in r.output


def test_quit_and_no_progress(tmp_path):
    r = runner.invoke(APP, ["practice", "--count", "3", "--seed", "2", "--no-progress"],
                      input="skip\nquit\n")
    assert r.exit_code == 0
    assert not os.path.exists(os.environ["SYSDESIGN_PROGRESS_FILE"])


def test_bad_count_is_a_usage_error():
    for bad in ("0", "-1", "lots", "100000"):
        r = runner.invoke(APP, ["practice", "--count", bad])
        assert r.exit_code == 2, bad
        assert "Traceback" not in r.output


def test_corrupt_progress_file_is_ignored_and_replaced():
    path = os.environ["SYSDESIGN_PROGRESS_FILE"]
    with open(path, "w") as fh:
        fh.write("{not json")
    assert practice.Progress.load().sessions == 0
    r = runner.invoke(APP, ["practice", "--count", "1", "--seed", "1"], input="skip\n")
    assert r.exit_code == 0
    assert json.loads(Path(path).read_text())["sessions"] == 1


def test_progress_location(monkeypatch, tmp_path):
    monkeypatch.delenv("SYSDESIGN_PROGRESS_FILE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert practice.progress_path() == tmp_path / "sysdesign" / "progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert practice.progress_path() == tmp_path / ".local/share/sysdesign/progress.json"
