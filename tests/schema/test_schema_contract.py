"""schema.graphql is exported from the code, current, and keeps the public contract."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLNamedType, build_schema, find_breaking_changes, get_named_type
from graphql.type import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType

from destgraph.schema.schema import build_schema as build_our_schema
from tests.conftest import REPO_ROOT

EXPORTED = REPO_ROOT / "schema.graphql"


def test_exported_schema_is_current() -> None:
    assert EXPORTED.read_text() == str(build_our_schema()) + "\n", (
        "schema.graphql is stale: run `destgraph export-schema -o schema.graphql`"
    )


def _reachable_from_query(schema) -> set[str]:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    stack: list[GraphQLNamedType] = [schema.query_type]
    while stack:
        named = stack.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                stack.append(get_named_type(field.type))
                stack.extend(get_named_type(arg.type) for arg in field.args.values())
            stack.extend(getattr(named, "interfaces", []))
            stack.extend(schema.get_possible_types(named) if isinstance(named, GraphQLInterfaceType) else [])
        elif isinstance(named, GraphQLInputObjectType):
            stack.extend(get_named_type(f.type) for f in named.fields.values())
        elif isinstance(named, GraphQLUnionType):
            stack.extend(named.types)
    return seen


def test_exported_schema_breaks_nothing_in_the_contract(vendor_specs_dir: Path) -> None:
    contract = build_schema((vendor_specs_dir.parent / "design" / "schema-contract.graphql").read_text())
    exported = build_schema(EXPORTED.read_text())
    assert [change.description for change in find_breaking_changes(contract, exported)] == []


def test_exported_schema_breaks_nothing_query_reaches(vendor_specs_dir: Path) -> None:
    contract = build_schema((vendor_specs_dir.parent / "design" / "schema-contract.graphql").read_text())
    exported = build_schema(EXPORTED.read_text())
    reachable = _reachable_from_query(contract) | {"ErrorCode"}
    breaking = [
        change.description
        for change in find_breaking_changes(contract, exported)
        if _type_named_in(change.description, contract) in reachable
    ]
    assert breaking == []


def _type_named_in(description: str, contract) -> str | None:  # type: ignore[no-untyped-def]
    """The contract type a breaking-change description is about ("Field Foo.bar ..." -> Foo)."""
    return next((word for word in re.findall(r"\b[A-Z]\w*", description) if word in contract.type_map), None)
