"""The design model: components derived from the numbers, pins, and availability composition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sysdesign import availability as av
from sysdesign.design import HA_TARGET, KINDS, Design, derive_design
from sysdesign.estimate import estimate
from sysdesign.rules import check
from sysdesign.spec.loader import parse_spec_text
from sysdesign.spec.models import Spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TWITTER = (EXAMPLES / "twitter.yaml").read_text(encoding="utf-8")


def twitter(overrides: list[str] | None = None) -> Spec:
    return parse_spec_text(TWITTER, source="twitter.yaml", overrides=overrides)


def design_of(spec: Spec) -> Design:
    return derive_design(spec, estimate(spec))


def from_dict(data: dict[str, Any]) -> Spec:
    return parse_spec_text(yaml.safe_dump(data, sort_keys=False), source="<test>")


def base(**changes: Any) -> dict[str, Any]:
    """A small, unpinned spec: 1M users, 20 reads and 1 write each a day (peak ~486 req/s)."""
    data: dict[str, Any] = {
        "name": "Base",
        "users": {"dau": "1M", "peak_factor": 2},
        "actions": {
            "write_item": {"kind": "write", "per_user_per_day": 1, "request_size": "100 B",
                           "stored_size": "100 B"},
            "read_item": {"kind": "read", "per_user_per_day": 20, "response_size": "1 KB"},
        },
        "storage": {"retention": "1 year", "replication": 3},
        "requirements": {"availability": "99.9%", "consistency": "eventual",
                         "durability": "high"},
    }
    data.update(changes)
    return data


# --- the guide's example ---------------------------------------------------------------


def test_twitter_components_and_counts() -> None:
    d = design_of(twitter())
    kinds = [c.kind for c in d.components]
    assert kinds == ["client", "dns", "load_balancer", "app", "cache", "database", "queue",
                     "worker"]
    app = d.get("app")
    assert app is not None
    # ceil(2,315 / 500) = 5 for the peak, plus one spare
    assert d.numbers["app_servers_needed"] == 5
    assert app.count == 6 and "5 to carry the peak" in app.reason
    lb = d.get("load_balancer")
    assert lb is not None and lb.count == 1 and lb.pinned == ["count"]
    assert "pins 1 (derived: 2)" in lb.reason
    db = d.get("database")
    assert db is not None and (db.count, db.replicas, db.shards) == (1, 0, 1)
    assert "replicas" in db.pinned
    assert "pins 0 replicas per primary (derived: 1)" in db.reason
    cache = d.get("cache")
    assert cache is not None and cache.count == 1
    # 20% of 98M x 1 KB = 19.6 GB: one node
    assert cache.numbers["memory_bytes"] == pytest.approx(19.6e9)
    assert "20% of the cacheable reads" in cache.reason
    worker = d.get("worker")
    assert worker is not None and worker.count == 2


def test_twitter_unpinned_derives_redundancy() -> None:
    data = yaml.safe_load(TWITTER)
    del data["design"]
    d = design_of(from_dict(data))
    lb, db = d.get("load_balancer"), d.get("database")
    assert lb is not None and lb.count == 2 and "active-active" in lb.reason
    assert db is not None and db.replicas == 1 and "fail over" in db.reason
    assert not lb.pinned and not db.pinned


def test_edges_connect_existing_components() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if path.name == "bad.yaml":
            continue
        spec = parse_spec_text(path.read_text(encoding="utf-8"), source=str(path))
        d = design_of(spec)
        ids = {c.id for c in d.components}
        assert d.edges, path.name
        for e in d.edges:
            assert e.src in ids and e.dst in ids, (path.name, e)
        assert [c.kind for c in d.components] == sorted(
            (c.kind for c in d.components), key=KINDS.index)


def test_to_dict_keys() -> None:
    d = design_of(twitter()).to_dict()
    assert set(d) == {"name", "components", "edges", "numbers"}
    c = d["components"][0]
    for key in ("id", "kind", "label", "count", "replicas", "shards", "replication", "tier",
                "availability", "group_availability", "technology", "reason", "numbers",
                "pinned"):
        assert key in c


# --- derivations on crafted specs ----------------------------------------------------------


def test_small_system_still_gets_two_app_servers() -> None:
    d = design_of(from_dict(base()))
    app = d.get("app")
    assert app is not None and app.count == 2  # 1 carries the peak, plus a spare
    assert d.has("load_balancer")


def test_load_balancer_and_replica_follow_the_target() -> None:
    low = base(requirements={"availability": "99%", "durability": "best-effort"})
    d = design_of(from_dict(low))
    lb, db, cache = d.get("load_balancer"), d.get("database"), d.get("cache")
    assert lb is not None and lb.count == 1
    assert db is not None and db.replicas == 0
    assert cache is not None and cache.replicas == 0
    d = design_of(from_dict(base()))  # 99.9%
    lb, db, cache = d.get("load_balancer"), d.get("database"), d.get("cache")
    assert HA_TARGET == 0.999
    assert lb is not None and lb.count == 2
    assert db is not None and db.replicas == 1
    assert cache is not None and cache.replicas == 1


def test_storage_past_one_node_shards() -> None:
    data = base()
    data["actions"]["write_item"]["stored_size"] = "100 KB"  # 100 GB a day, 36.5 TB a year
    d = design_of(from_dict(data))
    db = d.get("database")
    assert db is not None
    # ceil(36.5 TB / 1 TB shard target) = 37
    assert db.shards == db.count == 37
    assert d.numbers["shards_for_storage"] == 37
    assert "37 shards because storage" in db.reason


def test_writes_past_one_primary_shard_and_queue() -> None:
    data = base()
    data["actions"]["write_item"].update(per_user_per_day=1000, stored_size="1 B")
    # 11.6K writes/s, 23K at peak; 1 B each keeps storage small
    d = design_of(from_dict(data))
    db = d.get("database")
    assert db is not None
    # ceil(23,148 / (5,000 x 0.7)) = 7
    assert d.numbers["shards_for_writes"] == 7 and db.shards == 7
    assert d.has("queue") and d.has("worker")


def test_writes_that_store_nothing_skip_the_database() -> None:
    data = base()
    data["actions"]["ping"] = {"kind": "write", "per_user_per_day": 1000, "request_size": "50 B",
                               "stored_size": "0 B"}
    d = design_of(from_dict(data))
    # only write_item reaches the primary: 1M / 86,400 x 2 = 23 writes/s at peak
    assert d.numbers["db_write_peak_qps"] == pytest.approx(1e6 / 86400 * 2)
    assert d.numbers["shards_for_writes"] == 1
    db = d.get("database")
    assert db is not None and "ping stores nothing" in db.reason


def test_media_bytes_stay_out_of_the_database() -> None:
    spec = parse_spec_text((EXAMPLES / "video-streaming.yaml").read_text(encoding="utf-8"))
    d = design_of(spec)
    db = d.get("database")
    assert db is not None and db.shards == 1
    assert d.has("object_storage") and d.has("cdn")
    assert d.numbers["db_retention_bytes"] == 0
    assert d.numbers["media_retention_bytes"] == pytest.approx(
        estimate(spec).storage_retention.value)
    assert "live in object storage" in db.reason


def test_read_replicas_from_read_load() -> None:
    data = base(cache={"enabled": False})
    data["actions"]["read_item"]["per_user_per_day"] = 5000  # 58K reads/s, 116K at peak
    d = design_of(from_dict(data))
    db = d.get("database")
    assert db is not None
    # ceil(115,741 / 10,000) = 12 nodes: 11 replicas
    assert db.replicas == 11 and "11 to serve reads" in db.reason


def test_fanout_sizes_queue_and_workers() -> None:
    data = base(users={"dau": "1M", "peak_factor": 2, "followers": {"average": 1000}})
    data["actions"]["write_item"]["fanout"] = True
    d = design_of(from_dict(data))
    # 11.6 posts/s x 1,000 followers x 2 = 23,148 inserts/s: ceil(/20,000) = 2, plus a spare
    assert d.numbers["fanout_inserts_peak_per_second"] == pytest.approx(1e6 / 86400 * 2000)
    worker = d.get("worker")
    assert worker is not None and worker.count == 3


# --- pins win ----------------------------------------------------------------------------------


def test_pins_win_over_derived_values() -> None:
    data = base(design={
        "app": {"count": 9, "technology": "Go services"},
        "load_balancer": {"count": 3, "availability": "99.9%"},
        "database": {"shards": 4, "replicas": 2, "replication": "sync"},
        "cache": {"replicas": 0},
    })
    d = design_of(from_dict(data))
    app, lb, db, cache = (d.get(k) for k in ("app", "load_balancer", "database", "cache"))
    assert app is not None and app.count == 9 and app.technology == "Go services"
    assert "pins 9 (derived: 2)" in app.reason and app.pinned == ["count"]
    assert lb is not None and lb.count == 3 and lb.availability == pytest.approx(0.999)
    assert set(lb.pinned) == {"count", "availability"}
    assert db is not None and (db.shards, db.replicas, db.replication) == (4, 2, "sync")
    assert {"shards", "replicas", "replication"} <= set(db.pinned)
    assert cache is not None and cache.replicas == 0 and "replicas" in cache.pinned


def test_pins_remove_and_add_components() -> None:
    data = base(design={"cache": {"enabled": False}, "queue": {"enabled": True},
                        "cdn": {"count": 0}})
    d = design_of(from_dict(data))
    assert not d.has("cache")
    assert d.has("queue") and d.has("worker")
    q = d.get("queue")
    assert q is not None and q.reason == "Pinned by the spec."
    data = base(design={"cdn": {"enabled": True}, "object_storage": {"enabled": True}})
    d = design_of(from_dict(data))
    assert d.has("cdn") and d.has("object_storage")
    data = base(design={"database": {"count": 0}})
    assert not design_of(from_dict(data)).has("database")


def test_single_app_server_pin_drops_the_load_balancer() -> None:
    d = design_of(from_dict(base(design={"app": {"count": 1}})))
    assert not d.has("load_balancer")
    d = design_of(from_dict(base(design={"app": {"count": 1},
                                         "load_balancer": {"enabled": True}})))
    assert d.has("load_balancer")


# --- availability composition ---------------------------------------------------------------


def test_series_and_parallel_by_hand() -> None:
    assert av.series([0.999, 0.999]).availability == pytest.approx(0.998001, abs=1e-12)
    assert av.parallel([0.999, 0.999]).availability == pytest.approx(0.999999, abs=1e-12)
    # a 99.9% app tier of six: 1 - 0.001^6
    assert av.parallel([0.999] * 6).availability == pytest.approx(1 - 1e-18, abs=1e-15)


def test_group_availability_by_hand() -> None:
    d = design_of(twitter(["design.database.replicas=2", "design.load_balancer.count=2"]))
    app, lb, db = d.get("app"), d.get("load_balancer"), d.get("database")
    assert app is not None and lb is not None and db is not None
    assert app.group_availability() == pytest.approx(1 - 0.001 ** 6, abs=1e-15)
    assert lb.group_availability() == pytest.approx(1 - 0.0001 ** 2, abs=1e-15)
    assert db.group_availability() == pytest.approx(1 - 0.0005 ** 3, abs=1e-15)
    # four shards, each a primary and a replica, all needed: (1 - 0.0005^2)^4
    d = design_of(from_dict(base(design={"database": {"shards": 4, "replicas": 1}})))
    db = d.get("database")
    assert db is not None
    assert db.group_availability() == pytest.approx((1 - 0.0005 ** 2) ** 4, abs=1e-15)


def test_twitter_path_availability_by_hand() -> None:
    r = check(twitter())
    expected = 0.99999 * 0.9999 * (1 - 0.001 ** 6) * 0.9995
    assert r.availability["achieved"] == pytest.approx(expected, abs=1e-12)
    assert r.availability["target"] == pytest.approx(0.9999)
    assert r.availability["weakest"] == "database"
    assert [p["component"] for p in r.availability["path"]] == [
        "dns", "load_balancer", "app", "database"]
    # 0.01% of a 30-day month
    assert r.availability["error_budget_minutes_per_month"] == pytest.approx(4.32)


def test_twitter_fixes_are_recomputed() -> None:
    fixes = check(twitter()).availability["fixes"]
    assert [f["component"] for f in fixes] == ["database", "load_balancer"]
    with_replica = 0.99999 * 0.9999 * (1 - 0.001 ** 6) * (1 - 0.0005 ** 2)
    both = 0.99999 * (1 - 0.0001 ** 2) * (1 - 0.001 ** 6) * (1 - 0.0005 ** 2)
    assert fixes[0]["achieved"] == pytest.approx(with_replica, abs=1e-12)
    assert fixes[1]["achieved"] == pytest.approx(both, abs=1e-12)
    assert both >= 0.9999


def codes(spec: Spec, severities: tuple[str, ...] = ("error", "warning")) -> set[str]:
    return {f.code for f in check(spec).findings if f.severity in severities}


def test_replica_changes_availability_and_clears_db_spof() -> None:
    before = check(twitter())
    after = check(twitter(["design.database.replicas=1"]))
    assert "AVL003" in {f.code for f in before.findings}
    assert "AVL003" not in {f.code for f in after.findings}
    assert after.availability["achieved"] > before.availability["achieved"]
    assert after.availability["achieved"] == pytest.approx(
        0.99999 * 0.9999 * (1 - 0.001 ** 6) * (1 - 0.0005 ** 2), abs=1e-12)
    assert "AVL002" in {f.code for f in after.findings}  # the load balancer is still alone


def test_second_load_balancer_changes_availability_and_clears_lb_spof() -> None:
    before = check(twitter())
    after = check(twitter(["design.load_balancer.count=2"]))
    assert "AVL002" in {f.code for f in before.findings}
    assert "AVL002" not in {f.code for f in after.findings}
    assert after.availability["achieved"] > before.availability["achieved"]
    assert after.availability["achieved"] == pytest.approx(
        0.99999 * (1 - 0.0001 ** 2) * (1 - 0.001 ** 6) * 0.9995, abs=1e-12)


def test_edited_yaml_with_both_fixes_meets_the_target() -> None:
    text = TWITTER.replace("load_balancer: {count: 1}", "load_balancer: {count: 2}").replace(
        "database: {count: 1, replicas: 0}", "database: {count: 1, replicas: 1}")
    assert text != TWITTER
    r = check(parse_spec_text(text))
    assert r.availability["achieved"] >= r.availability["target"]
    assert not {"AVL001", "AVL002", "AVL003"} & {f.code for f in r.findings
                                                 if f.severity != "info"}
    assert r.availability["fixes"] == []


# --- monotonic in DAU -----------------------------------------------------------------------


def _counts(dau: float) -> tuple[int, int, int, int]:
    data = base(users={"dau": dau, "peak_factor": 3, "followers": {"average": 50}})
    data["actions"]["write_item"].update(stored_size="2 KB", fanout=True)
    data["actions"]["read_item"]["response_size"] = "20 KB"
    d = design_of(from_dict(data))
    app, db, cache, worker = (d.get(k) for k in ("app", "database", "cache", "worker"))
    assert app is not None and db is not None and cache is not None and worker is not None
    return app.count, db.shards, cache.count, worker.count


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=1e3, max_value=2e9), st.floats(min_value=1.0, max_value=50.0))
def test_more_users_never_need_less(dau: float, factor: float) -> None:
    small, big = _counts(dau), _counts(dau * factor)
    for name, a, b in zip(("app servers", "shards", "cache nodes", "workers"), small, big,
                          strict=True):
        assert b >= a, f"{name}: {a} at {dau:.0f} DAU but {b} at {dau * factor:.0f}"


def test_counts_grow_across_the_range() -> None:
    assert _counts(1e4) < _counts(1e9)
    app, shards, cache, workers = _counts(1e9)
    assert app > 2 and shards > 1 and cache > 1 and workers > 2


def test_large_payloads_put_object_storage_on_the_path() -> None:
    data = base()
    data["actions"]["read_item"]["response_size"] = "5 MB"  # media by size, not by flag
    spec = from_dict(data)
    d = design_of(spec)
    assert d.has("object_storage") and d.has("cdn")
    assert [c.kind for c in d.request_path()][-1] == "object_storage"
