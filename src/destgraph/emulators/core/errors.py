"""The one exception an emulator handler raises to answer with a vendor error.

Each vendor renders it in its own error shape (``VendorSpec.render_error``); the core
only carries the status, a message and the extra fields a vendor may want to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class VendorError(Exception):
    """An HTTP error answered in the vendor's own error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str | None = None,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        #: a vendor-neutral name of the failure (not_found, validation, rate_limited, unauthorized ...)
        self.kind = kind or _KIND_BY_STATUS.get(status, "error")
        self.field = field
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


_KIND_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    415: "unsupported_media_type",
    422: "validation",
    429: "rate_limited",
    500: "internal",
    502: "bad_gateway",
    503: "unavailable",
    504: "gateway_timeout",
}
