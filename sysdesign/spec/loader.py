"""Load a spec from YAML safely, keeping line numbers so errors point at ``file:line: field``."""

from __future__ import annotations

import sys
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sysdesign import assumptions as assumptions_mod
from sysdesign.errors import SpecError, SpecProblem, SysdesignError
from sysdesign.spec.models import Spec

Path_ = tuple[str | int, ...]


# The C loader when libyaml is present (several times faster); both are safe loaders that
# construct only plain data, never Python objects.
_LineLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int],
                   problems: list[SpecProblem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                problems.append(SpecProblem(_dotted(path + (key,)), "duplicate key",
                                            key_node.start_mark.line + 1))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _compose_lines(value_node, path + (key,), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _compose_lines(item, path + (i,), lines, problems)


def _dotted(path: Path_) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _line_for(path: Path_, lines: dict[Path_, int]) -> int | None:
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())


def _allowed_keys(model: type[BaseModel], path: Path_) -> list[str]:
    """Field names of the model at ``path`` (for 'did you mean' hints)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None:
            return []
        if part in fields:
            ann = fields[part].annotation
            current = _model_in(ann)
        else:
            # a dict key (action name): the dict's value model
            continue
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_in(ann: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        m = _model_in(arg)
        if m is not None:
            return m
    return None


def _describe_input(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _message(err: dict[str, Any], loc: Path_) -> str:
    typ = err["type"]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    elif msg.startswith("Assertion failed, "):
        msg = msg[len("Assertion failed, "):]
    if typ == "extra_forbidden":
        key = str(loc[-1])
        options = _allowed_keys(Spec, loc[:-1])
        hint = get_close_matches(key, options, n=1, cutoff=0.6)
        if hint:
            return f'unknown key "{key}" (did you mean "{hint[0]}"?)'
        known = f" (expected one of: {', '.join(options)})" if options else ""
        return f'unknown key "{key}"{known}'
    if typ == "missing":
        return "required field is missing"
    if typ == "literal_error":
        return f"{msg[0].lower()}{msg[1:]}, got {_describe_input(err.get('input'))}"
    if typ in {"float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"}:
        return f"must be a number, got {_describe_input(err.get('input'))}"
    if typ in {"greater_than_equal", "less_than_equal", "too_short", "string_too_short",
               "dict_type", "model_type", "string_type", "bool_parsing", "bool_type"}:
        return f"{msg[0].lower()}{msg[1:]}, got {_describe_input(err.get('input'))}"
    return msg


def _clean_loc(loc: tuple[Any, ...]) -> Path_:
    # pydantic adds "[key]" pseudo-steps for function validators; keep real path parts only
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("function-" in part or part.startswith("function")):
            continue
        if isinstance(part, str) and part in {"literal['read','write']"}:
            continue
        out.append(part)
    return tuple(out)


def parse_spec_text(text: str, source: str | None = None,
                    overrides: list[str] | None = None) -> Spec:
    """Parse and validate a spec from YAML text. Raises SpecError listing every problem."""
    problems: list[SpecProblem] = []
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(problems=[SpecProblem("", f"not valid YAML: {problem}", line)],
                        source=source) from None
    if node is None or data is None:
        raise SpecError(problems=[SpecProblem("", "the spec is empty", 1)], source=source)
    if not isinstance(data, dict):
        raise SpecError(
            problems=[SpecProblem("", "the spec must be a mapping (name:, users:, actions: ...)",
                                  1)],
            source=source,
        )
    lines: dict[Path_, int] = {}
    _compose_lines(node, (), lines, problems)

    overridden: list[Path_] = [_apply_override(data, item) for item in overrides or []]

    # Assumptions first: the calendar and the KB convention change how other fields parse.
    context: dict[str, Any] = {}
    raw_assumptions = data.get("assumptions") or {}
    parsed_assumptions: dict[str, float] = {}
    if not isinstance(raw_assumptions, dict):
        problems.append(SpecProblem("assumptions", "must be a mapping of name: value",
                                    lines.get(("assumptions",))))
        raw_assumptions = {}
    for key, value in raw_assumptions.items():
        try:
            parsed_assumptions[str(key)] = assumptions_mod.parse_override(str(key), value)
        except ValueError as exc:
            problems.append(SpecProblem(f"assumptions.{key}", str(exc),
                                        lines.get(("assumptions", key))))
    for k in ("days_per_year", "days_per_month", "kilo"):
        if k in parsed_assumptions:
            context[k] = parsed_assumptions[k]

    try:
        spec = Spec.model_validate(data, context=context)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _clean_loc(err["loc"])
            if loc and loc[0] == "assumptions":
                continue
            msg = _message(err, loc)
            path = _dotted(loc)
            if not path and msg.startswith("requirements.latency"):
                path = "requirements.latency"
                loc = ("requirements", "latency")
            if any(loc[:len(o)] == o for o in overridden):
                problems.append(SpecProblem(path, f"{msg} (from --set)", None))
            else:
                problems.append(SpecProblem(path, msg, _line_for(loc, lines)))
        raise SpecError(problems=_dedupe(problems), source=source) from None
    from sysdesign.spec.entities import body_entity_refs, entity_problems

    for path, message in entity_problems(spec.entities):
        loc = tuple(int(p) if p.isdigit() else p for p in path.split("."))
        problems.append(SpecProblem(_dotted(loc), message, _line_for(loc, lines)))
    for aname, act in spec.actions.items():
        for body in ("request_body", "response_body"):
            for ref in body_entity_refs(getattr(act, body)):
                if spec.entities and ref not in spec.entities:
                    loc = ("actions", aname, body)
                    problems.append(SpecProblem(
                        _dotted(loc), f"unknown entity {ref!r} (entities are: "
                        f"{', '.join(spec.entities)})", _line_for(loc, lines)))
    if problems:
        raise SpecError(problems=_dedupe(problems), source=source)
    spec.assumptions = parsed_assumptions
    return spec


def _dedupe(problems: list[SpecProblem]) -> list[SpecProblem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        k = (p.path, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return sorted(out, key=lambda p: (p.line or 0, p.path))


def _apply_override(data: dict[str, Any], item: str) -> Path_:
    """``users.dau=50M`` -> data["users"]["dau"] = "50M" (value parsed as YAML)."""
    if "=" not in item:
        raise SysdesignError(f'--set expects FIELD=VALUE such as users.dau=50M, got "{item}"')
    key, _, raw = item.partition("=")
    parts = [p for p in key.strip().split(".") if p]
    if not parts:
        raise SysdesignError(f'--set expects FIELD=VALUE such as users.dau=50M, got "{item}"')
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    cur: Any = data
    for p in parts[:-1]:
        nxt = cur.get(p) if isinstance(cur, dict) else None
        if nxt is None:
            nxt = {}
            cur[p] = nxt
        if not isinstance(nxt, dict):
            raise SysdesignError(f'--set {key}: "{p}" is not a mapping in this spec')
        cur = nxt
    cur[parts[-1]] = value
    return tuple(parts)


def load_spec(path: str | Path, overrides: list[str] | None = None) -> Spec:
    """Load a spec from a file path, or from stdin when path is ``-``."""
    if str(path) == "-":
        return parse_spec_text(sys.stdin.read(), source="<stdin>", overrides=overrides)
    p = Path(path)
    if not p.exists():
        raise SysdesignError(f"{p}: no such file. Try `sysdesign init` to write a spec, or "
                             "look in examples/ for one to start from.")
    if p.is_dir():
        raise SysdesignError(f"{p}: is a directory, expected a YAML spec file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SysdesignError(f"{p}: not a UTF-8 text file; a spec is YAML text") from None
    except OSError as exc:
        raise SysdesignError(f"{p}: cannot read: {exc.strerror}") from None
    return parse_spec_text(text, source=str(path), overrides=overrides)
