"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from graphql import GraphQLError
from strawberry.types.nodes import SelectedField

from destgraph.adapters.scope import CallScope
from destgraph.errors import DestgraphError
from destgraph.schema.loaders import Loaders
from destgraph.services.gateway import Session


@dataclass
class Context:
    session: Session
    loaders: Loaders
    request_id: str
    #: errors of parts of an answer that still has data (one workspace of four failed)
    partial_errors: list[tuple[DestgraphError, tuple[str | int, ...]]] = field(default_factory=list)
    #: what the upstream calls this request causes are charged to (caller, deadline, cost)
    scope: CallScope = field(default_factory=CallScope)
    #: a websocket's connection_init payload (Strawberry sets it)
    connection_params: dict[str, Any] | None = None

    def report(self, error: DestgraphError, path: tuple[str | int, ...]) -> None:
        self.partial_errors.append((error, path))

    def release(self) -> None:
        """The request's answer is sent, every part of it: forget what it loaded and called.

        graphql-core's execution context lives in reference cycles, and holds this context; so do
        the request memo's tasks (each keeps the contextvars of the request that started it).
        Emptied here, the request's vendor data is freed by reference counting at once instead of
        by the next collection over a heap of requests in flight.
        """
        self.loaders.release()
        self.session.release()


Info: TypeAlias = strawberry.Info[Context, None]


def path_of(info: Info) -> tuple[str | int, ...]:
    return tuple(info.path.as_list())


def selects(info: Info, name: str) -> bool:
    """Whether the query asks for ``name`` (a GraphQL field name) directly under this field, in any
    fragment. A field under @skip or @include counts as asked for: the answer may need it."""
    pending = [selection for field in info.selected_fields for selection in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        else:  # a fragment: its fields are this field's too
            pending.extend(selection.selections)
    return False


__all__ = ["Context", "GraphQLError", "Info", "path_of", "selects"]
