"""Availability arithmetic against hand-computed values, plus properties of composition."""

from __future__ import annotations

import json
import math

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sysdesign.availability import (
    Calendar,
    compose,
    downtime,
    error_budget,
    format_downtime,
    nines,
    parallel,
    percent_text,
    series,
)
from sysdesign.errors import SysdesignError

# --- downtime budgets (hand-computed) --------------------------------------------------------
#
# 99.9% leaves 0.1% = 0.001 of the time.
#   year  (365 d):      0.001 x 365 x 86,400 = 31,536 s = 8h 45m 36s
#   30-day month:       0.001 x 30 x 86,400  =  2,592 s = 43m 12s
#   month = year / 12:  31,536 / 12          =  2,628 s = 43m 48s
#   quarter = year / 4: 31,536 / 4           =  7,884 s = 2h 11m 24s
#   week:               0.001 x 604,800      =    604.8 s = 10m 4.8s
#   day:                0.001 x 86,400       =     86.4 s = 1m 26.4s


def test_three_nines_per_year_365_days() -> None:
    d = downtime(0.999)
    assert d.seconds["year"] == pytest.approx(31_536)
    assert d.human()["year"] == "8h 45m 36s"


def test_three_nines_per_30_day_month() -> None:
    d = downtime(0.999, Calendar(days_per_month=30))
    assert d.seconds["month"] == pytest.approx(2_592)
    assert d.human()["month"] == "43m 12s"


def test_three_nines_month_defaults_to_a_twelfth_of_the_year() -> None:
    d = downtime(0.999)
    assert d.seconds["month"] == pytest.approx(2_628)
    assert d.human()["month"] == "43m 48s"


def test_three_nines_quarter_week_day() -> None:
    d = downtime(0.999)
    assert d.seconds["quarter"] == pytest.approx(7_884)
    assert d.human()["quarter"] == "2h 11m 24s"
    assert d.seconds["week"] == pytest.approx(604.8)
    assert d.human()["week"] == "10m 4.8s"
    assert d.seconds["day"] == pytest.approx(86.4)
    assert d.human()["day"] == "1m 26.4s"


def test_leap_year_calendar_changes_the_year_budget() -> None:
    # 0.001 x 365.25 x 86,400 = 31,557.6 s = 8h 45m 57.6s
    d = downtime(0.999, Calendar(days_per_year=365.25))
    assert d.seconds["year"] == pytest.approx(31_557.6)
    assert d.human()["year"] == "8h 45m 57.6s"
    # the month follows the year: 31,557.6 / 12 = 2,629.8 s
    assert d.seconds["month"] == pytest.approx(2_629.8)


def test_five_nines() -> None:
    # 0.00001 x 31,536,000 = 315.36 s = 5m 15.4s; a day: 0.864 s
    d = downtime(0.99999)
    assert d.seconds["year"] == pytest.approx(315.36)
    assert d.human()["year"] == "5m 15.4s"
    assert d.human()["day"] == "864 ms"


def test_four_nines_per_year() -> None:
    # 0.0001 x 31,536,000 = 3,153.6 s = 52m 33.6s
    assert downtime(0.9999).human()["year"] == "52m 33.6s"


def test_downtime_shows_its_work() -> None:
    work = downtime(0.999).work["year"]
    assert "(1 - 0.999)" in work
    assert "365 d" in work
    assert "31,536 s" in work
    assert "8h 45m 36s" in work


def test_downtime_dict_has_the_public_keys() -> None:
    d = downtime(0.9995).to_dict()
    assert d["availability"] == 0.9995
    assert set(d["downtime_seconds"]) == {"year", "quarter", "month", "week", "day"}
    assert d["calendar"]["days_per_year"] == 365
    assert "year / 12" in d["calendar"]["description"]


def test_calendar_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Calendar(days_per_year=0)
    with pytest.raises(ValueError):
        Calendar(days_per_month=-1)


# --- nines ----------


@pytest.mark.parametrize(
    ("a", "whole"),
    [(0.9, 1), (0.99, 2), (0.999, 3), (0.9999, 4), (0.99999, 5), (0.9995, 3), (0.5, 0)],
)
def test_whole_nines(a: float, whole: int) -> None:
    assert nines(a).whole == whole


def test_fractional_nines() -> None:
    # -log10(0.0005) = 3.30103
    assert nines(0.9995).value == pytest.approx(3.30103, abs=1e-5)
    assert nines(0.999).value == 3.0
    assert nines(0.999).label() == "3 nines"
    assert "-log10(1 - 0.999)" in nines(0.999).work


def test_hundred_percent_has_no_finite_nines() -> None:
    n = nines(1.0)
    assert n.value is None and n.whole is None
    assert downtime(1.0).seconds["year"] == 0


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), float("inf"), "0.9", True])
def test_invalid_availability_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        downtime(bad)  # type: ignore[arg-type]


# --- error budget ----------


def test_error_budget_30_day_month() -> None:
    # 0.001 x 30 x 1,440 = 43.2 min
    b = error_budget(0.999)
    assert b.minutes == pytest.approx(43.2)
    assert "43m 12s" in b.work
    # 99.99%: 4.32 min
    assert error_budget(0.9999).minutes == pytest.approx(4.32)
    # a 28-day window: 0.001 x 28 x 1,440 = 40.32 min
    assert error_budget(0.999, window_days=28).minutes == pytest.approx(40.32)


# --- composition ----------


def test_two_three_nines_in_series() -> None:
    # 0.999 x 0.999 = 0.998001
    c = series([0.999, 0.999])
    assert c.availability == pytest.approx(0.998001)
    assert percent_text(c.availability) == "99.8001%"
    assert c.work == "0.999 x 0.999 = 0.998001"


def test_two_three_nines_in_parallel() -> None:
    # 1 - 0.001 x 0.001 = 0.999999
    c = parallel([0.999, 0.999])
    assert c.availability == pytest.approx(0.999999)
    assert percent_text(c.availability) == "99.9999%"
    assert c.work == "1 - (1 - 0.999) x (1 - 0.999) = 0.999999"


def test_nested_tree() -> None:
    # 0.999 x (1 - 0.001^2) = 0.999 x 0.999999 = 0.998999001
    c = compose(("series", [0.999, ("parallel", [0.999, 0.999])]))
    assert c.kind == "series"
    assert c.availability == pytest.approx(0.998999001)
    assert c.formula == "0.999 x (1 - (1 - 0.999) x (1 - 0.999))"
    assert c.steps == (
        "parallel: 1 - (1 - 0.999) x (1 - 0.999) = 0.999999",
        "series: 0.999 x 0.999999 = 0.998999001",
    )
    assert c.expression() == "series(99.9%, parallel(99.9%, 99.9%))"
    d = c.to_dict()
    assert d["components"][1]["kind"] == "parallel"


def test_typical_web_stack() -> None:
    # LB 99.99% -> two app servers 99.9% in parallel -> DB 99.95%
    # 0.9999 x 0.999999 x 0.9995 = 0.99939905...
    c = compose(("series", [0.9999, ("parallel", [0.999, 0.999]), 0.9995]))
    assert c.availability == pytest.approx(0.9999 * 0.999999 * 0.9995)
    # the single database dominates: the stack is below its own 99.95%
    assert c.availability < 0.9995


@pytest.mark.parametrize(
    "bad",
    [("series", []), ("mirror", [0.9]), ("series", [1.2]), ("parallel", "0.9"), "x", None],
)
def test_bad_trees_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        compose(bad)  # type: ignore[arg-type]


# --- formatting ----------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.0864, "86.4 ms"),
        (6.048, "6.05s"),
        (59.999, "1m"),
        (86.4, "1m 26.4s"),
        (3599.99, "1h"),
        (31_536.000000000004, "8h 45m 36s"),
        (315_360, "3d 15h 36m"),
    ],
)
def test_format_downtime(seconds: float, text: str) -> None:
    assert format_downtime(seconds) == text


# --- properties ----------

fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
trees = st.recursive(
    fractions,
    lambda children: st.tuples(
        st.sampled_from(["series", "parallel"]), st.lists(children, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_composition_stays_in_unit_interval(tree: object) -> None:
    a = compose(tree).availability  # type: ignore[arg-type]
    assert 0.0 <= a <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(fractions, min_size=1, max_size=6))
def test_series_never_above_the_weakest(parts: list[float]) -> None:
    assert series(parts).availability <= min(parts) + 1e-12


@settings(max_examples=200, deadline=None)
@given(st.lists(fractions, min_size=1, max_size=6))
def test_parallel_never_below_the_strongest(parts: list[float]) -> None:
    assert parallel(parts).availability >= max(parts) - 1e-12


@settings(max_examples=200, deadline=None)
@given(fractions, fractions)
def test_series_and_parallel_are_symmetric(a: float, b: float) -> None:
    assert series([a, b]).availability == pytest.approx(series([b, a]).availability)
    assert parallel([a, b]).availability == pytest.approx(parallel([b, a]).availability)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, max_value=0.999999, allow_nan=False))
def test_downtime_matches_unavailability(a: float) -> None:
    d = downtime(a)
    assert d.seconds["year"] == pytest.approx((1 - a) * 365 * 86_400, rel=1e-8)
    assert d.seconds["day"] <= d.seconds["week"] <= d.seconds["month"]
    assert d.seconds["month"] <= d.seconds["quarter"] <= d.seconds["year"]
    n = nines(a).value
    assert n is not None and math.isfinite(n) and n >= 0


# --- expression syntax ---------------------------------------------------------------------


def test_expression_syntax() -> None:
    from sysdesign.availability import parse_expression

    c = parse_expression("series(99.99%, parallel(99.9, 0.999), 99.95)")
    assert c.availability == pytest.approx(0.9999 * 0.999999 * 0.9995)
    assert parse_expression("p(99.9%, 99.9%)").availability == pytest.approx(0.999999)
    assert parse_expression(" 99.95% ").availability == pytest.approx(0.9995)


@pytest.mark.parametrize(
    "bad", ["", "series(99.9", "mirror(99.9)", "series(99.9,,99.9)", "series(120%)", "99.9 99.9"]
)
def test_expression_syntax_errors(bad: str) -> None:
    from sysdesign.availability import parse_expression

    with pytest.raises(ValueError):
        parse_expression(bad)


# --- CLI ------------------------------------------------------------------------------------------

runner = CliRunner()


def _app() -> typer.Typer:
    """The real app when it registers the command; otherwise a one-command app around it."""
    try:
        import typer.main

        from sysdesign.cli import app

        if "availability" in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
            return app
    except ImportError:
        pass
    from sysdesign.cli.availability import availability_command

    app = typer.Typer()
    app.command("availability")(availability_command)
    app.command("noop")(lambda: None)
    return app


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(_app(), ["availability", *args])


def _user_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    """A user mistake: exit 2 with a message (real app) or a SysdesignError (bare command)."""
    if isinstance(result.exception, SysdesignError):
        assert fragment in str(result.exception)
        return
    assert result.exit_code == 2, result.output
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert fragment in text
    assert "Traceback" not in text


def test_cli_target_json() -> None:
    r = _run("99.9%", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["availability"] == pytest.approx(0.999)
    assert d["downtime_seconds"]["year"] == pytest.approx(31_536)
    assert d["downtime_seconds"]["day"] == pytest.approx(86.4)
    assert set(d["downtime_seconds"]) == {"year", "quarter", "month", "week", "day"}
    assert d["nines"] == pytest.approx(3)
    assert d["calendar"]["days_per_year"] == 365
    assert d["error_budget"]["minutes"] == pytest.approx(43.2)
    assert "composite" not in d


@pytest.mark.parametrize("spelling", ["99.95%", "0.9995", "99.95"])
def test_cli_accepts_three_spellings(spelling: str) -> None:
    r = _run(spelling, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["availability"] == pytest.approx(0.9995)


def test_cli_calendar_options() -> None:
    r = _run("99.9", "--days-per-month", "30", "--format", "json")
    d = json.loads(r.stdout)
    assert d["downtime_seconds"]["month"] == pytest.approx(2_592)
    r = _run("99.9", "--days-per-year", "365.25", "--format", "json")
    assert json.loads(r.stdout)["downtime_seconds"]["year"] == pytest.approx(31_557.6)


def test_cli_series_and_parallel_json() -> None:
    d = json.loads(_run("--series", "99.9", "99.9", "--format", "json").stdout)
    assert d["availability"] == pytest.approx(0.998001)
    assert d["composite"]["kind"] == "series"
    assert len(d["composite"]["components"]) == 2
    d = json.loads(_run("--parallel", "99.9", "99.9", "--format", "json").stdout)
    assert d["availability"] == pytest.approx(0.999999)
    assert d["composite"]["work"] == "1 - (1 - 0.999) x (1 - 0.999) = 0.999999"


def test_cli_nested_and_target() -> None:
    r = _run("--series", "99.99", "parallel(99.9, 99.9)", "99.95", "--target", "99.95%",
             "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["availability"] == pytest.approx(0.9999 * 0.999999 * 0.9995)
    assert d["target"]["met"] is False
    assert d["composite"]["expression"] == "series(99.99%, parallel(99.9%, 99.9%), 99.95%)"
    d = json.loads(_run("series(99.9, p(99.9, 99.9))", "--format", "json").stdout)
    assert d["composite"]["kind"] == "series"


def test_cli_table_shows_work_and_calendar() -> None:
    r = _run("99.9%")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "8h 45m 36s" in out
    assert "1m 26.4s" in out
    assert "3 nines" in out
    assert "365 days" in out


def test_cli_markdown() -> None:
    r = _run("--parallel", "99.9", "99.9", "--format", "markdown")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("## Composite availability 99.9999%")
    assert "| year |" in r.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["120%"], "between 0% and 100%"),
        (["abc"], "unknown word"),
        (["99.9", "99.95"], "--series or --parallel"),
        (["--series", "99.9", "--parallel", "99.9"], "not both"),
        ([], "give a target"),
        (["99.9", "--format", "xml"], "unknown format"),
        (["99.9", "--days-per-year", "0"], "days per year"),
        (["99.9", "--target", "99.9"], "--target"),
        (["--series", "99.9", "--target", "2000"], "--target"),
    ],
)
def test_cli_bad_input(args: list[str], fragment: str) -> None:
    _user_error(_run(*args), fragment)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.%,() sepriaxlS-", min_size=1, max_size=12),
                min_size=1, max_size=3),
       st.sampled_from([[], ["--series"], ["--parallel"]]))
def test_cli_random_input_never_crashes(values: list[str], flags: list[str]) -> None:
    r = _run(*flags, "--format", "json", "--", *values)
    if r.exit_code == 0:
        d = json.loads(r.stdout)
        assert 0.0 <= d["availability"] <= 1.0
    elif isinstance(r.exception, SysdesignError):
        pass
    else:
        assert r.exit_code == 2, (values, flags, r.output, r.exception)
        assert "Traceback" not in r.output
