"""JSON Schema for spec files, generated from the pydantic models.

Quantity fields accept strings like ``10M`` or ``1 KB`` as well as numbers, so the schema says
so (the models store parsed floats, which is not what a user types).
"""

from __future__ import annotations

from typing import Any

from sysdesign.spec.models import Spec


def spec_json_schema() -> dict[str, Any]:
    schema = Spec.model_json_schema(mode="validation")
    _loosen(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sysdesign spec"
    schema["$id"] = "https://sysdesign.invalid/schema/spec.json"
    return schema


def _loosen(node: Any) -> None:
    """Number fields also accept human strings ("10M", "1 KB", "99.99%")."""
    if isinstance(node, dict):
        for v in list(node.values()):
            _loosen(v)
        if node.get("$ref", "").endswith("/EntityField") and len(node) == 1:
            # a field may be written as a bare type string: `created_at: timestamp`
            ref = node.pop("$ref")
            node["anyOf"] = [{"$ref": ref}, {"type": "string"}]
            return
        if node.get("type") == "number":
            node.pop("type")
            node["anyOf"] = [{"type": "number"}, {"type": "string"}]
    elif isinstance(node, list):
        for v in node:
            _loosen(v)
