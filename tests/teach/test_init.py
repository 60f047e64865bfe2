"""`sysdesign init`: the wizard with scripted (including silly) answers, and --example."""

from __future__ import annotations

from typer.testing import CliRunner

from sysdesign.cli.init import init_command
from sysdesign.estimate import estimate
from sysdesign.spec.loader import load_spec

from .conftest import make_app

APP = make_app(("init", init_command))
runner = CliRunner()


def test_defaults_write_a_valid_spec(tmp_path):
    target = tmp_path / "spec.yaml"
    r = runner.invoke(APP, ["init", str(target), "--no-input"])
    assert r.exit_code == 0, r.output
    spec = load_spec(target)
    assert set(spec.actions) == {"post", "view"}
    assert "# " in target.read_text()  # commented
    assert estimate(spec).qps_average.value > 0


def test_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "spec.yaml"
    target.write_text("keep me")
    r = runner.invoke(APP, ["init", str(target), "--no-input"])
    assert r.exit_code == 2 and "--force" in r.output
    assert target.read_text() == "keep me"
    r = runner.invoke(APP, ["init", str(target), "--no-input", "--force"])
    assert r.exit_code == 0
    assert target.read_text() != "keep me"


def test_wizard_reprompts_on_silly_answers(tmp_path):
    target = tmp_path / "chat.yaml"
    answers = [
        "Chat", "",                          # name, description (empty: none)
        "-5", "lots", "99999999999", "50M",  # DAU: negative, words, huge, ok
        "0.5", "3",                          # peak factor
        "send message", "wirte", "write", "-1", "40", "150%", "", "200 bits", "200 B",
        "2fetch", "fetch", "r", "", "", "",
        "y", "send_message", "search", "read", "", "", "5 KB",
        "n",
        "10", "10 years", "0", "3", "120%", "99.95", "maybe", "strong", "soon", "150",
    ]
    r = runner.invoke(APP, ["init", str(target)], input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    for expected in ("must be a positive number", "expected a number", "more people than",
                     "at least 1", 'answer "read" or "write"', "above zero", "between 0%",
                     "looks like bits", "start with a letter", "already an action",
                     "add a unit", "whole number", 'answer "strong" or "eventual"'):
        assert expected in r.output, expected
    spec = load_spec(target)
    assert spec.name == "Chat"
    assert spec.users.dau == 50e6 and spec.users.peak_factor == 3
    assert list(spec.actions) == ["send_message", "fetch", "search"]
    assert spec.actions["send_message"].request_size == 200
    assert spec.requirements.availability == 0.9995
    assert spec.requirements.consistency == "strong"
    assert abs(spec.requirements.latency["fetch"]["p99"] - 0.15) < 1e-9


def test_running_out_of_answers_writes_nothing(tmp_path):
    target = tmp_path / "spec.yaml"
    r = runner.invoke(APP, ["init", str(target)], input="My app\n")
    assert r.exit_code == 2
    assert "nothing was written" in r.output
    assert not target.exists()


def test_endless_junk_gives_up_cleanly(tmp_path):
    target = tmp_path / "spec.yaml"
    r = runner.invoke(APP, ["init", str(target)], input="x\n\n" + "banana\n" * 10)
    assert r.exit_code == 2 and "gave up" in r.output and not target.exists()


def test_example_copy(tmp_path):
    from sysdesign.teach.wizard import example_names

    names = example_names()
    if not names:
        import pytest
        pytest.skip("no examples installed")
    name = "twitter" if "twitter" in names else names[0]
    target = tmp_path / "copy.yaml"
    r = runner.invoke(APP, ["init", str(target), "--example", name])
    assert r.exit_code == 0, r.output
    load_spec(target)
    r = runner.invoke(APP, ["init", str(target), "--example", name])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(APP, ["init", "--example", "list"])
    assert name in r.output


def test_unknown_example(tmp_path):
    r = runner.invoke(APP, ["init", str(tmp_path / "x.yaml"), "--example", "myspace"])
    assert r.exit_code == 2 and "no example called" in r.output
