"""A price for every operation before it runs, and the limits every document is held to.

After validation and before any resolver, each operation is priced from its document (fragments and
inline fragments expanded and merged by response key as execution merges them, variables resolved,
@skip/@include honoured) in two numbers:

- ``cost``: the most upstream calls it can cause, from ``PRICES`` (what each field costs, and how
  many times it runs: lists multiply their children by their page size, the number of ids, or the
  workspaces they cover);
- ``objects``: the most objects its answer can hold (each object-typed field occurrence times the
  number of times it can occur), which bounds the answer's size.

Above ``max_query_cost`` or ``max_query_objects`` (or with more than ``max_node_ids`` ids in one
``nodes(ids:)``) the operation is refused with one QUERY_TOO_COMPLEX error and nothing goes upstream.
Depth, aliases and tokens are refused the same way. Every answer carries the price, as Shopify's
API does: ``extensions.cost = {requestedQueryCost, actualQueryCost, requestedObjects, maximums}``,
``actualQueryCost`` being the upstream calls the request really sent (``CallScope.calls``).

The price is a bound, not a forecast: the request memo, the dataloaders and the cross-request caches
usually make the real number far smaller. Retries of a failing GET and the read-backs after a write
whose reply was lost are not priced: they are caused by a vendor's fault, not by the query's shape.
"""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    Source,
    ValidationContext,
    ValidationRule,
    get_argument_values,
    get_directive_values,
    get_named_type,
    get_operation_ast,
    get_variable_values,
    is_abstract_type,
    is_composite_type,
    type_from_ast,
)
from graphql.execution.values import VariableValues
from graphql.language import Lexer
from graphql.language.parser import Parser
from graphql.type import GraphQLField, GraphQLNamedType
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from destgraph.config import GatewayOptions, WorkspaceConfig
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.schema.errors import limit_error
from destgraph.services.pagination import page_size

# -- the price of each field ------------------------------------------------------------------------


class Per(enum.Enum):
    """What a field's ``calls`` are counted per."""

    #: each time the field runs (once per parent object)
    RUN = "run"
    #: each item the field answers (nodes(ids:): one lookup per id)
    ITEM = "item"
    #: each workspace one run covers (a destinations page: one list call per workspace it touches)
    SCOPE = "scope"
    #: each workspace, once for the whole request whatever the number of runs (a catalog, a probe):
    #: runs times calls, but never more than calls per workspace the parent objects can belong to
    WORKSPACE = "workspace"


class Size(enum.Enum):
    """How many items a field answers each time it runs."""

    #: one (a connection field answers one connection: its ``first``, or GatewayOptions'
    #: default_page_size when absent, at most max_page_size, sizes the page below it)
    ONE = "one"
    #: the items of the page of the connection it belongs to (``nodes``, ``edges``)
    PAGE = "page"
    #: one per id of its ``ids`` argument
    IDS = "ids"
    #: one per workspace it covers
    SCOPE = "scope"
    #: a list the vendor sizes and nothing pages: ``nominal`` items (a typical length, not a bound)
    NOMINAL = "nominal"


class Reach(enum.Enum):
    """Which workspaces a field's answer can come from (what Per.SCOPE and Per.WORKSPACE count)."""

    #: the parent objects' workspaces (a destination's type, a workspace's destinations); one run covers one
    SAME = "same"
    #: the visible workspaces its provider / workspaceId / filter arguments leave
    FILTER = "filter"
    #: those its connection covers (totalCount)
    CONNECTION = "connection"
    #: any visible workspace (an id may name any of them)
    ANY = "any"
    #: one workspace
    ONE = "one"


@dataclass(frozen=True)
class Price:
    calls: int = 0
    per: Per = Per.RUN
    size: Size = Size.ONE
    nominal: int = 0
    reach: Reach = Reach.SAME
    #: mutations: one more call per item of this input list (Segment creates each listed subscription)
    per_input_item: tuple[str, ...] = ()


FREE = Price()

# Lists nothing pages, whose length the vendor decides: priced at a typical length, above the mean of
# today's four catalogs and emulators. An estimate, not a bound (the objects limit leaves room for
# several times as many); the lists the query sizes (pages, ids, workspaces) are bounds.
SETTINGS_PER_TYPE = 10  # mean 3, 90th percentile 5, widest 37
ACTIONS_PER_TYPE = 3  # mean 0.3, widest 7 (Segment's action destinations)
FIELDS_PER_ACTION = 5  # mean 2.8, 90th percentile 6, widest 7
DESCRIBED_FIELDS = 10  # Zeotap's describe fields: the widest type describes 14
MAPPING_OVERRIDES = 5  # Nimriz property mappings
FIELD_CHANGES = 10  # a create sets name, type, enabled and its settings
USER_ERRORS = 5  # one per input field at fault
TEST_STEPS = 5  # Zeotap's connection tests stream three or four steps
SERVICES_LISTED = 100  # the four catalogs' 135 types fall under 88 services
OFFERS_PER_SERVICE = 2  # mean 1.5 types per service, widest 6 (google-analytics-4, google-ads)

#: Every field that can cause an upstream call, and every list of objects, with why. Fields not
#: listed cost nothing and answer one object (tests/schema/test_query_cost.py holds the table to the
#: schema: each async resolver and each list of objects has an entry).
PRICES: dict[str, Price] = {
    # -- Query ----------------------------------------------------------------------------------------
    # the object behind the id: a destination (Segment gets it by id, the others' one list call
    # answers it), a catalog entry; a subscription id reads its destination, then its subscriptions: 2
    "Query.node": Price(calls=2, reach=Reach.ANY),
    # as node, once per id (the loaders batch per workspace, but the bound is per id)
    "Query.nodes": Price(calls=2, per=Per.ITEM, size=Size.IDS, reach=Reach.ANY),
    # the configured workspaces the caller may see, from configuration: no call
    "Query.workspaces": Price(size=Size.SCOPE, reach=Reach.FILTER),
    # one workspace, from configuration: no call
    "Query.workspace": Price(reach=Reach.ONE),
    # one list call per workspace the page touches (services/destinations.py), the visible
    # workspaces its filter's providers / workspaceIds leave
    "Query.destinations": Price(calls=1, per=Per.SCOPE, reach=Reach.FILTER),
    # one get (or the one list call of a vendor without gets)
    "Query.destination": Price(calls=1, reach=Reach.ONE),
    # one catalog per workspace covered (cached across requests, but the bound counts it)
    "Query.destinationTypes": Price(calls=1, per=Per.SCOPE, reach=Reach.FILTER),
    # every visible workspace's catalog, once each (cached across requests), grouped by service
    "Query.services": Price(calls=1, per=Per.SCOPE, size=Size.NOMINAL, nominal=SERVICES_LISTED, reach=Reach.FILTER),
    # the catalog types already read: no call
    "Service.offers": Price(size=Size.NOMINAL, nominal=OFFERS_PER_SERVICE),
    # -- Workspace ------------------------------------------------------------------------------------
    # one probe per workspace (cached for health_ttl_seconds, joined while in flight)
    "Workspace.health": Price(calls=1, per=Per.WORKSPACE),
    # one list call for this workspace's page
    "Workspace.destinations": Price(calls=1, per=Per.SCOPE),
    # this workspace's catalog, once per workspace
    "Workspace.destinationTypes": Price(calls=1, per=Per.WORKSPACE),
    # -- connections ----------------------------------------------------------------------------------
    # a page holds at most `first` rows (services/destinations.py stops there): no call of its own
    "DestinationConnection.nodes": Price(size=Size.PAGE),
    "DestinationConnection.edges": Price(size=Size.PAGE),
    # count_destinations asks each covered workspace for its first page: the request memo answers
    # the ones this page read with the same arguments, the bound counts them all
    "DestinationConnection.totalCount": Price(calls=1, per=Per.SCOPE, reach=Reach.CONNECTION),
    # slices of a list already read (offset_page): `first` items, no call; totalCount is its length
    "DestinationSubscriptionConnection.nodes": Price(size=Size.PAGE),
    "DestinationSubscriptionConnection.edges": Price(size=Size.PAGE),
    "DestinationTypeConnection.nodes": Price(size=Size.PAGE),
    "DestinationTypeConnection.edges": Price(size=Size.PAGE),
    # -- Destination ----------------------------------------------------------------------------------
    # the workspace's catalog, once per workspace (Segment embeds the type: often no call at all)
    "Destination.type": Price(calls=1, per=Per.WORKSPACE),
    # Segment lists them per destination; Nimriz embeds them (0 calls), but the bound is 1
    "Destination.subscriptions": Price(calls=1),
    # one metrics call per destination (Segment); null without a call elsewhere
    "Destination.deliveryMetrics": Price(calls=1),
    # one describe-fields call per destination (Zeotap); null without a call elsewhere
    "Destination.fields": Price(calls=1, size=Size.NOMINAL, nominal=DESCRIBED_FIELDS),
    # -- DestinationSubscription ----------------------------------------------------------------------
    # its destination through the loader: primed by the list it came from, else one get
    "DestinationSubscription.destination": Price(calls=1),
    # part of the subscription already read: no call
    "PropertyMapping.overrides": Price(size=Size.NOMINAL, nominal=MAPPING_OVERRIDES),
    # -- catalog entries (answered from the catalog already read: no call) ----------------------------
    # lengths as the catalog has them (see the typical lengths above)
    "DestinationType.settings": Price(size=Size.NOMINAL, nominal=SETTINGS_PER_TYPE),
    "DestinationType.actions": Price(size=Size.NOMINAL, nominal=ACTIONS_PER_TYPE),
    "ActionDefinition.fields": Price(size=Size.NOMINAL, nominal=FIELDS_PER_ACTION),
    # -- Mutation: the reads and writes each makes ----------------------------------------------------
    # the type from the catalog 1, the create 1, Ours' follow-up PATCH 1, with an idempotencyKey the
    # read of the result 1; then one POST per listed subscription (Segment)
    "Mutation.createDestination": Price(calls=4, per_input_item=("input", "subscriptions")),
    # the fresh read under the lock 1, the catalog 1, the write 1
    "Mutation.updateDestination": Price(calls=3),
    # the fresh read 1, the delete blockers up to 2 (Zeotap's syncs and audience syncs), the delete 1
    "Mutation.deleteDestination": Price(calls=4),
    # the destination read 1, the catalog 1, the write 1; with an idempotencyKey the read-back of
    # the destination and its subscriptions 2
    "Mutation.createDestinationSubscription": Price(calls=5),
    # the destination 1 and its subscriptions 1 read fresh, the catalog 1, the write 1
    "Mutation.updateDestinationSubscription": Price(calls=4),
    # the destination 1 and its subscriptions 1 read fresh, the delete 1
    "Mutation.deleteDestinationSubscription": Price(calls=3),
    # the destination read 1, the subscription tested 1, the test 1, Nimriz's re-read of its actions 1
    "Mutation.testDestination": Price(calls=4),
    # the catalog 1, the test 1
    "Mutation.testDestinationSettings": Price(calls=2),
    # what the mutation answers, built from what it read and wrote: no call; the objects in a
    # payload (its destination, its subscription) cost what they cost anywhere else
    "CreateDestinationPayload.changes": Price(size=Size.NOMINAL, nominal=FIELD_CHANGES),
    "CreateDestinationPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "UpdateDestinationPayload.changes": Price(size=Size.NOMINAL, nominal=FIELD_CHANGES),
    "UpdateDestinationPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "DeleteDestinationPayload.changes": Price(size=Size.NOMINAL, nominal=FIELD_CHANGES),
    "DeleteDestinationPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "DestinationSubscriptionPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "DeleteDestinationSubscriptionPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "TestDestinationPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "TestDestinationSettingsPayload.userErrors": Price(size=Size.NOMINAL, nominal=USER_ERRORS),
    "TestResult.steps": Price(size=Size.NOMINAL, nominal=TEST_STEPS),
    # -- Subscription ---------------------------------------------------------------------------------
    # the destination read 1, the test's event stream 1
    "Subscription.destinationTestProgress": Price(calls=2),
}


# -- pricing a document -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryPrice:
    #: the most upstream calls the operation can cause
    cost: int
    #: the most objects its answer can hold
    objects: int
    #: the most ids of any one nodes(ids:)
    node_ids: int = 0
    #: False when pricing stopped early (the document expands past what it walks): cost and objects
    #: are then what it had counted, objects already past max_query_objects
    complete: bool = True


@dataclass(frozen=True)
class _Level:
    """Where a selection set is priced: how many objects, from how many workspaces."""

    #: objects of this type at this position of the answer
    times: int
    #: distinct workspaces they can belong to
    span: int
    #: connections: workspaces one run covers, and items per page
    scope: int = 1
    page: int = 0


class _Expanded(Exception):
    """The document expands past what pricing walks; it is refused whatever its exact price."""


Fields = dict[str, list[FieldNode]]


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        workspaces: Sequence[WorkspaceConfig],
        options: GatewayOptions,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.workspaces = workspaces
        self.options = options
        self.node_ids = 0
        #: object-typed field occurrences walked; each adds at least one object (per runtime type)
        self.visits = 0
        #: what the walk has counted so far, every branch summed: the price reported if it stops early
        self.counted_cost = self.counted_objects = 0
        self.visit_cap = 8 * options.max_query_objects + 1000
        self._collected: dict[tuple[str, tuple[int, ...]], Fields] = {}

    # -- collecting fields, as execution does ---------------------------------------------------------

    def collect(self, runtime: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]) -> Fields:
        key = (runtime.name, tuple(id(s) for s in selection_sets))
        found = self._collected.get(key)
        if found is None:
            found = {}
            visited: set[str] = set()
            for selection_set in selection_sets:
                self._collect_into(runtime, selection_set, found, visited)
            self._collected[key] = found
        return found

    def _collect_into(
        self, runtime: GraphQLObjectType, selection_set: SelectionSetNode, into: Fields, visited: set[str]
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                response_key = selection.alias.value if selection.alias else selection.name.value
                into.setdefault(response_key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, runtime):
                    self._collect_into(runtime, selection.selection_set, into, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition, runtime):
                    self._collect_into(runtime, fragment.selection_set, into, visited)

    def _included(self, node: SelectionNode) -> bool:
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            if skip is not None and skip.get("if") is True:
                return False
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:
            return True  # execution reports it; priced as included
        return not (include is not None and include.get("if") is False)

    def _applies(self, condition: Any, runtime: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        conditional = type_from_ast(self.schema, condition)
        if conditional is runtime:
            return True
        if conditional is not None and is_abstract_type(conditional):
            return self.schema.is_sub_type(conditional, runtime)
        return False

    # -- pricing --------------------------------------------------------------------------------------

    def price(self, parent: GraphQLNamedType, nodes: Sequence[FieldNode], level: _Level) -> tuple[int, int]:
        """Cost and objects below the objects at ``level``, of type ``parent``, selected by ``nodes``."""
        selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
        if is_abstract_type(parent):
            # The most any one of its types can cost, and the most objects any one can hold.
            cost = objects = 0
            for runtime in self.schema.get_possible_types(parent):
                c, o = self.price_fields(runtime, self.collect(runtime, selection_sets), level)
                cost, objects = max(cost, c), max(objects, o)
            return cost, objects
        runtime = cast(GraphQLObjectType, parent)
        return self.price_fields(runtime, self.collect(runtime, selection_sets), level)

    def price_fields(self, parent: GraphQLObjectType, fields: Fields, level: _Level) -> tuple[int, int]:
        cost = objects = 0
        for nodes in fields.values():
            name = nodes[0].name.value
            field = parent.fields.get(name)
            if name.startswith("__") or field is None:
                continue  # introspection answers from the schema in memory: no call, not data
            price = PRICES.get(f"{parent.name}.{name}", FREE)
            args = self.arguments(field, nodes[0])
            scope = self.scope(price.reach, args, level)
            size = self.size(price, args, scope, level)
            calls = self.calls(price, args, scope, size, level)
            cost += calls
            self.counted_cost += calls
            named = get_named_type(field.type)
            count = level.times * size
            if not is_composite_type(named) or count == 0:
                continue
            self.visits += 1
            self.counted_objects += count
            if self.visits > self.visit_cap:
                raise _Expanded
            objects += count
            below = _Level(
                times=count,
                span=self.span(price.reach, scope, level),
                scope=scope,
                page=self.page(args) if "first" in field.args else level.page,
            )
            c, o = self.price(named, nodes, below)
            cost, objects = cost + c, objects + o
        return cost, objects

    @staticmethod
    def calls(price: Price, args: dict[str, Any], scope: int, size: int, level: _Level) -> int:
        """The upstream calls of a field at ``level``, however many times it runs there."""
        if price.per is Per.RUN:
            calls = price.calls * level.times
        elif price.per is Per.ITEM:
            calls = price.calls * level.times * size
        elif price.per is Per.SCOPE:
            calls = price.calls * level.times * scope
        else:
            calls = price.calls * min(level.times, level.span)
        if price.per_input_item:
            calls += level.times * _length(args, price.per_input_item)
        return calls

    def arguments(self, field: GraphQLField, node: FieldNode) -> dict[str, Any]:
        if not field.args:
            return {}
        try:
            return get_argument_values(field, node, self.variables)
        except GraphQLError:
            return {}  # execution reports it before the resolver runs

    def page(self, args: dict[str, Any]) -> int:
        first = args.get("first")
        if isinstance(first, int) and first < 0:
            return 0  # refused as BAD_REQUEST before any call
        return page_size(
            first if isinstance(first, int) else None,
            default=self.options.default_page_size,
            maximum=self.options.max_page_size,
        )

    def size(self, price: Price, args: dict[str, Any], scope: int, level: _Level) -> int:
        if price.size is Size.ONE:
            return 1
        if price.size is Size.PAGE:
            return level.page
        if price.size is Size.IDS:
            ids = args.get("ids")
            count = len(ids) if isinstance(ids, list) else 0
            self.node_ids = max(self.node_ids, count)
            return count
        if price.size is Size.SCOPE:
            return scope
        return price.nominal

    def scope(self, reach: Reach, args: dict[str, Any], level: _Level) -> int:
        """The workspaces one run of the field covers."""
        if reach is Reach.FILTER:
            return min(self.filtered(args), level.span)
        if reach is Reach.CONNECTION:
            return level.scope
        return 1

    def span(self, reach: Reach, scope: int, level: _Level) -> int:
        """The distinct workspaces the field's objects can belong to."""
        if reach is Reach.FILTER:
            return scope
        if reach is Reach.ANY:
            return len(self.workspaces)
        if reach is Reach.ONE:
            return 1
        return level.span

    def filtered(self, args: dict[str, Any]) -> int:
        """Visible workspaces left by provider / workspaceId (destinationTypes: either) or filter (both)."""
        providers: set[str] = set()
        keys: set[str] | None = None
        given = args.get("filter")
        if isinstance(given, dict):
            providers |= {_provider(p) for p in given.get("providers") or ()}
            if given.get("workspaceIds") is not None:
                keys = _workspace_keys(given["workspaceIds"])
        if args.get("workspaceId") is not None:
            keys, providers = _workspace_keys([args["workspaceId"]]), set()
        elif args.get("provider") is not None:
            providers.add(_provider(args["provider"]))
        return sum(
            1
            for ws in self.workspaces
            if (not providers or ws.provider.value in providers) and (keys is None or ws.key in keys)
        )


def _provider(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def _workspace_keys(ids: Any) -> set[str]:
    keys = set()
    for raw in ids if isinstance(ids, list) else ():
        try:
            keys.add(GlobalId.decode(str(raw), expect="Workspace").workspace)
        except MalformedId:
            continue  # refused as BAD_REQUEST before any call
    return keys


def _length(args: dict[str, Any], path: tuple[str, ...]) -> int:
    value: Any = args
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return len(value) if isinstance(value, list) else 0


def price_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any] | None,
    workspaces: Sequence[WorkspaceConfig],
    options: GatewayOptions,
) -> QueryPrice:
    """The price of one validated operation, for a caller who sees ``workspaces``."""
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    pricer = _Pricer(schema, fragments, coerced if isinstance(coerced, VariableValues) else None, workspaces, options)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return QueryPrice(cost=0, objects=0)
    level = _Level(times=1, span=len(workspaces))
    try:
        cost, objects = pricer.price_fields(root, pricer.collect(root, [operation.selection_set]), level)
    except _Expanded:
        # Past any answer the objects limit admits: what was counted so far, every branch summed.
        objects = max(pricer.counted_objects, options.max_query_objects + 1)
        return QueryPrice(cost=pricer.counted_cost, objects=objects, node_ids=pricer.node_ids, complete=False)
    return QueryPrice(cost=cost, objects=objects, node_ids=pricer.node_ids)


# -- the limits -------------------------------------------------------------------------------------


def refusal(price: QueryPrice, options: GatewayOptions) -> GraphQLError | None:
    """The one error refusing an operation over a limit, or None."""
    if price.node_ids > options.max_node_ids:
        return too_many_node_ids(price.node_ids, options.max_node_ids)
    if price.cost > options.max_query_cost:
        return limit_error(
            f"the query costs {price.cost} upstream calls; the limit is {options.max_query_cost} (max_query_cost)",
            limit="max_query_cost",
            maximum=options.max_query_cost,
            requested=price.cost,
        )
    if price.objects > options.max_query_objects:
        if not price.complete:
            message = f"the answer can hold more than {options.max_query_objects} objects"
        else:
            message = f"the answer can hold {price.objects} objects"
        return limit_error(
            f"{message}; the limit is {options.max_query_objects} (max_query_objects)",
            limit="max_query_objects",
            maximum=options.max_query_objects,
            requested=price.objects,
        )
    return None


def too_many_node_ids(count: int, maximum: int) -> GraphQLError:
    return limit_error(
        f"nodes(ids:) asks for {count} ids; the limit is {maximum} (max_node_ids)",
        limit="max_node_ids",
        maximum=maximum,
        requested=count,
    )


class _LimitReporting:
    """A validation context whose reported errors become one QUERY_TOO_COMPLEX error naming the limit."""

    def __init__(self, context: ValidationContext, limit: str, maximum: int) -> None:
        self._context = context
        self._limit = limit
        self._maximum = maximum
        self._reported = False

    def report_error(self, error: GraphQLError) -> None:
        if self._reported:
            return  # one error per limit: the depth check reports every branch too deep
        self._reported = True
        self._context.report_error(
            limit_error(
                f"{error.message}; the limit is {self._maximum} ({self._limit})",
                limit=self._limit,
                maximum=self._maximum,
                nodes=error.nodes,
            )
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def limit_rules(options: GatewayOptions) -> tuple[type[ASTValidationRule], ...]:
    """The depth and alias rules, built once per schema so that the validation cache can hit."""
    max_depth, max_aliases = options.max_query_depth, options.max_aliases
    check_depth = depth_validator(max_depth, None, None)

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            # Strawberry's check runs when built, reporting to the context it is given.
            check_depth(cast(ValidationContext, _LimitReporting(context, "max_query_depth", max_depth)))

    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = {d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)}
            found = sum(
                count_fields_with_alias(d, fragments)
                for d in context.document.definitions
                if isinstance(d, OperationDefinitionNode)
            )
            if found > max_aliases:
                context.report_error(
                    limit_error(
                        f"the query has {found} aliases; the limit is {max_aliases} (max_aliases)",
                        limit="max_aliases",
                        maximum=max_aliases,
                        requested=found,
                    )
                )

    return (DepthLimit, AliasLimit)


def _tokens_past_limit(parser: Parser, lexer: Lexer, limit: int) -> bool:
    """Whether a failed parse read more than ``limit`` tokens: the parser's count, plus the run of
    comments the lexer was skipping when it gave up (it chains each before checking its budget)."""
    count = parser.token_count
    token = lexer.token
    while token.next is not None and count <= limit:
        token = token.next
        count += 1
    return count > limit


# -- the extension ----------------------------------------------------------------------------------


class QueryPricing:
    """What a schema's pricing keeps across requests: its options, its rules, recent prices."""

    CACHE_SIZE = 256
    #: variables longer than this (as JSON) are priced every time rather than cached
    CACHEABLE_VARIABLES = 4096

    def __init__(self, options: GatewayOptions) -> None:
        self.options = options
        self.rules = limit_rules(options)
        self._prices: OrderedDict[tuple[Any, ...], QueryPrice] = OrderedDict()
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()

    def parsed(self, query: str) -> DocumentNode | None:
        """The document of a query parsed lately (documents are never changed once parsed)."""
        found = self._documents.get(query)
        if found is not None:
            self._documents.move_to_end(query)
        return found

    def remember_parsed(self, query: str, document: DocumentNode) -> None:
        self._documents[query] = document
        if len(self._documents) > self.CACHE_SIZE:
            self._documents.popitem(last=False)

    def maximums(self) -> dict[str, int]:
        return {"cost": self.options.max_query_cost, "objects": self.options.max_query_objects}

    def price(
        self,
        schema: GraphQLSchema,
        query: str,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
        workspaces: Sequence[WorkspaceConfig],
    ) -> QueryPrice:
        """The operation's price: the same document, operation, variables and workspaces cost the same."""
        try:
            text = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            text = None
        key = None
        if text is not None and len(text) <= self.CACHEABLE_VARIABLES:
            name = operation.name.value if operation.name else None
            key = (query, name, text, tuple((ws.key, ws.provider.value) for ws in workspaces))
            cached = self._prices.get(key)
            if cached is not None:
                self._prices.move_to_end(key)
                return cached
        found = price_operation(schema, operation, fragments, variables, workspaces, self.options)
        if key is not None:
            self._prices[key] = found
            if len(self._prices) > self.CACHE_SIZE:
                self._prices.popitem(last=False)
        return found


class QueryCost(SchemaExtension):
    """Holds every operation to the limits, prices it before it runs, and reports the price."""

    def __init__(self, pricing: QueryPricing) -> None:
        self.pricing = pricing
        self.found: QueryPrice | None = None
        self._calls_before = 0

    def _calls(self) -> int:
        scope = getattr(self.execution_context.context, "scope", None)
        calls = getattr(scope, "calls", 0)
        return calls if isinstance(calls, int) else 0

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # The same rule classes every time: the validation cache keys on them.
        context.validation_rules = context.validation_rules + self.pricing.rules
        context.parse_options["max_tokens"] = self.pricing.options.max_tokens
        # A websocket's context, and its scope, serve every operation on it.
        self._calls_before = self._calls()
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        limit = self.pricing.options.max_tokens
        past_limit = False
        if context.graphql_document is None and context.query:
            context.graphql_document = self.pricing.parsed(context.query)
        if context.graphql_document is None and context.query:
            lexer = Lexer(Source(context.query))
            parser = Parser(lexer.source, lexer=lexer, max_tokens=limit)
            try:
                context.graphql_document = parser.parse_document()
                # only documents that parse: a syntax error is parsed (and coded) every time
                self.pricing.remember_parsed(context.query, context.graphql_document)
            except GraphQLSyntaxError:
                # Strawberry parses again (as far as the same error) and reports it; it is marked below.
                past_limit = _tokens_past_limit(parser, lexer, limit)
            except RecursionError:
                pass
        yield
        if past_limit and context.pre_execution_errors:
            error = context.pre_execution_errors[0]
            coded = limit_error(
                f"the query has more than {limit} tokens; the limit is {limit} (max_tokens)",
                limit="max_tokens",
                maximum=limit,
            )
            # The error object is the one already in the answer being built: marked in place.
            error.message, error.extensions = coded.message, coded.extensions

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None and context.query:
            session = getattr(context.context, "session", None)
            workspaces = session.visible_workspaces() if session is not None else []
            fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
            self.found = self.pricing.price(
                context.schema._schema, context.query, operation, fragments, context.variables, workspaces
            )
            refused = refusal(self.found, self.pricing.options)
            if refused is not None:
                if operation.operation is OperationType.SUBSCRIPTION:
                    raise refused  # a stream reports what its on_execute raises as its one result
                # Set before execution: Strawberry answers it instead of running any resolver.
                context.result = ExecutionResult(data=None, errors=[refused])
        yield

    def get_results(self) -> dict[str, Any]:
        found = self.found
        return {
            "cost": {
                "requestedQueryCost": found.cost if found else 0,
                "actualQueryCost": self._calls() - self._calls_before,
                "requestedObjects": found.objects if found else 0,
                "maximums": self.pricing.maximums(),
            }
        }


__all__ = [
    "PRICES",
    "Per",
    "Price",
    "QueryCost",
    "QueryPrice",
    "QueryPricing",
    "Reach",
    "Size",
    "limit_rules",
    "price_operation",
    "refusal",
    "too_many_node_ids",
]
