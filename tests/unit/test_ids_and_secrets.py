"""Global ids, cursors and the masking policy."""

from __future__ import annotations

import pytest

from destgraph.domain.ids import GlobalId, MalformedCursor, MalformedId, decode_cursor, encode_cursor
from destgraph.domain.secrets import BULLET, is_secret_name, mask_settings, mask_value, scrub, secret_keys_of
from destgraph.errors import BadCursorError
from destgraph.services.pagination import OffsetCursor, Position


def test_global_id_round_trips_with_colons_in_the_native_id() -> None:
    gid = GlobalId("DestinationSubscription", "segment-prod", "dest:sub:1")
    assert GlobalId.decode(gid.encode()) == gid
    assert "=" not in gid.encode()


@pytest.mark.parametrize("raw", ["", "x", "!!!", "V29ya3NwYWNl", GlobalId("Workspace", "a", "b").encode() + "$"])
def test_garbage_ids_are_refused(raw: str) -> None:
    with pytest.raises(MalformedId):
        GlobalId.decode(raw)


def test_id_of_another_type_is_refused_when_a_type_is_expected() -> None:
    with pytest.raises(MalformedId, match="not of a Destination"):
        GlobalId.decode(GlobalId("Workspace", "a", "a").encode(), expect="Destination")


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor({"i": 3})) == {"i": 3}
    for garbage in ("", "abc", encode_cursor({"i": 1})[:-2] + "!!"):
        with pytest.raises(MalformedCursor):
            decode_cursor(garbage)


def test_position_cursor_is_tied_to_its_query() -> None:
    cursor = Position("ws", "MA==", 25, 3, "id3").encode("fp1")
    assert Position.decode(cursor, "fp1") == Position("ws", "MA==", 25, 3, "id3")
    with pytest.raises(BadCursorError):
        Position.decode(cursor, "fp2")


def test_offset_cursor_refuses_another_lists_cursor() -> None:
    assert OffsetCursor("a").decode(OffsetCursor("a").encode(4)) == 5
    with pytest.raises(BadCursorError):
        OffsetCursor("b").decode(OffsetCursor("a").encode(4))


@pytest.mark.parametrize(
    "name", ["apiKey", "api_secret", "accessToken", "X-API-Key", "hashingSalt", "write_key", "password", "secretId"]
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["pixelId", "measurementId", "region", "primary_key", "token_type", "endpoint_url", "key"]
)
def test_names_that_are_not_secrets(name: str) -> None:
    assert not is_secret_name(name)


def test_mask_shows_at_most_the_last_four() -> None:
    assert mask_value("3cb9b589437d3904f19b2b791c2cdada") == BULLET * 8 + "dada"
    assert mask_value("short") == BULLET * 8
    assert mask_value("\u2022" * 10 + "dada") == BULLET * 8 + "dada"
    assert mask_value("******") == BULLET * 8
    assert mask_value("") == "" and mask_value(None) is None


def test_mask_settings_masks_declared_named_and_header_values_at_any_depth() -> None:
    settings = {"apiKey": "k" * 20, "pixel": "p1", "headers": {"X-Custom": "abc"}, "nested": {"password": "pw"}, "n": 3}
    masked = mask_settings(settings, {"pixel"})
    assert masked["pixel"] == BULLET * 8
    assert masked["apiKey"].startswith(BULLET) and masked["headers"]["X-Custom"] == BULLET * 8
    assert masked["nested"]["password"] == BULLET * 8 and masked["n"] == 3
    assert settings["apiKey"] == "k" * 20  # the input is not changed
    assert secret_keys_of(settings, {"pixel"}) == ["apiKey", "headers", "pixel"]


def test_scrub_replaces_known_secrets_in_text() -> None:
    assert scrub("token sk_test_abcdefgh1234 refused", ["sk_test_abcdefgh1234"]) == f"token {BULLET * 8}1234 refused"
