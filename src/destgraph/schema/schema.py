"""The schema, merged from its features, with the limits and error codes every request gets."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import strawberry
from graphql import ExecutionResult, GraphQLError, experimental_execute_incrementally
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.types import ExecutionContext
from strawberry.types.arguments import StrawberryArgument

from destgraph.adapters.scope import open_scope
from destgraph.config import GatewayOptions
from destgraph.errors import QuotaExceeded, StateUnavailable
from destgraph.observability.graphql import ObservedQueryCost, OperationObserver
from destgraph.schema.cost import QueryPricing
from destgraph.schema.errors import ErrorCode, ErrorCodes
from destgraph.schema.mutations.destinations import DestinationMutations
from destgraph.schema.mutations.subscriptions import SubscriptionMutations
from destgraph.schema.mutations.tests import TestMutations, TestSubscriptions
from destgraph.schema.queries.catalog import CatalogQueries
from destgraph.schema.queries.destinations import DestinationQueries
from destgraph.schema.queries.nodes import NodeQueries
from destgraph.schema.queries.workspaces import WorkspaceQueries
from destgraph.schema.types.catalog import DestinationType
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.workspace import Workspace
from destgraph.services import quota

logger = logging.getLogger("destgraph.graphql")


class CallScoping(SchemaExtension):
    """Every upstream call an operation causes is charged to its request's scope; closed at the end."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        scope = getattr(context, "scope", None)
        if scope is None:
            yield
            return
        with open_scope(scope):
            yield

    def get_results(self) -> dict[str, Any]:
        """Reads answered from the cache past their freshness because a vendor could not answer."""
        scope = getattr(self.execution_context.context, "scope", None)
        stale = getattr(scope, "stale", None)
        if not stale:
            return {}
        return {
            "stale": [{"workspace": s.workspace, "operation": s.operation, "ageSeconds": s.age_seconds} for s in stale]
        }


class CallQuota(SchemaExtension):
    """Each API key's share of the gateway's upstream calls a minute (services/quota.py)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        session = getattr(context.context, "session", None)
        scope = getattr(context.context, "scope", None)
        if session is None or scope is None or context.result is not None:
            yield
            return
        before = scope.calls
        try:
            await quota.admit(session)
        except (QuotaExceeded, StateUnavailable) as exc:
            # refused before anything ran, with its code (RATE_LIMITED, STATE_UNAVAILABLE)
            context.result = ExecutionResult(data=None, errors=[GraphQLError(exc.message, original_error=exc)])
        yield
        try:
            await quota.charge(session, scope.calls - before)
        except StateUnavailable:
            # The answer is made and its calls were spent: losing the tally must not lose the answer.
            logger.warning("the calls of an operation could not be charged to its key's quota", exc_info=True)


class ArgumentNames(NameConverter):
    """Strawberry converts an argument's name (first_page to firstPage) on every call of its
    resolver; a built schema's arguments never change name, so each is converted once."""

    def __init__(self) -> None:
        super().__init__()
        #: by the argument's identity, the argument held so that its id is never another's
        self._names: dict[int, tuple[StrawberryArgument, str]] = {}

    def from_argument(self, argument: StrawberryArgument) -> str:
        found = self._names.get(id(argument))
        if found is None or found[0] is not argument:
            found = self._names[id(argument)] = (argument, super().from_argument(argument))
        return found[1]


class Schema(strawberry.Schema):
    """Logs only unexpected errors (ErrorCodes logs those, with the request id); expected ones are answers."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        return None

    def _get_execute_function(self) -> Callable[..., Any]:
        # Deferred fragments and streamed items start with the initial part, not after it: a deferred
        # vendor read then costs its own latency, not the initial part's and then its own.
        return functools.partial(experimental_execute_incrementally, enable_early_execution=True)


#: the partial-results rule, told to every client in the schema itself
PARTIAL_RESULTS = (
    "When a vendor fails, the smallest part of the answer carries it: a nullable field is null, a list or"
    " connection that is non-null answers empty (totalCount null where it cannot be known), and an error "
    "with extensions.code names the path of the part. A vendor failure never makes data null."
)


@strawberry.type(description="Reads across every vendor workspace the API key may see. " + PARTIAL_RESULTS)
class Query(NodeQueries, WorkspaceQueries, DestinationQueries, CatalogQueries):
    pass


@strawberry.type(
    description="Writes to the vendors, each checked before anything goes upstream. Input that does not fit the "
    "schema's types is a BAD_REQUEST error; input that fits them but not the destination type's catalog or the "
    "vendor's rules is data: the payload's userErrors name each input field at fault, and nothing is written. With "
    "dryRun, changes is the plan and nothing is written either. Other GraphQL errors are faults (a vendor down, a "
    "budget spent, a missing scope). Every mutation needs an API key with the write scope."
)
class Mutation(DestinationMutations, SubscriptionMutations, TestMutations):
    pass


@strawberry.type(
    description="Streams over graphql-transport-ws or graphql-ws, with the API key in the upgrade's Authorization "
    "header or in connection_init's payload."
)
class Subscription(TestSubscriptions):
    pass


#: Strawberry declares these scalars (their parsing and serializing); only their words are the gateway's.
SCALAR_DESCRIPTIONS = {
    "DateTime": "A date and time in ISO 8601, e.g. 2024-05-01T09:30:00+00:00, with the UTC offset the vendor "
    "gave. Give one in inputs too: a time without an offset is read as the gateway host's local time.",
    "JSON": "Any JSON value (ECMA-404). settings, raw, changes and the like hold vendor data this way, in the "
    "vendor's own shape, with every secret masked.",
}


def describe_scalars(schema: strawberry.Schema) -> None:
    """Describe the scalars Strawberry declares, in the built schema (what introspection and the SDL read)."""
    for name, description in SCALAR_DESCRIPTIONS.items():
        schema._schema.type_map[name].description = description


def build_schema(options: GatewayOptions | None = None) -> strawberry.Schema:
    options = options or GatewayOptions()
    # Built once per schema: the limit rules (the same classes every request, so the validation
    # cache below can hit) and the recent prices.
    pricing = QueryPricing(options)
    no_introspection: list[type[ASTValidationRule]] = [NoSchemaIntrospectionCustomRule]
    # Factories, so each request gets fresh extension instances.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        # first, so it wraps the others: its span is the operation's, and when it ends the errors
        # have their codes and the calls are counted (observability/graphql.py)
        OperationObserver,
        CallScoping,
        ErrorCodes,
        # depth, aliases and tokens, then the price of the operation before it runs: each limit
        # answers QUERY_TOO_COMPLEX; every answer carries extensions.cost
        lambda: ObservedQueryCost(pricing),  # QueryCost, telling the observer its price
        # after the price: a refused operation costs no share
        CallQuota,
        # The same few documents arrive again and again: validate each once. (ParserCache is left
        # out: with it a syntax error escapes ErrorCodes and loses its extensions.code.)
        lambda: ValidationCache(maxsize=256),
    ]
    if not options.introspection:
        extensions.append(lambda: AddValidationRules(no_introspection))
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # ErrorCode is part of the contract though no field returns it: it documents extensions.code.
        types=[Workspace, Destination, DestinationSubscription, DestinationType, ErrorCode],
        extensions=extensions,
        # @defer and @stream (graphql-core's incremental delivery): the GraphQL endpoint streams
        # their parts as multipart/mixed, or merges them into one answer (destgraph.web.incremental)
        config=StrawberryConfig(enable_experimental_incremental_execution=True, name_converter=ArgumentNames()),
    )
    describe_scalars(schema)
    return schema
