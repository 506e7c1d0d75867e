"""The ``destgraph`` command line."""

from __future__ import annotations

import asyncio

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
