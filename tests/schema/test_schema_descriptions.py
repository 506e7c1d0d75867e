"""Every element of the schema says what it means to a client, and the contract's words are kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    specified_scalar_types,
)

from destgraph.schema.schema import build_schema as build_our_schema

#: the spec's own scalars, described by graphql-core; introspection types (__*) are skipped too
SPEC_SCALARS = frozenset(specified_scalar_types)
PLACEHOLDERS = re.compile(r"\b(TODO|FIXME|TBD|XXX|lorem ipsum)\b|^\W*$", re.IGNORECASE)


def described_elements(schema: GraphQLSchema) -> Iterator[tuple[str, str, str | None]]:
    """(kind, coordinate, description) of every type, field, argument, input field and enum value."""
    for name, named in sorted(schema.type_map.items()):
        if name.startswith("__") or name in SPEC_SCALARS:
            continue
        yield "type", name, named.description
        yield from _members(named)


def _members(named: GraphQLNamedType) -> Iterator[tuple[str, str, str | None]]:
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            yield "field", f"{named.name}.{field_name}", field.description
            for arg_name, arg in field.args.items():
                yield "argument", f"{named.name}.{field_name}({arg_name}:)", arg.description
    elif isinstance(named, GraphQLInputObjectType):
        for field_name, input_field in named.fields.items():
            yield "input field", f"{named.name}.{field_name}", input_field.description
    elif isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            yield "enum value", f"{named.name}.{value_name}", value.description


def _words(text: str) -> str:
    return " ".join(text.split())


def _bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def test_every_type_field_argument_input_field_and_enum_value_is_described() -> None:
    schema = build_our_schema()._schema
    missing = [f"{kind} {where}" for kind, where, description in described_elements(schema) if not description]
    assert missing == [], "undocumented schema elements:\n" + "\n".join(missing)


def test_descriptions_are_not_placeholders_or_the_name_again() -> None:
    schema = build_our_schema()._schema
    weak = []
    for kind, where, description in described_elements(schema):
        if not description:
            continue  # the test above names these
        name = re.findall(r"\w+", where)[-1]
        if PLACEHOLDERS.search(description) or _bare(description) == _bare(name):
            weak.append(f"{kind} {where}: {description!r}")
    assert weak == [], "placeholder descriptions:\n" + "\n".join(weak)


def test_the_root_types_and_custom_scalars_are_described() -> None:
    schema = build_our_schema()._schema
    for name in ("Query", "Mutation", "Subscription", "DateTime", "JSON", "ErrorCode", "UserErrorCode"):
        assert schema.type_map[name].description, name
    # our own words, not Strawberry's defaults
    assert schema.type_map["DateTime"].description != "Date with time (isoformat)"


def test_the_contracts_descriptions_are_kept_word_for_word(vendor_specs_dir: Path) -> None:
    contract = build_schema((vendor_specs_dir.parent / "design" / "schema-contract.graphql").read_text())
    ours = {where: description for _kind, where, description in described_elements(build_our_schema()._schema)}
    changed = [
        f"{where}: contract {_words(description)!r}, schema {ours.get(where)!r}"
        for _kind, where, description in described_elements(contract)
        if description and _words(ours.get(where) or "") != _words(description)
    ]
    assert changed == [], "descriptions that differ from the contract:\n" + "\n".join(changed)


def test_the_walk_covers_every_kind() -> None:
    """The walk itself: a schema with one undescribed element of each kind yields each of them."""
    schema = build_schema(
        """
        "described" type Query { "described" f("described" a: Int, b: Int): E }
        "described" enum E { "described" ONE TWO }
        "described" input I { "described" x: Int y: Int }
        type Extra { g(i: I): Int }
        scalar Unspoken
        """
    )
    missing = {where for _kind, where, description in described_elements(schema) if not description}
    assert missing == {"Query.f(b:)", "E.TWO", "I.y", "Extra", "Extra.g", "Extra.g(i:)", "Unspoken"}
