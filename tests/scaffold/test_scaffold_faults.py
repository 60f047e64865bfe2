"""Fault tests on real PostgreSQL and Redis: a worker killed mid fan-out, Redis stopped while
posting, and 200 concurrent posts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scaffold_helpers import TESTS, new_database, run_fault

pytestmark = pytest.mark.services


@pytest.fixture
def own_redis():
    """A Redis server of the test's own, which the test may stop and restart."""
    sys.path.insert(0, str(TESTS))
    from services import redis_server, require_binary

    require_binary("redis-server")
    with redis_server() as rd:
        yield rd


def test_worker_killed_mid_fan_out_delivers_exactly_once(twitter_project: Path, pg_server,
                                                         redis_srv) -> None:
    r = run_fault(twitter_project, "worker_crash", DATABASE_URL=new_database(pg_server),
                  REDIS_URL=redis_srv.url)
    assert r["post_status"] == 201
    assert r["started"], r
    assert 100 <= r["partial"] < 1000, r  # killed part-way through
    assert r["pending_after_kill"] == 1, r  # the event was not acknowledged
    assert r["completed"] and r["final"] == 1000, r  # the restarted worker finished it
    assert r["acked"], r
    assert r["followers_with_exactly_one_entry"] == 1000, r
    assert r["api_sample_ok"] and r["author_timeline"], r


def test_redis_down_posts_succeed_and_events_arrive_later(twitter_project: Path, pg_server,
                                                          own_redis) -> None:
    r = run_fault(twitter_project, "redis_down", DATABASE_URL=new_database(pg_server),
                  REDIS_URL=own_redis.url, REDIS_PORT=str(own_redis.port),
                  REDIS_DIR=str(own_redis.base))
    assert r["t1_delivered"], r
    assert r["post_while_down"] == 201, r
    assert r["timeline_while_down"], r  # served from the database
    assert r["ready_while_down"] == [200, "degraded"], r
    assert r["unpublished_while_down"] == 1, r  # the event waits in the outbox
    assert r["published_after"] and r["t2_delivered_after"], r
    assert r["timeline_after"], r
    assert r["ready_after"] == [200, "ok"], r


def test_200_concurrent_posts_lose_none(twitter_project: Path, pg_server, redis_srv) -> None:
    r = run_fault(twitter_project, "concurrent_posts", DATABASE_URL=new_database(pg_server),
                  REDIS_URL=redis_srv.url)
    assert r["statuses"] == [201], r
    assert r["created"] == r["rows"] == r["events"] == 200, r
    assert r["all_fanned_out"], r
    assert r["timeline_unique"] and r["timeline_complete"], r
