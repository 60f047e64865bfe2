"""Every rule fires on a spec crafted for it and stays silent on one crafted against it."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sysdesign.rules import GROUPS, REGISTRY, Report, check, load_rules, unknown_codes
from sysdesign.spec.loader import parse_spec_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

BASE: dict[str, Any] = {
    "name": "Base",
    "users": {"dau": "1M", "peak_factor": 2},
    "actions": {
        # 1M x 21 / 86,400 s = 243 req/s, 486 at peak: one server of 500 carries it
        "write_item": {"kind": "write", "per_user_per_day": 1, "request_size": "100 B",
                       "stored_size": "100 B"},
        "read_item": {"kind": "read", "per_user_per_day": 20, "response_size": "1 KB"},
    },
    "storage": {"retention": "1 year", "replication": 3},
    "requirements": {"availability": "99.9%", "consistency": "eventual", "durability": "high",
                     "latency": {"write_item": {"p99": "1 s"}, "read_item": {"p95": "500 ms"}}},
}

Edit = Callable[[dict[str, Any]], None]


def run(*edits: Edit, **kw: Any) -> Report:
    data = copy.deepcopy(BASE)
    for e in edits:
        e(data)
    return check(parse_spec_text(yaml.safe_dump(data, sort_keys=False), source="<test>"), **kw)


def severities(report: Report, code: str) -> list[str]:
    return [f.severity for f in report.findings if f.code == code]


# small edits, composable -------------------------------------------------------------------


def act(name: str, **fields: Any) -> Edit:
    return lambda d: d["actions"][name].update(fields)


def req(**fields: Any) -> Edit:
    return lambda d: d["requirements"].update(fields)


def pin(kind: str, **fields: Any) -> Edit:
    return lambda d: d.setdefault("design", {}).setdefault(kind, {}).update(fields)


def top(key: str, value: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d[key] = value
    return edit


def sub(key: str, **fields: Any) -> Edit:
    return lambda d: d.setdefault(key, {}).update(fields)


BUSY = act("read_item", per_user_per_day=100)  # 1M x 101 / 86,400 x 2 = 2,338 req/s peak
MANY_WRITES = act("write_item", per_user_per_day=1000, stored_size="1 B")  # 23K writes/s peak
HEAVY_READS = act("read_item", per_user_per_day=5000)  # 116K reads/s at peak
WRITE_HEAVY = [act("write_item", per_user_per_day=20), act("read_item", per_user_per_day=1)]
BIG_DATA = act("write_item", stored_size="100 KB")  # 36.5 TB a year
FANOUT = [act("write_item", fanout=True), sub("users", followers={"average": 1000})]
BIG_EGRESS = act("read_item", response_size="500 KB")  # 1.85 Gbps at peak
MEDIA = act("read_item", media=True, response_size="2 MB")
BIG_CACHE = act("read_item", response_size="100 KB")  # 20% of 2 TB a day = 400 GB
STRONG = req(consistency="strong")
NO_SLOS = req(latency={})

# (code, case id, edits, expected severities of that code: [] means silent)
CASES: list[tuple[str, str, list[Edit], list[str]]] = [
    ("CAP001", "busy, derived", [BUSY], ["info"]),
    ("CAP001", "busy, too few servers pinned", [BUSY, pin("app", count=3)], ["error"]),
    ("CAP001", "busy, no load balancer", [BUSY, pin("load_balancer", enabled=False)],
     ["error"]),
    ("CAP001", "one server carries the peak", [], []),
    ("CAP002", "many writes, derived", [MANY_WRITES], ["info"]),
    ("CAP002", "many writes, one primary, no queue",
     [MANY_WRITES, pin("database", shards=1), pin("queue", enabled=False)], ["error"]),
    ("CAP002", "few writes", [], []),
    ("CAP002", "many writes that store nothing",
     [act("write_item", per_user_per_day=1000, stored_size="0 B")], []),
    ("CAP003", "heavy reads, one replica pinned",
     [HEAVY_READS, sub("cache", enabled=False), pin("database", replicas=1)], ["error"]),
    ("CAP003", "heavy reads, derived replicas", [HEAVY_READS, sub("cache", enabled=False)], []),
    ("CAP004", "write-heavy, derived queue", WRITE_HEAVY, ["info"]),
    ("CAP004", "write-heavy, no queue", [*WRITE_HEAVY, pin("queue", enabled=False)],
     ["warning"]),
    ("CAP004", "read-heavy", [], []),
    ("CAP005", "fan-out, derived workers", FANOUT, ["info"]),
    ("CAP005", "fan-out, one worker pinned", [*FANOUT, pin("worker", count=1)], ["error"]),
    ("CAP005", "no fan-out", [], []),
    ("STO001", "big data, derived shards", [BIG_DATA], ["warning"]),
    ("STO001", "big data, one shard pinned", [BIG_DATA, pin("database", shards=1)], ["error"]),
    ("STO001", "fits one node", [], ["info"]),
    ("STO002", "one copy, high durability", [sub("storage", replication=1)], ["warning"]),
    ("STO002", "two copies, critical durability",
     [sub("storage", replication=2), req(durability="critical")], ["error"]),
    ("STO002", "three copies", [], []),
    ("STO002", "one copy, best effort",
     [sub("storage", replication=1), req(durability="best-effort")], []),
    ("BW001", "big egress, derived CDN", [BIG_EGRESS], ["info"]),
    ("BW001", "big egress, CDN off", [BIG_EGRESS, pin("cdn", enabled=False)], ["error"]),
    ("BW001", "small egress", [], []),
    ("BW002", "media, derived", [MEDIA], ["info"]),
    ("BW002", "media, no object storage", [MEDIA, pin("object_storage", enabled=False)],
     ["warning"]),
    ("BW002", "no media", [], []),
    ("CAC001", "read-heavy, derived cache", [], ["info"]),
    ("CAC001", "read-heavy, cache off", [sub("cache", enabled=False)], ["error"]),
    ("CAC001", "balanced traffic", [act("read_item", per_user_per_day=5)], []),
    ("CAC001", "only uncacheable reads", [act("read_item", cacheable=False)], []),
    ("CAC002", "big hot set, derived cluster", [BIG_CACHE], ["info"]),
    ("CAC002", "big hot set, two nodes pinned", [BIG_CACHE, pin("cache", count=2)], ["error"]),
    ("CAC002", "small hot set", [], []),
    ("CAC003", "strong with a cache", [STRONG], ["warning"]),
    ("CAC003", "strong without a cache", [STRONG, sub("cache", enabled=False)], []),
    ("CAC003", "eventual with a cache", [], []),
    ("CAC004", "single node, no replica", [pin("cache", replicas=0)], ["warning"]),
    ("CAC004", "single node with a replica", [], []),
    ("AVL001", "target out of reach", [req(availability="99.999%")], ["error"]),
    ("AVL001", "target met", [], ["info"]),
    ("AVL002", "one load balancer at 99.9%", [pin("load_balancer", count=1)], ["warning"]),
    ("AVL002", "one load balancer at 99.99%",
     [pin("load_balancer", count=1), req(availability="99.99%")], ["error"]),
    ("AVL002", "one load balancer at 99%",
     [pin("load_balancer", count=1), req(availability="99%")], ["info"]),
    ("AVL002", "two load balancers", [], []),
    ("AVL003", "no replica at 99.9%", [pin("database", replicas=0)], ["warning"]),
    ("AVL003", "no replica at 99.99%", [pin("database", replicas=0), req(availability="99.99%")],
     ["error"]),
    ("AVL003", "one replica", [], []),
    ("AVL004", "one app server", [pin("app", count=1)], ["warning"]),
    ("AVL004", "two app servers", [], []),
    ("LAT001", "SLO too tight", [req(latency={"read_item": {"p95": "50 ms"}})], ["error"]),
    ("LAT001", "SLOs that fit", [], ["info", "info"]),
    ("LAT001", "no SLOs", [NO_SLOS], []),
    ("LAT002", "no SLOs", [NO_SLOS], ["info"]),
    ("LAT002", "every action has an SLO", [], []),
    ("DUR001", "strong with async replicas", [STRONG], ["warning"]),
    ("DUR001", "strong with a queue only",
     [STRONG, *WRITE_HEAVY, pin("database", replication="sync")], ["warning"]),
    ("DUR001", "strong, sync replicas, no queue", [STRONG, pin("database", replication="sync")],
     []),
    ("DUR001", "eventual", [], []),
    ("DUR002", "critical with async replication",
     [req(durability="critical"), pin("database", replication="async")], ["error"]),
    ("DUR002", "critical without a replica",
     [req(durability="critical"), pin("database", replicas=0)], ["error"]),
    ("DUR002", "critical, derived (sync)", [req(durability="critical")], []),
    ("DUR002", "high durability, async", [], []),
    ("DUR003", "queue with high durability", WRITE_HEAVY, ["info"]),
    ("DUR003", "queue, best effort", [*WRITE_HEAVY, req(durability="best-effort")], []),
    ("DUR003", "no queue", [], []),
]


@pytest.mark.parametrize(("code", "edits", "expected"),
                         [pytest.param(c, e, x, id=f"{c}-{i}") for c, i, e, x in CASES])
def test_rule_case(code: str, edits: list[Edit], expected: list[str]) -> None:
    report = run(*edits)
    assert severities(report, code) == expected, [
        (f.code, f.severity, f.message) for f in report.findings if f.code == code]


def test_every_rule_has_a_positive_and_a_negative_case() -> None:
    rules = load_rules()
    fires = {c for c, _, _, x in CASES if any(s in {"error", "warning"} for s in x)
             or (x and c in {"DUR003", "LAT002"})}
    quiet = {c for c, _, _, x in CASES if not x or set(x) == {"info"}}
    assert fires == set(rules), set(rules) - fires
    assert quiet == set(rules), set(rules) - quiet


def test_registry_is_documented() -> None:
    for code, r in load_rules().items():
        assert r.group in GROUPS and code[:3] in {"CAP", "STO", "BW0", "CAC", "AVL", "LAT",
                                                   "DUR"}
        for text in (r.title, r.why, r.fix, r.thresholds, r.severity):
            assert text.strip(), (code, text)


def test_findings_carry_the_specs_numbers() -> None:
    f = next(f for f in run(BUSY, pin("app", count=3)).findings if f.code == "CAP001")
    assert "Peak 2,338 req/s" in f.message and "5 app servers" in f.message
    assert "but the design has 3" in f.message
    assert "at least 6" in f.fix
    assert f.why == REGISTRY["CAP001"].why and f.group == "capacity"


def test_shard_key_named() -> None:
    f = next(f for f in run(BIG_DATA).findings if f.code == "STO001")
    assert "Shard key candidate" in f.message


# --- the guide's example ------------------------------------------------------------------


def twitter(overrides: list[str] | None = None) -> Report:
    text = (EXAMPLES / "twitter.yaml").read_text(encoding="utf-8")
    return check(parse_spec_text(text, source="twitter.yaml", overrides=overrides))


def test_twitter_findings() -> None:
    r = twitter()
    by = {f.code: f for f in r.findings}
    cap = by["CAP001"]
    assert "Peak 2,315 req/s" in cap.message and "behind a load balancer" in cap.message
    assert "runs 6" in cap.message
    assert "49:1" in by["CAC001"].message and "caches 19.6 GB" in by["CAC001"].message
    assert by["AVL002"].severity == "error" and "one load balancer" in by["AVL002"].message
    assert by["AVL003"].severity == "error" and "no replica" in by["AVL003"].message
    assert "99.99%" in by["AVL003"].message
    av = by["AVL001"]
    assert av.severity == "error" and "Weakest: database" in av.message
    assert "add a database replica" in av.fix and "add a load balancer" in av.fix
    assert "4.32 min" in av.message
    assert r.exit_code() == 1


def test_twitter_without_spofs() -> None:
    r = twitter(["design.database.replicas=1", "design.load_balancer.count=2"])
    assert not {"AVL001", "AVL002", "AVL003"} & {f.code for f in r.errors + r.warnings}
    assert [f.code for f in r.errors] == []
    assert r.exit_code() == 0 and r.exit_code(strict=True) == 1  # STO002 stays a warning


# --- latency budgets ------------------------------------------------------------------------


def test_latency_budget_by_hand() -> None:
    b = run().latency["read_item"]
    # client 50 + LB (1 + 0.5) + app 5 + cache 1 + 20% x (10 + 0.5) = 59.6 ms
    assert b["expected_ms"] == pytest.approx(59.6)
    assert b["percentile"] == "p95" and b["estimated_percentile_ms"] == pytest.approx(119.2)
    assert b["dominant_hop"] == "client round trip"
    assert [h["hop"] for h in b["hops"]][:3] == ["client round trip", "load balancer",
                                                 "app server"]


def test_tight_slo_names_the_dominant_hop() -> None:
    r = run(req(latency={"read_item": {"p95": "50 ms"}}))
    f = next(f for f in r.findings if f.code == "LAT001")
    assert f.severity == "error"
    assert "read_item" in f.message and "Dominant hop: client round trip" in f.message
    assert "client round trip" in f.fix


def test_slow_database_dominates_an_uncached_read() -> None:
    r = run(sub("cache", enabled=False), sub("assumptions", latency_db_read="300 ms"),
            req(latency={"read_item": {"p99": "400 ms"}}))
    f = next(f for f in r.findings if f.code == "LAT001")
    assert f.severity == "error"
    assert "Dominant hop: database read" in f.message
    assert r.latency["read_item"]["dominant_hop"] == "database read"


def test_strictest_of_several_percentiles_is_judged() -> None:
    r = run(req(latency={"read_item": {"p50": "1 s", "p99": "150 ms"}}))
    assert r.latency["read_item"]["percentile"] == "p99"
    assert severities(r, "LAT001") == ["error"]


# --- selection and the report -----------------------------------------------------------------


def test_select_and_ignore() -> None:
    r = run(STRONG, select=["CAC"])
    assert {f.code[:3] for f in r.findings} == {"CAC"}
    r = run(STRONG, select=["availability"])
    assert {f.code[:3] for f in r.findings} == {"AVL"}
    r = run(STRONG, select=["CAC003", "dur001"])
    assert sorted(f.code for f in r.findings) == ["CAC003", "DUR001"]
    r = run(STRONG, ignore=["CAC", "latency"])
    codes = {f.code for f in r.findings}
    assert codes and not any(c.startswith(("CAC", "LAT")) for c in codes)
    assert "DUR001" in codes
    r = run(STRONG, select=["CAC"], ignore=["CAC003"])
    assert "CAC003" not in {f.code for f in r.findings}


def test_unknown_codes() -> None:
    assert unknown_codes(["CAP", "cache", "AVL002", "bw"]) == []
    assert unknown_codes(["XYZ123", "CAP999", "caches"]) == ["XYZ123", "CAP999", "caches"]


def test_findings_are_sorted_by_severity_then_code() -> None:
    r = twitter()
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.code) for f in r.findings]
    assert keys == sorted(keys)


def test_report_json_shape() -> None:
    d = json.loads(json.dumps(twitter().to_dict()))
    assert {"findings", "availability", "latency"} <= set(d)
    for f in d["findings"]:
        assert {"code", "severity", "title", "message", "why", "fix"} <= set(f)
    assert {"target", "achieved", "weakest"} <= set(d["availability"])
    assert set(d["latency"]) == {"post_tweet", "view_timeline"}
    for b in d["latency"].values():
        assert {"expected_ms", "target_ms", "percentile"} <= set(b)
    assert d["summary"] == {"errors": 3, "warnings": 1, "info": 7}


# --- golden findings for every example ------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden" / "check"
EXAMPLE_SPECS = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "bad.yaml")


def golden_summary(report: Report) -> dict[str, Any]:
    return {
        "findings": [{"code": f.code, "severity": f.severity} for f in report.findings],
        "availability": {"target": round(report.availability["target"], 6),
                         "achieved": round(report.availability["achieved"], 6)},
    }


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: p.stem)
def test_example_matches_golden(path: Path) -> None:
    report = check(parse_spec_text(path.read_text(encoding="utf-8"), source=str(path)))
    got = json.dumps(golden_summary(report), indent=2) + "\n"
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("SYSDESIGN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), (
        f"no golden file for {path.name}: run SYSDESIGN_UPDATE_GOLDEN=1 python3 -m pytest "
        "tests/test_rules.py -k golden, then review the new file by eye")
    assert golden.read_text(encoding="utf-8") == got, (
        f"`sysdesign check {path.name}` changed. If the change is intended, regenerate with "
        "SYSDESIGN_UPDATE_GOLDEN=1 python3 -m pytest tests/test_rules.py -k golden and review "
        "the diff.")


def test_no_stale_golden_files() -> None:
    stems = {p.stem for p in EXAMPLE_SPECS}
    stale = [p.name for p in GOLDEN.glob("*.json") if p.stem not in stems]
    assert not stale, f"golden files without an example: {stale}"


# --- docs/rules.md is generated from the registry -----------------------------------------------


def test_rules_doc_is_up_to_date() -> None:
    from sysdesign.render.rules_doc import rules_markdown

    doc = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert doc.exists(), "docs/rules.md is missing: python3 -m sysdesign.render.rules_doc > " \
        "docs/rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date with the rule registry; regenerate it with "
        "`python3 -m sysdesign.render.rules_doc > docs/rules.md`")


def test_rules_doc_lists_every_rule() -> None:
    from sysdesign.render.rules_doc import rules_markdown

    text = rules_markdown()
    for code, r in load_rules().items():
        assert f"### {code}\n" in text
        assert " ".join(r.why.split()) in text and " ".join(r.fix.split()) in text
    assert "| `server_rps` | 500 req/s |" in text
    assert "| `db_node_storage_limit` | 2 TB |" in text


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: p.stem)
def test_example_comment_says_what_check_shows(path: Path) -> None:
    """Each example's top comment tells a student what the check reports, with its exit code."""
    text = path.read_text(encoding="utf-8")
    head = text.split("\nname:", 1)[0]
    heading = next((line for line in head.splitlines()
                    if line.startswith("# What `sysdesign check` shows")), None)
    assert heading is not None, f"{path.name}: no 'What `sysdesign check` shows' paragraph"
    report = check(parse_spec_text(text, source=str(path)))
    plain, strict = report.exit_code(), report.exit_code(strict=True)
    if plain == strict:
        assert f"(exit {plain}" in heading, heading
    else:
        assert f"(exit {plain}; {strict} with --strict)" in heading, heading
    for f in report.errors + report.warnings:
        assert f.code in head, f"{path.name}: the comment does not mention {f.code}"


def test_huge_system_checks_quickly() -> None:
    """Millions of servers and thousands of shards compose in closed form, not term by term."""
    import time

    t0 = time.perf_counter()
    r = run(sub("users", dau="1B"), act("read_item", per_user_per_day=100_000),
            act("write_item", per_user_per_day=1000, stored_size="1 KB"))
    assert time.perf_counter() - t0 < 5
    db = r.design.get("database")
    app = r.design.get("app")
    assert app is not None and app.count > 1_000_000
    assert db is not None and db.shards > 1000
    # each shard is a primary and its replicas in parallel; every shard is needed
    shard = 1 - (1 - db.availability) ** (1 + db.replicas)
    assert r.availability["achieved"] == pytest.approx(
        0.99999 * (1 - 0.0001 ** 2) * 1.0 * shard ** db.shards, rel=1e-12)
    assert len(r.availability["work"]) < 200


def test_shard_key_follows_the_busiest_lookup() -> None:
    def key(*edits: Edit) -> str:
        f = next(f for f in run(*edits, BIG_DATA).findings if f.code == "STO001")
        return f.message.split("Shard key candidate: ", 1)[1]

    # the read path looks items up by item_id; a nullable user_id on the entity does not win
    k = key(act("read_item", endpoint="GET /api/v1/items/{item_id}?fields={f}"),
            top("entities", {"Item": {"fields": {"item_id": {"type": "bigint",
                                                             "primary_key": True},
                                                 "user_id": "bigint"}}}))
    assert k.startswith("item_id (") and "GET /api/v1/items/{item_id}" in k
    # query parameters and writes that store nothing are not lookups of stored rows
    k = key(act("read_item", endpoint="GET /api/v1/items?owner={owner}"),
            top("actions", {**copy.deepcopy(BASE["actions"]), "ping": {
                "kind": "write", "per_user_per_day": 1000, "request_size": "10 B",
                "stored_size": "0 B", "endpoint": "PUT /api/v1/pings/{ping_id}"}}))
    assert "ping_id" not in k and "owner" not in k
    # a domain hint that agrees with the endpoint keeps its richer wording
    k = key(act("read_item", endpoint="GET /devices/{device_id}/readings"),
            top("name", "Sensor fleet"))
    assert k.startswith("device_id (with time as a secondary range key)")


# --- any valid spec checks cleanly --------------------------------------------------------------

_action = st.fixed_dictionaries(
    {"kind": st.sampled_from(["read", "write"]),
     "per_user_per_day": st.sampled_from([0.01, 1, 50, 10_000]),
     "request_size": st.sampled_from(["0 B", "200 B", "5 MB"]),
     "response_size": st.sampled_from(["0 B", "2 KB", "300 MB"])},
    optional={"stored_size": st.sampled_from(["0 B", "1 KB", "1 GB"]),
              "media": st.booleans(), "fanout": st.booleans(), "cacheable": st.booleans()})
_pin = st.sampled_from([{"count": 0}, {"count": 1}, {"count": 3}, {"enabled": False},
                        {"enabled": True}, {"replicas": 0}, {"availability": "99%"}])


@settings(max_examples=30, deadline=None)
@given(actions=st.lists(_action, min_size=1, max_size=3),
       dau=st.sampled_from(["1", "10K", "5M", "1B"]),
       availability=st.sampled_from(["90%", "99.9%", "99.999%"]),
       consistency=st.sampled_from(["strong", "eventual"]),
       durability=st.sampled_from(["best-effort", "high", "critical"]),
       pins=st.dictionaries(st.sampled_from(["app", "load_balancer", "database", "cache",
                                             "queue", "worker", "cdn", "object_storage"]),
                            _pin, max_size=3),
       cache_on=st.booleans())
def test_any_valid_spec_checks_and_renders(actions: list[dict[str, Any]], dau: str,
                                           availability: str, consistency: str,
                                           durability: str, pins: dict[str, Any],
                                           cache_on: bool) -> None:
    from sysdesign.render import check_text

    data = {"name": "Any", "users": {"dau": dau},
            "actions": {f"a{i}": a for i, a in enumerate(actions)},
            "cache": {"enabled": cache_on},
            "requirements": {"availability": availability, "consistency": consistency,
                             "durability": durability,
                             "latency": {"a0": {"p99": "300 ms"}}},
            "design": pins}
    r = check(parse_spec_text(yaml.safe_dump(data), source="<any>"))
    assert 0 <= r.availability["achieved"] <= 1
    assert {f.code for f in r.findings} <= set(REGISTRY)
    json.loads(check_text.to_json(r))
    assert check_text.to_markdown(r).startswith("## Design check")
