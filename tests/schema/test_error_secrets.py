"""No input echoed into an error can carry a secret: errors name the input at fault, never its value.

graphql-core quotes what it was given when an input does not fit its type (a variable's value, a
literal, an enum name, a scalar it cannot parse); schema/errors.py rebuilds those messages from the
variable or argument, the path to the field and the type expected there. Every malformed input below
carries a secret in its settings (and, where the malformation allows, in the faulty value itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    parse,
    print_ast,
    validate,
)
from graphql.execution import get_variable_values
from graphql.validation import specified_rules

from destgraph.schema.errors import InputLiterals, to_graphql_error
from tests.schema.conftest import API_KEY, Stack

#: a secret that is also a GraphQL name, so it can stand where an enum literal goes
SECRET = "sk_test_9f8e7d6c5b4a3210ffee"


@dataclass(frozen=True)
class Enum:
    """A bare name in a literal (an enum value), not a string."""

    name: str


def literal(value: Any) -> str:
    """``value`` as a GraphQL literal."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value)


def as_variable(value: Any) -> Any:
    """``value`` as a variable's JSON (an enum literal becomes the string a client would send)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dict):
        return {k: as_variable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_variable(v) for v in value]
    return value


@dataclass(frozen=True)
class Mutation:
    field: str
    input_type: str
    #: the payload's path to a Destination, where a bad enum can go (deliveryMetrics' granularity)
    to_destination: str
    required: str
    string_field: str
    non_null: str

    def document(self, input_text: str, granularity: str) -> str:
        metrics = f"deliveryMetrics(input: {{granularity: {granularity}}}) {{ successes }}"
        selection = self.to_destination.replace("DESTINATION", f"{{ id {metrics} }}")
        return f"{{ {self.field}(input: {input_text}) {{ {selection} userErrors {{ field message code }} }} }}"


CREATE = Mutation("createDestination", "CreateDestinationInput", "destination DESTINATION", "typeKey", "name", "name")
UPDATE = Mutation("updateDestination", "UpdateDestinationInput", "destination DESTINATION", "id", "name", "id")
TEST_SETTINGS = Mutation(
    "testDestinationSettings",
    "TestDestinationSettingsInput",
    "result { subscription { destination DESTINATION } }",
    "typeKey",
    "typeKey",
    "workspaceId",
)
MUTATIONS = {m.field: m for m in (CREATE, UPDATE, TEST_SETTINGS)}

#: kind -> (how the input is spoiled, the input field at fault)
KINDS = {
    "missing required field": lambda m, i: ({k: v for k, v in i.items() if k != m.required}, m.required),
    "wrong type": lambda m, i: ({**i, m.string_field: {"value": SECRET}}, m.string_field),
    "wrong scalar": lambda m, i: ({**i, m.string_field: [SECRET, 1]}, m.string_field),
    "unknown field": lambda m, i: ({**i, "apiKey": SECRET}, "apiKey"),
    "null for non-null": lambda m, i: ({**i, m.non_null: None}, m.non_null),
    "JSON given a non-JSON literal": lambda m, i: ({**i, "settings": Enum(SECRET)}, "settings"),
    "bad enum": lambda m, i: (i, "granularity"),
}


async def base_input(stack: Stack, mutation: Mutation) -> dict[str, Any]:
    settings = {"projectAPIKey": SECRET, "url": "https://hooks.example.com/x", "api_key": SECRET}
    if mutation is CREATE:
        return {
            "workspaceId": await stack.workspace_id("OURS"),
            "typeKey": "Klaviyo",
            "name": "Secret keeper",
            "settings": settings,
            "dryRun": True,
        }
    if mutation is UPDATE:
        [first, *_] = await stack.destinations_of("OURS", "id")
        return {"id": first["id"], "name": "Renamed", "settings": settings, "dryRun": True}
    return {"workspaceId": await stack.workspace_id("ZEOTAP"), "typeKey": "webhook", "settings": settings}


async def post(stack: Stack, query: str, variables: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    response = await stack.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"},
    )
    return response.text, response.json()


def reports(body: dict[str, Any]) -> list[tuple[str, list[str], Any]]:
    """(message, field path, code) of every GraphQL error and every userError in the answer."""
    found = [
        (e["message"], (e.get("extensions") or {}).get("field") or [], (e.get("extensions") or {}).get("code"))
        for e in body.get("errors") or []
    ]
    for payload in (body.get("data") or {}).values():
        for e in (payload or {}).get("userErrors") or []:
            found.append((e["message"], e["field"] or [], e["code"]))
    return found


@pytest.mark.parametrize("form", ["variables", "literals"])
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("field", list(MUTATIONS))
async def test_no_secret_in_any_error_and_the_field_at_fault_is_named(
    stack: Stack, field: str, kind: str, form: str
) -> None:
    mutation = MUTATIONS[field]
    spoiled, at_fault = KINDS[kind](mutation, await base_input(stack, mutation))
    granularity = Enum(SECRET) if kind == "bad enum" else Enum("HOUR")
    if form == "literals":
        text, body = await post(stack, "mutation " + mutation.document(literal(spoiled), literal(granularity)))
    else:
        variables = f"($input: {mutation.input_type}!, $granularity: MetricsGranularity)"
        query = f"mutation{variables} " + mutation.document("$input", "$granularity")
        text, body = await post(stack, query, {"input": as_variable(spoiled), "granularity": as_variable(granularity)})

    assert SECRET not in text
    found = reports(body)
    assert found, body
    assert all(code for _message, _field, code in found), found
    named = [(m, f) for m, f, _code in found if at_fault in f]
    assert named, f"no error names {at_fault}: {found}"
    if body.get("errors"):
        assert any(at_fault in message for message, _field in named), found


async def test_a_syntax_error_does_not_quote_the_token(stack: Stack) -> None:
    workspace = await stack.workspace_id("ZEOTAP")
    query = (
        f'mutation {{ testDestinationSettings(input: {{workspaceId: "{workspace}", typeKey: "webhook", '
        f'settings: {{api_key: "x" "{SECRET}"}}}}) {{ userErrors {{ message }} }} }}'
    )
    text, body = await post(stack, query)
    assert SECRET not in text
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"] == "Syntax Error: Expected Name, found String."
    assert error["locations"]


async def test_a_malformed_id_is_named_not_repeated(stack: Stack) -> None:
    text, body = await post(stack, f'{{ destination(id: "{SECRET}") {{ id }} node(id: "{SECRET}") {{ id }} }}')
    assert SECRET not in text
    assert {(e["message"], tuple(e["extensions"]["field"])) for e in body["errors"]} == {
        ("id is not a destgraph id", ("id",))
    }


async def test_the_message_names_the_variable_the_path_and_the_type(stack: Stack) -> None:
    workspace = await stack.workspace_id("OURS")
    query = "mutation($input: CreateDestinationInput!) { createDestination(input: $input) { userErrors { code } } }"
    given = {"workspaceId": workspace, "name": "x", "settings": {"projectAPIKey": SECRET}}
    _text, body = await post(stack, query, {"input": given})
    [error] = body["errors"]
    assert error["message"] == "Variable '$input' is invalid at typeKey: a value of type 'String!' is required."
    assert error["extensions"]["variable"] == "input"
    assert error["extensions"]["field"] == ["input", "typeKey"]
    assert error["extensions"]["code"] == "BAD_REQUEST"

    literal_query = f'mutation {{ createDestination(input: {{workspaceId: "{workspace}", name: "x", typeKey: "K", subscriptions: [{{name: "a", enabled: "{SECRET}"}}]}}) {{ userErrors {{ code }} }} }}'
    _text, body = await post(stack, literal_query)
    [error] = body["errors"]
    assert error["message"] == (
        "Argument 'input' of 'Mutation.createDestination' is invalid at subscriptions[0].enabled: "
        "Boolean cannot represent a non boolean value; expected a value of type 'Boolean'."
    )
    assert error["extensions"]["field"] == ["input", "subscriptions", "0", "enabled"]


# -- a custom scalar that quotes what it cannot parse (as graphql-type-json's JSON does) --------------


def _strict_scalar() -> GraphQLScalarType:
    def parse_value(value: Any) -> Any:
        raise GraphQLError(f"Strict cannot represent value: {value!r}")

    def parse_literal(node: Any, _variables: Any = None) -> Any:
        raise GraphQLError(f"Strict cannot represent value: {print_ast(node)}")

    return GraphQLScalarType("Strict", parse_value=parse_value, parse_literal=parse_literal)


def _strict_schema() -> GraphQLSchema:
    strict = _strict_scalar()
    given = GraphQLInputObjectType(
        "Given", {"settings": GraphQLInputField(strict), "name": GraphQLInputField(GraphQLString)}
    )
    query = GraphQLObjectType(
        "Query", {"f": GraphQLField(GraphQLString, args={"input": GraphQLArgument(GraphQLNonNull(given))})}
    )
    return GraphQLSchema(query)


def test_a_custom_scalars_parse_error_is_rebuilt_for_literals() -> None:
    schema = _strict_schema()
    document = parse(f'{{ f(input: {{settings: {{apiKey: "{SECRET}"}}}}) }}')
    rules = [InputLiterals if rule.__name__ == "ValuesOfCorrectTypeRule" else rule for rule in specified_rules]
    [error] = validate(schema, document, rules)
    formatted = to_graphql_error(error, None, schema=schema)
    assert SECRET not in formatted.message
    assert (
        formatted.message == "Argument 'input' of 'Query.f' is invalid at settings: expected a value of type 'Strict'."
    )
    assert formatted.extensions == {"code": "BAD_REQUEST", "field": ["input", "settings"]}


def test_a_custom_scalars_parse_error_is_rebuilt_for_variables() -> None:
    schema = _strict_schema()
    operation = parse("query($input: Given!) { f(input: $input) }").definitions[0]
    found = get_variable_values(schema, operation.variable_definitions, {"input": {"settings": {"apiKey": SECRET}}})  # type: ignore[attr-defined]
    assert isinstance(found, list)
    [error] = found
    assert SECRET in error.message  # what graphql-core says by itself
    formatted = to_graphql_error(error, "r1", schema=schema)
    assert SECRET not in formatted.message
    assert formatted.message == "Variable '$input' is invalid at settings: expected a value of type 'Strict'."
    assert formatted.extensions == {
        "code": "BAD_REQUEST",
        "variable": "input",
        "field": ["input", "settings"],
        "requestId": "r1",
    }
