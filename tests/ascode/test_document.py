"""The file model alone: references, escapes, and the README's example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from destgraph.ascode import FileError, SecretRef, parse_document
from destgraph.ascode.document import dump_document, encode

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_example_file_reads_as_it_says() -> None:
    section = README.read_text().split("## Destinations as code", 1)[1]
    [example] = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)[:1]

    document = parse_document(example)

    entry = document.workspaces["ours-demo"].destinations["klaviyo-eu"]
    assert (entry.service, entry.id, entry.type_key) == ("klaviyo", None, None)
    assert entry.settings == {"projectAPIKey": SecretRef("DG_OURS_DEMO_KLAVIYO_EU_PROJECT_API_KEY")}
    web = document.workspaces["nimriz-demo"].destinations["web-ga4"]
    assert web.subscriptions is not None and web.subscriptions["clicks"].action_type == "send_event"
    assert web.settings == {"measurement_id": "G-ABC123", "api_secret": SecretRef("WEB_GA4_SECRET")}


def test_a_literal_dollar_brace_survives_a_round_trip() -> None:
    settings = {"template": "${not a secret}", "money": "$$5", "ref": SecretRef("A_SECRET"), "list": ["${x"]}
    plain = {"workspaces": {"w": {"destinations": {"k": {"name": "K", "typeKey": "t", "settings": encode(settings)}}}}}

    document = parse_document(dump_document(plain))

    assert document.workspaces["w"].destinations["k"].settings == settings


def test_every_problem_of_a_file_is_reported_at_once_with_its_line() -> None:
    text = "workspaces:\n  w:\n    destinations:\n      'bad key': {name: A, typeKey: t}\n      ok: {name: 1, enabled: maybe}\n"
    with pytest.raises(FileError) as raised:
        parse_document(text)
    found = {(p.path, p.line) for p in raised.value.problems}
    assert found == {
        ('workspaces.w.destinations."bad key"', 4),
        ("workspaces.w.destinations.ok.name", 5),
        ("workspaces.w.destinations.ok.enabled", 5),
        ("workspaces.w.destinations.ok.typeKey", 5),
    }
