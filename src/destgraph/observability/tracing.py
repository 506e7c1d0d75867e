"""OpenTelemetry traces, only when the standard ``OTEL_*`` variables configure an exporter.

``configure_from_env`` (called by the app factory) sets tracing up when ``OTEL_TRACES_EXPORTER``
names an exporter (``otlp``, ``console``, or any installed ``opentelemetry_traces_exporter`` entry
point; ``none`` turns it off), or when ``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set (OTLP then), unless ``OTEL_SDK_DISABLED=true``.
``otlp`` is OTLP over HTTP/protobuf unless ``OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL=grpc`` (which
needs ``opentelemetry-exporter-otlp-proto-grpc``). The exporters read their own variables
(endpoint, headers, timeout); the sampler comes from ``OTEL_TRACES_SAMPLER``, the resource from
``OTEL_SERVICE_NAME`` / ``OTEL_RESOURCE_ATTRIBUTES`` (service.name ``destgraph`` by default).

Without that configuration nothing is set up and OpenTelemetry is never imported: ``span`` answers
one shared no-op context manager. The packages are the optional extra ``destgraph[otel]``.

The provider is this module's own, not OpenTelemetry's global one (which can be set once per
process): tests install an in-memory exporter with ``configure`` and remove it with ``shutdown``.

Spans (names):
- ``POST /graphql`` ...: the server request (opentelemetry-instrumentation-asgi, see middleware.py);
- ``query Name`` / ``mutation Name`` / ``subscription Name``: one per GraphQL operation (graphql.py);
- ``dataloader destination`` / ``dataloader destination_type`` / ``dataloader subscriptions``:
  one per dataloader batch (schema/loaders.py);
- ``<provider> <operation>`` (``segment list_destinations``): one per upstream HTTP exchange, a
  CLIENT span (adapters/upstream.py), with provider, workspace, operation, method, path and status.

What a span holds is chosen here and in those places, never a header, a query string, variables or
a document: no secret can reach an attribute.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span as OtelSpan
    from opentelemetry.trace import Tracer

logger = logging.getLogger("destgraph.tracing")

#: the OTLP protocol ``otlp`` means, to the entry point of its exporter
_OTLP_EXPORTERS = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}
_DEFAULT_SERVICE_NAME = "destgraph"

Kind = Literal["internal", "client", "server"]
AttributeValue = str | bool | int | float | tuple[str, ...]


class Span:
    """A span being recorded (a thin view of OpenTelemetry's): attributes, its name, a failure."""

    __slots__ = ("_span",)

    def __init__(self, span: OtelSpan) -> None:
        self._span = span

    def set_attributes(self, attributes: Mapping[str, AttributeValue | None]) -> None:
        """Set each attribute; None values are left out."""
        for key, value in attributes.items():
            if value is not None:
                self._span.set_attribute(key, value)

    def rename(self, name: str) -> None:
        self._span.update_name(name)

    def fail(self, description: str) -> None:
        from opentelemetry.trace import Status, StatusCode

        self._span.set_status(Status(StatusCode.ERROR, description))


class _NoSpan(Span):
    """What every span is when tracing is off."""

    __slots__ = ()

    def __init__(self) -> None:
        pass

    def set_attributes(self, attributes: Mapping[str, AttributeValue | None]) -> None:
        pass

    def rename(self, name: str) -> None:
        pass

    def fail(self, description: str) -> None:
        pass


class _NoSpanContext:
    """One shared, stateless context manager: entering it costs nothing and imports nothing."""

    span = _NoSpan()

    def __enter__(self) -> Span:
        return self.span

    def __exit__(self, *exc: object) -> None:
        return None


_NO_SPAN_CONTEXT = _NoSpanContext()


@dataclass
class _Tracing:
    provider: TracerProvider
    tracer: Tracer


#: set by configure, cleared by shutdown: the process's tracing, as OpenTelemetry's provider is
_state: _Tracing | None = None


def enabled() -> bool:
    return _state is not None


def provider() -> TracerProvider | None:
    return _state.provider if _state is not None else None


def requested_exporters(environ: Mapping[str, str] | None = None) -> list[str]:
    """The exporters the OTEL_* variables ask for (entry point names); empty: no tracing."""
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    named = [n.strip().lower() for n in env.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    if not named:
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        named = ["otlp"] if endpoint else []
    if "none" in named:
        return []
    protocol = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf"
    ).strip()
    exporters = []
    for name in named:
        if name == "otlp":
            if protocol not in _OTLP_EXPORTERS:
                raise ValueError(f"OTLP protocol {protocol!r} is not supported (http/protobuf or grpc)")
            name = _OTLP_EXPORTERS[protocol]
        exporters.append(name)
    return exporters


def configure_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """Set tracing up when the OTEL_* variables ask for it (once per process); whether it is on.

    A request that cannot be met (the extra not installed, an unknown exporter or protocol) is
    logged as a warning and leaves tracing off: the gateway serves either way.
    """
    if _state is not None:
        return True
    try:
        names = requested_exporters(environ)
        if not names:
            return False
        exporters = [_load_exporter(name) for name in names]
    except (ImportError, LookupError, ValueError) as exc:
        logger.warning("tracing requested by OTEL_* variables but not set up: %s", exc)
        return False
    configure(*exporters, environ=environ)
    logger.info("tracing on", extra={"destgraph": {"exporters": names}})
    return True


def _load_exporter(name: str) -> SpanExporter:
    from importlib.metadata import entry_points

    found = list(entry_points(group="opentelemetry_traces_exporter", name=name))
    if not found:
        raise LookupError(f"no OpenTelemetry span exporter {name!r} is installed (pip install 'destgraph[otel]')")
    exporter: SpanExporter = found[0].load()()
    return exporter


def configure(*exporters: SpanExporter, batch: bool = True, environ: Mapping[str, str] | None = None) -> TracerProvider:
    """Trace to ``exporters`` from now on (replacing any tracing set up before); the provider.

    ``batch=False`` exports each span as it ends (tests reading an in-memory exporter).
    """
    global _state
    from opentelemetry import trace
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    shutdown()
    env = os.environ if environ is None else environ
    named = env.get("OTEL_SERVICE_NAME") or "service.name=" in env.get("OTEL_RESOURCE_ATTRIBUTES", "")
    resource = Resource.create({} if named else {SERVICE_NAME: _DEFAULT_SERVICE_NAME})
    tracer_provider = TracerProvider(resource=resource)
    for exporter in exporters:
        processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        tracer_provider.add_span_processor(processor)
    _state = _Tracing(provider=tracer_provider, tracer=trace.get_tracer("destgraph", tracer_provider=tracer_provider))
    return tracer_provider


def shutdown() -> None:
    """Flush and stop tracing; spans are no-ops again."""
    global _state
    state, _state = _state, None
    if state is not None:
        stop: Callable[[], object] = state.provider.shutdown  # untyped in older SDKs
        stop()


def span(
    name: str, attributes: Mapping[str, AttributeValue | None] | None = None, *, kind: Kind = "internal"
) -> AbstractContextManager[Span]:
    """A context manager: the span ``name``, current inside the block (its children's parent),
    ended after it, an exception recorded on it. A shared no-op when tracing is off."""
    if _state is None:
        return _NO_SPAN_CONTEXT
    return _recording(_state.tracer, name, attributes, kind)


@contextmanager
def _recording(
    tracer: Tracer, name: str, attributes: Mapping[str, AttributeValue | None] | None, kind: Kind
) -> Iterator[Span]:
    from opentelemetry.trace import SpanKind

    kinds = {"internal": SpanKind.INTERNAL, "client": SpanKind.CLIENT, "server": SpanKind.SERVER}
    given = {k: v for k, v in (attributes or {}).items() if v is not None}
    with tracer.start_as_current_span(name, kind=kinds[kind], attributes=given) as recorded:
        yield Span(recorded)


def inject(headers: MutableMapping[str, str]) -> None:
    """Add the current trace context (traceparent) to outgoing ``headers``, when tracing."""
    if _state is None:
        return
    from opentelemetry import propagate

    propagate.inject(headers)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span, hex, for log lines; None when not tracing."""
    if _state is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


_Batch = TypeVar("_Batch", bound=Callable[..., Awaitable[Any]])


def traced_batch(loader: str) -> Callable[[_Batch], _Batch]:
    """Decorates a dataloader's ``batch_load_fn(self, keys)``: each batch in its span
    (``dataloader <loader>``, with the batch's size), the parent of the upstream calls it makes."""

    def decorate(batch_load_fn: _Batch) -> _Batch:
        @functools.wraps(batch_load_fn)
        async def traced(self: Any, keys: Sequence[Any]) -> Any:
            if _state is None:
                return await batch_load_fn(self, keys)
            attributes: dict[str, AttributeValue | None] = {
                "destgraph.loader": loader,
                "destgraph.batch.size": len(keys),
            }
            with span(f"dataloader {loader}", attributes):
                return await batch_load_fn(self, keys)

        return cast(_Batch, traced)

    return decorate
