"""`destgraph documents add` and `destgraph documents list`: a trusted-documents file {sha256: document}."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from destgraph.cli import main
from destgraph.schema.persisted import load_trusted_documents

KEYS = "query Keys {\n  workspaces { key }\n}\n"
PLAN = "mutation Plan($input: CreateDestinationInput!) { createDestination(input: $input) { changes { field } } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def test_add_creates_the_file_under_each_documents_hash(tmp_path: Path) -> None:
    keys, plan = write(tmp_path / "keys.graphql", KEYS), write(tmp_path / "plan.graphql", PLAN)
    manifest = tmp_path / "trusted.json"
    result = CliRunner().invoke(main, ["documents", "add", str(manifest), str(keys), str(plan)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{sha256(KEYS)}  {keys}", f"{sha256(PLAN)}  {plan}"]
    assert json.loads(manifest.read_text()) == {sha256(KEYS): KEYS, sha256(PLAN): PLAN}
    assert "2 documents, 2 new" in result.stderr


def test_add_extends_the_file_and_keeps_the_exact_text(tmp_path: Path) -> None:
    manifest = tmp_path / "trusted.json"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["documents", "add", str(manifest), str(write(tmp_path / "k.graphql", KEYS))]).exit_code
        == 0
    )
    crlf = "query Crlf {\r\n  __typename\r\n}\r\n"
    again = runner.invoke(
        main,
        ["documents", "add", str(manifest), str(write(tmp_path / "c.graphql", crlf)), str(tmp_path / "k.graphql")],
    )
    assert again.exit_code == 0, again.output
    stored = json.loads(manifest.read_text())
    assert stored == {sha256(KEYS): KEYS, sha256(crlf): crlf}
    assert "2 documents, 1 new" in again.stderr
    assert load_trusted_documents(manifest) == stored


def test_add_refuses_what_is_not_a_graphql_document(tmp_path: Path) -> None:
    manifest = tmp_path / "trusted.json"
    bad = write(tmp_path / "bad.graphql", "query { unclosed")
    result = CliRunner().invoke(main, ["documents", "add", str(manifest), str(bad)])
    assert result.exit_code != 0
    assert "is not a GraphQL document" in result.output
    assert not manifest.exists()


def test_add_refuses_a_file_that_is_not_a_manifest(tmp_path: Path) -> None:
    manifest = write(tmp_path / "trusted.json", json.dumps({"0" * 64: KEYS}))
    result = CliRunner().invoke(main, ["documents", "add", str(manifest), str(write(tmp_path / "k.graphql", KEYS))])
    assert result.exit_code != 0
    assert "is not the SHA-256 of its document" in result.output


def test_list_prints_each_hash_and_its_operations(tmp_path: Path) -> None:
    manifest = tmp_path / "trusted.json"
    manifest.write_text(json.dumps({sha256(KEYS): KEYS, sha256(PLAN): PLAN}))
    result = CliRunner().invoke(main, ["documents", "list", str(manifest)])
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(
        [f"{sha256(KEYS)}  query Keys", f"{sha256(PLAN)}  mutation Plan"]
    )
    assert "2 documents" in result.stderr


def test_list_reads_a_directory_of_graphql_files(tmp_path: Path) -> None:
    write(tmp_path / "keys.graphql", KEYS)
    write(tmp_path / "anonymous.graphql", "{ __typename }")
    result = CliRunner().invoke(main, ["documents", "list", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(
        [f"{sha256(KEYS)}  query Keys", f"{sha256('{ __typename }')}  query (anonymous)"]
    )


def test_list_of_a_corrupt_file_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["documents", "list", str(write(tmp_path / "t.json", "{nope"))])
    assert result.exit_code != 0
    assert "is not JSON" in result.output
