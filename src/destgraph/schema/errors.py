"""The only place where the gateway's error tree becomes GraphQL error codes and extensions.

Every error in a response carries ``extensions.code`` (ErrorCode); upstream faults also carry
provider, workspace, upstreamStatus, retryable and retryAfter. Anything unexpected becomes
INTERNAL with a generic message and is logged with the request id: no stack trace, no secret.
An input that does not fit its type is named (the variable or argument, the path to the field at
fault, the type expected there), never repeated: graphql-core's messages quote the value given.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InitialIncrementalExecutionResult,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationType,
    SubsequentIncrementalExecutionResult,
    ValueNode,
    VariableDefinitionNode,
    VisitorAction,
    get_named_type,
    is_input_type,
    type_from_ast,
)
from graphql.execution import CompletedResult, IncrementalResult
from graphql.language import SKIP
from graphql.pyutils import did_you_mean, suggestion_list
from graphql.utilities import validate_input_literal
from graphql.validation import ValidationContext, ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from destgraph import errors

logger = logging.getLogger("destgraph.graphql")


@strawberry.enum(description="Codes carried in extensions.code of GraphQL errors.")
class ErrorCode(enum.Enum):
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED",
        description="No API key, or one the gateway does not know (HTTP 401); retrying helps only with a valid key.",
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="The API key may not do this (its scopes); retrying with the same key does not help."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description="No such object, or not visible to the API key; the vendor has no such resource. Retrying does"
        " not help.",
    )
    BAD_REQUEST = strawberry.enum_value(
        "BAD_REQUEST",
        description="The request is at fault: a body or URL that is not a GraphQL request, a syntax or"
        " validation error, a variable of the wrong type, no operation to run, bad input. extensions.field names"
        " the input at fault (from the argument, or from the variable in extensions.variable); the message names"
        " it and the type expected, never the value given. Retrying the same request does not help.",
    )
    BAD_CURSOR = strawberry.enum_value(
        "BAD_CURSOR",
        description="A cursor this API did not issue, or issued for another list or filter; retrying does not"
        " help: start the list again without after.",
    )
    QUERY_TOO_COMPLEX = strawberry.enum_value(
        "QUERY_TOO_COMPLEX",
        description="The operation is over one of the gateway's limits (depth, aliases, tokens, cost,"
        " objects, node ids), named in extensions.limit; it ran nothing. Retrying does not help: ask for less.",
    )
    UNSUPPORTED = strawberry.enum_value(
        "UNSUPPORTED",
        description="The vendor lacks the capability asked for (see Workspace.capabilities); retrying does not help.",
    )
    UPSTREAM_AUTH_FAILED = strawberry.enum_value(
        "UPSTREAM_AUTH_FAILED",
        description="The vendor refused the gateway's configured credentials; retrying does not help until the"
        " workspace's token is fixed.",
    )
    UPSTREAM_RATE_LIMITED = strawberry.enum_value(
        "UPSTREAM_RATE_LIMITED",
        description="The vendor's rate limit (or this API key's share of it) is spent; retrying after"
        " retryAfter seconds helps.",
    )
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED",
        description="This API key spent its share of the gateway's upstream calls a minute; retrying after"
        " retryAfter seconds helps.",
    )
    UPSTREAM_UNAVAILABLE = strawberry.enum_value(
        "UPSTREAM_UNAVAILABLE",
        description="The vendor could not be reached, answered 5xx, or its circuit is open; retrying later helps"
        " (after retryAfter where given).",
    )
    STATE_UNAVAILABLE = strawberry.enum_value(
        "STATE_UNAVAILABLE",
        description="The store the gateway's replicas share state through (Redis) did not answer: nothing was"
        " written upstream on this request's behalf after that point; retrying later helps.",
    )
    UPSTREAM_TIMEOUT = strawberry.enum_value(
        "UPSTREAM_TIMEOUT", description="The vendor did not answer in time; retrying later helps."
    )
    UPSTREAM_ERROR = strawberry.enum_value(
        "UPSTREAM_ERROR",
        description="The vendor refused the request, or answered what the gateway cannot read; retrying the same"
        " request does not help (extensions.retryable is false).",
    )
    PERSISTED_QUERY_NOT_FOUND = strawberry.enum_value(
        "PERSISTED_QUERY_NOT_FOUND",
        description="Automatic persisted queries: no document is stored under"
        " extensions.persistedQuery.sha256Hash (message PersistedQueryNotFound; HTTP 200 with application/json,"
        " 404 with application/graphql-response+json); retrying with the query text and the same hash helps:"
        " the text is stored, and the hash alone runs it from then on.",
    )
    PERSISTED_QUERY_NOT_IN_LIST = strawberry.enum_value(
        "PERSISTED_QUERY_NOT_IN_LIST",
        description="Only trusted documents run on this gateway (trusted_only) and this one, by hash or by"
        " text, is not registered (HTTP 400); retrying does not help, nor does sending its text with the hash"
        " (nothing registers): the document must be added to the gateway's trusted_documents.",
    )
    INTERNAL = strawberry.enum_value(
        "INTERNAL",
        description="An unexpected fault of the gateway, logged with the request id (extensions.requestId);"
        " retrying may help if it was passing, otherwise report the id.",
    )


#: most specific first
CODES: tuple[tuple[type[errors.DestgraphError], ErrorCode], ...] = (
    (errors.UpstreamAuthFailed, ErrorCode.UPSTREAM_AUTH_FAILED),
    (errors.UpstreamRateLimited, ErrorCode.UPSTREAM_RATE_LIMITED),
    (errors.UpstreamTimeout, ErrorCode.UPSTREAM_TIMEOUT),
    (errors.UpstreamUnavailable, ErrorCode.UPSTREAM_UNAVAILABLE),
    (errors.UpstreamNotFound, ErrorCode.NOT_FOUND),
    (errors.UpstreamRejected, ErrorCode.UPSTREAM_ERROR),
    (errors.UpstreamProtocolError, ErrorCode.UPSTREAM_ERROR),
    (errors.UpstreamError, ErrorCode.UPSTREAM_ERROR),
    (errors.NotFoundError, ErrorCode.NOT_FOUND),
    (errors.InvalidInputError, ErrorCode.BAD_REQUEST),
    (errors.BadCursorError, ErrorCode.BAD_CURSOR),
    (errors.UnsupportedError, ErrorCode.UNSUPPORTED),
    (errors.ForbiddenError, ErrorCode.FORBIDDEN),
    (errors.QuotaExceeded, ErrorCode.RATE_LIMITED),
    (errors.UnauthenticatedError, ErrorCode.UNAUTHENTICATED),
    (errors.StateUnavailable, ErrorCode.STATE_UNAVAILABLE),
    (errors.ConfigError, ErrorCode.INTERNAL),
)

INTERNAL_MESSAGE = "Internal error; the gateway logged it with this request's id."


def code_for(error: errors.DestgraphError) -> ErrorCode:
    for kind, code in CODES:
        if isinstance(error, kind):
            return code
    return ErrorCode.INTERNAL


def extensions_for(error: errors.DestgraphError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": code_for(error).value}
    if isinstance(error, errors.UpstreamError):
        extensions.update(
            provider=error.provider.upper(),
            workspace=error.workspace,
            upstreamStatus=error.status,
            retryable=error.retryable,
            retryAfter=error.retry_after,
        )
    if isinstance(error, errors.InvalidInputError) and error.field:
        extensions["field"] = list(error.field)
    if isinstance(error, errors.QuotaExceeded):
        extensions.update(retryable=True, retryAfter=error.retry_after)
    if isinstance(error, errors.StateUnavailable):
        extensions.update(retryable=True)
    return extensions


# -- requests at fault: name the input, never repeat it ---------------------------------------------

_NAME = r"[_A-Za-z][_0-9A-Za-z]*"
_PATH_PART = re.compile(rf"\.({_NAME})|\[(\d+)\]")
#: graphql-core's wrapping of an input error: "Variable '$x' has invalid value at .a[0]: <inner>"
_VALUE_ERROR = re.compile(
    rf"(?P<kind>Variable '\$|Argument ')(?P<name>{_NAME})'(?: defined by fragment '{_NAME}')? has invalid "
    rf"(?P<default>default )?value(?: at (?P<path>(?:\.{_NAME}|\[\d+\])+))?: (?P<inner>.*)\Z",
    re.DOTALL,
)
# What an inner message says, read from graphql-core's fixed opening words only (the value follows them).
_REQUIRED_FIELD = re.compile(rf"Expected value of type '[^']+' to include required field '(?P<field>{_NAME})', found")
_UNKNOWN_FIELD = re.compile(rf"Expected value of type '[^']+' not to include unknown field '(?P<field>{_NAME})'[.,]")
_NOT_NULL = re.compile(
    rf"Expected value of non-null type '[^']+' not to be None\.|Expected variable '\${_NAME}' provided to .* None\."
)
_NOT_PROVIDED = re.compile(rf"Expected variable '\${_NAME}' provided to .* to provide a runtime value\.")
_SCALAR_REASON = re.compile(r"(?P<reason>(?:Int|Float|String|Boolean|ID) cannot represent [a-z0-9 -]+ value)")
#: how graphql-core messages that quote an input begin or go on, in case one is not rebuilt above
_ECHOES = re.compile(r"found: | cannot represent |does not exist in '|Expected value of type '")
#: a token the lexer quotes at the end of a syntax error ("found String 'sk_live_...'.")
_SYNTAX_TOKEN = re.compile(r"\b(String|BlockString|Name|Int|Float) '.*'(?=\.\Z)", re.DOTALL)


class InputValueError(GraphQLError):
    """An input that does not fit its type, described by where it is and what it should be."""


def describe_input_problem(
    where: str, root: GraphQLInputType | None, path: list[str | int], inner: str, *, suggest: bool = True
) -> tuple[str, list[str]]:
    """The message of an input error at ``path`` under ``root`` (the type of the variable or argument
    named by ``where``), and the path to the field at fault. ``inner`` is graphql-core's message, read
    for what kind of problem it is and never copied: it quotes the value."""
    at = list(path)
    here = _type_at(root, at)
    if (required := _REQUIRED_FIELD.match(inner)) is not None:
        at.append(required["field"])
        expected = _type_at(root, at)
        problem = f"a value of type '{expected}' is required" if expected else "a value is required"
    elif _NOT_PROVIDED.match(inner):
        problem = f"a value of type '{here}' is required" if here else "a value is required"
    elif (unknown := _UNKNOWN_FIELD.match(inner)) is not None:
        field = unknown["field"]
        at.append(field)
        owner = get_named_type(here) if here is not None else None
        if isinstance(owner, GraphQLInputObjectType):
            problem = f"{owner.name} has no such field"
            if suggest:
                problem += did_you_mean(suggestion_list(field, list(owner.fields)))
        else:
            problem = "there is no such field"
    elif _NOT_NULL.match(inner):
        problem = f"a value of type '{here}' cannot be null" if here else "the value cannot be null"
    elif here is None:
        problem = "the value does not fit the type expected there"
    else:
        problem = f"expected a value of type '{here}'"
        named = get_named_type(here)
        if isinstance(named, GraphQLEnumType):
            problem += ": one of " + ", ".join(named.values)
        if (reason := _SCALAR_REASON.match(inner)) is not None:
            problem = f"{reason['reason']}; {problem}"
    printed = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in at).lstrip(".")
    return f"{where} is invalid{f' at {printed}' if printed else ''}: {problem}.", [str(key) for key in at]


def _type_at(type_: GraphQLInputType | None, path: list[str | int]) -> GraphQLInputType | None:
    for key in path:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(key, int) and isinstance(type_, GraphQLList):
            type_ = type_.of_type
        elif isinstance(key, str) and isinstance(type_, GraphQLInputObjectType) and key in type_.fields:
            type_ = type_.fields[key].type
        else:
            return None
    return type_


def _node_at(node: ValueNode, path: list[str | int]) -> ValueNode:
    """The part of a literal at ``path``, or the deepest part of it that exists."""
    for key in path:
        if isinstance(node, ObjectValueNode) and isinstance(key, str):
            found = next((f.value for f in node.fields if f.name.value == key), None)
        elif isinstance(node, ListValueNode) and isinstance(key, int) and key < len(node.values):
            found = node.values[key]
        else:
            found = None
        if found is None:
            break
        node = found
    return node


class InputLiterals(ValuesOfCorrectTypeRule):
    """ValuesOfCorrectTypeRule, whose errors name the argument, the field path and the type expected,
    never the literal (a document's literals may hold secrets: settings: {apiKey: "..."})."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        #: what the literal being checked is the value of, the name its field paths start with, and
        #: the variable whose default it is
        self._where: tuple[str, str, str | None] = ("An input value", "", None)

    def enter_argument(self, node: ArgumentNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        name = node.name.value
        owner = next((a for a in reversed(ancestors) if isinstance(a, FieldNode | DirectiveNode)), None)
        parent = self.context.get_parent_type()
        if isinstance(owner, DirectiveNode):
            self._where = (f"Argument '{name}' of '@{owner.name.value}'", name, None)
        elif isinstance(owner, FieldNode) and parent is not None:
            self._where = (f"Argument '{name}' of '{parent.name}.{owner.name.value}'", name, None)
        else:
            self._where = (f"Argument '{name}'", name, None)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        name = node.variable.name.value
        self._where = (f"The default value of variable '${name}'", name, name)

    def is_valid_value_node(self, node: ValueNode, input_type: GraphQLInputType | None) -> VisitorAction:
        if input_type:
            where, root_name, variable = self._where
            suggest = not self.context.hide_suggestions

            def on_error(error: GraphQLError, path: list[str | int]) -> None:
                message, at = describe_input_problem(where, input_type, path, error.message, suggest=suggest)
                # graphql-core's own node may be a copy without a location (variables replaced)
                nodes: list[Node] = [n for n in error.nodes or () if n.loc] or [_node_at(node, path)]
                extensions: dict[str, Any] = {"field": [root_name, *at] if root_name else at}
                if variable is not None:
                    extensions = {"variable": variable, **extensions}
                self.report_error(InputValueError(message, nodes, extensions=extensions))

            validate_input_literal(node, input_type, on_error, None, None, self.context.hide_suggestions)
        return SKIP


def request_error(error: GraphQLError, schema: GraphQLSchema | None) -> tuple[str, dict[str, Any]]:
    """The message and extensions of one of graphql-core's findings, without any input value in them."""
    message = error.message
    if isinstance(error, InputValueError):
        return message, {}
    if message.startswith("Syntax Error: "):
        message = _SYNTAX_TOKEN.sub(r"\1", message)
        message = re.sub(r"(escape sequence): '.*'\.\Z", r"\1 in a string.", message, flags=re.DOTALL)
        return re.sub(r", did you mean '.*'\?\Z", ".", message, flags=re.DOTALL), {}
    wrapped = _VALUE_ERROR.match(message)
    if wrapped is not None:
        name = wrapped["name"]
        path: list[str | int] = [int(i) if i else n for n, i in _PATH_PART.findall(wrapped["path"] or "")]
        if wrapped["kind"] == "Argument '":
            described, at = describe_input_problem(f"Argument '{name}'", None, path, wrapped["inner"])
            return described, {"field": [name, *at]}
        node = error.nodes[0] if error.nodes else None
        declared = type_from_ast(schema, node.type) if schema and isinstance(node, VariableDefinitionNode) else None
        root = declared if is_input_type(declared) else None
        where = f"The default value of variable '${name}'" if wrapped["default"] else f"Variable '${name}'"
        described, at = describe_input_problem(where, root, path, wrapped["inner"])
        return described, {"variable": name, "field": [name, *at]}
    if _ECHOES.search(message):
        return "An input value does not fit the type expected at its position.", {}
    return message, {}


def to_graphql_error(
    error: GraphQLError, request_id: str | None, *, schema: GraphQLSchema | None = None
) -> GraphQLError:
    original = error.original_error
    if isinstance(original, errors.DestgraphError):
        message, extensions = original.message, extensions_for(original)
    elif original is None or isinstance(original, GraphQLError):
        # graphql-core's own findings (syntax, validation, variable coercion): the request is at fault,
        # BAD_REQUEST unless the error carries its code (the query limits: limit_error). Rewritten so
        # that no input value reaches the message (request_error).
        message, named = request_error(error, schema)
        extensions = {"code": ErrorCode.BAD_REQUEST.value, **(error.extensions or {}), **named}
    else:
        logger.error("unexpected error (request %s)", request_id, exc_info=original)
        message, extensions = INTERNAL_MESSAGE, {"code": ErrorCode.INTERNAL.value}
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def limit_error(
    message: str,
    *,
    limit: str,
    maximum: int,
    requested: int | None = None,
    nodes: Any = None,
) -> GraphQLError:
    """The error of a query over one of its limits (depth, aliases, tokens, cost, objects, node ids):
    QUERY_TOO_COMPLEX, naming the GatewayOptions field (``limit``), its value and what was asked."""
    extensions: dict[str, Any] = {"code": ErrorCode.QUERY_TOO_COMPLEX.value, "limit": limit, "maximum": maximum}
    if requested is not None:
        extensions["requested"] = requested
    return GraphQLError(message, nodes=nodes, extensions=extensions)


def partial_error(error: errors.DestgraphError, path: tuple[str | int, ...], request_id: str | None) -> GraphQLError:
    extensions = extensions_for(error)
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(error.message, path=list(path), extensions=extensions)


class ErrorCodes(SchemaExtension):
    """Give every error of a result its code and extensions, and add the partial errors.

    An answer in parts (@defer, @stream) carries errors in each part: the initial result's own, and
    a later part's in its incremental and completed entries. Each partial error goes with the part
    whose entry holds its path (the last part takes any left), the initial result only those of
    what it holds.
    """

    def __init__(self) -> None:
        #: the last whole result formatted, which on_operation's end may be handed again (a later
        #: part passes once). Held, not its id: a part sent and freed leaves its id to the next.
        self._last_whole: Any = None
        #: how many of the context's partial errors were taken into an answer
        self._taken = 0
        #: partial errors of an answer in parts that no part has carried yet
        self._unplaced: list[GraphQLError] = []
        #: the path of each deferred fragment or stream announced as pending, by its id
        self._pending: dict[str, list[str | int]] = {}

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # The same rule class every time, so the validation cache still hits.
        context.validation_rules = tuple(
            InputLiterals if rule is ValuesOfCorrectTypeRule else rule for rule in context.validation_rules
        )
        # a websocket's operations share its context: each takes only the partial errors it caused
        self._taken = len(getattr(context.context, "partial_errors", None) or ())
        yield
        self._format(self.execution_context.result, with_partial=True)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result a stream sends: a subscription's events (their errors never reach on_operation's
        end), or a query's answer, whole or in parts (with the partial errors found meanwhile)."""
        self._format(result, with_partial=not self._subscription())
        yield None

    def _subscription(self) -> bool:
        try:
            return self.execution_context.operation_type.value == OperationType.SUBSCRIPTION.value
        except RuntimeError:  # no operation to run: nothing ran that could report a partial error
            return False

    def _format(self, result: Any, *, with_partial: bool) -> None:
        if result is None or result is self._last_whole:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        schema = getattr(self.execution_context.schema, "_schema", None)
        for pending in getattr(result, "pending", None) or ():
            self._pending[pending.id] = list(pending.path)
        if isinstance(result, SubsequentIncrementalExecutionResult):
            self._format_part(result, request_id, schema)
            return
        self._last_whole = result
        found = getattr(result, "errors", None) or []
        formatted = [to_graphql_error(e, request_id, schema=schema) for e in found]
        if with_partial:
            for error in self._take_partial(request_id):
                # A deferred fragment or streamed item may fail before the initial result is sent:
                # its error waits for the later part that carries what it is about.
                if isinstance(result, InitialIncrementalExecutionResult) and not _holds(result.data, error.path):
                    self._unplaced.append(error)
                else:
                    formatted.append(error)
        result.errors = formatted or None

    def _take_partial(self, request_id: str | None) -> list[GraphQLError]:
        reported = getattr(self.execution_context.context, "partial_errors", [])
        taken = reported[self._taken :]
        self._taken = len(reported)
        return [partial_error(error, path, request_id) for error, path in taken]

    def _format_part(
        self, result: SubsequentIncrementalExecutionResult, request_id: str | None, schema: GraphQLSchema | None
    ) -> None:
        """A later part of an answer in parts: its entries' errors coded, and its partial errors added."""
        incremental = list(result.incremental or ())
        entries: list[IncrementalResult | CompletedResult] = [*incremental, *(result.completed or ())]
        for entry in entries:
            if entry.errors:
                entry.errors = [to_graphql_error(e, request_id, schema=schema) for e in entry.errors]
        self._unplaced.extend(self._take_partial(request_id))
        homes = [(self._pending.get(entry.id, []) + list(entry.sub_path or ()), entry) for entry in incremental]
        unplaced = []
        for error in self._unplaced:
            path = list(error.path or ())
            held = [(len(at), entry) for at, entry in homes if path[: len(at)] == at]
            home: IncrementalResult | CompletedResult | None = (
                max(held, key=lambda found: found[0])[1] if held else None
            )
            if home is None and not result.has_next and entries:
                home = entries[0]
            if home is None:
                unplaced.append(error)
            else:
                home.errors = [*(home.errors or ()), error]
        self._unplaced = unplaced


def _holds(data: Any, path: list[str | int] | None) -> bool:
    """Whether ``data`` holds the field or list item at ``path`` (an initial result leaves out what
    comes in later parts). Paths index lists from 0 up."""
    node = data
    for key in path or ():
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return True
