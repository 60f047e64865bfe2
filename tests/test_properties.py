"""Property tests: valid specs never crash; invalid ones exit 2 without a traceback."""

from __future__ import annotations

import contextlib

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sysdesign import derive_design, estimate, load_spec_text
from sysdesign.cli import app
from sysdesign.errors import SpecError

runner = CliRunner()

counts = st.one_of(
    st.integers(min_value=1, max_value=10**10),
    st.builds(lambda n, s: f"{n}{s}", st.integers(1, 999), st.sampled_from(["", "K", "M", "B"])),
)
sizes = st.builds(lambda n, u: f"{n} {u}", st.integers(0, 5000),
                  st.sampled_from(["B", "KB", "MB", "KiB", "GB"]))
fractions = st.builds(lambda n: f"{n}%", st.integers(1, 100))


@st.composite
def valid_specs(draw):
    n_actions = draw(st.integers(1, 4))
    actions = {}
    for i in range(n_actions):
        kind = draw(st.sampled_from(["read", "write"]))
        act = {"kind": kind, "share_of_users": draw(fractions),
               "per_user_per_day": draw(st.integers(1, 500)),
               "request_size": draw(sizes), "response_size": draw(sizes)}
        if draw(st.booleans()):
            act["fanout"] = True
        if draw(st.booleans()):
            act["media"] = True
        actions[f"action_{i}"] = act
    spec = {
        "name": draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip())),
        "users": {"dau": draw(counts), "peak_factor": draw(st.integers(1, 10))},
        "actions": actions,
        "storage": {"retention": f"{draw(st.integers(1, 20))} years",
                    "replication": draw(st.integers(1, 5))},
        "requirements": {"availability": draw(st.sampled_from(["99%", "99.9%", "99.99%",
                                                                "99.999%"])),
                         "consistency": draw(st.sampled_from(["strong", "eventual"])),
                         "durability": draw(st.sampled_from(["best-effort", "high",
                                                              "critical"]))},
    }
    return spec


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_specs())
def test_any_valid_spec_estimates_and_checks(spec):
    from sysdesign import check

    s = load_spec_text(yaml.safe_dump(spec))
    e = estimate(s)
    d = derive_design(s, e)
    report = check(s, e, d)
    assert e.qps_peak.value >= e.qps_average.value
    assert e.servers_app.value >= 1
    assert 0 <= report.availability["achieved"] <= 1
    assert d.get("app").count >= 2


@settings(max_examples=25, deadline=None)
@given(valid_specs(), st.integers(2, 100))
def test_more_users_never_need_fewer_servers(spec, factor):
    small = estimate(load_spec_text(yaml.safe_dump(spec)))
    spec["users"]["dau"] = small.dau.value * factor
    big = estimate(load_spec_text(yaml.safe_dump(spec)))
    assert big.servers_app.value >= small.servers_app.value
    assert big.storage_retention.value >= small.storage_retention.value


junk = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=12),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                      st.integers(), max_size=2))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_specs(), st.data())
def test_any_mutation_validates_or_exits_2(spec, data):
    # replace one leaf (or add an unknown key) somewhere in the spec
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + [k])
                walk(v, path + [k])

    walk(spec, [])
    path = data.draw(st.sampled_from(paths))
    target = spec
    for k in path[:-1]:
        target = target[k]
    if data.draw(st.booleans()):
        target[path[-1]] = data.draw(junk)
    else:
        target[path[-1] + "_typo"] = data.draw(junk)
    text = yaml.safe_dump(spec)
    with contextlib.suppress(SpecError):
        load_spec_text(text)
    r = runner.invoke(app, ["estimate", "-", "-f", "json"], input=text)
    assert r.exit_code in (0, 2), r.output
    assert "Traceback" not in r.output
    if r.exit_code == 2:
        assert r.stderr.startswith("Error: ")


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_tracebacks(text):
    r = runner.invoke(app, ["estimate", "-"], input=text)
    assert r.exit_code in (0, 2)
    assert "Traceback" not in r.output
