"""The FQL parser held to a corpus of statements from Segment's documents (fql_corpus.yaml).

The Segment emulator validates triggers with the gateway's own parser, so a parser bug would be shared
by both sides and no emulator test could see it. The corpus' verdicts come from Segment's FQL reference
and Segment's own triggers, not from what the parser does: it must accept exactly the valid entries,
raise FQLSyntaxError (never anything else) for the others, and render every tree it returns to text
that parses back to the same tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from destgraph.domain import fql

CORPUS_PATH = Path(__file__).with_name("fql_corpus.yaml")


def _load() -> list[dict[str, Any]]:
    entries = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
    assert isinstance(entries, list), f"{CORPUS_PATH.name} must be a list of entries"
    return entries


CORPUS = _load()


def _cases(valid: bool) -> list[Any]:
    return [pytest.param(e, id=_id(e)) for e in CORPUS if e["valid"] is valid]


def _id(entry: dict[str, Any]) -> str:
    # The expression is the id; an empty or blank one would be an unreadable id.
    text = entry.get("fql")
    return repr(text) if isinstance(text, str) and not text.strip() else str(text)


def test_corpus_entries_are_well_formed() -> None:
    assert len(CORPUS) >= 60
    seen: set[str] = set()
    for entry in CORPUS:
        assert set(entry) <= {"fql", "valid", "source", "note"}, entry
        assert isinstance(entry.get("fql"), str), entry
        assert isinstance(entry.get("valid"), bool), entry
        assert isinstance(entry.get("source"), str) and entry["source"].strip(), entry
        assert entry["fql"] not in seen, f"duplicate corpus entry {entry['fql']!r}"
        seen.add(entry["fql"])
    assert any(e["valid"] for e in CORPUS) and any(not e["valid"] for e in CORPUS)


@pytest.mark.parametrize("entry", _cases(valid=True))
def test_valid_statement_parses_and_round_trips(entry: dict[str, Any]) -> None:
    text = entry["fql"]
    try:
        tree = fql.parse(text)
    except fql.FQLSyntaxError as exc:
        pytest.fail(f"{text!r} is valid FQL ({entry['source']}) but the parser refused it: {exc}")
    rendered = fql.render(tree)
    assert fql.parse(rendered) == tree, f"{text!r} rendered as {rendered!r}, which parses to another tree"


@pytest.mark.parametrize("entry", _cases(valid=False))
def test_invalid_statement_is_a_syntax_error(entry: dict[str, Any]) -> None:
    text = entry["fql"]
    why = entry.get("note") or entry["source"]
    # Any other exception (an AssertionError from the lexer, say) propagates and fails the test too.
    try:
        tree = fql.parse(text)
    except fql.FQLSyntaxError:
        return
    pytest.fail(f"{text!r} is not valid FQL ({why}) but the parser accepted it as {tree!r}")
