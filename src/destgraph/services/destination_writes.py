"""createDestination, updateDestination, deleteDestination: validate first, then write, then report.

Each returns a ``WriteResult``: the destination (None with dryRun, or when nothing was written),
the field-by-field changes (secrets masked), and the problems, each with its input field. Upstream
refusals become problems (UPSTREAM_REJECTED, IN_USE); upstream faults stay errors (the caller sees
a GraphQL error with its code), because the same input may succeed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import Destination, Provider
from destgraph.domain.secrets import is_masked, scrub
from destgraph.domain.writes import DestinationDraft, DestinationPatch, SettingsChange, SubscriptionDraft
from destgraph.errors import InvalidInputError, NotFoundError, UpstreamConflict, UpstreamRejected
from destgraph.services import catalog
from destgraph.services import changes as plan
from destgraph.services.gateway import Session
from destgraph.services.idempotency import IdempotencyConflict, fingerprint
from destgraph.services.problems import ProblemCode, Problems
from destgraph.services.validation import check_enabled, check_settings, check_subscription

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
    workspace_key = _workspace_key(session, request.workspace_id, result.problems)
    if workspace_key is None:
        return result
    adapter = session.adapter(workspace_key)
    workspace = session.workspace(workspace_key)
    destination_type = await catalog.get_type(session, workspace_key, request.type_key)
    problems = result.problems
    if destination_type is None:
        problems.add(
            (*INPUT, "typeKey"),
            f"{workspace.provider.name.title()} has no destination type {request.type_key!r}",
            ProblemCode.NOT_FOUND,
        )
        return result
    if not destination_type.creatable:
        problems.add(
            (*INPUT, "typeKey"),
            f"{destination_type.label} destinations cannot be created through the vendor's API",
            ProblemCode.NOT_CREATABLE,
        )
    if not request.name.strip():
        problems.add((*INPUT, "name"), "name must not be empty", ProblemCode.REQUIRED)
    settings = _settings_object(request.settings, problems)
    check_settings(destination_type, settings, problems, path=(*INPUT, "settings"), creating=True)
    check_enabled(adapter.capabilities, request.enabled, problems, path=(*INPUT, "enabled"))
    for i, subscription in enumerate(request.subscriptions):
        check_subscription(
            workspace.provider,
            destination_type,
            subscription.as_input(),
            problems,
            path=(*INPUT, "subscriptions", str(i)),
            creating=True,
        )
        _check_subscription_settings(subscription.settings, problems, path=(*INPUT, "subscriptions", str(i)))
    source_ids = request.source_ids
    if source_ids is None and workspace.provider is Provider.SEGMENT and workspace.default_source_id:
        source_ids = (workspace.default_source_id,)
    if workspace.provider is Provider.SEGMENT and not source_ids:
        problems.add(
            (*INPUT, "sourceIds"),
            "Segment connects a destination to a source: give sourceIds or configure the workspace's default_source_id",
            ProblemCode.REQUIRED,
        )
    if request.connection_ref and workspace.provider is not Provider.ZEOTAP:
        problems.add(
            (*INPUT, "connectionRef"), "connectionRef is for Zeotap shared connections", ProblemCode.UNSUPPORTED
        )
    if problems:
        return result

    draft = DestinationDraft(
        type_key=destination_type.key,
        name=request.name,
        enabled=request.enabled,
        settings=settings,
        source_ids=tuple(source_ids or ()),
        connection_ref=request.connection_ref,
        subscriptions=tuple(s.draft() for s in request.subscriptions),
        type_native_id=destination_type.native_id,
    )
    result.changes = plan.for_create(draft, destination_type.secret_keys)
    if request.dry_run:
        return result
    if request.idempotency_key:
        return await _once(session, workspace_key, request, lambda: _create(session, workspace_key, draft, result))
    return await _create(session, workspace_key, draft, result)


async def _create(session: Session, workspace_key: str, draft: DestinationDraft, result: WriteResult) -> WriteResult:
    adapter = session.adapter(workspace_key)
    try:
        created = await adapter.create_destination(draft)
    except InvalidInputError as exc:
        result.problems.add(exc.field or INPUT, exc.message)
        return result
    except UpstreamRejected as exc:
        result.problems.add(INPUT, _vendor_said(session, exc, draft.settings), ProblemCode.UPSTREAM_REJECTED)
        return result
    result.destination = created.destination
    for path, error in created.failures:
        code = ProblemCode.UPSTREAM_REJECTED
        result.problems.add(
            path,
            f"the destination was created, but this was not applied: {_vendor_said(session, error, draft.settings)}",
            code,
        )
    return result


async def _once(session: Session, workspace_key: str, request: CreateDestinationRequest, run: Any) -> WriteResult:
    store = session.gateway.idempotency
    scope = f"{session.principal.name}:{workspace_key}"
    key = request.idempotency_key or ""
    mark = fingerprint({k: v for k, v in request.__dict__.items() if k not in ("idempotency_key", "dry_run")})
    try:
        first = await store.claim(scope, key, mark)
    except IdempotencyConflict:
        result = WriteResult()
        result.problems.add(
            (*INPUT, "idempotencyKey"), "this idempotencyKey was used with a different input", ProblemCode.CONFLICT
        )
        return result
    if first is not None:
        return await first
    try:
        outcome = await run()
    except BaseException as exc:
        await store.abandon(scope, key, exc)
        raise
    if outcome.destination is None and outcome.problems:
        # Nothing was created: a corrected retry with the same key must be allowed to run.
        await store.abandon(scope, key, RuntimeError("first attempt created nothing"))
    else:
        await store.complete(scope, key, outcome)
    return outcome


# -- update -----------------------------------------------------------------------------------------


async def update_destination(session: Session, request: UpdateDestinationRequest) -> WriteResult:
    session.principal.require("write")
    result = WriteResult()
    problems = result.problems
    current = await _current(session, request.id, problems)
    if current is None:
        return result
    adapter = session.adapter(current.workspace)
    destination_type = await catalog.get_type(session, current.workspace, current.type_key)
    if request.name is not None and not request.name.strip():
        problems.add((*INPUT, "name"), "name must not be empty", ProblemCode.REQUIRED)
    check_enabled(adapter.capabilities, request.enabled, problems, path=(*INPUT, "enabled"))
    settings_change = None
    if request.settings is not None:
        given = _settings_object(request.settings, problems)
        if destination_type is not None:
            check_settings(destination_type, given, problems, path=(*INPUT, "settings"), creating=False)
        # A masked value means "keep what is stored": it is not a change.
        changed = {k: v for k, v in given.items() if not is_masked(v)}
        merged = {**current.settings, **changed}
        for key in [k for k, v in changed.items() if v is None]:
            merged.pop(key, None)
        if changed:
            settings_change = SettingsChange(merged=merged, changed=changed)
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
    if request.dry_run or not result.changes:
        result.destination = current
        return result
    try:
        result.destination = await adapter.update_destination(current, patch)
    except InvalidInputError as exc:
        problems.add(
            exc.field or INPUT,
            exc.message,
            ProblemCode.REQUIRED if "required" in exc.message.lower() else ProblemCode.INVALID,
        )
    except UpstreamRejected as exc:
        problems.add(INPUT, _vendor_said(session, exc, request.settings), ProblemCode.UPSTREAM_REJECTED)
    return result


# -- delete -----------------------------------------------------------------------------------------


async def delete_destination(session: Session, id: str, *, dry_run: bool) -> WriteResult:
    session.principal.require("write")
    result = WriteResult()
    current = await _current(session, id, result.problems)
    if current is None:
        return result
    adapter = session.adapter(current.workspace)
    result.changes = plan.for_delete(current)
    blockers = await adapter.delete_blockers(current)
    if blockers:
        result.problems.add((*INPUT, "id"), f"the destination is in use by {', '.join(blockers)}", ProblemCode.IN_USE)
        result.changes = []
        return result
    if dry_run:
        return result
    try:
        await adapter.delete_destination(current)
    except UpstreamConflict as exc:
        result.problems.add((*INPUT, "id"), _vendor_said(session, exc, {}), ProblemCode.IN_USE)
        result.changes = []
        return result
    except UpstreamRejected as exc:
        result.problems.add((*INPUT, "id"), _vendor_said(session, exc, {}), ProblemCode.UPSTREAM_REJECTED)
        result.changes = []
        return result
    result.deleted_id = id
    return result


# -- shared -----------------------------------------------------------------------------------------


def _workspace_key(session: Session, raw_id: str, problems: Problems) -> str | None:
    try:
        key = GlobalId.decode(raw_id, expect="Workspace").workspace
        session.workspace(key)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, "workspaceId"), "no such workspace", ProblemCode.NOT_FOUND)
        return None
    return key


async def _current(session: Session, raw_id: str, problems: Problems, *, field: str = "id") -> Destination | None:
    """The destination as the vendor holds it now (read fresh: a write must not act on a stale copy)."""
    try:
        ref = GlobalId.decode(raw_id, expect="Destination")
        session.workspace(ref.workspace)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
        return None
    adapter = session.adapter(ref.workspace)
    adapter.upstream.forget()
    [found] = await adapter.get_destinations([ref.native_id])
    if found is None:
        problems.add((*INPUT, field), "no such destination", ProblemCode.NOT_FOUND)
    return found


def _settings_object(value: Any, problems: Problems) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add((*INPUT, "settings"), "settings must be an object of key: value")
        return {}
    return dict(value)


def _check_subscription_settings(value: Any, problems: Problems, *, path: tuple[str, ...]) -> None:
    if value is not None and not isinstance(value, dict):
        problems.add((*path, "settings"), "settings must be an object of key: value")


def _vendor_said(session: Session, error: Exception, settings: Any) -> str:
    """The vendor's refusal, with every secret of the input scrubbed."""
    message = getattr(error, "vendor_message", None) or str(error)
    secrets = [v for v in (settings or {}).values() if isinstance(v, str)] if isinstance(settings, dict) else []
    return scrub(message, secrets)
