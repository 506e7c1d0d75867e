"""Destinations as code: ``destgraph export | plan | apply``, a client of a running gateway.

The destinations of every vendor, with their subscriptions (Segment subscriptions, Nimriz actions),
as one reviewed YAML file: ``export`` writes it, ``plan`` shows what applying it would change
(validated by the gateway's own dryRun, drift marked), ``apply`` makes the changes with idempotency
keys so a rerun after any failure converges. Everything goes through the graph, with the caller's
API key, so scopes, quotas, validation and masking apply as for any client.

Identity: an entry is its workspace and its key in the file; it matches the vendor id it names
(``id``) or that the state record beside the file (``FILE.state.json``) maps its key to; with
neither it is a create; an id that no longer exists, or two entries that would match one object,
is a problem at the entry's path, never a guess (identity.py says it whole).

Modules: client (GraphQL over httpx), document (the file) and yamlio (its YAML), remote (reads),
views (managed fields), identity (matching and the state record), compare (field by field,
secrets), export, plan (the steps, steps.py) and validate (the gateway's dryRun), apply, render
(rich text and JSON), commands (click), demo (``--demo``), errors.
"""

from destgraph.ascode.client import Connection, GraphQLClient
from destgraph.ascode.commands import COMMANDS, run_apply, run_export, run_plan
from destgraph.ascode.document import Document, SecretRef, load_document, parse_document
from destgraph.ascode.errors import AscodeError, FileError, GatewayError, Problem, UnreachableError
from destgraph.ascode.identity import State

__all__ = [
    "COMMANDS",
    "AscodeError",
    "Connection",
    "Document",
    "FileError",
    "GatewayError",
    "GraphQLClient",
    "Problem",
    "SecretRef",
    "State",
    "UnreachableError",
    "load_document",
    "parse_document",
    "run_apply",
    "run_export",
    "run_plan",
]
