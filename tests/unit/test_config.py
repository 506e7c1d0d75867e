"""The workspace file: validated, tokens only from the environment, API keys hashed."""

from __future__ import annotations

from pathlib import Path

import pytest

from destgraph.config import hash_api_key, load_settings
from destgraph.errors import ConfigError

GOOD = """
[gateway]
graphiql = false

[[workspaces]]
key = "segment-prod"
provider = "segment"
base_url = "https://api.segmentapis.com"
token_env = "SEGMENT_TOKEN"
default_source_id = "rh5BDZp6QDHvXFCkibm1pR"

[[workspaces]]
key = "zeotap"
provider = "ZEOTAP"
base_url = "https://composable.zeotap.com"
token_env = "ZEOTAP_TOKEN"
workspace_id = "ws-1"

[[api_keys]]
name = "frontend"
sha256 = "{digest}"
scopes = ["read"]
workspaces = ["segment-prod"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text)
    return path


def test_a_good_file_loads_with_tokens_from_the_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("{digest}", hash_api_key("k1")))
    settings = load_settings(path, {"SEGMENT_TOKEN": "s3cret-token", "ZEOTAP_TOKEN": "z"})
    assert [w.key for w in settings.workspaces] == ["segment-prod", "zeotap"]
    assert settings.workspaces[0].token.get_secret_value() == "s3cret-token"
    assert "s3cret-token" not in repr(settings)
    assert settings.authenticate("k1").name == "frontend"
    assert settings.authenticate("k2") is None
    assert settings.gateway.graphiql is False


def test_a_missing_token_variable_is_named_not_shown(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("{digest}", hash_api_key("k1")))
    with pytest.raises(ConfigError, match="ZEOTAP_TOKEN is not set"):
        load_settings(path, {"SEGMENT_TOKEN": "x"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('provider = "ZEOTAP"', 'provider = "mailchimp"'), "provider"),
        (('workspace_id = "ws-1"', ""), "workspace_id"),
        (('key = "zeotap"', 'key = "segment-prod"'), "unique"),
        (('scopes = ["read"]', 'scopes = ["admin"]'), "scopes"),
        (("[gateway]", "[gateway]\nbogus = 1"), "bogus"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = _write(tmp_path, GOOD.replace("{digest}", hash_api_key("k1")).replace(*change))
    with pytest.raises(ConfigError, match=message):
        load_settings(path, {"SEGMENT_TOKEN": "x", "ZEOTAP_TOKEN": "y"})


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(_write(tmp_path, "[[workspaces"), {})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", {})
