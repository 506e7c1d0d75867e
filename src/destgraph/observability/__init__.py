"""Structured logs, traces and the request-level metrics of the gateway.

- ``context``: the request being served (its id, what its operations did), in a context variable
  every task it starts inherits; the upstream client reads the id from there for ``X-Request-Id``.
- ``logging``: structlog JSON lines on stderr, one access line per request (``configure_logging``).
- ``tracing``: OpenTelemetry spans, only when the standard ``OTEL_*`` variables ask for an exporter;
  otherwise every span is a no-op and OpenTelemetry is never imported.
- ``middleware``: the ASGI middleware ``install`` registers on the app (request id, access line,
  server spans).
- ``graphql``: the schema extension of each operation (its span, outcome, price, error codes).

Nothing here is imported by ``__init__``: the adapters import ``context`` and ``tracing`` alone.
"""
