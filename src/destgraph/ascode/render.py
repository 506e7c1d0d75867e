"""Plans, apply reports and problems for people (rich text) and for programs (JSON).

Nothing here reads a step's mutation: a secret shows only as what happens to it ("secret set",
"secret changed", "secret kept", "secret removed"), never as a value or a mask.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape

from destgraph.ascode.apply import Report
from destgraph.ascode.compare import Change
from destgraph.ascode.errors import Problem
from destgraph.ascode.steps import Plan, Step, describe

FORMAT = 1
#: how many objects the file does not name a text plan lists
SHOWN = 10
SYMBOL = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red")}


def plan_json(plan: Plan, *, file: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "file": file,
        "changes": plan.changed and not plan.problems,
        "summary": {a: plan.count(a) for a in ("create", "update", "delete")},
        "steps": [step_json(s) for s in plan.steps],
        "unmanaged": [
            {"workspace": u.workspace, "kind": u.kind, "id": u.native_id, "name": u.name, "parent": u.parent}
            for u in plan.unmanaged
        ],
        "problems": [problem_json(p) for p in plan.problems],
    }


def step_json(step: Step) -> dict[str, Any]:
    return {
        "action": step.action,
        "kind": step.kind,
        "workspace": step.workspace,
        "key": step.key,
        "subscription": step.sub_key,
        "path": step.path,
        "id": step.native_id,
        "name": step.name,
        "typeKey": step.type_key,
        "changes": [change_json(c) for c in step.changes],
        "secretsKept": list(step.kept),
    }


def change_json(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"field": change.field}
    if change.secret is not None and change.before is None and change.after is None:
        out["secret"] = change.secret
    else:
        out["before"], out["after"] = change.before, change.after
        if change.secret is not None:
            out["secret"] = change.secret
    out["drift"] = change.drift
    return out


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "line": problem.line, "code": problem.code, "message": problem.message}


def render_problems(console: Console, problems: Iterable[Problem], *, title: str = "Error") -> None:
    for problem in problems:
        console.print(
            f"[bold red]{escape(title)}:[/] [bold]{escape(problem.where())}[/]: {escape(problem.message)}"
            f" [dim]({escape(problem.code)})[/]"
        )


def render_plan(console: Console, plan: Plan, *, file: str) -> None:
    console.print(f"[bold]destgraph plan[/] {escape(file)}")
    workspace = None
    for step in plan.steps:
        if step.workspace != workspace:
            workspace = step.workspace
            console.print(f"\n[bold]{escape(workspace)}[/]")
        _render_step(console, step)
    console.print()
    if plan.problems:
        render_problems(console, plan.problems)
        console.print(f"\n[bold red]The plan has {len(plan.problems)} problem(s); nothing can be applied.[/]")
        return
    _render_unmanaged(console, plan)
    if not plan.changed:
        console.print("[bold green]No changes.[/] The vendors hold what the file says.")
        return
    drift = sum(1 for s in plan.steps for c in s.changes if c.drift)
    summary = (
        f"[bold]Plan:[/] {plan.count('create')} to create, {plan.count('update')} to update, "
        f"{plan.count('delete')} to delete."
    )
    if drift:
        summary += f" [magenta]{drift} change(s) made at the vendor (drift) would be undone.[/]"
    console.print(summary)


def _render_step(console: Console, step: Step) -> None:
    symbol, color = SYMBOL[step.action]
    what = "subscription " if step.kind == "subscription" else ""
    where = f"{step.key}/{step.sub_key}" if step.sub_key else step.key
    ident = f" [dim]({escape(step.native_id)})[/]" if step.native_id else ""
    name = f' "{escape(step.name)}"'
    drift = " [magenta]drift[/]" if any(c.drift for c in step.changes) else ""
    if step.action == "delete" and step.kind == "destination":
        where = "(not in the file)"
    console.print(f"  [{color}]{symbol} {step.action} {what}[bold]{escape(where)}[/][/]{name}{ident}{drift}")
    if step.action == "delete":
        return
    for change in step.changes:
        console.print(f"      {escape(change.field)}: {_shown(change)}")
    for path in step.kept:
        console.print(f"      [dim]{escape(path.removeprefix(step.path + '.'))}: (secret kept)[/]")


def _shown(change: Change) -> str:
    if change.secret is not None and change.before is None and change.after is None:
        text = f"[cyan](secret {escape(change.secret)})[/]"
    elif change.before is None:
        text = escape(describe(change.after))
    elif change.after is None:
        text = f"{escape(describe(change.before))} -> (removed)"
    else:
        text = f"{escape(describe(change.before))} -> {escape(describe(change.after))}"
        if change.secret is not None:
            text += f" [cyan](secret {escape(change.secret)})[/]"
    if change.drift:
        text += "  [magenta](drift: changed at the vendor since the last apply)[/]"
    return text


def _render_unmanaged(console: Console, plan: Plan) -> None:
    if not plan.unmanaged:
        return
    destinations = sum(1 for u in plan.unmanaged if u.kind == "destination")
    subscriptions = len(plan.unmanaged) - destinations
    console.print(
        f"[dim]Not in the file, left as they are (--prune deletes them): {destinations} destination(s), "
        f"{subscriptions} subscription(s).[/]"
    )
    for item in plan.unmanaged[:SHOWN]:
        where = item.parent or f"workspaces.{item.workspace}"
        console.print(
            f'[dim]    {escape(where)}: {escape(item.kind)} "{escape(item.name)}" ({escape(item.native_id)})[/]'
        )
    if len(plan.unmanaged) > SHOWN:
        console.print(f"[dim]    ... and {len(plan.unmanaged) - SHOWN} more (--json lists them all)[/]")


def render_progress(console: Console, step: Step, event: str) -> None:
    symbol, color = SYMBOL[step.action]
    if event == "start":
        return
    where = f"{step.workspace}/{step.key}" + (f"/{step.sub_key}" if step.sub_key else "")
    if step.action == "delete" and step.kind == "destination":
        where = f'{step.workspace}/"{step.name}"'
    mark = "[green]done[/]" if event == "done" else "[bold red]failed[/]"
    what = "subscription " if step.kind == "subscription" else ""
    console.print(f"  [{color}]{symbol}[/] {step.action} {what}{escape(where)} ... {mark}")


def render_report(console: Console, report: Report, *, total: int) -> None:
    console.print()
    if report.ok:
        console.print(f"[bold green]Applied {len(report.done)} of {total} step(s).[/]")
        return
    step = report.failed
    assert step is not None
    for done in report.done:
        console.print(f"[green]done:[/] {escape(done.step.label)}: {escape(done.message)}")
    unknown = " (it may have been applied)" if report.unknown else ""
    console.print(f"[bold red]failed:[/] {escape(step.label)}{unknown}")
    render_problems(console, report.problems)
    for rest in report.not_tried:
        console.print(f"[yellow]not tried:[/] {escape(rest.label)}")
    console.print(
        f"[bold red]Stopped after {len(report.done)} of {total} step(s).[/] Fix what failed (or wait, if the "
        "vendor was busy) and run apply again: it picks up where this one stopped, without duplicates."
    )


def report_json(report: Report, *, total: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "ok": report.ok,
        "total": total,
        "done": [{**step_json(d.step), "id": d.native_id, "result": d.message} for d in report.done],
        "failed": step_json(report.failed) if report.failed else None,
        "unknown": report.unknown,
        "problems": [problem_json(p) for p in report.problems],
        "notTried": [step_json(s) for s in report.not_tried],
    }
