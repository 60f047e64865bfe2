"""An interview-style walk through a spec, one step of the method at a time.

Steps: requirements, estimation, API, data model, high-level design, deep dive, bottlenecks,
summary. At each number the learner estimates first; the computed figure (with its work, from
:func:`sysdesign.estimate.estimate`) is then shown and the guess graded. At the design steps the
learner picks components and the picks are compared with :func:`sysdesign.design.derive_design`
and its reasons; the bottleneck step reads the findings of :func:`sysdesign.rules.check`.

With ``interactive=False`` every question is printed with its answer instead of asked, which is
how the transcript in the docs is produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sysdesign.spec import quantities as q
from sysdesign.teach.ask import Reply, ask_choices, ask_number
from sysdesign.teach.grading import format_answer, grade

STEPS: tuple[str, ...] = (
    "Requirements",
    "Back-of-the-envelope estimation",
    "API",
    "Data model",
    "High-level design",
    "Deep dive",
    "Bottlenecks and failure planning",
    "Summary",
)

PICKABLE = ("dns", "cdn", "load_balancer", "app", "cache", "database", "queue", "worker",
            "object_storage")
PICK_LABELS = {
    "dns": "DNS", "cdn": "CDN", "load_balancer": "Load balancer", "app": "App servers",
    "cache": "Cache", "database": "Database", "queue": "Message queue",
    "worker": "Background workers", "object_storage": "Object storage",
    "read_heavy": "Read-heavy", "write_heavy": "Write-heavy", "balanced": "Balanced",
}
VERDICT_STYLE = {"good": "bold green", "close": "bold yellow", "off": "bold red"}


class _Quit(Exception):
    """The learner typed quit (or input ran out): jump to the summary."""


@dataclass
class Result:
    step: int
    label: str
    verdict: str  # good | close | off | skipped | shown
    slip: str | None = None
    concept: str = ""
    message: str = ""

    @property
    def points(self) -> float:
        return {"good": 1.0, "close": 0.5}.get(self.verdict, 0.0)


@dataclass
class NumberQuestion:
    label: str  # "Average QPS"
    question: str
    kind: str
    answer: float
    work: str
    formula: str
    meaning: str
    concept: str


class Walkthrough:
    def __init__(self, spec: Any, out: Any, *, interactive: bool = True) -> None:
        from sysdesign.design import derive_design
        from sysdesign.estimate import estimate
        from sysdesign.rules import check

        self.spec = spec
        self.out = out
        self.interactive = interactive
        self.est = estimate(spec)
        self.design = derive_design(spec, self.est)
        self.report = check(spec, self.est, self.design)
        self.results: list[Result] = []
        self.ctx = {"dau": self.est.dau.value, "peak_factor": self.est.peak_factor,
                    "replication": float(spec.storage.replication)}

    # -- driver ------------------------------------------------------------------------------
    def run(self, start: int = 1) -> list[Result]:
        steps = [self.requirements, self.estimation, self.api, self.data_model,
                 self.high_level, self.deep_dive, self.bottlenecks]
        if not 1 <= start <= len(STEPS):
            raise ValueError(f"--step must be between 1 and {len(STEPS)}")
        try:
            for i, fn in enumerate(steps, 1):
                if i < start:
                    continue
                self._header(i)
                fn(i)
        except _Quit:
            self.out.print("\n[dim]Stopping here; on to the summary.[/dim]")
        self._header(len(STEPS))
        self.summary()
        return self.results

    def _header(self, i: int) -> None:
        from rich.rule import Rule

        self.out.print()
        self.out.print(Rule(f"Step {i} of {len(STEPS)}: {STEPS[i - 1]}", align="left"))

    # -- asking ------------------------------------------------------------------------------
    def ask_number(self, step: int, nq: NumberQuestion) -> None:
        self.out.print(f"\n[bold]?[/bold] {nq.question}")
        if not self.interactive:
            self.out.print(f"  [bold]Answer:[/bold] {format_answer(nq.answer, nq.kind)}")
            self.out.print(f"  [bold]Work:[/bold] {nq.work}")
            if nq.meaning:
                self.out.print(f"  [bold]Meaning:[/bold] {nq.meaning}")
            self.results.append(Result(step, nq.label, "shown", concept=nq.concept))
            return
        reply: Reply = ask_number(self.out, nq.kind, hint=nq.formula)
        if reply.action == "quit":
            raise _Quit
        if reply.action == "skip":
            self.results.append(Result(step, nq.label, "skipped", concept=nq.concept))
        else:
            assert reply.value is not None
            g = grade(reply.value, nq.answer, nq.kind, self.ctx)
            self.out.print(f"  [{VERDICT_STYLE[g.verdict]}]{g.message}[/]")
            self.results.append(Result(step, nq.label, g.verdict, g.slip, nq.concept,
                                       g.message))
        self.out.print(f"  [bold]Answer:[/bold] {format_answer(nq.answer, nq.kind)}")
        self.out.print(f"  [bold]Work:[/bold] {nq.work}")
        if nq.meaning:
            self.out.print(f"  [bold]Meaning:[/bold] {nq.meaning}")

    def ask_pick(self, step: int, label: str, question: str, options: list[str],
                 correct: set[str], explain: dict[str, str], concept: str,
                 single: bool = False) -> None:
        self.out.print(f"\n[bold]?[/bold] {question}")
        for i, o in enumerate(options, 1):
            self.out.print(f"  {i}. {PICK_LABELS.get(o, o)}")
        picked: set[str] | None = None
        if self.interactive:
            reply = ask_choices(self.out, options,
                                label="Your pick" if single else "Your picks")
            if reply.action == "quit":
                raise _Quit
            if reply.action == "value":
                picked = set(reply.choices[:1] if single else reply.choices)
        if picked is None:
            verdict = "shown" if not self.interactive else "skipped"
            self.results.append(Result(step, label, verdict, concept=concept))
        else:
            hits, missed, extra = picked & correct, correct - picked, picked - correct
            score = len(hits) / max(1, len(correct | picked))
            verdict = "good" if score >= 0.8 else "close" if score >= 0.5 else "off"
            if single:
                right = ", ".join(PICK_LABELS.get(c, c) for c in sorted(correct))
                self.out.print(f"  [{VERDICT_STYLE[verdict]}]"
                               + ("Right." if hits else f"Not quite: it is {right}.") + "[/]")
                self.results.append(Result(step, label, verdict, None, concept))
                missed = extra = set()
            else:
                self.out.print(
                    f"  [{VERDICT_STYLE[verdict]}]{len(hits)} of {len(correct)} right"
                    + (f", {len(extra)} not needed" if extra else "") + ".[/]")
                self.results.append(Result(step, label, verdict, None, concept))
            if missed:
                self.out.print("  Missed: " + ", ".join(PICK_LABELS.get(m, m) for m in
                                                       sorted(missed)))
            if extra:
                self.out.print("  Not needed here: " + ", ".join(PICK_LABELS.get(m, m) for m in
                                                                sorted(extra)))
        for o in options:
            if o in explain:
                mark = "[green]+[/green]" if o in correct else "[dim]-[/dim]"
                self.out.print(f"  {mark} [bold]{PICK_LABELS.get(o, o)}[/bold]: {explain[o]}")

    # -- steps -------------------------------------------------------------------------------
    def requirements(self, step: int) -> None:
        s, est = self.spec, self.est
        self.out.print(f"[bold]{s.name}[/bold]" + (f": {s.description}" if s.description
                                                   else ""))
        self.out.print(f"Users: {q.fmt_count(est.dau.value)} daily active, peak "
                       f"{est.peak_factor:g}x the average.")
        self.out.print("Functional requirements (what users do):")
        for name, a in est.actions.items():
            act = a.action
            if act.per_user_per_day is not None:
                who = ("each user" if act.share_of_users == 1 else
                       f"{q.fmt_percent(act.share_of_users)} of users")
                rate = f"{who}, {act.per_user_per_day:g} times a day"
            else:
                rate = f"{q.fmt_count(a.requests_per_day.value)} a day in total"
            size = (f"sends {q.fmt_bytes(act.request_size)}" if act.kind == "write" else
                    f"gets {q.fmt_bytes(act.response_size)}")
            desc = f" ({act.description})" if act.description else ""
            self.out.print(f"  - {name}{desc}: {act.kind}, {rate}; {size}")
        r = s.requirements
        self.out.print("Non-functional requirements:")
        self.out.print(f"  - availability {q.fmt_percent(r.availability)}, "
                       f"{r.consistency} consistency, durability {r.durability}")
        for action, targets in r.latency.items():
            t = ", ".join(f"{p} {q.fmt_ms(v)}" for p, v in targets.items())
            self.out.print(f"  - latency {action}: {t}")
        copies = s.storage.replication
        self.out.print(f"  - data kept {_retention(s.storage.retention)}, "
                       f"{copies} cop{'ies' if copies != 1 else 'y'}")

        ratio = est.read_write_ratio.value
        a = est.assumptions
        shape = ("read_heavy" if ratio >= a["read_heavy_ratio"] else
                 "write_heavy" if ratio < a["write_heavy_ratio"] else "balanced")
        self.ask_pick(step, "Read-heavy or write-heavy", "Judging by the actions, is this "
                      "system read-heavy, write-heavy or balanced?",
                      ["read_heavy", "write_heavy", "balanced"], {shape},
                      {shape: f"{est.read_write_ratio.work}. {est.read_write_ratio.meaning}"},
                      "read-heavy-vs-write-heavy", single=True)

        from sysdesign.availability import downtime

        b = downtime(r.availability)
        self.ask_number(step, NumberQuestion(
            "Downtime budget", f"The availability target is {q.fmt_percent(r.availability)}. "
            "How much downtime does that allow per year?", "duration", b.seconds["year"],
            b.work["year"], "(1 - availability) x 365 days x 86,400 s",
            f"About {b.human()['month']} a month: every deploy, failover and incident has "
            "to fit in this.", "availability-nines"))

    def estimation(self, step: int) -> None:
        est = self.est
        self.out.print("Estimate first, then compare. Answer like a spec: 1.2K, 200 GB, "
                       "9 Mbps. 'hint' shows the formula, 'skip' the answer, 'quit' ends.")
        figs = [
            ("Average QPS", est.qps_average, "qps",
             "What is the average QPS over all actions?", "qps-and-peak"),
            ("Peak QPS", est.qps_peak, "qps",
             f"Peak is {est.peak_factor:g}x the average. What is the peak QPS?", "qps-and-peak"),
            ("Storage", est.storage_retention, "bytes",
             f"How much data is stored over the retention period "
             f"({_retention(self.spec.storage.retention)}), one copy?",
             "storage-estimation"),
        ]
        if self.spec.storage.replication > 1:
            figs.append(("Replicated storage", est.storage_replicated, "bytes",
                         f"And with {self.spec.storage.replication} copies of every byte?",
                         "replication"))
        figs += [
            ("Peak egress bandwidth", est.peak_egress_bits, "bandwidth",
             "What egress bandwidth do responses need at peak, in bits per second?",
             "bandwidth"),
        ]
        if est.cache_memory.value > 0:
            figs.append(("Cache memory", est.cache_memory, "bytes",
                         f"Caching the hot {q.fmt_percent(est.assumptions['cache_hot_fraction'])}"
                         " of a day's read responses: how much memory?", "caching"))
        figs.append(("App servers", est.servers_app, "servers",
                     f"One app server handles {q.fmt_num(est.assumptions['server_rps'])} "
                     "req/s. How many servers carry the peak?", "stateless-app-servers"))
        for label, f, kind, question, concept in figs:
            self.ask_number(step, NumberQuestion(label, question, kind, f.value, f.work,
                                                 f.formula, f.meaning, concept))

    def api(self, step: int) -> None:
        self.out.print("One endpoint per action; writes change state, reads fetch it.")
        for name, a in self.est.actions.items():
            act = a.action
            endpoint = act.endpoint or (
                f"{'POST' if act.kind == 'write' else 'GET'} /api/v1/{name.replace('_', '-')}")
            self.out.print(f"  [bold]{endpoint}[/bold]  ({name})")
            if act.request_body:
                self.out.print("    body: {" + ", ".join(f"{k}: {v}" for k, v in
                                                          act.request_body.items()) + "}")
            if act.response_body:
                self.out.print("    returns: {" + ", ".join(f"{k}: {v}" for k, v in
                                                             act.response_body.items()) + "}")
            self.out.print(f"    {q.fmt_rate(a.peak_qps.value)} at peak")
        self.out.print("[dim]REST is the default for public APIs; see "
                       "`sysdesign explain api-styles` for GraphQL and gRPC.[/dim]")

    def data_model(self, step: int) -> None:
        ents = self.spec.entities or {}
        if not ents:
            self.out.print("This spec lists no entities. Start from the nouns in the actions: "
                           + ", ".join(self.est.actions) + ".")
        for name, body in ents.items():
            fields = _entity_fields(body)
            self.out.print(f"  [bold]{name}[/bold]" + (f": {', '.join(fields)}" if fields
                                                       else ""))
        db = self.design.get("database")
        if db is not None:
            self.out.print(f"Store: {db.technology}. {_consistency_line(self.spec)}")
        self.out.print("[dim]Index every column you filter or sort on (`sysdesign explain "
                       "indexes`).[/dim]")

    def high_level(self, step: int) -> None:
        have = {c.kind for c in self.design.components} & set(PICKABLE)
        explain = {c.kind: c.reason for c in self.design.components if c.kind in PICKABLE}
        for k in PICKABLE:
            if k not in explain:
                explain[k] = _why_not(k)
        self.ask_pick(step, "Components", "Which components does this design need at these "
                      "numbers? (e.g. 1,3,4)", list(PICKABLE), have, explain,
                      "load-balancer")
        self.out.print("\nRequest flow:")
        for e in self.design.edges:
            arrow = "->" if e.mode == "sync" else "~>"
            self.out.print(f"  {e.src} {arrow} {e.dst}: {e.label}")

    def deep_dive(self, step: int) -> None:
        fanout = [a for a in self.est.actions.values() if a.action.fanout]
        did = False
        if fanout:
            did = True
            followers = self.spec.users.followers
            avg = followers.average if followers else 100.0
            inserts = self.design.numbers.get("fanout_inserts_peak_per_second", 0.0)
            names = ", ".join(a.name for a in fanout)
            write_qps = sum(a.qps.value for a in fanout)
            self.ask_number(step, NumberQuestion(
                "Fan-out inserts", f"{names} fans out to each follower's timeline "
                f"(~{q.fmt_num(avg)} followers on average). How many timeline inserts per "
                "second at peak?", "qps", inserts,
                f"{q.fmt_rate(write_qps)} x {q.fmt_num(avg)} followers x "
                f"{self.est.peak_factor:g} peak = {q.fmt_rate(inserts, 'inserts/s')}",
                "write QPS x followers x peak factor",
                "Push (fan-out on write) makes reads cheap; accounts above "
                + (f"{q.fmt_count(followers.celebrity_threshold)} followers"
                   if followers else "a celebrity threshold")
                + " are better pulled at read time (the hybrid model).", "fan-out"))
        db = self.design.get("database")
        if db is not None:
            did = True
            self.out.print(f"\n[bold]Database[/bold]: {db.describe_count()}. {db.reason}")
        cache = self.design.get("cache")
        if cache is not None:
            did = True
            self.out.print(f"[bold]Cache[/bold]: {cache.describe_count()}. Cache-aside with a "
                           "TTL; watch for stampedes on hot keys (`sysdesign explain "
                           "thundering-herd`).")
        if not did:
            self.out.print("Nothing here needs a deep dive at these numbers.")

    def bottlenecks(self, step: int) -> None:
        rep = self.report
        av = rep.availability
        path = [p["component"] for p in av.get("path", [])]
        if len(path) > 1 and av.get("weakest") in path:
            self.ask_pick(step, "Weakest link", "On the request path, which component limits "
                          "availability the most?", path, {av["weakest"]},
                          {av["weakest"]: f"The path achieves "
                           f"{q.fmt_percent(av['achieved'])} ({av['work']}) against "
                           f"{q.fmt_percent(av['target'])}."}, "availability-nines",
                          single=True)
        serious = [f for f in rep.findings if f.severity in ("error", "warning")]
        if not serious:
            self.out.print("\nNo errors or warnings: the design meets its targets at these "
                           "numbers.")
        else:
            self.out.print(f"\n[bold]Findings[/bold] ({rep.summary()}):")
        for f in serious:
            style = "red" if f.severity == "error" else "yellow"
            self.out.print(f"  [{style}]{f.code}[/{style}] {f.title}")
            self.out.print(f"      {f.message}")
            self.out.print(f"      [bold]Fix:[/bold] {f.fix}")
        for fix in av.get("fixes", [])[:3]:
            self.out.print(f"  [green]+[/green] {fix['change']} -> "
                           f"{q.fmt_percent(fix['achieved'])}")

    def summary(self) -> None:
        from rich.table import Table

        graded = [r for r in self.results if r.verdict not in ("shown",)]
        est = self.est
        self.out.print(f"{self.spec.name}: {q.fmt_count(est.dau.value)} DAU, "
                       f"{q.fmt_rate(est.qps_average.value)} average and "
                       f"{q.fmt_rate(est.qps_peak.value)} at peak, "
                       f"{q.fmt_bytes(est.storage_retention.value)} stored, "
                       f"{q.fmt_bits_per_second(est.peak_egress_bits.value)} peak egress; "
                       + ", ".join(f"{c.label.lower()} {c.describe_count()}"
                                   for c in self.design.components if c.kind in PICKABLE)
                       + ".")
        if not graded:
            self.out.print("[dim]No answers were given (--no-input): run it without "
                           "--no-input to be graded.[/dim]")
            return
        points = sum(r.points for r in graded)
        pct = round(100 * points / len(graded))
        self.out.print(f"[bold]Score: {points:g} / {len(graded)} ({pct}%)[/bold] "
                       "[dim](good = 1, right order of magnitude = 0.5)[/dim]")
        table = Table(show_header=True, title_justify="left")
        table.add_column("Step", justify="right")
        table.add_column("Question")
        table.add_column("Result")
        table.add_column("Slip")
        for r in graded:
            table.add_row(str(r.step), r.label, r.verdict, r.slip or "")
        self.out.print(table)
        weak = [r for r in graded if r.verdict != "good"]
        if weak:
            cards = list(dict.fromkeys(r.concept for r in weak if r.concept))
            self.out.print("Weak spots: " + ", ".join(r.label for r in weak) + ".")
            if cards:
                self.out.print("Read next: " + "; ".join(f"sysdesign explain {c}" for c in cards))
            slips = [r.slip for r in weak if r.slip]
            if slips:
                self.out.print("Slips seen: " + ", ".join(dict.fromkeys(slips)) + ".")
        else:
            self.out.print("No weak spots this time. Try `sysdesign practice` or another "
                           "example.")


def _retention(seconds: float) -> str:
    days = seconds / 86_400
    if days >= 365:
        years = days / 365
        return f"{years:.3g} year{'s' if years != 1 else ''}"
    return f"{days:.3g} day{'s' if days != 1 else ''}"


def _entity_fields(body: Any) -> list[str]:
    if isinstance(body, dict):
        fields = body.get("fields", body)
        if isinstance(fields, dict):
            return [str(k) for k in fields][:8]
        if isinstance(fields, list):
            return [str(f if not isinstance(f, dict) else next(iter(f), "")) for f in fields][:8]
    fields_attr = getattr(body, "fields", None)
    if isinstance(fields_attr, dict):
        return [str(k) for k in fields_attr][:8]
    return []


def _consistency_line(spec: Any) -> str:
    if spec.requirements.consistency == "strong":
        return "Strong consistency asked: reads that must be fresh go to the primary."
    return "Eventual consistency is fine: replicas and caches may lag by seconds."


def _why_not(kind: str) -> str:
    return {
        "cdn": "not needed: peak egress is modest and there is no media to serve from the edge.",
        "queue": "not needed: no fan-out and writes are light enough to do in the request.",
        "worker": "not needed: nothing is queued for background work.",
        "object_storage": "not needed: no media or large blobs to store.",
        "cache": "not used: the spec turns it off or there are no cacheable reads.",
        "load_balancer": "not needed with a single app server.",
    }.get(kind, "not part of this design.")


def score(results: list[Result]) -> tuple[float, int]:
    graded = [r for r in results if r.verdict != "shown"]
    return sum(r.points for r in graded), len(graded)

