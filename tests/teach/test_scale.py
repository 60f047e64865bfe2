"""`sysdesign scale`: DAU parsing, the journey, and the three formats."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sysdesign.cli.scale import scale_command
from sysdesign.errors import SysdesignError
from sysdesign.spec.loader import load_spec
from sysdesign.teach import scale

from .conftest import make_app

APP = make_app(("scale", scale_command))
runner = CliRunner()


def test_parse_range_and_list():
    assert scale.parse_daus("1K..1M") == [1e3, 1e4, 1e5, 1e6]
    assert scale.parse_daus("5K..1M") == [5e3, 1e4, 1e5, 1e6]
    assert scale.parse_daus("2M, 1K,50K") == [1e3, 5e4, 2e6]
    assert scale.parse_daus("1M..1M") == [1e6]


@pytest.mark.parametrize("bad", ["", "1B..1K", "0..1M", "-5", "lots", "1K..1e20", "1..1e30",
                                 ",".join(str(i) for i in range(1, 40))])
def test_parse_rejects(bad):
    with pytest.raises(SysdesignError):
        scale.parse_daus(bad)


def test_journey_grows_the_design(spec_path):
    spec = load_spec(spec_path)
    stages = scale.journey(spec, scale.parse_daus("1K..1B"))
    assert [s.dau for s in stages] == [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
    peaks = [s.numbers["qps_peak"] for s in stages]
    assert all(b > a for a, b in zip(peaks, peaks[1:], strict=False))
    assert stages[0].one_box and not stages[-1].one_box
    assert stages[0].new[0].startswith("start:")
    # something new appears on the way up (a CDN, shards, more nodes)
    assert any(s.new for s in stages[1:])
    assert "cdn" in stages[-1].components


def test_cli_table_and_chart(spec_path):
    r = runner.invoke(APP, ["scale", str(spec_path), "--dau", "1K..100M", "--chart"])
    assert r.exit_code == 0, r.output
    assert "Scaling journey: Microblog" in r.output
    assert "one server" in r.output and "log scale" in r.output


def test_cli_json(spec_path):
    r = runner.invoke(APP, ["scale", str(spec_path), "--dau", "1K,1M", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [s["dau"] for s in data["stages"]] == [1e3, 1e6]
    assert data["stages"][1]["numbers"]["qps_peak"] == pytest.approx(
        1e6 * (0.1 * 2 + 20) / 86_400 * 3)


def test_cli_markdown_to_file(spec_path, tmp_path):
    out = tmp_path / "journey.md"
    r = runner.invoke(APP, ["scale", str(spec_path), "-f", "markdown", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("# Scaling journey")
    r = runner.invoke(APP, ["scale", str(spec_path), "-f", "markdown", "-o", str(out)])
    assert r.exit_code == 2 and "--force" in r.output


@pytest.mark.parametrize("dau", ["", "lots", "1B..1K", "-3"])
def test_cli_silly_dau(spec_path, dau):
    r = runner.invoke(APP, ["scale", str(spec_path), "--dau", dau])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and "--dau" in r.output


def test_cli_bad_format(spec_path):
    r = runner.invoke(APP, ["scale", str(spec_path), "--format", "pdf"])
    assert r.exit_code == 2
