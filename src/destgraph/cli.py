"""The ``destgraph`` command line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from destgraph import __version__


@click.group()
@click.version_option(__version__, prog_name="destgraph")
def main() -> None:
    """destgraph: one GraphQL graph over four vendors' destination APIs."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port-base",
    default=8100,
    show_default=True,
    type=click.IntRange(1, 65530),
    help="Segment listens on port-base+1, Ours +2, Zeotap +3, Nimriz +4.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the generated data.")
@click.option(
    "--destinations",
    default=40,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Destinations seeded per workspace.",
)
@click.option("--token", default="emulator-token", show_default=True, help="The API token every emulator accepts.")
@click.option("--rate-limits/--no-rate-limits", default=True, show_default=True, help="Enforce vendor rate limits.")
def emulate(host: str, port_base: int, seed: int, destinations: int, token: str, rate_limits: bool) -> None:
    """Serve emulators of the four vendor APIs on loopback ports."""
    from destgraph.emulators.core import SeedOptions
    from destgraph.emulators.server import build_servers, endpoints, serve_all

    options = SeedOptions(seed=seed, destinations=destinations)
    servers = build_servers(host=host, port_base=port_base, options=options, token=token, rate_limits=rate_limits)
    click.echo(f"{'emulator':<10} {'url':<28} control")
    for endpoint in endpoints(host, port_base):
        click.echo(f"{endpoint.name:<10} {endpoint.url:<28} {endpoint.url}/_emulator/")
    click.echo(f"seed {seed}, {destinations} destinations per workspace, Zeotap workspace ws-demo")
    click.echo("Authorization: Bearer <token> (the --token value). Ctrl-C stops.", err=False)
    asyncio.run(serve_all(servers))


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Workspace file (TOML).")
@click.option("--demo", is_flag=True, help="Also start the four emulators and serve the gateway over them.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Gateway port.")
@click.option(
    "--port-base",
    default=8100,
    show_default=True,
    type=click.IntRange(1, 65530),
    help="With --demo: the emulators' ports, as for `destgraph emulate`.",
)
@click.option(
    "--frontend-port",
    type=click.IntRange(0, 65535),
    help="With --demo: the example frontend's port (default: the gateway's port + 1; 0: not served).",
)
@click.option(
    "--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"])
)
def serve(
    config_path: Path | None,
    demo: bool,
    host: str,
    port: int,
    port_base: int,
    frontend_port: int | None,
    log_level: str,
) -> None:
    """Serve the GraphQL gateway (GraphiQL at /graphql).

    Logs are JSON lines on stderr (destgraph.observability.logging), one access line per request;
    traces go where the OTEL_* variables say, when they say (pip install 'destgraph[otel]').
    """
    import uvicorn

    from destgraph.app import create_app
    from destgraph.errors import ConfigError
    from destgraph.observability.logging import configure_logging
    from destgraph.serving import tune_collector, uvicorn_options

    if demo == (config_path is not None):
        raise click.UsageError("give either --config FILE or --demo")
    configure_logging(log_level)
    if config_path is not None:
        settings = _load_or_exit(config_path)
        try:
            app = create_app(settings)
        except ConfigError as exc:  # e.g. a REDIS_URL that does not answer
            raise click.ClickException(exc.message) from None
        tune_collector()
        uvicorn.run(app, **uvicorn_options(host=host, port=port, log_level=log_level))
        return
    frontend = port + 1 if frontend_port is None and port < 65535 else frontend_port or 0
    asyncio.run(_serve_demo(host=host, port=port, port_base=port_base, frontend_port=frontend, log_level=log_level))


async def _serve_demo(*, host: str, port: int, port_base: int, frontend_port: int, log_level: str) -> None:
    import uvicorn

    from destgraph.app import create_app
    from destgraph.demo import demo_api_key, demo_settings, example_frontend
    from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions
    from destgraph.emulators.segment import DEFAULT_SOURCE_ID
    from destgraph.emulators.server import build_servers, endpoints, serve_all
    from destgraph.observability.logging import configure_logging
    from destgraph.serving import uvicorn_options

    options = SeedOptions(seed=1, destinations=40)
    emulators = build_servers(host="127.0.0.1", port_base=port_base, options=options, token=DEFAULT_TOKEN)
    urls = {e.name: e.url for e in endpoints("127.0.0.1", port_base)}
    api_key, generated = demo_api_key()
    settings = demo_settings(urls, api_key=api_key, vendor_token=DEFAULT_TOKEN, segment_source_id=DEFAULT_SOURCE_ID)
    headers = {"Authorization": f"Bearer {api_key}"}
    app = create_app(settings, graphiql_headers=headers)
    # the demo's servers share this process's loop: uvicorn_options' loop choice does not apply
    gateway = uvicorn.Server(uvicorn.Config(app, **uvicorn_options(host=host, port=port, log_level=log_level)))
    servers = [*emulators, gateway]
    # The example frontend on a port of its own: another origin, so its calls go through CORS.
    folder = example_frontend() if frontend_port else None
    if folder is not None:
        from destgraph.web.frontend import frontend_app

        page = frontend_app(folder, gateway_port=port, api_key=api_key)
        page_config = uvicorn.Config(
            page, host=host, port=frontend_port, log_level=log_level, log_config=None, access_log=False
        )
        page_server = uvicorn.Server(page_config)
        page_server.capture_signals = _no_signals  # type: ignore[method-assign]
        servers.append(page_server)
    configure_logging(log_level)  # again: the emulators' uvicorn configs installed uvicorn's own handlers
    gateway.capture_signals = _no_signals  # type: ignore[method-assign]

    click.echo(f"destgraph demo: GraphiQL at http://{host}:{port}/graphql")
    for endpoint in endpoints("127.0.0.1", port_base):
        click.echo(f"  {endpoint.title:<24} {endpoint.url}")
    if folder is not None:
        click.echo(f"  {'Example frontend':<24} http://{host}:{frontend_port}/ (another origin: CORS)")
    elif frontend_port:
        click.echo("  (no example frontend: it ships in the repository's examples/frontend/)")
    origin = "generated for this run" if generated else "from DESTGRAPH_DEMO_KEY"
    click.echo(f"API key ({origin}): {api_key}")
    click.echo(
        f"  curl -s http://{host}:{port}/graphql -H 'Authorization: Bearer {api_key}' "
        "-H 'Content-Type: application/json' -d '{\"query\": \"{ destinations(first: 5) { nodes { provider name } } }\"}'"
    )
    await serve_all(servers)


@contextlib.contextmanager
def _no_signals() -> Iterator[None]:
    yield


@main.command("export-schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_schema(output: Path | None) -> None:
    """Print the GraphQL schema (SDL) the gateway serves."""
    from destgraph.schema.schema import build_schema

    sdl = str(build_schema()) + "\n"
    if output is None:
        click.echo(sdl, nl=False)
    else:
        output.write_text(sdl)


@main.command("check-config")
@click.argument("config_path", type=click.Path(dir_okay=False, path_type=Path))
def check_config(config_path: Path) -> None:
    """Validate a workspace file and the environment variables it names."""
    settings = _load_or_exit(config_path)
    click.echo(f"ok: {len(settings.workspaces)} workspaces, {len(settings.api_keys)} API keys")


@main.group()
def documents() -> None:
    """Trusted documents: a JSON file {sha256: document} (GatewayOptions.trusted_documents).

    Each document is registered under the SHA-256 of its exact text (UTF-8), which is what clients
    send as extensions.persistedQuery.sha256Hash; with trusted_only, only these run.
    """


@documents.command("list")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def documents_list(file: Path) -> None:
    """Print each document's hash and operations (FILE: the JSON file, or a directory of .graphql files)."""
    from destgraph.errors import ConfigError
    from destgraph.schema.persisted import load_trusted_documents

    try:
        found = load_trusted_documents(file)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for sha256, document in found.items():
        click.echo(f"{sha256}  {_operations_label(document)}")
    click.echo(f"{len(found)} documents", err=True)


@documents.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument(
    "document_paths",
    metavar="DOCUMENT.graphql...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
def documents_add(file: Path, document_paths: tuple[Path, ...]) -> None:
    """Add documents to FILE (created when missing), each under the SHA-256 of its text; print each hash."""
    from graphql import GraphQLError, parse

    from destgraph.errors import ConfigError
    from destgraph.schema.persisted import document_hash, load_manifest, read_document, save_manifest

    try:
        manifest = load_manifest(file)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    added = 0
    for path in document_paths:
        try:
            text = read_document(path)
            parse(text)
        except UnicodeDecodeError:
            raise click.ClickException(f"{path} is not UTF-8 text") from None
        except GraphQLError as exc:
            raise click.ClickException(f"{path} is not a GraphQL document: {exc.message}") from None
        sha256 = document_hash(text)
        added += sha256 not in manifest
        manifest[sha256] = text
        click.echo(f"{sha256}  {path}")
    save_manifest(file, manifest)
    click.echo(f"{file}: {len(manifest)} documents, {added} new", err=True)


def _operations_label(document: str) -> str:
    """``query Everything, mutation Plan``: a document's operations, as the listing names them."""
    from graphql import GraphQLError, OperationDefinitionNode, parse

    try:
        parsed = parse(document)
    except GraphQLError:
        return "(not a GraphQL document)"
    names = [
        f"{node.operation.value} {node.name.value if node.name else '(anonymous)'}"
        for node in parsed.definitions
        if isinstance(node, OperationDefinitionNode)
    ]
    return ", ".join(names) or "(no operation)"


def _load_or_exit(path: Path):  # type: ignore[no-untyped-def]
    from destgraph.config import load_settings
    from destgraph.errors import ConfigError

    try:
        return load_settings(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


# Destinations as code (destgraph.ascode): export, plan and apply, clients of a running gateway.
from destgraph.ascode.commands import apply_command, export_command, plan_command  # noqa: E402

main.add_command(export_command)
main.add_command(plan_command)
main.add_command(apply_command)
