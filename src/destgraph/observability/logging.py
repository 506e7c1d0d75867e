"""Structured logs: one JSON object per line on stderr, through structlog.

``configure_logging`` is called once by ``destgraph serve`` (and by the app factory when
``DESTGRAPH_LOG_FORMAT=json`` asks it to). It routes the standard library's logging through
structlog's ``ProcessorFormatter``, so the gateway's own lines, uvicorn's and any library's come
out alike: ``ts``, ``level``, ``logger``, ``event``, then the request's context (``request_id``,
``key_name``: bound with structlog's contextvars by the middleware, so every line logged while a
request is served carries them) and the line's own fields. ``trace_id`` / ``span_id`` are added
while a span is current.

The gateway's code logs through standard loggers with its fields under ``extra={"destgraph": {...}}``
(``log``); without ``configure_logging`` (a library use, the tests) those records go wherever the
host's logging sends them, and nothing is printed on stdout.

Secrets never reach a line: the fields logged are chosen (never headers, variables, settings or a
key), and as a second guard every line is scrubbed before it is written: values of fields named
like secrets (``token``, ``authorization``, ``password``, ``api_key`` ...) are replaced, and so is
any ``Bearer``/``Basic`` credential and every registered secret (the vendor tokens, by
``add_secrets``) wherever it appears, tracebacks included.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from destgraph.domain.secrets import is_secret_name
from destgraph.observability import tracing

REDACTED = "[redacted]"
#: the first keys of every line, in this order; the rest follow as logged
_LEADING = ("ts", "level", "logger", "event", "request_id")
#: fields the gateway logs whose names look like secrets but hold none
_NOT_SECRET_FIELDS = frozenset({"key_name", "cost_requested", "cost_actual", "objects_requested"})
_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}")
#: secrets shorter than this are not scrubbed as text (they would mangle every line)
_MIN_SECRET_LENGTH = 6

#: literal secrets scrubbed from every line (the vendor tokens of every app created), process-wide as
#: the logging configuration is
_secrets: set[str] = set()


def add_secrets(values: Iterable[str]) -> None:
    """Scrub these values from every line from now on (the vendor tokens, registered by the app)."""
    _secrets.update(v for v in values if len(v) >= _MIN_SECRET_LENGTH)


def log(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Log ``event`` with ``fields`` (rendered as the line's own keys once configured)."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"destgraph": fields})


# -- processors -------------------------------------------------------------------------------------


def _fields_of_record(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    """A standard record's ``extra={"destgraph": {...}}`` becomes keys of the line."""
    record = event_dict.get("_record")
    fields = getattr(record, "destgraph", None)
    if isinstance(fields, Mapping):
        for key, value in fields.items():
            event_dict.setdefault(str(key), value)
    return event_dict


def _trace_ids(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    ids = tracing.current_ids()
    if ids is not None:
        event_dict.setdefault("trace_id", ids[0])
        event_dict.setdefault("span_id", ids[1])
    return event_dict


def scrub_text(text: str) -> str:
    """``text`` with every registered secret and every Bearer/Basic credential replaced."""
    text = _CREDENTIAL.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _scrub(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if depth > 8:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and is_secret_name(k) else _scrub(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v, depth + 1) for v in value]
    return value


def redact(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    """The last guard: secret-named fields replaced, credentials and known secrets scrubbed."""
    for key in list(event_dict):
        if key not in _NOT_SECRET_FIELDS and key not in _LEADING and is_secret_name(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _scrub(event_dict[key])
    return event_dict


def _leading_keys_first(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    ordered = {key: event_dict.pop(key) for key in _LEADING if key in event_dict}
    ordered.update(event_dict)
    return ordered


# -- configuration ----------------------------------------------------------------------------------


class _JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler configure_logging installs on the root logger (found again by its class)."""


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        _trace_ids,
    ]


def configure_logging(level: str | int = "info", *, stream: IO[str] | None = None) -> logging.Handler:
    """JSON lines on ``stream`` (stderr) for every logger, at ``level`` and above; idempotent.

    uvicorn's loggers are taken over (their lines become JSON too); its access log is silenced,
    since the gateway writes its own access line (which never holds a query string).
    """
    shared = _shared_processors()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, _fields_of_record],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            _leading_keys_first,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = _JsonLinesHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _JsonLinesHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        taken = logging.getLogger(name)
        taken.handlers.clear()
        taken.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    # httpx logs every exchange at info with its whole URL (query string included) and httpcore its
    # headers at debug: the gateway records each upstream call itself (metrics, spans, access line)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def unconfigure_logging() -> None:
    """Remove what configure_logging installed (tests)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _JsonLinesHandler)]:
        root.removeHandler(old)
    structlog.reset_defaults()
