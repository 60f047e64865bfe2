"""The spec wizard behind `sysdesign init`: ask, validate each answer, write a commented spec.

Every prompt has a default and a validator built on the spec's own parsers, so an answer that
would make the spec invalid is refused on the spot with the reason, and the question is asked
again. The written YAML is parsed with the real loader before it is saved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import typer

from sysdesign.errors import SysdesignError
from sysdesign.spec import quantities as q
from sysdesign.teach.ask import _prompt

MAX_TRIES = 6
MAX_ACTIONS = 12
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


@dataclass
class ActionAnswers:
    name: str
    kind: str
    per_user_per_day: float
    share: float
    size: str  # request size for writes, response size for reads (as typed, validated)
    endpoint: str


@dataclass
class Answers:
    name: str = "My system"
    description: str = ""
    dau: str = "1M"
    peak_factor: float = 2.0
    actions: list[ActionAnswers] = field(default_factory=list)
    retention: str = "5 years"
    replication: int = 3
    availability: str = "99.9%"
    consistency: str = "eventual"
    read_p99: str = "200 ms"


# --- validators: text -> value, or ValueError with the reason --------------------------------

def v_name(text: str) -> str:
    t = text.strip()
    if not t:
        raise ValueError("the name cannot be empty")
    if len(t) > 200:
        raise ValueError("keep the name under 200 characters")
    return t


def v_dau(text: str) -> str:
    x = q.parse_count(text.strip())
    if x <= 0:
        raise ValueError("daily active users must be a positive number such as 10M")
    if x > 1e10:
        raise ValueError("that is more people than live on Earth; try something like 10M")
    return text.strip()


def v_peak(text: str) -> float:
    x = q.parse_count(text.strip())
    if x < 1:
        raise ValueError("the peak factor is at least 1 (peak is never below average)")
    if x > 100:
        raise ValueError("a peak above 100x the average is unusual; 2 to 5 is typical")
    return x


def v_action_name(existing: list[str]) -> Callable[[str], str]:
    def check(text: str) -> str:
        t = text.strip().replace(" ", "_")
        if not NAME_RE.match(t):
            raise ValueError("start with a letter; use letters, digits, _ or - "
                             "(e.g. post_tweet)")
        if t in existing:
            raise ValueError(f'there is already an action called "{t}"')
        return t
    return check


def v_kind(text: str) -> str:
    t = text.strip().lower()
    if t in ("r", "read", "reads", "get"):
        return "read"
    if t in ("w", "write", "writes", "post", "put"):
        return "write"
    raise ValueError('answer "read" or "write"')


def v_per_day(text: str) -> float:
    x = q.parse_count(text.strip())
    if x <= 0:
        raise ValueError("how many times a day must be above zero, e.g. 10 or 0.5")
    if x > 1e6:
        raise ValueError("over a million times a day per user is more than one per 0.1 s; "
                         "check the number")
    return x


def v_share(text: str) -> float:
    t = text.strip()
    x = q.parse_fraction(t if t.endswith("%") else t, allow_bare_percent=True)
    if x <= 0:
        raise ValueError("the share of users must be above 0%")
    return x


def v_size(text: str) -> str:
    t = text.strip()
    x = q.parse_size(t)
    if x <= 0:
        raise ValueError("the size must be above zero, e.g. 1 KB")
    if x > 5e12:
        raise ValueError("one request over 5 TB is beyond any real upload; check the unit")
    return t


def v_retention(text: str) -> str:
    t = text.strip()
    if re.fullmatch(r"[-+]?[\d.]+", t):
        raise ValueError(f'add a unit: "{t} days" or "{t} years"?')
    x = q.parse_duration(t)
    if x <= 0:
        raise ValueError("retention must be above zero, e.g. 30 days or 5 years")
    if x > 200 * 365 * 86_400:
        raise ValueError("more than 200 years of retention; check the unit")
    return t


def v_replication(text: str) -> int:
    x = q.parse_count(text.strip())
    if x != int(x) or not 1 <= x <= 10:
        raise ValueError("copies must be a whole number from 1 to 10 (3 is common)")
    return int(x)


def v_availability(text: str) -> str:
    t = text.strip()
    x = q.parse_fraction(t, allow_bare_percent=True)
    if not 0 < x < 1:
        raise ValueError("availability must be between 0% and 100% (exclusive), e.g. 99.9%")
    if x < 0.9:
        raise ValueError("below 90% means more than a month of downtime a year; "
                         "targets are usually 99% to 99.999%")
    return q.fmt_percent(x)


def v_consistency(text: str) -> str:
    t = text.strip().lower()
    if t in ("strong", "s"):
        return "strong"
    if t in ("eventual", "e"):
        return "eventual"
    raise ValueError('answer "strong" or "eventual"')


def v_latency(text: str) -> str:
    t = text.strip()
    if t.lower() in ("none", "-", "no"):
        return ""
    if re.fullmatch(r"[-+]?[\d.]+", t):
        t = f"{t} ms"  # a bare number is milliseconds, as in the spec
    x = q.parse_duration(t)
    if x <= 0:
        raise ValueError("a latency target must be above zero, e.g. 200 ms")
    if x > 60:
        raise ValueError("a target over a minute is not a latency target; try 200 ms")
    return t


def v_yes_no(text: str) -> bool:
    t = text.strip().lower()
    if t in ("y", "yes", "true", "1"):
        return True
    if t in ("n", "no", "false", "0", "done", ""):
        return False
    raise ValueError('answer "y" or "n"')


# --- asking ---------------------------------------------------------------------------------

def ask(out: Any, label: str, default: str, validate: Callable[[str], Any],
        interactive: bool = True) -> Any:
    """Prompt until ``validate`` accepts the answer; an empty answer takes the default."""
    if not interactive:
        return validate(default)
    for _ in range(MAX_TRIES):
        text = _prompt(f"{label} [{default}]" if default else label)
        if text is None:
            raise SysdesignError("the wizard stopped before the end (no more input); "
                                 "nothing was written")
        if not text.strip():
            text = default
        try:
            return validate(text)
        except ValueError as exc:
            msg = str(exc).rstrip(".")
            msg = msg if msg.endswith("?") else msg + "."
            out.print(f"[yellow]  {msg}[/yellow] Try again (Enter takes the default"
                      f"{': ' + default if default else ''}).")
    raise SysdesignError(f'gave up on "{label}" after {MAX_TRIES} unreadable answers; '
                         "nothing was written")


def run_wizard(out: Any, interactive: bool = True) -> Answers:
    a = Answers()
    out.print("[bold]Describe your system.[/bold] Press Enter to take the default in brackets.")
    a.name = ask(out, "System name", a.name, v_name, interactive)
    a.description = ask(out, "One-line description (optional)", "", lambda t: t.strip(),
                        interactive)
    a.dau = ask(out, "Daily active users (e.g. 10M)", a.dau, v_dau, interactive)
    a.peak_factor = ask(out, "Peak traffic as a multiple of the average", "2", v_peak,
                        interactive)

    out.print("\n[bold]Actions[/bold]: what users do. Start with the main write and read.")
    defaults = [("post", "write", "2", "10%", "1 KB"), ("view", "read", "20", "100%", "10 KB")]
    while len(a.actions) < MAX_ACTIONS:
        i = len(a.actions)
        d = defaults[i] if i < len(defaults) else ("", "read", "1", "100%", "1 KB")
        if i >= len(defaults) and (
                not interactive or not ask(out, "Add another action? (y/n)", "n", v_yes_no)):
            break
        name = ask(out, f"Action {i + 1} name", d[0] or f"action{i + 1}",
                   v_action_name([x.name for x in a.actions]), interactive)
        kind = ask(out, f"  {name}: read or write", d[1], v_kind, interactive)
        per = ask(out, f"  {name}: times per user per day", d[2], v_per_day, interactive)
        share = ask(out, f"  {name}: share of users who do it", d[3], v_share, interactive)
        size_label = "request size (what is sent and stored)" if kind == "write" else \
            "response size (what is returned)"
        size = ask(out, f"  {name}: {size_label}", d[4] if kind == d[1] else
                   ("1 KB" if kind == "write" else "10 KB"), v_size, interactive)
        verb = "POST" if kind == "write" else "GET"
        a.actions.append(ActionAnswers(name, kind, per, share, size,
                                       f"{verb} /api/v1/{name.replace('_', '-')}"))

    out.print("\n[bold]Storage and targets[/bold]")
    a.retention = ask(out, "Keep data for (e.g. 5 years)", a.retention, v_retention, interactive)
    a.replication = ask(out, "Copies of each byte (replication)", "3", v_replication,
                        interactive)
    a.availability = ask(out, "Availability target", a.availability, v_availability,
                         interactive)
    a.consistency = ask(out, "Consistency (strong or eventual)", a.consistency, v_consistency,
                        interactive)
    if any(x.kind == "read" for x in a.actions):
        a.read_p99 = ask(out, "p99 latency target for reads ('none' to skip)", a.read_p99,
                         v_latency, interactive)
    else:
        a.read_p99 = ""
    return a


def render_spec(a: Answers) -> str:
    """The answers as a commented YAML spec."""
    s = json.dumps  # a JSON string is a valid YAML scalar, quoted safely
    lines = [
        "# sysdesign spec: run `sysdesign estimate` on this file, then `sysdesign check`.",
        "# Numbers accept the usual notation: 10M, 1.5K, 200 MB, 5 years, 99.9%.",
        f"name: {s(a.name)}",
    ]
    if a.description:
        lines.append(f"description: {s(a.description)}")
    lines += [
        "",
        "users:",
        f"  dau: {a.dau}                # daily active users",
        f"  peak_factor: {a.peak_factor:g}           # busiest hour / average traffic",
        "",
        "# What users do. Writes store request_size bytes; reads return response_size bytes.",
        "actions:",
    ]
    for x in a.actions:
        lines += [f"  {x.name}:", f"    kind: {x.kind}"]
        if x.share != 1:
            lines.append(f"    share_of_users: {q.fmt_percent(x.share)}   # of daily users")
        lines.append(f"    per_user_per_day: {x.per_user_per_day:g}")
        field_name = "request_size" if x.kind == "write" else "response_size"
        lines.append(f"    {field_name}: {x.size}")
        lines.append(f"    endpoint: {s(x.endpoint)}")
    lines += [
        "",
        "storage:",
        f"  retention: {a.retention}       # how long data is kept",
        f"  replication: {a.replication}            # copies of each byte",
        "",
        "requirements:",
        f"  availability: {s(a.availability)}",
        f"  consistency: {a.consistency}      # strong or eventual",
    ]
    reads = [x.name for x in a.actions if x.kind == "read"]
    if a.read_p99 and reads:
        lines.append("  latency:                    # targets per action")
        for r in reads:
            lines.append(f"    {r}: {{p99: {a.read_p99}}}")
    lines += [
        "",
        "# Defaults you can override (see `sysdesign assumptions`), e.g.:",
        "# assumptions:",
        "#   server_rps: 500",
    ]
    return "\n".join(lines) + "\n"


def validate_text(text: str, source: str) -> None:
    from sysdesign.spec.loader import parse_spec_text

    parse_spec_text(text, source=source)


def confirm_overwrite_or_fail(path: Any, force: bool) -> None:
    if path.exists() and not force:
        raise SysdesignError(f"{path}: already exists; pass --force to overwrite it")
    if path.exists() and path.is_dir():
        raise SysdesignError(f"{path}: is a directory")
    if not path.parent.exists():
        raise SysdesignError(f"{path.parent}: no such directory")


def example_names() -> list[str]:
    """Examples that load as valid specs (a deliberately broken teaching file is skipped)."""
    from sysdesign.paths import examples_dir
    from sysdesign.spec.loader import load_spec

    d = examples_dir()
    names = []
    for p in sorted(d.glob("*.yaml")) if d.is_dir() else []:
        try:
            load_spec(p)
        except SysdesignError:
            continue
        names.append(p.stem)
    return names


def echo_written(path: Any) -> None:
    typer.echo(f"Wrote {path}. Next: sysdesign estimate {path}")
