"""The gateway's built-in Zeotap and Nimriz catalogs, held to their emulators' catalogs.

Neither vendor has a catalog endpoint, so the gateway carries its own copy of each vendor's
destination types (``destgraph.adapters.{zeotap,nimriz}.catalog``) while the emulators, which stand
for the vendors, carry theirs (``destgraph.emulators.{zeotap,nimriz}.catalog``). Nothing ties the two
together at run time, so this module does: the same type keys, and per type the same label, the same
setting keys and, per setting, the same required flag, secret flag, kind and choices; for Nimriz also
the action types each type allows. A difference found here is settled by the vendor documents in
/work/shared (the emulator was built from them), normally by fixing the gateway's copy.

What is NOT compared, because the gateway's model has no place for it: the emulator's URL flag
(``ConfigField.url``, ``DestinationType.urls``) and Nimriz's value patterns (``patterns``), which only
the vendor enforces; Zeotap's ``auth`` and ``introspects``; the gateway's categories and setting labels
(the emulators' setting labels are compared for Zeotap, where the vendor's pages give them).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from destgraph.adapters.nimriz import catalog as gateway_nimriz
from destgraph.adapters.zeotap import catalog as gateway_zeotap
from destgraph.domain.models import DestinationType, Provider, SettingDefinition, SettingType
from destgraph.emulators.nimriz import catalog as vendor_nimriz
from destgraph.emulators.zeotap import catalog as vendor_zeotap

#: Zeotap's config field kinds (vendor-facts.md section 2, "Per-type config docs": Text, Password,
#: Select, Textarea) as the gateway's setting types. Textarea is MAP: the one Textarea field is the
#: webhook's Custom Headers, which the seed's "Webhook Config Example" sends as a JSON object
#: (``"headers": {"X-API-Key": ...}``), and an object is what the gateway's MAP validates.
ZEOTAP_KINDS: dict[str, SettingType] = {
    vendor_zeotap.TEXT: SettingType.STRING,
    vendor_zeotap.PASSWORD: SettingType.SECRET,
    vendor_zeotap.SELECT: SettingType.SELECT,
    vendor_zeotap.TEXTAREA: SettingType.MAP,
}


class Expected(NamedTuple):
    """One setting as the emulator (the vendor) defines it, in the gateway's terms."""

    label: str | None
    required: bool
    secret: bool
    kind: SettingType
    #: None where the vendor gives no fixed set of values
    choices: tuple[str, ...] | None


# -- the emulators' tables, read in the gateway's terms -------------------------------------------


def _zeotap_expected(kind: vendor_zeotap.DestinationType) -> dict[str, Expected]:
    return {
        f.name: Expected(
            label=f.label,
            required=f.required,
            secret=f.secret,
            kind=ZEOTAP_KINDS[f.kind],
            choices=tuple(f.options) if f.options else None,
        )
        for f in kind.config
    }


def _nimriz_expected(kind: vendor_nimriz.DestinationType) -> dict[str, Expected]:
    """Nimriz credentials carry no field kind: a key the emulator redacts is SECRET, any other STRING.

    ``required`` is a list of groups, each satisfied by any one of its keys. A key alone in its group
    is required; a key in a group of several (generic_http's ``endpoint_url`` or ``url``) is one of
    alternatives, so none of them is required on its own: the gateway's per-key flag must be false,
    or it would refuse the spelling it did not mark (the n8n node's live e2e sends ``url``).
    """
    required = {group[0] for group in kind.required if len(group) == 1}
    return {
        key: Expected(
            label=None,  # the emulator has no credential labels
            required=key in required,
            secret=key in kind.secret,
            kind=SettingType.SECRET if key in kind.secret else SettingType.STRING,
            choices=None,
        )
        for key in sorted(kind.keys)
    }


VENDOR_ZEOTAP = {key: _zeotap_expected(kind) for key, kind in vendor_zeotap.TYPES.items()}
VENDOR_NIMRIZ = {key: _nimriz_expected(kind) for key, kind in vendor_nimriz.DESTINATION_TYPES.items()}
GATEWAY_ZEOTAP = {t.key: t for t in gateway_zeotap.CATALOG}
GATEWAY_NIMRIZ = {t.key: t for t in gateway_nimriz.CATALOG}


def _pairs(vendor: dict[str, dict[str, Expected]], gateway: dict[str, DestinationType]) -> list[tuple[str, str]]:
    """Every (type, setting) either side knows, so a setting missing on one side is a failing case too."""
    pairs: set[tuple[str, str]] = set()
    for type_key in vendor.keys() | gateway.keys():
        keys = set(vendor.get(type_key, {}))
        if type_key in gateway:
            keys |= {s.key for s in gateway[type_key].settings}
        pairs |= {(type_key, key) for key in keys}
    return sorted(pairs)


def _setting(destination_type: DestinationType, key: str) -> SettingDefinition | None:
    return next((s for s in destination_type.settings if s.key == key), None)


def _check_setting(
    provider: str,
    type_key: str,
    key: str,
    expected: Expected | None,
    gateway_type: DestinationType | None,
    *,
    compare_label: bool,
) -> None:
    where = f"{provider} type {type_key!r}, setting {key!r}"
    assert expected is not None, f"{where}: in the gateway's catalog but not in the emulator's"
    assert gateway_type is not None, f"{where}: the gateway's catalog has no type {type_key!r}"
    actual = _setting(gateway_type, key)
    assert actual is not None, f"{where}: in the emulator's catalog but not in the gateway's"
    if compare_label:
        assert actual.label == expected.label, (
            f"{where}: label {actual.label!r} in the gateway, {expected.label!r} in the emulator"
        )
    assert actual.required == expected.required, (
        f"{where}: required={actual.required} in the gateway, required={expected.required} in the emulator"
    )
    assert actual.secret == expected.secret, (
        f"{where}: secret={actual.secret} in the gateway, secret={expected.secret} in the emulator"
    )
    assert actual.type is expected.kind, (
        f"{where}: kind {actual.type.name} in the gateway, {expected.kind.name} expected from the emulator"
    )
    assert (actual.choices or None) == expected.choices, (
        f"{where}: choices {actual.choices} in the gateway, {expected.choices} in the emulator"
    )


# -- Zeotap -------------------------------------------------------------------------------------


def test_zeotap_kinds_are_all_mapped() -> None:
    kinds = {f.kind for t in vendor_zeotap.TYPES.values() for f in t.config}
    assert kinds <= ZEOTAP_KINDS.keys(), (
        f"zeotap: emulator field kinds without a mapping: {kinds - ZEOTAP_KINDS.keys()}"
    )


def test_zeotap_type_keys_are_the_emulators() -> None:
    gateway, vendor = set(GATEWAY_ZEOTAP), set(vendor_zeotap.TYPES)
    assert gateway == vendor, (
        f"zeotap: types only in the gateway: {sorted(gateway - vendor)}; only in the emulator: {sorted(vendor - gateway)}"
    )
    assert all(t.provider is Provider.ZEOTAP for t in gateway_zeotap.CATALOG)


@pytest.mark.parametrize("type_key", sorted(vendor_zeotap.TYPES))
def test_zeotap_type_label_and_setting_keys(type_key: str) -> None:
    vendor = vendor_zeotap.TYPES[type_key]
    gateway = GATEWAY_ZEOTAP.get(type_key)
    assert gateway is not None, f"zeotap type {type_key!r}: missing from the gateway's catalog"
    # The labels are the seed's "Supported Destination Types" descriptions (zeotap-destinations.txt).
    assert gateway.label == vendor.title, (
        f"zeotap type {type_key!r}: label {gateway.label!r} in the gateway, {vendor.title!r} in the emulator"
    )
    gateway_keys = {s.key for s in gateway.settings}
    vendor_keys = {f.name for f in vendor.config}
    assert gateway_keys == vendor_keys, (
        f"zeotap type {type_key!r}: settings only in the gateway: {sorted(gateway_keys - vendor_keys)}; "
        f"only in the emulator: {sorted(vendor_keys - gateway_keys)}"
    )


@pytest.mark.parametrize(("type_key", "key"), _pairs(VENDOR_ZEOTAP, GATEWAY_ZEOTAP), ids=str)
def test_zeotap_setting_matches_the_emulator(type_key: str, key: str) -> None:
    _check_setting(
        "zeotap",
        type_key,
        key,
        VENDOR_ZEOTAP.get(type_key, {}).get(key),
        GATEWAY_ZEOTAP.get(type_key),
        compare_label=True,
    )


# -- Nimriz -------------------------------------------------------------------------------------


def test_nimriz_type_keys_are_the_emulators() -> None:
    gateway, vendor = set(GATEWAY_NIMRIZ), set(vendor_nimriz.DESTINATION_TYPES)
    assert gateway == vendor, (
        f"nimriz: types only in the gateway: {sorted(gateway - vendor)}; only in the emulator: {sorted(vendor - gateway)}"
    )
    assert all(t.provider is Provider.NIMRIZ for t in gateway_nimriz.CATALOG)


def test_nimriz_action_types_are_the_emulators() -> None:
    assert set(gateway_nimriz.ACTION_TYPES) == set(vendor_nimriz.ACTION_TYPES), (
        f"nimriz action types: gateway {sorted(gateway_nimriz.ACTION_TYPES)}, emulator {sorted(vendor_nimriz.ACTION_TYPES)}"
    )
    for key, action in gateway_nimriz.ACTION_TYPES.items():
        assert action.key == key, f"nimriz action type {key!r}: its definition says key {action.key!r}"


@pytest.mark.parametrize("type_key", sorted(vendor_nimriz.DESTINATION_TYPES))
def test_nimriz_type_label_actions_and_setting_keys(type_key: str) -> None:
    vendor = vendor_nimriz.DESTINATION_TYPES[type_key]
    gateway = GATEWAY_NIMRIZ.get(type_key)
    assert gateway is not None, f"nimriz type {type_key!r}: missing from the gateway's catalog"
    # Both follow the names of the seed's "Action types" table (nimriz-destinations.txt).
    assert gateway.label == vendor.label, (
        f"nimriz type {type_key!r}: label {gateway.label!r} in the gateway, {vendor.label!r} in the emulator"
    )
    actions = {a.key for a in gateway.actions}
    assert actions == set(vendor.action_types), (
        f"nimriz type {type_key!r}: action types {sorted(actions)} in the gateway, "
        f"{sorted(vendor.action_types)} in the emulator"
    )
    gateway_keys = {s.key for s in gateway.settings}
    assert gateway_keys == set(vendor.keys), (
        f"nimriz type {type_key!r}: settings only in the gateway: {sorted(gateway_keys - vendor.keys)}; "
        f"only in the emulator: {sorted(vendor.keys - gateway_keys)}"
    )


@pytest.mark.parametrize(("type_key", "key"), _pairs(VENDOR_NIMRIZ, GATEWAY_NIMRIZ), ids=str)
def test_nimriz_setting_matches_the_emulator(type_key: str, key: str) -> None:
    _check_setting(
        "nimriz",
        type_key,
        key,
        VENDOR_NIMRIZ.get(type_key, {}).get(key),
        GATEWAY_NIMRIZ.get(type_key),
        compare_label=False,
    )
