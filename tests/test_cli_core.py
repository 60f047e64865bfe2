"""CLI tests for estimate, assumptions and schema through CliRunner, every format."""

import json

import pytest
from typer.testing import CliRunner

from sysdesign.cli import COMMANDS, app
from tests.conftest import EXAMPLES, example_specs

runner = CliRunner()
TWITTER = str(EXAMPLES / "twitter.yaml")


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_every_command_is_registered_and_has_help():
    names = {c.name for c in app.registered_commands}
    assert names == {name for name, _, _ in COMMANDS}
    for name in names:
        r = run(name, "--help")
        assert r.exit_code == 0, (name, r.output)
        assert "Usage" in r.output


@pytest.mark.parametrize("path", example_specs(), ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_estimate_every_example_every_format(path, fmt):
    r = run("estimate", str(path), "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "json":
        d = json.loads(r.stdout)
        assert d["qps"]["average"] > 0
    elif fmt == "markdown":
        assert r.stdout.startswith("## Back-of-the-envelope estimates")
    else:
        assert "Average QPS" in r.stdout


def test_estimate_json_twitter_contract():
    d = json.loads(run("estimate", TWITTER, "-f", "json").stdout)
    assert round(d["qps"]["average"]) == 1157
    assert d["storage"]["per_day_bytes"] == pytest.approx(200e6)
    assert d["storage"]["retention_bytes"] == pytest.approx(365e9)


def test_estimate_table_shows_work_and_conventions():
    out = run("estimate", TWITTER).stdout
    assert "1,157 req/s" in out
    assert "86,400" in out
    assert "1 KB = 1,000 B" in out


def test_estimate_set_override():
    d = json.loads(run("estimate", TWITTER, "-f", "json", "--set", "users.dau=50M").stdout)
    assert d["dau"] == 50e6
    assert d["qps"]["average"] == pytest.approx(5 * 1157.407, rel=1e-4)


def test_estimate_from_stdin():
    text = (EXAMPLES / "twitter.yaml").read_text()
    r = run("estimate", "-", "-f", "json", input=text)
    assert r.exit_code == 0
    assert round(json.loads(r.stdout)["qps"]["average"]) == 1157


def test_bad_spec_exit_2_no_traceback():
    r = run("estimate", str(EXAMPLES / "bad.yaml"))
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "bad.yaml:7: actions.post_tweet.per_user_per_day" in r.stderr
    assert r.stdout == ""


def test_missing_file_exit_2():
    r = run("estimate", "nope.yaml")
    assert r.exit_code == 2 and "no such file" in r.stderr


def test_output_file_refuses_overwrite(tmp_path):
    out = tmp_path / "est.json"
    out.write_text("mine")
    r = run("estimate", TWITTER, "-f", "json", "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.stderr
    assert out.read_text() == "mine"
    r = run("estimate", TWITTER, "-f", "json", "-o", str(out), "--force")
    assert r.exit_code == 0 and json.loads(out.read_text())["servers"]["app"] == 5


def test_assumptions_command():
    r = run("assumptions", "-f", "json")
    d = json.loads(r.stdout)
    assert d["server_rps"]["value"] == 500 and d["server_rps"]["source"]
    assert all(v["source"] and v["description"] for v in d.values())
    r = run("assumptions")
    assert r.exit_code == 0 and "days_per_month" in r.stdout
    r = run("assumptions", TWITTER, "-f", "markdown")
    assert "(overridden)" in r.stdout


def test_schema_command_is_json_schema():
    d = json.loads(run("schema").stdout)
    assert d["title"] == "sysdesign spec"
    assert {"name", "users", "actions"} <= set(d["required"])
    assert "Action" in d["$defs"]


def test_schema_validates_examples():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(run("schema").stdout)
    for path in example_specs():
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_version_and_usage_error():
    assert "sysdesign" in run("--version").stdout
    r = run("estimate", TWITTER, "--format", "xml")
    assert r.exit_code == 2


def test_commands_work_without_click_installed(tmp_path):
    """typer >= 0.26 vendors click: a base install has no `click`, so nothing may import it."""
    import subprocess
    import sys

    code = f"""
import sys
sys.modules["click"] = None  # as if not installed
from typer.testing import CliRunner
from sysdesign.cli import COMMANDS, app
r = CliRunner()
for name, _, _ in COMMANDS:
    res = r.invoke(app, [name, "--help"])
    assert res.exit_code == 0, (name, res.output, res.exception)
res = r.invoke(app, ["init", "--example", "twitter", {str(tmp_path / 'tw.yaml')!r}])
assert res.exit_code == 0, (res.output, res.exception)
res = r.invoke(app, ["practice", "--no-input", "--count", "2", "--seed", "1", "--no-progress"])
assert res.exit_code == 0, (res.output, res.exception)
res = r.invoke(app, ["walkthrough", {TWITTER!r}, "--no-input"])
assert res.exit_code == 0, (res.output, res.exception)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
