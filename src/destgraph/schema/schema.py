"""The schema, merged from its features, with the limits and error codes every request gets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import strawberry
from graphql import ExecutionResult, GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from destgraph.adapters.scope import open_scope
from destgraph.config import GatewayOptions
from destgraph.errors import QuotaExceeded
from destgraph.schema.cost import QueryCost, QueryPricing
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
        except QuotaExceeded as exc:
            context.result = ExecutionResult(data=None, errors=[GraphQLError(exc.message, original_error=exc)])
        yield
        await quota.charge(session, scope.calls - before)


class Schema(strawberry.Schema):
    """Logs only unexpected errors (ErrorCodes logs those, with the request id); expected ones are answers."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        return None


#: the partial-results rule, told to every client in the schema itself
PARTIAL_RESULTS = (
    "When a vendor fails, the smallest part of the answer carries it: a nullable field is null, a list or"
    " connection that is non-null answers empty (totalCount null where it cannot be known), and an error "
    "with extensions.code names the path of the part. A vendor failure never makes data null."
)


@strawberry.type(description="Reads across every vendor workspace the API key may see. " + PARTIAL_RESULTS)
class Query(NodeQueries, WorkspaceQueries, DestinationQueries, CatalogQueries):
    pass


@strawberry.type
class Mutation(DestinationMutations, SubscriptionMutations, TestMutations):
    pass


@strawberry.type
class Subscription(TestSubscriptions):
    pass


def build_schema(options: GatewayOptions | None = None) -> strawberry.Schema:
    options = options or GatewayOptions()
    # Built once per schema: the limit rules (the same classes every request, so the validation
    # cache below can hit) and the recent prices.
    pricing = QueryPricing(options)
    no_introspection: list[type[ASTValidationRule]] = [NoSchemaIntrospectionCustomRule]
    # Factories, so each request gets fresh extension instances.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        CallScoping,
        ErrorCodes,
        # depth, aliases and tokens, then the price of the operation before it runs: each limit
        # answers QUERY_TOO_COMPLEX; every answer carries extensions.cost
        lambda: QueryCost(pricing),
        # after the price: a refused operation costs no share
        CallQuota,
        # The same few documents arrive again and again: validate each once. (ParserCache is left
        # out: with it a syntax error escapes ErrorCodes and loses its extensions.code.)
        lambda: ValidationCache(maxsize=256),
    ]
    if not options.introspection:
        extensions.append(lambda: AddValidationRules(no_introspection))
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # ErrorCode is part of the contract though no field returns it: it documents extensions.code.
        types=[Workspace, Destination, DestinationSubscription, DestinationType, ErrorCode],
        extensions=extensions,
    )
