"""`sysdesign practice`: estimation drills, graded, with a session summary."""

from __future__ import annotations

import typer


def practice_command(
    topic: str = typer.Option(None, "--topic", "-t",
                              help="estimation, availability, capacity or latency "
                              "(default: a mix)."),
    count: int = typer.Option(5, "--count", "-n", min=1, max=50, help="Number of questions."),
    seed: int = typer.Option(None, "--seed", help="Seed for a reproducible set of questions."),
    no_input: bool = typer.Option(False, "--no-input",
                                  help="Print the questions with answers instead of asking."),
    no_progress: bool = typer.Option(False, "--no-progress",
                                     help="Do not read or update the progress file."),
    show_progress: bool = typer.Option(False, "--show-progress",
                                       help="Show progress so far and where it is kept, then "
                                       "exit."),
) -> None:
    """Practise back-of-the-envelope estimates on generated scenarios, graded as you go.

    Answer with the notation specs use: 1.2K, 200 MB, 9 Mbps, 52 min, 99.9%. Type 'hint' for
    the formula, 'skip' to see the answer, 'quit' to stop. Progress is kept in
    $SYSDESIGN_PROGRESS_FILE or $XDG_DATA_HOME/sysdesign/progress.json (safe to delete).
    """
    from sysdesign.cli._common import console
    from sysdesign.errors import SysdesignError
    from sysdesign.teach import practice

    out = console()
    if show_progress:
        _print_progress(out, practice.Progress.load(), practice.progress_path())
        return
    if topic is not None:
        topic = topic.strip().lower()
        if topic in ("", "all", "mix", "any"):
            topic = None
        elif topic not in practice.TOPICS:
            raise SysdesignError(f'unknown topic "{topic}": use one of '
                                 f'{", ".join(practice.TOPICS)} (or leave --topic out for a mix)')
    questions = practice.generate(topic, count, seed)
    if no_input:
        _print_questions(out, questions)
        return
    _run(out, questions, record=not no_progress)


def _print_questions(out, questions) -> None:  # type: ignore[no-untyped-def]
    from sysdesign.teach.grading import format_answer

    for i, qu in enumerate(questions, 1):
        out.print(f"[bold]Question {i}/{len(questions)}[/bold] [dim]({qu.topic})[/dim]")
        out.print(qu.prompt)
        out.print(f"  [bold]Answer:[/bold] {format_answer(qu.answer, qu.kind)}")
        out.print(f"  [bold]Work:[/bold] {qu.work}")
        if qu.concept:
            out.print(f"  [dim]Learn more: sysdesign explain {qu.concept}[/dim]")
        out.print()


VERDICT_STYLE = {"good": "bold green", "close": "bold yellow", "off": "bold red"}
VERDICT_WORD = {"good": "Good", "close": "Right order of magnitude", "off": "Off"}


def _run(out, questions, *, record: bool) -> None:  # type: ignore[no-untyped-def]
    from sysdesign.teach import practice
    from sysdesign.teach.ask import ask_number
    from sysdesign.teach.grading import format_answer, grade

    results: list[tuple[str, str, str | None]] = []  # (topic, verdict|skipped, slip)
    points = 0.0
    quit_early = False
    out.print("[dim]Answer like a spec: 1.2K, 200 MB, 9 Mbps, 52 min, 99.9%. "
              "'hint' for the formula, 'skip' for the answer, 'quit' to stop.[/dim]\n")
    for i, qu in enumerate(questions, 1):
        out.print(f"[bold]Question {i}/{len(questions)}[/bold] [dim]({qu.topic})[/dim]")
        out.print(qu.prompt)
        reply = ask_number(out, qu.kind, hint=qu.formula)
        if reply.action == "quit":
            quit_early = True
            out.print("\nStopping here.")
            break
        answer_text = format_answer(qu.answer, qu.kind)
        if reply.action == "skip":
            results.append((qu.topic, "skipped", None))
            out.print(f"  [bold]Answer:[/bold] {answer_text}")
        else:
            assert reply.value is not None
            g = grade(reply.value, qu.answer, qu.kind, qu.context)
            points += g.points
            results.append((qu.topic, g.verdict, g.slip))
            out.print(f"  [{VERDICT_STYLE[g.verdict]}]{g.message}[/]")
            out.print(f"  [bold]Answer:[/bold] {answer_text} "
                      f"[dim](you said {format_answer(g.guess, qu.kind)})[/dim]")
        out.print(f"  [bold]Work:[/bold] {qu.work}")
        if qu.concept:
            out.print(f"  [dim]Learn more: sysdesign explain {qu.concept}[/dim]")
        out.print()

    _summary(out, results, points)
    if record and results:
        prog = practice.Progress.load()
        prog.sessions += 1
        for t, verdict, slip in results:
            if verdict == "skipped":
                c = prog.by_topic.setdefault(t, {"asked": 0, "good": 0, "close": 0, "off": 0,
                                                 "skipped": 0})
                c["asked"] = c.get("asked", 0) + 1
                c["skipped"] = c.get("skipped", 0) + 1
            else:
                prog.record(t, verdict, slip)
        where = prog.save()
        if where is not None:
            out.print(f"[dim]Progress saved to {where} (safe to delete; --no-progress to skip)."
                      "[/dim]")
        else:
            out.print("[dim]Progress could not be saved (location not writable); "
                      "nothing else is affected.[/dim]")
    if quit_early and not results:
        out.print("No answers this time. Come back any time: sysdesign practice")


def _summary(out, results, points: float) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from sysdesign.teach.practice import score_line

    if not results:
        return
    out.print(f"[bold]Score: {score_line(points, len(results))}[/bold]  "
              "[dim](good = 1, right order of magnitude = 0.5)[/dim]")
    table = Table(title="This session", title_justify="left")
    for col in ("Topic", "Asked", "Good", "Close", "Off", "Skipped"):
        table.add_column(col, justify="left" if col == "Topic" else "right")
    topics: dict[str, dict[str, int]] = {}
    slips: dict[str, int] = {}
    for t, v, slip in results:
        c = topics.setdefault(t, {"asked": 0, "good": 0, "close": 0, "off": 0, "skipped": 0})
        c["asked"] += 1
        c[v] += 1
        for s in (slip or "").split("+"):
            if s:
                slips[s] = slips.get(s, 0) + 1
    for t, c in topics.items():
        table.add_row(t, *(str(c[k]) for k in ("asked", "good", "close", "off", "skipped")))
    out.print(table)
    if slips:
        out.print("Slips to watch: " + ", ".join(f"{k} ({v}x)" for k, v in
                                                 sorted(slips.items(), key=lambda x: -x[1])))
    weak = [t for t, c in topics.items() if c["good"] < c["asked"]]
    if weak:
        out.print("Practise more: " + ", ".join(f"sysdesign practice --topic {t}" for t in weak))


def _print_progress(out, prog, path) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    out.print(f"Progress file: {path}" + ("" if path.exists() else " (not created yet)"))
    if not prog.by_topic:
        out.print("No answers recorded yet. Start with: sysdesign practice")
        return
    table = Table(title=f"{prog.sessions} session{'s' if prog.sessions != 1 else ''}",
                  title_justify="left")
    for col in ("Topic", "Asked", "Good", "Close", "Off", "Skipped"):
        table.add_column(col, justify="left" if col == "Topic" else "right")
    for t, c in sorted(prog.by_topic.items()):
        table.add_row(t, *(str(c.get(k, 0)) for k in ("asked", "good", "close", "off",
                                                       "skipped")))
    out.print(table)
    if prog.slips:
        out.print("Most frequent slips: " + ", ".join(
            f"{k} ({v}x)" for k, v in sorted(prog.slips.items(), key=lambda x: -x[1])))
