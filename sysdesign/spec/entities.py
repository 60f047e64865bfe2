"""The data model of a spec (``entities:``) and the body fields of an action's API contract.

YAML shape::

    entities:
      User:
        fields:
          id: {type: bigint, primary_key: true}
          username: {type: string(32), unique: true}
          bio: {type: string(160), nullable: true}
          created_at: timestamp                 # shorthand: just the type
      Tweet:
        fields:
          id: {type: bigint, primary_key: true}
          user_id: {type: bigint, references: User.id}
          body: string(280)
          created_at: timestamp
        indexes:
          - [user_id, created_at]               # shorthand: the columns
          - {columns: [body], unique: false, name: tweets_body}
        relations:
          - {to: User, kind: many-to-one, label: written by}

    actions:
      post_tweet:
        request_body: {body: string(280), media_ids: "list[bigint]?"}
        response_body: {tweet: Tweet}

Field types: ``bool``, ``smallint``, ``int``, ``bigint``, ``float``, ``decimal(p,s)``,
``string`` / ``string(N)`` (``varchar(N)`` and ``text`` too), ``uuid``, ``date``, ``timestamp``,
``json``, ``bytes``. Body fields also accept an entity name, ``list[T]`` and a trailing ``?``
for an optional field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

SCALAR_TYPES = {
    "bool": "bool",
    "boolean": "bool",
    "smallint": "smallint",
    "int": "int",
    "integer": "int",
    "bigint": "bigint",
    "float": "float",
    "double": "float",
    "real": "float",
    "decimal": "decimal",
    "numeric": "decimal",
    "string": "string",
    "varchar": "string",
    "text": "text",
    "uuid": "uuid",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
    "json": "json",
    "bytes": "bytes",
    "blob": "bytes",
}

_TYPE_RE = re.compile(r"^\s*([A-Za-z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$")


class FieldType(BaseModel):
    """A parsed column type: ``base`` is canonical (see SCALAR_TYPES), with optional sizes."""

    model_config = ConfigDict(frozen=True)

    base: str
    length: int | None = None  # string(N): maximum characters; decimal(p, s): precision
    scale: int | None = None  # decimal(p, s): scale
    written: str  # as the spec wrote it, for diagrams and messages


def parse_type(text: str) -> FieldType:
    """Parse ``string(280)``, ``decimal(10,2)``, ``bigint``... Raises ValueError when unknown."""
    m = _TYPE_RE.match(text)
    if not m or m.group(1).lower() not in SCALAR_TYPES:
        known = ", ".join(sorted({*SCALAR_TYPES.values()}))
        raise ValueError(f"unknown field type {text!r} (known: {known}; sizes like string(280))")
    base = SCALAR_TYPES[m.group(1).lower()]
    length = int(m.group(2)) if m.group(2) else None
    scale = int(m.group(3)) if m.group(3) else None
    if length is not None and base not in {"string", "decimal"}:
        raise ValueError(f"type {text!r}: only string(N) and decimal(p,s) take a size")
    if scale is not None and base != "decimal":
        raise ValueError(f"type {text!r}: only decimal(p,s) takes a scale")
    if length is not None and length < 1:
        raise ValueError(f"type {text!r}: size must be at least 1")
    if scale is not None and length is not None and scale > length:
        raise ValueError(f"type {text!r}: scale is larger than precision")
    return FieldType(base=base, length=length, scale=scale, written=text.strip())


class EntityField(BaseModel):
    """One column. ``name`` is filled in from its key under ``fields:``."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    type: str
    primary_key: bool = False
    unique: bool = False
    nullable: bool = False
    references: str | None = Field(default=None, description="Entity.field, e.g. User.id")
    on_delete: Literal["cascade", "restrict", "set null", "no action"] | None = None
    description: str | None = None

    @field_validator("type")
    @classmethod
    def _check_type(cls, v: str) -> str:
        parse_type(v)
        return v.strip()

    @field_validator("references")
    @classmethod
    def _check_references(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parts = v.split(".")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise ValueError(f"references must look like Entity.field, got {v!r}")
        return v.strip()

    @model_validator(mode="after")
    def _check_combination(self) -> EntityField:
        if self.primary_key and self.nullable:
            raise ValueError("a primary key field cannot be nullable")
        if self.on_delete == "set null" and not self.nullable:
            raise ValueError("on_delete: set null needs nullable: true")
        if self.on_delete and not self.references:
            raise ValueError("on_delete only applies to a field with references")
        return self

    @property
    def field_type(self) -> FieldType:
        return parse_type(self.type)

    @property
    def target(self) -> tuple[str, str] | None:
        """(entity, field) this field references, or None."""
        if not self.references:
            return None
        entity, field = self.references.split(".")
        return entity.strip(), field.strip()


class EntityIndex(BaseModel):
    """A secondary index; ``- [a, b]`` is short for ``{columns: [a, b]}``."""

    model_config = ConfigDict(extra="forbid")

    columns: list[str] = Field(min_length=1)
    unique: bool = False
    name: str | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            return {"columns": list(data)}
        if isinstance(data, str):
            return {"columns": [data]}
        return data

    @field_validator("columns")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"index repeats a column: {v}")
        return v


RelationKind = Literal["one-to-one", "one-to-many", "many-to-one", "many-to-many"]


class EntityRelation(BaseModel):
    """A relation drawn in the ER diagram, beyond what foreign keys already say."""

    model_config = ConfigDict(extra="forbid")

    to: str
    kind: RelationKind = "many-to-one"
    label: str | None = None
    optional: bool = True  # the far side may have no rows (zero-or-... on the diagram)
    via: str | None = None  # join entity for many-to-many, e.g. Follow


class Entity(BaseModel):
    """One entity (table) of the data model."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    table: str | None = None  # SQL table name; default: snake_case plural of the entity name
    fields: dict[str, EntityField] = Field(min_length=1)
    indexes: list[EntityIndex] = []
    relations: list[EntityRelation] = []

    @model_validator(mode="before")
    @classmethod
    def _field_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("fields"), dict):
            fields = {}
            for name, value in data["fields"].items():
                if isinstance(value, str):
                    value = {"type": value}
                elif isinstance(value, dict):
                    value = dict(value)
                if isinstance(value, dict):
                    value.setdefault("name", str(name))
                fields[str(name)] = value
            data = {**data, "fields": fields}
        return data

    @model_validator(mode="after")
    def _check_local(self) -> Entity:
        for key, f in self.fields.items():
            if f.name != key:
                raise ValueError(f"field {key!r} has a different name {f.name!r}")
        for ix in self.indexes:
            missing = [c for c in ix.columns if c not in self.fields]
            if missing:
                raise ValueError(f"index on {ix.columns} names unknown field(s) {missing}")
        return self

    @property
    def primary_key(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.primary_key]


def entity_problems(entities: dict[str, Entity]) -> list[tuple[str, str]]:
    """Cross-entity checks a single Entity cannot do: (dotted path, message) pairs.

    Foreign keys must name an existing entity and field, of a compatible type, that is a
    primary key or unique; relations must name existing entities; table names must not clash.
    """
    problems: list[tuple[str, str]] = []
    tables: dict[str, str] = {}
    for ename, ent in entities.items():
        t = table_name(ename, ent).lower()
        if t in tables:
            problems.append((f"entities.{ename}", f"table name {t!r} also used by {tables[t]}"))
        tables[t] = ename
        for fname, f in ent.fields.items():
            target = f.target
            if target is None:
                continue
            path = f"entities.{ename}.fields.{fname}.references"
            other, ofield = target
            if other not in entities:
                problems.append((path, f"unknown entity {other!r}"))
                continue
            if ofield not in entities[other].fields:
                problems.append((path, f"{other} has no field {ofield!r}"))
                continue
            tf = entities[other].fields[ofield]
            if not (tf.primary_key and len(entities[other].primary_key) == 1) and not tf.unique:
                problems.append(
                    (path, f"{other}.{ofield} is neither the primary key nor unique")
                )
            if _family(f.field_type.base) != _family(tf.field_type.base):
                problems.append(
                    (path, f"type {f.type} does not match {other}.{ofield} ({tf.type})")
                )
        for i, rel in enumerate(ent.relations):
            for attr in ("to", "via"):
                name = getattr(rel, attr)
                if name is not None and name not in entities:
                    problems.append(
                        (f"entities.{ename}.relations.{i}.{attr}", f"unknown entity {name!r}")
                    )
    return problems


def _family(base: str) -> str:
    return {"smallint": "int", "bigint": "int", "text": "string"}.get(base, base)


def snake_case(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    s = re.sub(r"\W+", "_", s, flags=re.UNICODE).strip("_").lower()
    return s or "entity"


def table_name(entity_name: str, entity: Entity) -> str:
    """The SQL table for an entity: its ``table:`` or the snake_case plural of its name."""
    if entity.table:
        return entity.table
    base = snake_case(entity_name)
    if base.endswith(("s", "x", "z", "ch", "sh")):
        return base + "es" if not base.endswith("s") else base
    if base.endswith("y") and len(base) > 1 and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


# --------------------------------------------------------------------------- API bodies

_BODY_RE = re.compile(
    r"^\s*(list\[\s*(?P<inner>[^\]]+?)\s*\]|(?P<plain>[^\[\]?]+?))\s*(?P<opt>\?)?\s*$"
)


def parse_body_type(text: str) -> tuple[str, bool, bool]:
    """``"list[Tweet]?"`` -> ("Tweet", is_list=True, optional=True). Raises ValueError."""
    m = _BODY_RE.match(text)
    if not m:
        raise ValueError(f"bad body field type {text!r} (e.g. string(280), Tweet, list[Tweet]?)")
    inner = (m.group("inner") or m.group("plain")).strip()
    if not re.match(r"^[A-Za-z_]\w*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$", inner):
        raise ValueError(f"bad body field type {text!r}")
    head = inner.split("(")[0]
    if head.lower() in SCALAR_TYPES:
        parse_type(inner)
    elif not head[0].isupper():
        raise ValueError(
            f"body field type {text!r} is neither a known type nor an entity name "
            "(entity names start with a capital letter)"
        )
    return inner, m.group("inner") is not None, m.group("opt") is not None


def _check_body(value: dict[str, str]) -> dict[str, str]:
    for name, typ in value.items():
        if not str(name).strip():
            raise ValueError("a body field needs a name")
        try:
            parse_body_type(typ)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return value


BodyFields = Annotated[dict[str, str], AfterValidator(_check_body)]
"""An action's ``request_body`` / ``response_body``: field name -> type."""


def body_entity_refs(body: dict[str, str]) -> list[str]:
    """Entity names a body mentions (to check them against ``entities:``)."""
    out = []
    for typ in body.values():
        inner, _, _ = parse_body_type(typ)
        head = inner.split("(")[0]
        if head.lower() not in SCALAR_TYPES:
            out.append(head)
    return out


def spec_entities(spec: Any) -> dict[str, Entity]:
    """The validated data model of a spec, whatever form ``spec.entities`` holds.

    Accepts a mapping of :class:`Entity` or of plain dicts (validated here); raises
    :class:`sysdesign.errors.SysdesignError` listing every problem with its path.
    """
    from pydantic import TypeAdapter, ValidationError

    from sysdesign.errors import SysdesignError

    raw = getattr(spec, "entities", None) or {}
    if all(isinstance(v, Entity) for v in raw.values()):
        entities = dict(raw)
    else:
        data = {k: (v.model_dump() if isinstance(v, Entity) else v) for k, v in raw.items()}
        try:
            entities = TypeAdapter(dict[str, Entity]).validate_python(data)
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                path = ".".join(str(p) for p in ("entities", *err["loc"]))
                lines.append(f"  {path}: {err['msg']}")
            raise SysdesignError("the data model has problems:\n" + "\n".join(lines)) from None
    problems = entity_problems(entities)
    if problems:
        lines = [f"  {path}: {msg}" for path, msg in problems]
        raise SysdesignError("the data model has problems:\n" + "\n".join(lines))
    return entities
