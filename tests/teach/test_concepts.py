"""Every concept card has its parts, and lookups find cards by id, alias and near-miss."""

from __future__ import annotations

import re

import pytest

from sysdesign.teach import concepts

CARDS = concepts.load_cards()

# Topics the cards must cover, each matched by a card id or alias.
TOPICS = [
    "read heavy", "write heavy", "qps", "peak", "slo", "sla", "sli", "error budget", "nines",
    "cdn", "dns", "load balancer", "round robin", "least connections", "reverse proxy",
    "stateless", "cache aside", "invalidation", "ttl", "eviction", "thundering herd",
    "cache warm-up", "redis", "memcached", "message queue", "kafka", "topic", "partitions",
    "consumer groups", "dead letter queue", "worker", "fan-out on write", "fan-out on read",
    "hybrid fan-out", "sql", "acid", "index", "connection pool", "replication", "sharding",
    "shard key", "nosql", "consistency", "rest", "graphql", "grpc", "rate limiting",
    "token bucket", "api gateway", "jwt", "circuit breaker", "health checks", "logs", "metrics",
    "traces", "containers", "kubernetes",
]


def test_at_least_thirty_cards():
    assert len(CARDS) >= 30


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_card_has_required_parts(card):
    assert card.title
    for name in concepts.REQUIRED_SECTIONS:
        text = card.section(name)
        assert len(text.split()) >= 15, f"{card.id}: section '{name}' is missing or too short"
    number = card.section("A number to remember")
    assert re.search(r"\d", number), f"{card.id}: the number to remember has no number"
    assert "Source:" in number, f"{card.id}: the number to remember names no source"
    assert card.spec_hook, f"{card.id}: no spec_hook"
    for hook in card.spec_hook:
        assert concepts.known_hook(hook), f"{card.id}: unknown spec hook {hook}"
    for rel in card.related:
        assert concepts.get_card(rel) is not None, f"{card.id}: related card {rel} does not exist"
        assert rel != card.id


@pytest.mark.parametrize("topic", TOPICS)
def test_issue_topics_are_covered(topic):
    assert concepts.find(topic) is not None, topic


def test_names_are_unique():
    seen: dict[str, str] = {}
    for card in CARDS:
        for name in card.names():
            assert seen.get(name, card.id) == card.id, f"{name} used by {seen[name]} and {card.id}"
            seen[name] = card.id


def test_near_misses_and_suggestions():
    assert concepts.find("shardng").id == "sharding"
    assert concepts.find("Cache-Aside").id == "caching"
    assert concepts.find("xyzzy") is None
    assert concepts.suggest("xyzzy") == []
    ids = [c.id for c in concepts.suggest("database")]
    assert "sql-and-acid" in ids


def test_malformed_card_is_reported(tmp_path):
    with pytest.raises(concepts.CardError):
        concepts.parse_card("no front matter", "bad")
    with pytest.raises(concepts.CardError):
        concepts.parse_card("---\ntitle: [unclosed\n---\n## What it is\n", "bad")
