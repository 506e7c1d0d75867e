"""Observability parts on their own: request ids, the log scrubber, the OTEL_* reading, counters."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from destgraph.adapters.accounting import MAX_OPERATION_NAMES, OTHER_OPERATION, CallAccounting
from destgraph.adapters.read_cache import ReadCache
from destgraph.config import WorkspaceConfig
from destgraph.errors import UpstreamUnavailable
from destgraph.observability import tracing
from destgraph.observability.context import accept_request_id
from destgraph.observability.logging import add_secrets, configure_logging, log, unconfigure_logging
from destgraph.observability.metrics import remaining_calls
from destgraph.state import InMemoryBudgets, InMemoryCache, RateBudget

REPO = Path(__file__).resolve().parents[2]


# -- request ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kept", ["abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "Root.1:2_3-x", "a" * 128])
def test_a_short_safe_request_id_is_kept(kept: str) -> None:
    assert accept_request_id(kept) == kept


@pytest.mark.parametrize("replaced", [None, "", "a" * 129, "with space", "new\nline", "quote'", "é", "a/b", "<x>"])
def test_anything_else_gets_a_new_uuid(replaced: str | None) -> None:
    chosen = accept_request_id(replaced)
    assert chosen != replaced and len(chosen) == 32 and int(chosen, 16) >= 0


# -- log lines --------------------------------------------------------------------------------------


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    written = io.StringIO()
    configure_logging("debug", stream=written)
    try:
        yield written
    finally:
        unconfigure_logging()
        root.setLevel(level)
        for name, quiet_level in quiet.items():
            logging.getLogger(name).setLevel(quiet_level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_fields_named_like_secrets_credentials_and_registered_secrets_are_scrubbed(stream: io.StringIO) -> None:
    add_secrets(["vendor-token-7d1e2f", "tiny"])
    logger = logging.getLogger("destgraph.test")
    log(
        logger,
        logging.INFO,
        "something",
        key_name="frontend",
        token="vendor-token-7d1e2f",
        authorization="Bearer dg_live_abcdef",
        nested={"apiKey": "sk_x", "url": "https://x.example/?t=vendor-token-7d1e2f"},
        note="sent Authorization: Bearer dg_live_abcdef and basic dXNlcjpwYXNz to tiny",
    )
    try:
        raise RuntimeError("failed with vendor-token-7d1e2f")
    except RuntimeError:
        logger.exception("unexpected")
    first, second = _lines(stream)
    assert first["key_name"] == "frontend"
    assert first["token"] == first["authorization"] == first["nested"]["apiKey"] == "[redacted]"
    assert first["nested"]["url"] == "https://x.example/?t=[redacted]"
    assert first["note"] == "sent Authorization: Bearer [redacted] and basic [redacted] to tiny"
    assert "vendor-token-7d1e2f" not in stream.getvalue() and "dg_live" not in stream.getvalue()
    assert second["level"] == "error" and "RuntimeError: failed with [redacted]" in second["exception"]
    assert list(first)[:4] == ["ts", "level", "logger", "event"]


def test_standard_records_become_json_lines_with_the_bound_context(stream: io.StringIO) -> None:
    import structlog

    tokens = structlog.contextvars.bind_contextvars(request_id="r-1")
    try:
        logging.getLogger("some.library").info("Started server process [%d]", 42)
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
    logging.getLogger("some.library").warning("after")
    inside, outside = _lines(stream)
    assert inside == {
        "ts": inside["ts"],
        "level": "info",
        "logger": "some.library",
        "event": "Started server process [42]",
        "request_id": "r-1",
    }
    assert "request_id" not in outside


def test_configuring_twice_installs_one_handler(stream: io.StringIO) -> None:
    configure_logging("info", stream=stream)
    logging.getLogger("destgraph.test").info("once")
    assert len(_lines(stream)) == 1


def test_the_app_factory_configures_json_logs_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from destgraph.app import create_app
    from tests.schema.conftest import stack_settings

    root = logging.getLogger()
    level = root.level
    monkeypatch.setenv("DESTGRAPH_LOG_FORMAT", "json")
    try:
        create_app(stack_settings())
        assert any(type(h).__name__ == "_JsonLinesHandler" for h in root.handlers)
    finally:
        unconfigure_logging()
        root.setLevel(level)
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.NOTSET)


# -- tracing configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "exporters"),
    [
        ({}, []),
        ({"OTEL_SERVICE_NAME": "destgraph"}, []),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, ["otlp_proto_http"]),
        ({"OTEL_TRACES_EXPORTER": "otlp,console"}, ["otlp_proto_http", "console"]),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, ["otlp_proto_http"]),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, ["otlp_proto_http"]),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, ["otlp_proto_grpc"]),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}, []),
    ],
)
def test_the_otel_variables_that_ask_for_traces(environ: dict[str, str], exporters: list[str]) -> None:
    assert tracing.requested_exporters(environ) == exporters


def test_an_exporter_that_is_not_installed_leaves_tracing_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert not tracing.configure_from_env({"OTEL_TRACES_EXPORTER": "no_such_exporter"})
    assert not tracing.enabled()
    assert "no_such_exporter" in caplog.text
    assert not tracing.configure_from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "x", "OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"})


def test_the_console_exporter_is_set_up_from_the_environment() -> None:
    try:
        assert tracing.configure_from_env({"OTEL_TRACES_EXPORTER": "console"})
        assert tracing.enabled()
        provider = tracing.provider()
        assert provider is not None and provider.resource.attributes["service.name"] == "destgraph"
    finally:
        tracing.shutdown()
    assert not tracing.enabled()


def test_without_otel_variables_nothing_of_opentelemetry_is_imported() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        import httpx
        from destgraph.app import create_app
        from tests.schema.conftest import API_KEY, stack_settings

        async def main():
            app = create_app(stack_settings())
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://g") as client:
                answer = await client.post(
                    "/graphql", json={"query": "{ workspaces { key } }"},
                    headers={"Authorization": f"Bearer {API_KEY}"},
                )
                assert answer.status_code == 200, answer.text
                assert (await client.get("/metrics")).status_code == 200
            await app.state.gateway.aclose()
            print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))

        asyncio.run(main())
        """
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=environ, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- counters ---------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _workspace(**options: Any) -> WorkspaceConfig:
    return WorkspaceConfig.model_validate(
        {"key": "ours-main", "provider": "ours", "base_url": "http://ours", "token_env": "UNUSED", **options}
    )


async def test_the_read_cache_counts_each_lookup_once_by_workspace_kind_and_result() -> None:
    accounting = CallAccounting()
    clock = FakeClock()
    workspace = _workspace(
        cache_ttl_seconds={"destinations": 10},
        cache_stale_while_revalidate_seconds=10,
        cache_stale_if_error_seconds=100,
    )
    cache = ReadCache(InMemoryCache(), workspace, clock=clock, accounting=accounting)

    async def fetch() -> Any:
        return {"entities": []}

    async def fail() -> Any:
        raise UpstreamUnavailable("down", provider="ours", workspace="ours-main", operation="list_destinations")

    await cache.read("/destinations", "list_destinations", fetch)  # miss
    await cache.read("/destinations", "list_destinations", fetch)  # hit
    clock.now += 15
    await cache.read("/destinations", "list_destinations", fail)  # stale while its refresh runs (and fails)
    clock.now += 20
    await cache.read("/destinations", "list_destinations", fail)  # stale: the vendor cannot answer
    with pytest.raises(UpstreamUnavailable):
        await cache.read("/other", "list_destinations", fail)  # a miss the vendor could not answer
    await cache.read("/x", "create_destination", fetch)  # not cached: not counted

    def count(result: str) -> float | None:
        labels = {"workspace": "ours-main", "kind": "destinations", "result": result}
        return accounting.registry.get_sample_value("destgraph_read_cache_total", labels)

    assert [count(r) for r in ("miss", "hit", "stale_while_revalidate", "stale_if_error")] == [2, 1, 1, 1]


async def test_budget_remaining_is_the_room_of_the_in_process_window() -> None:
    budgets = InMemoryBudgets(clock=FakeClock())
    budget = RateBudget(calls=5, seconds=60)
    assert remaining_calls(budgets, "w", budget) == 5
    await budgets.acquire("w", budget, patience=0, count=3)
    assert remaining_calls(budgets, "w", budget) == 2
    await budgets.release("w", budget, count=3)  # finished calls stay in the window for its length
    assert remaining_calls(budgets, "w", budget) == 2
    await budgets.spend("w", budget, count=4)  # over the budget: nothing left, never negative
    assert remaining_calls(budgets, "w", budget) == 0


def test_operation_names_past_the_cap_are_counted_as_other() -> None:
    accounting = CallAccounting()
    for n in range(MAX_OPERATION_NAMES + 5):
        accounting.request(operation=f"Op{n}", operation_type="query", outcome="ok", seconds=0.01)
    accounting.request(operation="Op0", operation_type="query", outcome="ok", seconds=0.01)

    def count(name: str) -> float | None:
        labels = {"operation": name, "type": "query", "outcome": "ok"}
        return accounting.registry.get_sample_value("destgraph_graphql_requests_total", labels)

    assert count("Op0") == 2 and count(f"Op{MAX_OPERATION_NAMES - 1}") == 1
    assert count(f"Op{MAX_OPERATION_NAMES}") is None and count(OTHER_OPERATION) == 5
