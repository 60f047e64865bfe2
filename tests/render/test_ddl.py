"""Entities (spec models) and the SQL DDL generated from them, run in SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from pydantic import TypeAdapter, ValidationError

from sysdesign.errors import SysdesignError
from sysdesign.render.ddl import generate_ddl, quote_ident
from sysdesign.spec.entities import (
    BodyFields,
    Entity,
    entity_problems,
    parse_body_type,
    parse_type,
    table_name,
)

ENTITIES = TypeAdapter(dict[str, Entity])

TWITTER = {
    "User": {
        "fields": {
            "id": {"type": "bigint", "primary_key": True},
            "username": {"type": "string(32)", "unique": True},
            "bio": {"type": "string(160)", "nullable": True},
            "created_at": "timestamp",
        }
    },
    "Tweet": {
        "description": "One post.",
        "fields": {
            "id": {"type": "bigint", "primary_key": True},
            "user_id": {"type": "bigint", "references": "User.id", "on_delete": "cascade"},
            "body": "string(280)",
            "created_at": "timestamp",
        },
        "indexes": [{"columns": ["user_id", "created_at"], "description": "a user's timeline"}],
    },
    "Follow": {
        "fields": {
            "follower_id": {"type": "bigint", "primary_key": True, "references": "User.id"},
            "followee_id": {"type": "bigint", "primary_key": True, "references": "User.id"},
            "created_at": "timestamp",
        },
        "indexes": [{"columns": ["follower_id", "followee_id"], "unique": True}, ["followee_id"]],
    },
    "Like": {
        "fields": {
            "user_id": {"type": "bigint", "references": "User.id"},
            "tweet_id": {"type": "bigint", "references": "Tweet.id"},
            "created_at": "timestamp",
        },
        "indexes": [{"columns": ["user_id", "tweet_id"], "unique": True}],
    },
}

# Defined in the "wrong" order with a cycle (Team.owner_id -> Member, Member.team_id -> Team),
# names that are SQL keywords, quotes, spaces and non-ASCII text.
HOSTILE = {
    "Member": {
        "table": 'end "members"',
        "fields": {
            "id": {"type": "int", "primary_key": True},
            "team_id": {"type": "int", "references": "Team.id", "nullable": True},
            "order": "string(10)",
            "Grüße; #1": {"type": "text", "nullable": True},
        },
        "indexes": [["order", "Grüße; #1"]],
    },
    "Team": {
        "fields": {
            "id": {"type": "int", "primary_key": True},
            "owner_id": {"type": "int", "references": "Member.id", "nullable": True},
            "select": {"type": "decimal(10,2)"},
            "data": "json",
            "blob": "bytes",
            "uid": {"type": "uuid", "unique": True},
            "ok": "bool",
            "day": "date",
            "ratio": "float",
        }
    },
}


def model(data):
    return ENTITIES.validate_python(data)


# --------------------------------------------------------------------------- models


def test_field_shorthand_names_and_types():
    ents = model(TWITTER)
    tweet = ents["Tweet"]
    assert list(tweet.fields) == ["id", "user_id", "body", "created_at"]
    assert tweet.fields["body"].name == "body"
    assert tweet.fields["body"].field_type.length == 280
    assert tweet.fields["user_id"].target == ("User", "id")
    assert ents["Follow"].primary_key == ["follower_id", "followee_id"]
    assert ents["Follow"].indexes[1].columns == ["followee_id"]
    assert entity_problems(ents) == []
    assert [table_name(n, e) for n, e in ents.items()] == ["users", "tweets", "follows", "likes"]


@pytest.mark.parametrize(
    "bad",
    [
        {"fields": {"id": {"type": "varchar(x)"}}},
        {"fields": {"id": {"type": "bigint(3)"}}},
        {"fields": {"id": {"type": "widget"}}},
        {"fields": {"id": {"type": "bigint", "primary_key": True, "nullable": True}}},
        {"fields": {"id": {"type": "bigint", "refrences": "User.id"}}},
        {"fields": {"id": {"type": "bigint", "references": "User"}}},
        {"fields": {"id": "bigint"}, "indexes": [["nope"]]},
        {"fields": {"id": "bigint"}, "indexes": [["id", "id"]]},
        {"fields": {}},
        {"fields": {"id": "bigint"}, "colour": "red"},
    ],
)
def test_bad_entities_are_rejected(bad):
    with pytest.raises(ValidationError):
        model({"X": bad})


def test_cross_entity_problems():
    ents = model(
        {
            "A": {"fields": {"id": {"type": "bigint", "primary_key": True}, "name": "string"}},
            "B": {
                "fields": {
                    "a1": {"type": "bigint", "references": "Nope.id"},
                    "a2": {"type": "bigint", "references": "A.missing"},
                    "a3": {"type": "string", "references": "A.id"},
                    "a4": {"type": "string", "references": "A.name"},
                },
                "relations": [{"to": "Ghost"}],
            },
        }
    )
    problems = dict(entity_problems(ents))
    assert "unknown entity 'Nope'" in problems["entities.B.fields.a1.references"]
    assert "no field 'missing'" in problems["entities.B.fields.a2.references"]
    assert "does not match" in problems["entities.B.fields.a3.references"]
    assert "neither the primary key nor unique" in problems["entities.B.fields.a4.references"]
    assert "entities.B.relations.0.to" in problems
    with pytest.raises(SysdesignError, match="Nope"):
        generate_ddl(ents)


def test_types_parse():
    assert parse_type("string(280)").length == 280
    assert parse_type("decimal(10, 2)").scale == 2
    assert parse_type("VARCHAR(5)").base == "string"
    with pytest.raises(ValueError, match="unknown field type"):
        parse_type("money")


def test_body_fields():
    body = TypeAdapter(BodyFields)
    ok = {"body": "string(280)", "media": "list[bigint]?", "tweet": "Tweet", "page": "int?"}
    assert body.validate_python(ok) == ok
    assert parse_body_type("list[Tweet]?") == ("Tweet", True, True)
    for bad in ("widget", "list[", "string(x)", "bigint(3)"):
        with pytest.raises(ValidationError):
            body.validate_python({"x": bad})


def test_quote_ident():
    assert quote_ident("users") == "users"
    assert quote_ident("order") == '"order"'
    assert quote_ident("User") == '"User"'
    assert quote_ident('a"b') == '"a""b"'


# --------------------------------------------------------------------------- DDL


def test_ddl_shape_and_determinism():
    ents = model(TWITTER)
    pg = generate_ddl(ents, "postgresql")
    assert pg == generate_ddl(model(TWITTER), "postgresql")
    assert "CREATE TABLE users (" in pg
    assert "body VARCHAR(280) NOT NULL" in pg
    assert "user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE" in pg
    assert "PRIMARY KEY (follower_id, followee_id)" in pg
    assert "CREATE INDEX ix_tweets_user_id_created_at ON tweets (user_id, created_at);" in pg
    assert "CREATE UNIQUE INDEX ux_likes_user_id_tweet_id ON likes (user_id, tweet_id);" in pg
    assert "-- a user's timeline" in pg
    lite = generate_ddl(ents, "sqlite")
    assert "CHECK (length(body) <= 280)" in lite
    assert pg.index("CREATE TABLE users") < pg.index("CREATE TABLE tweets")


def test_ddl_dependency_order_and_cycle():
    ents = model(HOSTILE)
    pg = generate_ddl(ents, "postgresql")
    assert pg.index("CREATE TABLE teams") < pg.index('CREATE TABLE "end ""members"""')
    assert "ALTER TABLE teams ADD CONSTRAINT fk_teams_owner_id FOREIGN KEY (owner_id)" in pg
    with pytest.raises(SysdesignError, match="dialect"):
        generate_ddl(ents, "oracle")


def _sqlite(ddl: str) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(ddl)
    return con


def test_ddl_runs_in_sqlite_and_enforces_constraints():
    con = _sqlite(generate_ddl(model(TWITTER), "sqlite"))
    con.execute("INSERT INTO users (id, username, created_at) VALUES (1, 'ada', '2024-01-01')")
    con.execute("INSERT INTO users (id, username, created_at) VALUES (2, 'bob', '2024-01-01')")
    con.execute("INSERT INTO tweets VALUES (10, 1, 'hello', '2024-01-02')")
    con.execute("INSERT INTO likes VALUES (2, 10, '2024-01-03')")
    con.execute("INSERT INTO follows VALUES (2, 1, '2024-01-03')")
    for bad in (
        "INSERT INTO likes VALUES (2, 10, '2024-01-04')",  # unique (user_id, tweet_id)
        "INSERT INTO follows VALUES (2, 1, '2024-01-04')",  # unique (follower, followee)
        "INSERT INTO tweets VALUES (11, 99, 'x', '2024-01-02')",  # no such user
        f"INSERT INTO tweets VALUES (12, 1, '{'x' * 281}', '2024-01-02')",  # too long
        "INSERT INTO users (id, username, created_at) VALUES (3, 'ada', '2024')",  # unique
    ):
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(bad)
    plan = con.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM tweets WHERE user_id = 1 ORDER BY created_at DESC"
    ).fetchall()
    assert "ix_tweets_user_id_created_at" in str(plan)


def test_hostile_ddl_runs_in_sqlite():
    con = _sqlite(generate_ddl(model(HOSTILE), "sqlite"))
    con.execute('INSERT INTO teams (id, "select", data, blob, uid, ok, day, ratio) '
                "VALUES (1, 2.5, '{}', x'00', 'u', 1, '2024-01-01', 0.5)")
    con.execute('INSERT INTO "end ""members""" VALUES (1, 1, \'x\', \'ü\')')
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master ORDER BY name")]
    assert 'end "members"' in names


@pytest.mark.services
@pytest.mark.parametrize("which", ["twitter", "hostile"])
def test_ddl_runs_in_postgresql(postgres, which):
    data = TWITTER if which == "twitter" else HOSTILE
    db = postgres.fresh_database(f"ddl_{which}")
    ddl = generate_ddl(model(data), "postgresql")
    proc = postgres.psql(ddl, db)
    assert proc.returncode == 0, proc.stderr
    if which == "twitter":
        ok = postgres.psql(
            "INSERT INTO users VALUES (1, 'ada', NULL, now()), (2, 'bob', NULL, now());\n"
            "INSERT INTO tweets VALUES (10, 1, 'hello', now());\n"
            "INSERT INTO likes VALUES (2, 10, now());\n",
            db,
        )
        assert ok.returncode == 0, ok.stderr
        dup = postgres.psql("INSERT INTO likes VALUES (2, 10, now());", db)
        assert dup.returncode != 0 and "ux_likes_user_id_tweet_id" in dup.stderr
        long = postgres.psql(f"INSERT INTO tweets VALUES (11, 1, '{'x' * 281}', now());", db)
        assert long.returncode != 0 and "too long" in long.stderr
    indexes = postgres.psql("SELECT indexname FROM pg_indexes WHERE schemaname='public';", db)
    assert indexes.returncode == 0


@pytest.mark.services
def test_twitter_example_ddl_runs_in_postgresql_and_sqlite(postgres):
    from pathlib import Path

    from sysdesign import load_spec
    from sysdesign.spec.entities import spec_entities

    spec = load_spec(Path(__file__).resolve().parents[2] / "examples" / "twitter.yaml")
    ents = spec_entities(spec)
    assert list(ents) == ["User", "Tweet", "Follow", "Like"]
    _sqlite(generate_ddl(ents, "sqlite"))
    db = postgres.fresh_database("ddl_twitter_example")
    proc = postgres.psql(generate_ddl(ents, "postgresql"), db)
    assert proc.returncode == 0, proc.stderr
    idx = postgres.psql(
        "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
        "WHERE schemaname = 'public';", db
    )
    assert idx.returncode == 0
    plan = postgres.psql(
        "\\pset format unaligned\n\\pset tuples_only on\n"
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tweets_user_id_created_at';",
        db,
    )
    assert "(user_id, created_at)" in plan.stdout


def _examples_with_entities():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2] / "examples"
    return [p for p in sorted(root.glob("*.yaml"))
            if p.name != "bad.yaml" and (yaml.safe_load(p.read_text()) or {}).get("entities")]


@pytest.mark.services
@pytest.mark.parametrize("path", _examples_with_entities(), ids=lambda p: p.stem)
def test_every_example_data_model_runs_in_both_databases(postgres, path):
    from sysdesign import load_spec
    from sysdesign.spec.entities import spec_entities

    ents = spec_entities(load_spec(path))
    _sqlite(generate_ddl(ents, "sqlite"))
    db = postgres.fresh_database("ddl_" + path.stem.replace("-", "_"))
    proc = postgres.psql(generate_ddl(ents, "postgresql"), db)
    assert proc.returncode == 0, proc.stderr
