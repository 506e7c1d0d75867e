"""Settings descriptors and destination types: the kinds and field sets of the published document.

The six kinds (Text, Secret, Switch, Select, Alert, GenericOauth) and each kind's exact fields
(additionalProperties: false) come from the OpenAPI document's ``GET /rest/v1/destinations/types``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Descriptor kinds of the published document (``GET /rest/v1/destinations/types``).
TEXT, SECRET, SWITCH, SELECT, ALERT, GENERIC_OAUTH = "Text", "Secret", "Switch", "Select", "Alert", "GenericOauth"

#: What a Secret-kind setting reads back as (seed: "Secret-typed settings are masked as ******").
MASK = "******"


@dataclass(frozen=True, slots=True)
class Descriptor:
    """One settings key of a destination type, as the types endpoint describes it."""

    key: str
    kind: str
    label: str
    sublabel: str | None = None
    placeholder: str | None = None
    required: bool | None = None
    options: tuple[tuple[str, str], ...] = ()
    default: str | bool | None = None

    @property
    def settable(self) -> bool:
        # Alert is display-only and GenericOauth is connected in the dashboard: neither is sent.
        return self.kind not in (ALERT, GENERIC_OAUTH)

    def to_json(self) -> dict[str, Any]:
        """The descriptor in the document's shape for its kind (additionalProperties: false)."""
        body: dict[str, Any] = {"key": self.key, "type": self.kind, "label": self.label}
        if self.kind == ALERT:
            return body
        if self.sublabel is not None:
            body["sublabel"] = self.sublabel
        if self.kind == GENERIC_OAUTH:
            return body
        if self.kind in (TEXT, SECRET):
            body["placeholder"] = self.placeholder or ""
        if self.required is not None:
            body["required"] = self.required
        if self.kind == SELECT:
            body["options"] = [{"label": label, "value": value} for label, value in self.options]
        if self.kind in (SELECT, SWITCH) and self.default is not None:
            body["defaultValue"] = self.default
        return body


@dataclass(frozen=True, slots=True)
class DestinationType:
    """A destination type: label, lifecycle status, capability flags and settings descriptors."""

    id: str
    label: str
    settings: tuple[Descriptor, ...]
    status: str = "ga"
    oauth: bool = False
    lists_accounts: bool = False
    renamed_events: bool = True

    def descriptor(self, key: str) -> Descriptor | None:
        return next((d for d in self.settings if d.key == key), None)

    @property
    def secret_keys(self) -> frozenset[str]:
        return frozenset(d.key for d in self.settings if d.kind == SECRET)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.settings if d.required and d.settable)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "capabilities": {
                "oauth": self.oauth,
                "listsAccounts": self.lists_accounts,
                "supportsRenamedEvents": self.renamed_events,
            },
            "settings": [d.to_json() for d in self.settings],
        }


# -- descriptor shorthands ------------------------------------------------------------------------


def text(key: str, label: str, placeholder: str, *, required: bool = False, sublabel: str | None = None) -> Descriptor:
    return Descriptor(key, TEXT, label, sublabel=sublabel, placeholder=placeholder, required=required)


def secret(key: str, label: str, placeholder: str, *, required: bool = True, sublabel: str | None = None) -> Descriptor:
    return Descriptor(key, SECRET, label, sublabel=sublabel, placeholder=placeholder, required=required)


def switch(key: str, label: str, *, default: bool = False, sublabel: str | None = None) -> Descriptor:
    return Descriptor(key, SWITCH, label, sublabel=sublabel, required=False, default=default)


def select(
    key: str, label: str, options: list[tuple[str, str]], *, default: str | None = None, required: bool = False
) -> Descriptor:
    return Descriptor(key, SELECT, label, required=required, options=tuple(options), default=default)


def alert(key: str, label: str) -> Descriptor:
    return Descriptor(key, ALERT, label)


def oauth(key: str, label: str, sublabel: str | None = None) -> Descriptor:
    return Descriptor(key, GENERIC_OAUTH, label, sublabel=sublabel)


def pixel(label: str = "Pixel ID", placeholder: str = "1234567890") -> Descriptor:
    return text("pixelId", label, placeholder, required=True)


AWS_REGIONS = [
    ("US East (N. Virginia)", "us-east-1"),
    ("US East (Ohio)", "us-east-2"),
    ("US West (Oregon)", "us-west-2"),
    ("EU (Ireland)", "eu-west-1"),
    ("EU (Frankfurt)", "eu-central-1"),
]
US_EU = [("United States", "US"), ("European Union", "EU")]
HTTP_METHODS = [(m, m) for m in ("POST", "PUT", "PATCH", "GET", "DELETE")]


def aws(*extra: Descriptor) -> tuple[Descriptor, ...]:
    return (
        *extra,
        select("region", "AWS region", AWS_REGIONS, default="us-east-1", required=True),
        text("accessKeyId", "Access key ID", "AKIAXXXXXXXXXXXXXXXX", required=True),
        secret("secretAccessKey", "Secret access key", "wJalr..."),
    )


def gcp(*extra: Descriptor) -> tuple[Descriptor, ...]:
    return (
        text("projectId", "Google Cloud project ID", "my-project-123456", required=True),
        *extra,
        secret("serviceAccountKey", "Service account key (JSON)", '{"type": "service_account", ...}'),
    )
