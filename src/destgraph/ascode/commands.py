"""The click commands ``export``, ``plan`` and ``apply``, and the coroutines they run.

Each command is a client of a running gateway (``--url`` and ``--key``, or ``DESTGRAPH_URL`` and
``DESTGRAPH_KEY``), or of one started in process over the seeded emulators (``--demo``). The
coroutines ``run_export``, ``run_plan`` and ``run_apply`` take the connection and the consoles, so
tests run them in process over an ASGI transport. Exit statuses: 0 done (plan: no change), 2 plan
with changes, 1 any problem, printed with its path in the file; never a traceback for bad input.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from destgraph.ascode.apply import apply_plan
from destgraph.ascode.client import Connection, GraphQLClient
from destgraph.ascode.document import load_document
from destgraph.ascode.errors import AscodeError
from destgraph.ascode.export import export_destinations
from destgraph.ascode.identity import State
from destgraph.ascode.plan import Plan, make_plan
from destgraph.ascode.render import (
    plan_json,
    render_plan,
    render_problems,
    render_progress,
    render_report,
    report_json,
)

OK, ERROR, CHANGES = 0, 1, 2


async def run_export(
    connection: Connection, *, output: Path | None, out: Console, err: Console, record: bool = True
) -> int:
    """``record``: write the state record beside the file (not for --demo, whose objects end with it)."""
    state_path = State.beside(output) if output and record else None
    try:
        async with GraphQLClient(connection) as client:
            found = await export_destinations(client, state_path=state_path)
    except AscodeError as exc:
        render_problems(err, exc.problems)
        return ERROR
    if output is None:
        out.file.write(found.text)
        out.file.flush()
        summary = err
    else:
        try:
            _write(output, found.text)
            found.state.save()
        except OSError as exc:
            err.print(f"[bold red]Error:[/] {output} cannot be written ({type(exc).__name__})")
            return ERROR
        summary = out
    recorded = f" (state record {state_path.name})" if state_path else ""
    where = f" to {output}{recorded}" if output else ""
    summary.print(
        f"Exported {found.destinations} destination(s) and {found.subscriptions} subscription(s){where}; "
        f"{found.secrets} secret(s) as ${{NAME}} references."
    )
    return OK


async def _planned(
    client: GraphQLClient, file: Path, *, prune: bool, environ: Mapping[str, str], record: bool
) -> tuple[Plan, State, Any]:
    document = load_document(file)
    state = State.load(State.beside(file)) if record else State(None)
    plan = await make_plan(client, document, state, prune=prune, environ=environ)
    return plan, state, document


async def run_plan(
    connection: Connection,
    file: Path,
    *,
    prune: bool = False,
    as_json: bool = False,
    out: Console,
    err: Console,
    environ: Mapping[str, str] | None = None,
    record: bool = True,
) -> int:
    environ = os.environ if environ is None else environ
    try:
        async with GraphQLClient(connection) as client:
            plan, _, _ = await _planned(client, file, prune=prune, environ=environ, record=record)
    except AscodeError as exc:
        if as_json:
            _json(out, {"format": 1, "file": str(file), "changes": False, "problems": _problems(exc)})
        render_problems(err, exc.problems)
        return ERROR
    if as_json:
        _json(out, plan_json(plan, file=str(file)))
    else:
        render_plan(out, plan, file=str(file))
    if plan.problems:
        return ERROR
    return CHANGES if plan.changed else OK


async def run_apply(
    connection: Connection,
    file: Path,
    *,
    prune: bool = False,
    yes: bool = False,
    as_json: bool = False,
    out: Console,
    err: Console,
    environ: Mapping[str, str] | None = None,
    confirm: Callable[[str], bool] | None = None,
    record: bool = True,
) -> int:
    environ = os.environ if environ is None else environ
    try:
        async with GraphQLClient(connection) as client:
            plan, state, document = await _planned(client, file, prune=prune, environ=environ, record=record)
            if not as_json:
                render_plan(out, plan, file=str(file))
            if plan.problems:
                if as_json:
                    _json(out, plan_json(plan, file=str(file)))
                return ERROR
            if plan.changed and not yes:
                if confirm is None:
                    err.print("[bold red]Error:[/] no terminal to confirm on: give --yes to apply without asking")
                    return ERROR
                if not confirm(f"Apply these {len(plan.steps)} change(s) to {connection.endpoint}?"):
                    err.print("Apply cancelled: nothing was changed.")
                    return ERROR
            progress = None if as_json else (lambda step, event: render_progress(out, step, event))
            report = await apply_plan(client, plan, state, document, progress=progress)
    except AscodeError as exc:
        render_problems(err, exc.problems)
        return ERROR
    if as_json:
        _json(out, {"plan": plan_json(plan, file=str(file)), "apply": report_json(report, total=len(plan.steps))})
    elif plan.changed:
        render_report(out, report, total=len(plan.steps))
    return OK if report.ok else ERROR


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _json(out: Console, body: dict[str, Any]) -> None:
    out.file.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    out.file.flush()


def _problems(exc: AscodeError) -> list[dict[str, Any]]:
    return [{"path": p.path, "line": p.line, "code": p.code, "message": p.message} for p in exc.problems]


# -- click ------------------------------------------------------------------------------------------


def _connect(
    url: str | None, key: str | None, demo: bool, run: Callable[[Connection], Coroutine[Any, Any, int]]
) -> int:
    if demo:  # --demo wins over --url and DESTGRAPH_URL: it names its own gateway and key
        from destgraph.ascode.demo import demo_connection

        async def in_demo() -> int:
            async with demo_connection() as connection:
                return await run(connection)

        return asyncio.run(in_demo())
    if not url:
        raise click.UsageError("give --url (or DESTGRAPH_URL): the gateway's GraphQL URL; or --demo")
    if not key:
        raise click.UsageError("give --key (or DESTGRAPH_KEY): an API key of the gateway")
    return asyncio.run(run(Connection(url=url, key=key)))


def _connection_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--demo",
        is_flag=True,
        help="Run against the seeded demo started in this process (gone when the command ends; no state record).",
    )(command)
    command = click.option(
        "--key", envvar="DESTGRAPH_KEY", metavar="KEY", help="The gateway API key (env DESTGRAPH_KEY)."
    )(command)
    command = click.option(
        "--url",
        envvar="DESTGRAPH_URL",
        metavar="URL",
        help="The gateway's GraphQL URL, e.g. http://127.0.0.1:8000/graphql (env DESTGRAPH_URL).",
    )(command)
    return command


def _consoles() -> tuple[Console, Console]:
    return Console(highlight=False, soft_wrap=True), Console(stderr=True, highlight=False, soft_wrap=True)


@click.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the file here, and its state record beside it (FILE.state.json); default: stdout.",
)
@_connection_options
def export_command(output: Path | None, url: str | None, key: str | None, demo: bool) -> None:
    """Write the destinations of every workspace the key may see as one YAML file."""
    out, err = _consoles()
    sys.exit(_connect(url, key, demo, lambda c: run_export(c, output=output, out=out, err=err, record=not demo)))


@click.command("plan")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--prune", is_flag=True, help="Also delete what the vendors hold and the file does not name.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@_connection_options
def plan_command(file: Path, prune: bool, as_json: bool, url: str | None, key: str | None, demo: bool) -> None:
    """Show what applying FILE would change. Exit 0: no change, 2: changes, 1: problems."""
    out, err = _consoles()
    code = _connect(
        url, key, demo, lambda c: run_plan(c, file, prune=prune, as_json=as_json, out=out, err=err, record=not demo)
    )
    sys.exit(code)


@click.command("apply")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--prune", is_flag=True, help="Also delete what the vendors hold and the file does not name.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and what was done as JSON (needs --yes).")
@_connection_options
def apply_command(
    file: Path, yes: bool, prune: bool, as_json: bool, url: str | None, key: str | None, demo: bool
) -> None:
    """Apply FILE: the plan's creates, updates and (with --prune) deletes. Exit 0: done, 1: problems."""
    if as_json and not yes:
        raise click.UsageError("--json needs --yes: there is no one to confirm")
    out, err = _consoles()
    confirm = (lambda question: click.confirm(question, default=False)) if sys.stdin.isatty() else None

    def run(connection: Connection) -> Coroutine[Any, Any, int]:
        return run_apply(
            connection, file, prune=prune, yes=yes, as_json=as_json, out=out, err=err, confirm=confirm, record=not demo
        )

    sys.exit(_connect(url, key, demo, run))


COMMANDS = (export_command, plan_command, apply_command)
