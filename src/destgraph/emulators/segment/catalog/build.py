"""Builders for destination metadata objects (DestinationMetadataV1), so each catalog entry reads briefly.

Key order follows the seed's samples (id, name, description, slug, logos, options, status, ...), and every
object carries the fields the published document marks required (``code`` on components, all four
fields on contacts, ``description`` on actions and action fields), so responses validate against it.
"""

from __future__ import annotations

import hashlib
from typing import Any

MISSING: Any = object()

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_LOGO_CDN = "https://d3hotuclm6if1r.cloudfront.net/logos"
_ACTIONS_REPO = (
    "https://github.com/segmentio/action-destinations/tree/main/packages/destination-actions/src/destinations"
)
_INTEGRATIONS_REPO = "https://github.com/segmentio/integrations/tree/master/integrations"
_AJS_REPO = "https://github.com/segmentio/analytics.js-integrations/tree/master/integrations"


def stable_id(*parts: str) -> str:
    """A 22-character Segment-style id derived from names, so catalog ids never change between runs."""
    number = int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def option(
    name: str,
    type_: str,
    label: str,
    description: str = "",
    *,
    default: Any = MISSING,
    required: bool = False,
) -> dict[str, Any]:
    """An IntegrationOptionBeta: one setting a destination of this type takes."""
    built: dict[str, Any] = {"name": name, "type": type_}
    if default is not MISSING:
        built["defaultValue"] = default
    built.update({"description": description, "required": required, "label": label})
    return built


def field(
    slug: str,
    action: str,
    key: str,
    label: str,
    type_: str,
    description: str,
    *,
    sort: int,
    required: bool = False,
    default: Any = MISSING,
    multiple: bool = False,
    choices: Any = None,
    dynamic: bool = False,
    allow_null: bool = False,
    placeholder: str | None = None,
) -> dict[str, Any]:
    """A DestinationMetadataActionFieldV1."""
    built: dict[str, Any] = {
        "id": stable_id(slug, action, key),
        "sortOrder": sort,
        "fieldKey": key,
        "label": label,
        "type": type_,
        "description": description,
    }
    if placeholder is not None:
        built["placeholder"] = placeholder
    if default is not MISSING:
        built["defaultValue"] = default
    built.update(
        {
            "required": required,
            "multiple": multiple,
            "choices": choices,
            "dynamic": dynamic,
            "allowNull": allow_null,
            "hidden": False,
        }
    )
    return built


def action(
    slug: str,
    action_slug: str,
    name: str,
    description: str,
    default_trigger: str | None,
    fields: list[dict[str, Any]],
    *,
    platform: str = "CLOUD",
    action_id: str | None = None,
) -> dict[str, Any]:
    """A DestinationMetadataActionV1: what a subscription of this destination can trigger."""
    return {
        "id": action_id or stable_id(slug, action_slug),
        "slug": action_slug,
        "name": name,
        "description": description,
        "platform": platform,
        "hidden": False,
        "defaultTrigger": default_trigger,
        "fields": fields,
    }


def preset(action_: dict[str, Any], name: str, trigger: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """A DestinationMetadataSubscriptionPresetV1 pointing at ``action_``."""
    return {"actionId": action_["id"], "name": name, "fields": fields or {}, "trigger": trigger}


def contact(name: str, email: str, role: str, *, primary: bool = False) -> dict[str, Any]:
    return {"name": name, "email": email, "role": role, "isPrimary": primary}


def components(slug: str, *kinds: str, owner: str = "SEGMENT", actions: bool = False) -> list[dict[str, Any]]:
    """Components with the code links Segment publishes: action-destinations for Actions, else integrations."""
    built = []
    for kind in kinds:
        if actions:
            code = f"{_ACTIONS_REPO}/{slug.removeprefix('actions-')}"
        elif kind == "BROWSER":
            code = f"{_AJS_REPO}/{slug}"
        elif kind in ("IOS", "ANDROID"):
            code = f"https://github.com/segment-integrations/analytics-{kind.lower()}-integration-{slug}"
        else:
            code = f"{_INTEGRATIONS_REPO}/{slug}"
        built.append({"code": code, "owner": owner, "type": kind})
    return built


def metadata(
    *,
    id: str,
    name: str,
    slug: str,
    description: str,
    website: str,
    categories: list[str],
    options: list[dict[str, Any]],
    components_: list[dict[str, Any]],
    methods: tuple[bool, bool, bool, bool, bool],
    platforms: tuple[bool, bool, bool],
    status: str = "PUBLIC",
    previous_names: list[str] | None = None,
    actions: list[dict[str, Any]] | None = None,
    presets: list[dict[str, Any]] | None = None,
    contacts: list[dict[str, Any]] | None = None,
    cloud_instances: str = "0",
    device_instances: str = "0",
    replay: bool = False,
    browser_unbundling: bool = False,
    partner_owned: bool = False,
    regions: tuple[str, ...] = ("us-west-2", "eu-west-1"),
    endpoints: tuple[str, ...] = ("US",),
    mark: str | None = None,
) -> dict[str, Any]:
    """A DestinationMetadataV1. ``methods`` is (track, pageview, identify, group, alias);
    ``platforms`` is (browser, mobile, server)."""
    track, pageview, identify, group, alias = methods
    browser, mobile, server = platforms
    return {
        "id": id,
        "name": name,
        "description": description,
        "slug": slug,
        "logos": {
            "default": f"{_LOGO_CDN}/{slug}-default.svg",
            "mark": mark or f"{_LOGO_CDN}/{slug}-mark.svg",
            "alt": None,
        },
        "options": options,
        "status": status,
        "categories": categories,
        "website": website,
        "components": components_,
        "previousNames": previous_names if previous_names is not None else [name],
        "supportedMethods": {
            "track": track,
            "pageview": pageview,
            "identify": identify,
            "group": group,
            "alias": alias,
        },
        "supportedPlatforms": {
            "browser": browser,
            "mobile": mobile,
            "server": server,
            "warehouse": False,
            "cloudAppObject": False,
        },
        "supportedFeatures": {
            "cloudModeInstances": cloud_instances,
            "deviceModeInstances": device_instances,
            "replay": replay,
            "browserUnbundling": browser_unbundling,
            "browserUnbundlingPublic": True,
        },
        "actions": actions or [],
        "presets": presets or [],
        "contacts": contacts or [],
        "partnerOwned": partner_owned,
        "supportedRegions": list(regions),
        "regionEndpoints": list(endpoints),
    }
