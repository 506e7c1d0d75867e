"""createDestination, updateDestination, deleteDestination: validate first, then write, then report.

Each returns a ``WriteResult``: the destination (None with dryRun, or when nothing was written),
the field-by-field changes (secrets masked), and the problems, each with its input field. Vendor
refusals become problems (services/rejections.py); upstream faults stay errors (the caller sees a
GraphQL error with its code), because the same input may succeed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from destgraph.adapters.contract import DestinationInput, VendorAdapter
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import Destination, DestinationType
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import DestinationDraft, DestinationPatch, SettingsChange, SubscriptionDraft
from destgraph.errors import NotFoundError, UpstreamError
from destgraph.services import catalog, rejections
from destgraph.services import changes as plan
from destgraph.services.gateway import Session
from destgraph.services.idempotency import Idempotency, Outcome, fingerprint
from destgraph.services.validation import check_enabled, check_settings, check_settings_object

INPUT = ("input",)


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
            prefix="the destination was created, but this was not applied: ",
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
    keys = Idempotency(
        session.gateway.state.idempotency,
        scope=f"{session.principal.name}:{workspace_key}",
        ttl_seconds=session.settings.gateway.idempotency_ttl_seconds,
    )
    mark = fingerprint({k: v for k, v in request.__dict__.items() if k not in ("idempotency_key", "dry_run")})

    async def write() -> Outcome:
        done = await _create(adapter, draft, result)
        ref = done.destination.ref if done.destination else None
        return Outcome(destination=ref, changes=done.changes, problems=list(done.problems))

    outcome, refused = await keys.run(request.idempotency_key or "", mark, write)
    if outcome is None:
        repeat = WriteResult()
        repeat.problems.add((*INPUT, "idempotencyKey"), refused or "refused", ProblemCode.CONFLICT)
        return repeat
    if outcome.destination is not None and result.destination is None:
        # A repeat: the first attempt's outcome, with the destination as it is now.
        [found] = await adapter.get_destinations([outcome.destination.native_id], fresh=True)
        result.destination = found if isinstance(found, Destination) else None
        result.changes = outcome.changes
        result.problems = Problems(outcome.problems)
    return result


# -- update -----------------------------------------------------------------------------------------


async def update_destination(session: Session, request: UpdateDestinationRequest) -> WriteResult:
    session.principal.require("write")
    result = WriteResult()
    problems = result.problems
    current = await current_destination(session, request.id, problems)
    if current is None:
        return result
    adapter = session.adapter(current.workspace)
    destination_type = await catalog.get_type(session, current.workspace, current.type_key)
    if request.name is not None and not request.name.strip():
        problems.add((*INPUT, "name"), "name must not be empty", ProblemCode.REQUIRED)
    check_enabled(adapter.capabilities, request.enabled, problems, path=(*INPUT, "enabled"))
    settings_change = _settings_change(current, destination_type, request.settings, problems)
    if request.source_ids is not None:
        adapter.check_destination(DestinationInput(source_ids=request.source_ids), problems, creating=False)
    if problems:
        return result
    patch = DestinationPatch(
        name=request.name,
        enabled=request.enabled,
        settings=settings_change,
        source_ids=tuple(request.source_ids) if request.source_ids is not None else None,
    )
    secret_keys = (destination_type.secret_keys if destination_type else frozenset()) | current.secret_keys
    result.changes = plan.for_update(current, patch, secret_keys)
    result.destination = current
    if request.dry_run or not result.changes:
        return result
    written = await rejections.attempt(
        problems, adapter.update_destination(current, patch), at=INPUT, secrets=request.settings
    )
    result.destination = written
    return result


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


async def delete_destination(session: Session, id: str, *, dry_run: bool) -> WriteResult:
    session.principal.require("write")
    result = WriteResult()
    current = await current_destination(session, id, result.problems)
    if current is None:
        return result
    adapter = session.adapter(current.workspace)
    blockers = await adapter.delete_blockers(current)
    if blockers:
        result.problems.add((*INPUT, "id"), f"the destination is in use by {', '.join(blockers)}", ProblemCode.IN_USE)
        return result
    result.changes = plan.for_delete(current)
    if dry_run:
        return result
    deleted = await rejections.attempt(result.problems, _deleted(adapter, current), at=(*INPUT, "id"))
    if deleted is None:
        result.changes = []
        return result
    result.deleted_id = id
    return result


async def _deleted(adapter: VendorAdapter, current: Destination) -> bool:
    await adapter.delete_destination(current)
    return True


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


async def current_destination(
    session: Session, raw_id: str, problems: Problems, *, field: str = "id"
) -> Destination | None:
    """The destination as the vendor holds it now (read fresh: a write must not act on a stale copy)."""
    try:
        ref = GlobalId.decode(raw_id, expect="Destination")
        session.workspace(ref.workspace)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
        return None
    [found] = await session.adapter(ref.workspace).get_destinations([ref.native_id], fresh=True)
    if isinstance(found, UpstreamError):
        raise found
    if found is None:
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
    return found
