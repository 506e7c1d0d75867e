"""Ours Privacy REST API (/rest/v1/destinations): list with cursor and filters, get, types.

Vendor facts this adapter relies on: lists are ``{entities, pagination: {nextCursor, hasMore}}``,
newest first, ``limit`` 1..100, ``status`` and ``type`` filters (pushed down here); single objects
are bare; secrets read back as ``******``; ``/types`` lists creatable types only, so the read-only
warehouse, storage and audience types are added here with ``creatable: false``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, ListFilter, get_or_none
from destgraph.adapters.parsing import optional_datetime, require
from destgraph.adapters.registry import VendorProfile
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    Destination,
    DestinationPage,
    DestinationRef,
    DestinationType,
    Provider,
    SettingDefinition,
    SettingType,
    TypeStatus,
)
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import CreatedDestination, DestinationDraft, DestinationPatch
from destgraph.errors import InvalidInputError, UpstreamError

MASK = "******"
#: readable through the API but refused by POST (the OpenAPI document's read enum minus its create enum)
READ_ONLY_TYPES = {
    "AWSEventBridge": "Amazon EventBridge",
    "AWSS3": "Amazon S3",
    "AzureBlob": "Azure Blob Storage",
    "DatabricksWarehouse": "Databricks (warehouse)",
    "DomoWarehouse": "Domo (warehouse)",
    "FacebookAudience": "Facebook Audience",
    "GoogleAudience": "Google Audience",
    "GoogleBigQuery": "Google BigQuery",
    "GoogleBigQueryWarehouse": "Google BigQuery (warehouse)",
    "GoogleStorage": "Google Cloud Storage",
    "LiveRampWarehouse": "LiveRamp (warehouse)",
    "MNTNAudience": "MNTN Audience",
    "VibeAudience": "Vibe Audience",
}
#: every type a destination can have (the list endpoint's ``type`` enum); the rest exist on no Ours account
READABLE_TYPES = frozenset(
    [
        "AWSEventBridge",
        "AWSKinesis",
        "AWSLambda",
        "AWSS3",
        "AWSSNS",
        "ActiveCampaignApi",
        "Admitad",
        "AdobeAnalytics",
        "AmazonDSP",
        "Amplitude",
        "AppLovin",
        "ArtsAI",
        "Attentive",
        "Audiohook",
        "AzureBlob",
        "BasisPostback",
        "BeeswaxPostback",
        "BingAds",
        "BingAdsWeb",
        "Braze",
        "ConvertABTestingEvent",
        "Customerio",
        "DatabricksWarehouse",
        "DomoWarehouse",
        "Everflow",
        "Facebook",
        "FacebookAudience",
        "FloodlightSGTM",
        "FullContact",
        "G4Analytics",
        "GA4MeasurementProtocol",
        "GA4ServerProxy",
        "Google",
        "GoogleAds360",
        "GoogleAdsServerContainer",
        "GoogleAudience",
        "GoogleBigQuery",
        "GoogleBigQueryWarehouse",
        "GoogleDataManagerEventIngest",
        "GooglePubSub",
        "GoogleStorage",
        "HTTPCustomRequest",
        "HTTPDestination",
        "Hubspot",
        "IHeartMediaMagellan",
        "Impact",
        "Iterable",
        "Klaviyo",
        "LinkedInAdsCAPI",
        "LiveIntent",
        "LiveRampWarehouse",
        "MNTN",
        "MNTNAudience",
        "Mailchimp",
        "Mixpanel",
        "NextdoorAds",
        "OpenAIAds",
        "OursSyntheticData",
        "Outbrain",
        "Partnerize",
        "Pinterest",
        "Plausible",
        "Podscribe",
        "PostHog",
        "QuantcastCAPI",
        "QuoraAds",
        "Reddit",
        "Rokt",
        "RokuCAPI",
        "SnapchatAdsCapi",
        "Spotify",
        "StackAdaptAPI",
        "Taboola",
        "Tatari",
        "TatariCAPI",
        "TheTradeDesk",
        "TikTok",
        "UniversalAds",
        "VWO",
        "Viant",
        "ViantCAPI",
        "Vibe",
        "VibeAudience",
        "Woopra",
        "XAds",
        "YelpCAPI",
        "Zendesk",
        "ZohoCRM",
        "ZoomInfo",
    ]
)
_KINDS = {
    "Text": SettingType.STRING,
    "Secret": SettingType.SECRET,
    "Switch": SettingType.BOOLEAN,
    "Select": SettingType.SELECT,
    "Alert": SettingType.ALERT,
    "GenericOauth": SettingType.OAUTH,
}


class OursAdapter(BaseAdapter):
    provider: ClassVar[Provider] = Provider.OURS
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=False,
        delivery_metrics=False,
        connection_test=False,
        test_event=False,
        describe_fields=False,
        server_side_pagination=True,
        live_catalog=True,
        reports_totals=False,
    )

    async def list_destinations(self, *, cursor: str | None, limit: int, filter: ListFilter) -> DestinationPage:
        params: dict[str, str | int] = {"limit": max(1, min(limit or 100, 100))}
        if cursor:
            params["cursor"] = cursor
        if filter.enabled is not None:
            params["status"] = "Enabled" if filter.enabled else "Disabled"
        if filter.type_keys:
            wanted = [t for t in filter.type_keys if t in READABLE_TYPES]
            if not wanted:
                return DestinationPage(destinations=())  # no Ours destination can have these types
            if len(wanted) == 1:
                params["type"] = wanted[0]
        body = await self.upstream.get_json("/rest/v1/destinations", operation="list_destinations", params=params)
        entities = require(body, "entities", list, self)
        pagination = require(body, "pagination", dict, self)
        return DestinationPage(
            destinations=tuple(self._destination(row) for row in entities),
            next_cursor=pagination.get("nextCursor") if pagination.get("hasMore") else None,
        )

    async def get_destinations(self, native_ids: Sequence[str]) -> list[Destination | None]:
        import asyncio

        async def one(native_id: str) -> Destination | None:
            body = await get_or_none(
                self.upstream.get_json(f"/rest/v1/destinations/{native_id}", operation="get_destination")
            )
            return self._destination(body) if body is not None else None

        return list(await asyncio.gather(*(one(i) for i in native_ids)))

    async def list_destination_types(self) -> list[DestinationType]:
        body = await self.upstream.get_json("/rest/v1/destinations/types", operation="list_destination_types")
        types = [_destination_type(row) for row in require(body, "entities", list, self)]
        types += [
            DestinationType(provider=Provider.OURS, key=key, label=label, creatable=False)
            for key, label in READ_ONLY_TYPES.items()
        ]
        return types

    async def probe(self) -> None:
        await self.upstream.get_json("/rest/v1/destinations", operation="probe", params={"limit": 1})

    # -- writes ------------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        """POST {type, name, settings}; then a PATCH for what POST cannot set (status, sources).

        Ours creates every destination Enabled and unlimited. When the PATCH that follows is refused, the
        destination exists as created and the fields not applied are reported in ``failures``.
        """
        settings: dict[str, Any] = {}
        for key, value in draft.settings.items():
            if is_masked(value):
                raise InvalidInputError(
                    "a masked value cannot be stored as a setting: send the value itself",
                    field=("input", "settings", key),
                )
            if value is not None:  # null on POST is the same as not sending the key
                settings[key] = value
        body = {"type": draft.type_key, "name": draft.name, "settings": settings}
        answer = await self.upstream.send_json(
            "POST", "/rest/v1/destinations", operation="create_destination", body=body
        )
        destination = self._destination(_entity(answer, self))
        follow_up: dict[str, Any] = {}
        if not draft.enabled:
            follow_up["status"] = "Disabled"
        if draft.source_ids:
            follow_up["limitedToSourceIds"] = list(draft.source_ids)
        if not follow_up:
            return CreatedDestination(destination=destination)
        try:
            answer = await self.upstream.send_json(
                "PATCH",
                f"/rest/v1/destinations/{destination.native_id}",
                operation="update_destination",
                body=follow_up,
            )
        except UpstreamError as exc:
            fields = [_INPUT_FIELDS[key] for key in follow_up]
            return CreatedDestination(destination=destination, failures=tuple((f, exc) for f in fields))
        return CreatedDestination(destination=self._destination(_entity(answer, self)))

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        """PATCH with only the fields that change; settings are the changed keys (null deletes one)."""
        body: dict[str, Any] = {}
        if patch.name is not None and patch.name != current.name:
            body["name"] = patch.name
        if patch.enabled is not None and patch.enabled != current.enabled:
            body["status"] = "Enabled" if patch.enabled else "Disabled"
        if patch.source_ids is not None and tuple(patch.source_ids) != tuple(current.source_ids):
            # No sources is Ours's null: not limited, every source feeds the destination.
            body["limitedToSourceIds"] = list(patch.source_ids) or None
        # A mask means "keep what is stored": it is left out rather than sent (Ours would keep it too).
        changed = {k: v for k, v in (patch.settings.changed if patch.settings else {}).items() if not is_masked(v)}
        if changed:
            body["settings"] = changed
        if not body:
            return current
        answer = await self.upstream.send_json(
            "PATCH", f"/rest/v1/destinations/{current.native_id}", operation="update_destination", body=body
        )
        return self._destination(_entity(answer, self))

    async def delete_destination(self, current: Destination) -> None:
        # Ours answers the bare JSON boolean true.
        await self.upstream.send_json(
            "DELETE", f"/rest/v1/destinations/{current.native_id}", operation="delete_destination"
        )

    def _destination(self, row: Any) -> Destination:
        settings = dict(row.get("settings") or {})
        return Destination(
            ref=DestinationRef(self.workspace.key, str(row["id"])),
            provider=Provider.OURS,
            name=row.get("name") or "",
            type_key=row["type"],
            enabled=row.get("status") == "Enabled",
            settings=settings,
            raw=row,
            secret_keys=frozenset(k for k, v in settings.items() if v == MASK),
            source_ids=tuple(row.get("limitedToSourceIds") or ()),
            created_at=optional_datetime(row.get("createdAt")),
            updated_at=optional_datetime(row.get("updatedAt")),
        )


#: the input field each follow-up PATCH key of a create carries
_INPUT_FIELDS = {"status": ("input", "enabled"), "limitedToSourceIds": ("input", "sourceIds")}


def _entity(body: Any, adapter: OursAdapter) -> dict[str, Any]:
    """A bare destination object, as create and update answer."""
    require(body, "id", str, adapter)
    require(body, "type", str, adapter)
    entity: dict[str, Any] = body
    return entity


def _destination_type(row: dict[str, Any]) -> DestinationType:
    return DestinationType(
        provider=Provider.OURS,
        key=row["id"],
        label=row.get("label") or row["id"],
        status=TypeStatus.DEPRECATED if row.get("status") == "deprecated" else TypeStatus.AVAILABLE,
        creatable=True,
        settings=tuple(_setting(s) for s in row.get("settings") or ()),
    )


def _setting(descriptor: dict[str, Any]) -> SettingDefinition:
    kind = _KINDS.get(descriptor.get("type", ""), SettingType.STRING)
    options = descriptor.get("options")
    return SettingDefinition(
        key=descriptor["key"],
        label=descriptor.get("label") or descriptor["key"],
        type=kind,
        required=bool(descriptor.get("required")),
        secret=kind is SettingType.SECRET,
        default_value=descriptor.get("defaultValue"),
        description=descriptor.get("sublabel") or (descriptor.get("label") if kind is SettingType.ALERT else None),
        choices=tuple(o["value"] for o in options) if options else None,
    )


def _message(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("error"):
        details = body.get("details")
        return f"{body['error']}: {details}" if details else str(body["error"])
    return None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.token.get_secret_value()}", "Accept": "application/json"}


PROFILE = VendorProfile(adapter=OursAdapter, headers=_headers, extract_message=_message)
