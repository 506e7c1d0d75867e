"""createDestination, updateDestination, deleteDestination: validate first, then write, then report.

Each returns a ``WriteResult``: the destination (None with dryRun, or when nothing was written),
the field-by-field changes (secrets masked), and the problems, each with its input field. Vendor
refusals become problems (services/rejections.py); upstream faults stay errors (the caller sees a
GraphQL error with its code), because the same input may succeed later.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from destgraph.adapters.contract import DestinationInput, VendorAdapter
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import Destination, DestinationRef, DestinationType
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import DestinationDraft, DestinationPatch, SettingsChange, SubscriptionDraft
from destgraph.errors import InvalidInputError, NotFoundError, UpstreamConflict, UpstreamError, UpstreamNotFound
from destgraph.services import catalog, rejections
from destgraph.services import changes as plan
from destgraph.services.gateway import Session
from destgraph.services.idempotency import Idempotency, Outcome, fingerprint
from destgraph.services.validation import check_enabled, check_settings, check_settings_object

INPUT = ("input",)
T = TypeVar("T")


@dataclass(frozen=True)
class SubscriptionInput:
    name: str
    enabled: bool = True
    trigger: str | None = None
    action_id: str | None = None
    action_type: str | None = None
    event_filter: Any = None
    property_mapping: Any = None
    settings: Any = None
    model_id: str | None = None

    def as_input(self) -> dict[str, Any]:
        """The fields as the GraphQL input names them, for validation and fingerprints."""
        return {
            "name": self.name,
            "enabled": self.enabled,
            "trigger": self.trigger,
            "actionId": self.action_id,
            "actionType": self.action_type,
            "eventFilter": self.event_filter,
            "propertyMapping": self.property_mapping,
            "settings": self.settings,
            "modelId": self.model_id,
        }

    def draft(self) -> SubscriptionDraft:
        return SubscriptionDraft(
            name=self.name,
            enabled=self.enabled,
            trigger=self.trigger,
            action_id=self.action_id,
            action_type=self.action_type,
            event_filter=self.event_filter,
            property_mapping=self.property_mapping,
            settings=dict(self.settings or {}),
            model_id=self.model_id,
        )


@dataclass(frozen=True)
class CreateDestinationRequest:
    workspace_id: str
    type_key: str
    name: str
    enabled: bool = True
    settings: Any = None
    source_ids: tuple[str, ...] | None = None
    connection_ref: str | None = None
    subscriptions: tuple[SubscriptionInput, ...] = ()
    idempotency_key: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class UpdateDestinationRequest:
    id: str
    name: str | None = None
    enabled: bool | None = None
    settings: Any = None
    source_ids: tuple[str, ...] | None = None
    dry_run: bool = False
    #: optimistic concurrency: the Destination.version the caller read
    expected_version: str | None = None


@dataclass
class WriteResult:
    destination: Destination | None = None
    changes: list[plan.FieldChange] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    deleted_id: str | None = None


# -- create -----------------------------------------------------------------------------------------


async def create_destination(session: Session, request: CreateDestinationRequest) -> WriteResult:
    session.principal.require("write")
    result = WriteResult()
    workspace_key = workspace_key_of(session, request.workspace_id, result.problems)
    if workspace_key is None:
        return result
    adapter = session.adapter(workspace_key)
    destination_type = await catalog.get_type(session, workspace_key, request.type_key)
    if destination_type is None:
        result.problems.add(
            (*INPUT, "typeKey"), f"{adapter.name} has no destination type {request.type_key!r}", ProblemCode.NOT_FOUND
        )
        return result
    draft = _checked_draft(adapter, destination_type, request, result.problems)
    if draft is None:
        return result
    result.changes = plan.for_create(draft, destination_type.secret_keys)
    if request.dry_run:
        return result
    if not request.idempotency_key:
        return await _create(adapter, draft, result)
    return await _create_once(session, workspace_key, request, draft, result)


def _checked_draft(
    adapter: VendorAdapter, destination_type: DestinationType, request: CreateDestinationRequest, problems: Problems
) -> DestinationDraft | None:
    """The create as a draft for the vendor, or None after recording every problem of the input."""
    if not destination_type.creatable:
        problems.add(
            (*INPUT, "typeKey"),
            f"{destination_type.label} destinations cannot be created through the vendor's API",
            ProblemCode.NOT_CREATABLE,
        )
    if not request.name.strip():
        problems.add((*INPUT, "name"), "name must not be empty", ProblemCode.REQUIRED)
    settings = check_settings_object(request.settings, problems, path=(*INPUT, "settings"))
    check_settings(destination_type, settings, problems, path=(*INPUT, "settings"), creating=True)
    check_enabled(adapter.capabilities, request.enabled, problems, path=(*INPUT, "enabled"))
    for i, subscription in enumerate(request.subscriptions):
        path = (*INPUT, "subscriptions", str(i))
        adapter.check_subscription(destination_type, subscription.as_input(), problems, path=path, creating=True)
        check_settings_object(subscription.settings, problems, path=(*path, "settings"))
    source_ids = request.source_ids if request.source_ids is not None else adapter.default_source_ids()
    adapter.check_destination(
        DestinationInput(source_ids=source_ids, connection_ref=request.connection_ref), problems, creating=True
    )
    if problems:
        return None
    return DestinationDraft(
        type_key=destination_type.key,
        name=request.name,
        enabled=request.enabled,
        settings=settings,
        source_ids=tuple(source_ids),
        connection_ref=request.connection_ref,
        subscriptions=tuple(s.draft() for s in request.subscriptions),
        type_native_id=destination_type.native_id,
    )


async def _create(adapter: VendorAdapter, draft: DestinationDraft, result: WriteResult) -> WriteResult:
    created = await rejections.attempt(
        result.problems, adapter.create_destination(draft), at=INPUT, secrets=draft.settings
    )
    if created is None:
        return result
    result.destination = created.destination
    for path, error in created.failures:
        rejections.record(
            result.problems,
            error,
            at=path,
            secrets=draft.settings,
            done="the destination was created",
        )
    return result


async def _create_once(
    session: Session,
    workspace_key: str,
    request: CreateDestinationRequest,
    draft: DestinationDraft,
    result: WriteResult,
) -> WriteResult:
    adapter = session.adapter(workspace_key)
    mark = fingerprint({k: v for k, v in request.__dict__.items() if k not in ("idempotency_key", "dry_run")})

    async def write() -> Outcome:
        started = time.time()
        done = await _create(adapter, draft, WriteResult(changes=result.changes))
        unknown = done.destination is None and any(p.code is ProblemCode.OUTCOME_UNKNOWN for p in done.problems)
        return _outcome(done, unknown=unknown, started_at=started)

    async def reconcile(prior: Outcome) -> Outcome | None:
        found = await adapter.find_created_destination(draft, prior.started_at)
        if found is None:
            return None
        done = await _complete_subscriptions(adapter, draft, WriteResult(destination=found, changes=prior.changes))
        return _outcome(done, unknown=False, started_at=prior.started_at)

    outcome, refused = await keys_of(session, workspace_key).run(request.idempotency_key or "", mark, write, reconcile)
    return await _told(adapter, outcome, refused)


async def _complete_subscriptions(adapter: VendorAdapter, draft: DestinationDraft, result: WriteResult) -> WriteResult:
    """After a create found by reconciling: the subscriptions it was to have, created where missing."""
    assert result.destination is not None
    for i, subscription in enumerate(draft.subscriptions):
        path = (*INPUT, "subscriptions", str(i))
        if await adapter.find_created_subscription(result.destination, subscription, 0.0) is None:
            create = adapter.create_subscription(result.destination, subscription)
            await rejections.attempt(result.problems, create, at=path, secrets=draft.settings)
    return result


def _outcome(done: WriteResult, *, unknown: bool, started_at: float) -> Outcome:
    refs = (
        {"workspace": done.destination.workspace, "destination": done.destination.native_id}
        if done.destination
        else None
    )
    return Outcome(
        refs=refs, changes=done.changes, problems=list(done.problems), unknown=unknown, started_at=started_at
    )


async def _told(adapter: VendorAdapter, outcome: Outcome | None, refused: str | None) -> WriteResult:
    """The result a create with an idempotency key answers: its outcome, the destination read now."""
    told = WriteResult()
    if outcome is None:
        told.problems.add((*INPUT, "idempotencyKey"), refused or "refused", ProblemCode.CONFLICT)
        return told
    told.changes, told.problems = outcome.changes, Problems(outcome.problems)
    if outcome.refs is not None:
        [found] = await adapter.get_destinations([outcome.refs["destination"]], fresh=True)
        told.destination = found if isinstance(found, Destination) else None
    return told


def keys_of(session: Session, workspace_key: str) -> Idempotency:
    """The caller's idempotency keys for writes to one workspace."""
    options = session.settings.gateway
    return Idempotency(
        session.gateway.state.idempotency,
        scope=f"{session.principal.name}:{workspace_key}",
        ttl_seconds=options.idempotency_ttl_seconds,
        settle_seconds=options.write_settle_seconds,
    )


# -- update -----------------------------------------------------------------------------------------


async def update_destination(
    session: Session, request: UpdateDestinationRequest, *, describe: bool = True
) -> WriteResult:
    """``describe``: the caller wants the changes, field by field, which only a read of the destination
    can tell. Without it, a change of name or enabled alone at a vendor whose update merges is its
    one call (update_unread), and the vendor's 404 is what tells a destination that is not there."""
    session.principal.require("write")
    result = WriteResult()
    ref = destination_ref(session, request.id, result.problems)
    if ref is None:
        return result
    adapter = session.adapter(ref.workspace)
    async with adapter.serialized(ref.native_id, "update_destination"):
        if _needs_no_read(adapter, request, describe):
            check_name_and_enabled(adapter, request, result.problems)
            if result.problems:
                return result
            write = _found(adapter.update_unread(ref, DestinationPatch(name=request.name, enabled=request.enabled)))
            written = await rejections.attempt(result.problems, write, at=INPUT)
            if written is not None or result.problems:
                result.destination = written
                return result
            # nothing to write without knowing the destination: read it, as any update
        current = await read_current(adapter, ref, result.problems)
        if current is None or not version_holds(current.version, request.expected_version, result.problems):
            return result
        patch = await _checked_patch(session, adapter, current, request, result.problems)
        if patch is None:
            return result
        secret_keys = (patch.type_secret_keys | current.secret_keys) if patch.type_secret_keys else current.secret_keys
        result.changes = plan.for_update(current, patch.patch, secret_keys)
        result.destination = current
        if request.dry_run or not result.changes:
            return result
        write = adapter.update_destination(current, patch.patch)
        result.destination = await rejections.attempt(result.problems, write, at=INPUT, secrets=request.settings)
    return result


@dataclass(frozen=True)
class _CheckedPatch:
    patch: DestinationPatch
    type_secret_keys: frozenset[str]


async def _checked_patch(
    session: Session,
    adapter: VendorAdapter,
    current: Destination,
    request: UpdateDestinationRequest,
    problems: Problems,
) -> _CheckedPatch | None:
    destination_type = await catalog.get_type(session, current.workspace, current.type_key)
    check_name_and_enabled(adapter, request, problems)
    settings_change = _settings_change(current, destination_type, request.settings, problems)
    if settings_change is not None:
        adapter.check_settings_change(settings_change, problems)
    if request.source_ids is not None:
        adapter.check_destination(DestinationInput(source_ids=request.source_ids), problems, creating=False)
    if problems:
        return None
    patch = DestinationPatch(
        name=request.name,
        enabled=request.enabled,
        settings=settings_change,
        source_ids=tuple(request.source_ids) if request.source_ids is not None else None,
    )
    return _CheckedPatch(patch, destination_type.secret_keys if destination_type else frozenset())


def _needs_no_read(adapter: VendorAdapter, request: UpdateDestinationRequest, describe: bool) -> bool:
    """A change of name or enabled alone, with no version to hold, no changes asked for and no dryRun,
    at a vendor whose update merges what it is given: nothing of the destination is needed first."""
    only_name_or_enabled = (request.name, request.enabled) != (None, None) and (
        request.settings is None and request.source_ids is None
    )
    return (
        adapter.updates_unread
        and only_name_or_enabled
        and not (describe or request.dry_run or request.expected_version is not None)
    )


def check_name_and_enabled(adapter: VendorAdapter, request: UpdateDestinationRequest, problems: Problems) -> None:
    if request.name is not None and not request.name.strip():
        problems.add((*INPUT, "name"), "name must not be empty", ProblemCode.REQUIRED)
    check_enabled(adapter.capabilities, request.enabled, problems, path=(*INPUT, "enabled"))


def _settings_change(
    current: Destination, destination_type: DestinationType | None, given: Any, problems: Problems
) -> SettingsChange | None:
    """The key-by-key merge: null removes a key, a masked value keeps what is stored, a value replaces."""
    if given is None:
        return None
    settings = check_settings_object(given, problems, path=(*INPUT, "settings"))
    if destination_type is not None:
        check_settings(destination_type, settings, problems, path=(*INPUT, "settings"), creating=False)
    changed = {k: v for k, v in settings.items() if not is_masked(v)}
    merged = {**current.settings, **changed}
    for key in [k for k, v in changed.items() if v is None]:
        merged.pop(key, None)
    return SettingsChange(merged=merged, changed=changed) if changed else None


# -- delete -----------------------------------------------------------------------------------------


async def delete_destination(session: Session, id: str, *, dry_run: bool, describe: bool = True) -> WriteResult:
    """``describe``: the caller wants the changes, field by field, which only a read of the destination
    can tell; without it (and without dry_run) the delete is its one call, and the vendor's 404 is
    what tells a destination that is not there."""
    session.principal.require("write")
    result = WriteResult()
    ref = destination_ref(session, id, result.problems)
    if ref is None:
        return result
    adapter = session.adapter(ref.workspace)
    async with adapter.serialized(ref.native_id, "delete_destination"):
        if dry_run or describe:
            current = await read_current(adapter, ref, result.problems)
            if current is None:
                return result
            if dry_run:
                # no write to refuse it: what would block the delete is read (Zeotap: its syncs)
                blockers = await adapter.delete_blockers(ref)
                if blockers:
                    result.problems.add((*INPUT, "id"), in_use(blockers), ProblemCode.IN_USE)
                else:
                    result.changes = plan.for_delete(current)
                return result
            result.changes = plan.for_delete(current)
        if await rejections.attempt(result.problems, _deleted(adapter, ref), at=(*INPUT, "id")) is None:
            result.changes = []
            return result
    result.deleted_id = id
    return result


async def _found(write: Awaitable[T]) -> T:
    """``write`` to a destination not read first: the vendor's 404 is the NOT_FOUND userError."""
    try:
        return await write
    except UpstreamNotFound:
        raise InvalidInputError("no such destination", field=(*INPUT, "id"), code=ProblemCode.NOT_FOUND) from None


async def _deleted(adapter: VendorAdapter, ref: DestinationRef) -> bool:
    """The delete; a vendor that refuses it while objects use the destination (409) is asked which,
    only then: a delete that goes through costs no reads of what might have blocked it."""
    try:
        await _found(adapter.delete_destination(ref))
    except UpstreamConflict as refused:
        blockers = await adapter.delete_blockers(ref)
        if not blockers:
            raise
        raise UpstreamConflict(
            in_use(blockers),
            provider=refused.provider,
            workspace=refused.workspace,
            operation=refused.operation,
            status=refused.status,
        ) from refused
    return True


def in_use(blockers: list[str]) -> str:
    return f"the destination is in use by {', '.join(blockers)}"


# -- shared -----------------------------------------------------------------------------------------


def workspace_key_of(session: Session, raw_id: str, problems: Problems) -> str | None:
    """The key of the workspace a Workspace id names, or None after a NOT_FOUND problem."""
    try:
        key = GlobalId.decode(raw_id, expect="Workspace").workspace
        session.workspace(key)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, "workspaceId"), "no such workspace", ProblemCode.NOT_FOUND)
        return None
    return key


def destination_ref(session: Session, raw_id: str, problems: Problems, *, field: str = "id") -> DestinationRef | None:
    """The destination a Destination id names, if the caller may see its workspace."""
    try:
        ref = GlobalId.decode(raw_id, expect="Destination")
        session.workspace(ref.workspace)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
        return None
    return DestinationRef(ref.workspace, ref.native_id)


async def read_current(
    adapter: VendorAdapter, ref: DestinationRef, problems: Problems, *, field: str = "id"
) -> Destination | None:
    """The destination as the vendor holds it now: read fresh, as a write must not act on a stale copy
    (the caller holds the destination's lock, so nothing written through the gateway slips between)."""
    [found] = await adapter.get_destinations([ref.native_id], fresh=True)
    if isinstance(found, UpstreamError):
        raise found
    if found is None:
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
    return found


async def current_destination(
    session: Session, raw_id: str, problems: Problems, *, field: str = "id"
) -> Destination | None:
    """The destination an id names, read fresh (for tests of it, which write nothing of it)."""
    ref = destination_ref(session, raw_id, problems, field=field)
    return await read_current(session.adapter(ref.workspace), ref, problems, field=field) if ref else None


def version_holds(version: str, expected: str | None, problems: Problems, *, field: str = "expectedVersion") -> bool:
    """Optimistic concurrency: False, with a CONFLICT problem, when the object changed since the
    caller read ``expected`` (through the gateway or directly at the vendor)."""
    if expected is None or expected == version:
        return True
    problems.add(
        (*INPUT, field),
        f"the object changed since it was read (version {expected}, now {version}): read it again and retry",
        ProblemCode.CONFLICT,
    )
    return False
