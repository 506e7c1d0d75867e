"""Per-request dataloaders: keys batched per tick, grouped per workspace, each key its own result.

Built in the request context, never globally: aiodataloader binds the running loop and caches
for the life of the loader.

Each ``batch_load_fn`` may answer an ``Exception`` in place of a key's value: aiodataloader then
rejects (and caches) that key's future, so ``load()`` raises it and never returns it. The value
type of each loader is therefore what ``load()`` returns, without the exception; aiodataloader's
annotation of ``batch_load_fn`` (``List[ReturnT]``) leaves its documented per-key exceptions out,
hence the ``# type: ignore[override]`` on each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiodataloader import DataLoader

from destgraph.domain.models import Destination, DestinationRef, DestinationSubscription, DestinationType
from destgraph.errors import DestgraphError
from destgraph.observability.tracing import traced_batch
from destgraph.services import catalog, destinations, subscriptions
from destgraph.services.gateway import Session


class DestinationLoader(DataLoader[DestinationRef, Destination | None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    # aiodataloader's annotation is too narrow for its documented per-key exceptions (module docstring).
    @traced_batch("destination")
    async def batch_load_fn(  # type: ignore[override]
        self, refs: Sequence[DestinationRef]
    ) -> list[Destination | Exception | None]:
        found = await destinations.get_destinations(self._session, refs)
        await catalog.prime_from(self._session, [d for d in found if isinstance(d, Destination)])
        return found

    async def remember(self, found: Sequence[Destination]) -> None:
        """Destinations read by a list call answer later loads by id without another call."""
        for destination in found:
            self.prime(destination.ref, destination)
        await catalog.prime_from(self._session, list(found))


@dataclass(frozen=True)
class TypeKey:
    workspace: str
    type_key: str


class DestinationTypeLoader(DataLoader[TypeKey, DestinationType | None]):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    @traced_batch("destination_type")
    async def batch_load_fn(  # type: ignore[override]  # per-key exceptions, as above
        self, keys: Sequence[TypeKey]
    ) -> list[DestinationType | Exception | None]:
        async def one(key: TypeKey) -> DestinationType | Exception | None:
            try:
                return await catalog.get_type(self._session, key.workspace, key.type_key)
            except DestgraphError as exc:
                return exc

        return list(await asyncio.gather(*(one(k) for k in keys)))


class SubscriptionsLoader(DataLoader[Destination, list[DestinationSubscription]]):
    def __init__(self, session: Session) -> None:
        super().__init__(get_cache_key=lambda d: d.ref)
        self._session = session

    @traced_batch("subscriptions")
    async def batch_load_fn(  # type: ignore[override]  # per-key exceptions, as above
        self, found: Sequence[Destination]
    ) -> list[list[DestinationSubscription] | Exception]:
        async def one(destination: Destination) -> list[DestinationSubscription] | Exception:
            try:
                return await subscriptions.list_subscriptions(self._session, destination)
            except DestgraphError as exc:
                return exc

        return list(await asyncio.gather(*(one(d) for d in found)))


@dataclass
class Loaders:
    destination: DestinationLoader
    destination_type: DestinationTypeLoader
    subscriptions: SubscriptionsLoader

    @classmethod
    def for_session(cls, session: Session) -> Loaders:
        return cls(
            destination=DestinationLoader(session),
            destination_type=DestinationTypeLoader(session),
            subscriptions=SubscriptionsLoader(session),
        )

    def release(self) -> None:
        """Forget what was loaded (the request is over; see Context.release)."""
        for loader in (self.destination, self.destination_type, self.subscriptions):
            loader.clear_all()
