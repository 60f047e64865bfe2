"""SQL DDL from a spec's ``entities:`` for SQLite and PostgreSQL.

Tables come out in dependency order (a referenced table before the tables that reference it,
otherwise in spec order). Identifiers are quoted only when they need it (upper case, odd
characters, or an SQL keyword). In SQLite, ``string(N)`` limits become CHECK constraints,
because SQLite does not enforce VARCHAR lengths; in PostgreSQL a foreign-key cycle is closed
with ``ALTER TABLE ... ADD CONSTRAINT`` after every table exists.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sysdesign.errors import SysdesignError
from sysdesign.spec.entities import Entity, EntityField, entity_problems, table_name

DIALECTS = ("postgresql", "sqlite")

# Keywords of either database that cannot (or should not) be used bare as identifiers.
_KEYWORDS = """
    abort action add after all alter always analyze and any array as asc attach authorization
    autoincrement before begin between binary both by cascade case cast check collate column
    commit concurrently conflict constraint create cross current current_catalog current_date
    current_role current_schema current_time current_timestamp current_user database default
    deferrable deferred delete desc detach distinct do drop each else end escape except
    exclude exclusive exists explain fail false fetch filter first following for foreign freeze
    from full generated glob grant group groups having if ignore ilike immediate in index
    indexed initially inner insert instead intersect into is isnull join key last lateral
    leading left like limit localtime localtimestamp match materialized natural no not nothing
    notnull null nulls of offset on only or order others outer over overlaps partition plan
    placing pragma preceding primary query raise range recursive references regexp reindex
    release rename replace restrict returning right rollback row rows savepoint select
    session_user set similar some symmetric table temp temporary then ties to trailing
    transaction trigger true unbounded union unique update user using vacuum values variadic
    verbose view virtual when where window with without
"""
SQL_KEYWORDS = frozenset(_KEYWORDS.split())

_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_PG_MAX_IDENT = 63


def quote_ident(name: str) -> str:
    """An identifier as both databases read it: bare when safe, else double-quoted."""
    if "\x00" in name:
        raise SysdesignError(f"identifier {name!r} contains a NUL character")
    if _PLAIN_IDENT.match(name) and name not in SQL_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def _short(name: str) -> str:
    """Fit a generated name into PostgreSQL's 63-byte limit, keeping it unique with a hash."""
    if len(name.encode()) <= _PG_MAX_IDENT:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    cut = name.encode()[: _PG_MAX_IDENT - 9].decode("utf-8", "ignore")
    return f"{cut}_{digest}"


def column_type(f: EntityField, dialect: str) -> str:
    t = f.field_type
    pg = dialect == "postgresql"
    if t.base == "string":
        return f"VARCHAR({t.length})" if t.length else ("TEXT" if not pg else "TEXT")
    if t.base == "decimal":
        if t.length and t.scale is not None:
            return f"NUMERIC({t.length}, {t.scale})"
        return f"NUMERIC({t.length})" if t.length else "NUMERIC"
    mapping = {
        "bool": ("BOOLEAN", "BOOLEAN"),
        "smallint": ("SMALLINT", "INTEGER"),
        "int": ("INTEGER", "INTEGER"),
        "bigint": ("BIGINT", "INTEGER"),
        "float": ("DOUBLE PRECISION", "REAL"),
        "text": ("TEXT", "TEXT"),
        "uuid": ("UUID", "TEXT"),
        "date": ("DATE", "DATE"),
        "timestamp": ("TIMESTAMPTZ", "TIMESTAMP"),
        "json": ("JSONB", "TEXT"),
        "bytes": ("BYTEA", "BLOB"),
    }
    return mapping[t.base][0 if pg else 1]


@dataclass
class _Table:
    entity: str
    name: str
    model: Entity


def _ordered(entities: Mapping[str, Entity]) -> tuple[list[_Table], set[tuple[str, str]]]:
    """Tables in dependency order, and the (entity, field) foreign keys that close a cycle."""
    order: list[str] = []
    state: dict[str, int] = {}
    deferred: set[tuple[str, str]] = set()

    def visit(name: str) -> None:
        state[name] = 1
        for fname, f in entities[name].fields.items():
            target = f.target
            if target is None or target[0] == name:
                continue
            other = target[0]
            if state.get(other) == 1:
                deferred.add((name, fname))
            elif other not in state:
                visit(other)
        state[name] = 2
        order.append(name)

    for name in entities:
        if name not in state:
            visit(name)
    return [_Table(n, table_name(n, entities[n]), entities[n]) for n in order], deferred


def generate_ddl(
    entities: Mapping[str, Entity], dialect: str = "postgresql", *, comments: bool = True
) -> str:
    """CREATE TABLE and CREATE INDEX statements for ``entities`` in ``dialect``."""
    if dialect not in DIALECTS:
        raise SysdesignError(f"unknown SQL dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    if not entities:
        return ""
    problems = entity_problems(dict(entities))
    if problems:
        lines = "\n".join(f"  {path}: {msg}" for path, msg in problems)
        raise SysdesignError(f"the data model has problems:\n{lines}")
    tables, deferred = _ordered(entities)
    names = {t.entity: t.name for t in tables}
    pg = dialect == "postgresql"
    out: list[str] = []
    alters: list[str] = []

    for table in tables:
        ent = table.model
        pk = ent.primary_key
        body: list[str] = []
        for fname, f in ent.fields.items():
            col = [quote_ident(fname), column_type(f, dialect)]
            if f.primary_key and len(pk) == 1:
                col.append("PRIMARY KEY")
            elif not f.nullable:
                col.append("NOT NULL")
            if f.unique and not (f.primary_key and len(pk) == 1):
                col.append("UNIQUE")
            t = f.field_type
            if not pg and t.base == "string" and t.length:
                col.append(f"CHECK (length({quote_ident(fname)}) <= {t.length})")
            target = f.target
            if target is not None and not (pg and (table.entity, fname) in deferred):
                col.append(_references(names[target[0]], target[1], f))
            body.append(" ".join(col))
            if target is not None and pg and (table.entity, fname) in deferred:
                cname = _short(f"fk_{table.name}_{fname}")
                alters.append(
                    f"ALTER TABLE {quote_ident(table.name)} ADD CONSTRAINT {quote_ident(cname)} "
                    f"FOREIGN KEY ({quote_ident(fname)}) "
                    f"{_references(names[target[0]], target[1], f)};"
                )
        if len(pk) > 1:
            body.append("PRIMARY KEY (" + ", ".join(quote_ident(c) for c in pk) + ")")
        head = ""
        if comments and ent.description:
            head = "".join(f"-- {line}\n" for line in ent.description.splitlines())
        out.append(
            head
            + f"CREATE TABLE {quote_ident(table.name)} (\n    "
            + ",\n    ".join(body)
            + "\n);"
        )
        for ix in ent.indexes:
            kind = "UNIQUE INDEX" if ix.unique else "INDEX"
            default = ("ux_" if ix.unique else "ix_") + table.name + "_" + "_".join(ix.columns)
            iname = _short(ix.name or default)
            cols = ", ".join(quote_ident(c) for c in ix.columns)
            note = f"-- {ix.description}\n" if comments and ix.description else ""
            out.append(
                f"{note}CREATE {kind} {quote_ident(iname)} ON {quote_ident(table.name)} ({cols});"
            )
    return "\n\n".join(out + alters) + "\n"


def _references(table: str, column: str, f: EntityField) -> str:
    clause = f"REFERENCES {quote_ident(table)} ({quote_ident(column)})"
    if f.on_delete:
        clause += f" ON DELETE {f.on_delete.upper()}"
    return clause
