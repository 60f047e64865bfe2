"""Sanitising names from a spec for the places the scaffold puts them.

A spec's name is free text. It reaches the generated project as a display string (README,
FastAPI title), a slug (project name, Redis key prefix, directory-safe), and a Python identifier.
Each form is built from an allow-list of characters, so quotes, template syntax, path separators
and newlines cannot survive into code, paths or configuration. Values that go inside a quoted
literal are also passed through the escaping filters below (``py``, ``toml``, ``yaml``).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from typing import Any

MAX_DISPLAY = 80
MAX_SLUG = 40


def display_name(name: str, max_len: int = MAX_DISPLAY) -> str:
    """One line of plain text: letters, digits, spaces and harmless punctuation only."""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"[^\w .,()+&-]", " ", text)  # drops quotes, braces, slashes, backticks...
    text = re.sub(r"\s+", " ", text).strip(" .-")
    return text[:max_len].strip() or "service"


def slug(name: str, max_len: int = MAX_SLUG) -> str:
    """Lower-case ASCII letters, digits and single dashes: safe in paths, package and key names."""
    ascii_text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    s = s[:max_len].strip("-")
    if not s or not s[0].isalpha():
        s = ("svc-" + s).strip("-")
    return s


def identifier(name: str) -> str:
    """A valid, non-keyword Python identifier."""
    ident = slug(name).replace("-", "_")
    if keyword.iskeyword(ident):
        ident += "_"
    return ident


def names_for(name: str) -> dict[str, str]:
    return {"display": display_name(name), "slug": slug(name), "identifier": identifier(name)}


# ---- escaping filters for values that go inside literals -------------------------------------


def py_literal(value: Any) -> str:
    """A Python literal for a str/int/float/bool/None/list/dict value (repr of plain data)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def _quoted(value: Any) -> str:
    """Double-quoted string valid in both TOML and YAML: ASCII only, everything else escaped."""
    out = ['"']
    for ch in str(value):
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04X}")
        elif 0xD800 <= o <= 0xDFFF:  # lone surrogate: not a character in either format
            out.append("\\uFFFD")
        elif o > 0x7E:
            out.append(f"\\U{o:08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_string(value: Any) -> str:
    """A TOML basic string."""
    return _quoted(value)


def yaml_string(value: Any) -> str:
    """A YAML double-quoted scalar."""
    return _quoted(value)


def comment(value: Any) -> str:
    """Text for a one-line ``#`` comment: newlines and control characters removed."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value))
    return text.replace("{{", "{ {").replace("}}", "} }").strip()


def pycomment(value: Any, indent: int = 4, width: int = 96) -> str:
    """A ``#`` comment wrapped to ``width`` columns; continuation lines indented by ``indent``."""
    import textwrap

    lines = textwrap.wrap(comment(value), width=width - indent - 2) or [""]
    return ("\n" + " " * indent).join("# " + line for line in lines)


def markdown(value: Any) -> str:
    """Inline Markdown text: one line, Markdown/HTML metacharacters escaped."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value))
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
