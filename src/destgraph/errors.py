"""The one error tree of the gateway.

DestgraphError
  UpstreamError(provider, workspace, operation)   raised only in adapters and the upstream client
    UpstreamUnavailable                           connection refused, 5xx: retryable
      UpstreamTimeout                             no answer within the call's timeout
      UpstreamOutcomeUnknown(settled)             a write was sent, its reply lost or 5xx: maybe applied
    UpstreamRateLimited(retry_after)              429, or our own budget for the vendor is spent
    UpstreamAuthFailed                            401/403: the configured token is refused
    UpstreamRejected(status, vendor_message)      other 4xx: the vendor refused the request
      UpstreamConflict                            409: refused because of the resource's state (in use)
    UpstreamNotFound                              404 on a resource we asked for
    UpstreamProtocolError                         bad JSON, a shape the adapter does not know
  NotFoundError                                   no such object, or not visible to the caller
  InvalidInputError(field, message)               bad input caught before any upstream call
  BadCursorError                                  a cursor this API did not issue
  UnsupportedError                                the provider lacks the capability
  ForbiddenError                                  the API key may not do this
  QuotaExceeded(retry_after)                      the API key spent its share of the gateway's calls
  UnauthenticatedError                            no API key, or an unknown one
  ConfigError                                     the gateway's configuration is unusable
  StateUnavailable                                the shared state store (Redis) did not answer

schema/errors.py is the only place that turns this tree into GraphQL ErrorCodes and extensions.
Messages never hold secrets: the upstream client scrubs vendor messages before raising.
"""

from __future__ import annotations

from typing import Any

from destgraph.domain.problems import ProblemCode


class DestgraphError(Exception):
    """Base of every error the gateway raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UpstreamError(DestgraphError):
    """A vendor call failed."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        workspace: str,
        operation: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.workspace = workspace
        self.operation = operation
        self.status = status
        self.retry_after = retry_after


class UpstreamUnavailable(UpstreamError):
    """The vendor could not be reached or answered 5xx."""

    retryable = True


class UpstreamTimeout(UpstreamUnavailable):
    """The vendor did not answer in time."""


class UpstreamOutcomeUnknown(UpstreamUnavailable):
    """A write reached the vendor and its reply was lost or a 5xx: the vendor may have applied it.

    ``settled``: a reply did come (a 5xx), so the vendor is done with the call and a read now tells
    whether it applied it; without a reply the vendor may still be applying it.
    """

    def __init__(self, message: str, *, settled: bool, **context: Any) -> None:
        super().__init__(message, **context)
        self.settled = settled


class UpstreamRateLimited(UpstreamError):
    """The vendor (or our budget for it) refused the call for now."""

    retryable = True


class UpstreamAuthFailed(UpstreamError):
    """The vendor refused the configured credentials."""


class UpstreamRejected(UpstreamError):
    """The vendor refused the request as invalid."""

    def __init__(self, message: str, *, vendor_message: str | None = None, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.vendor_message = vendor_message or message


class UpstreamConflict(UpstreamRejected):
    """The vendor refused because of the resource's state (409), e.g. a destination still in use."""


class UpstreamNotFound(UpstreamError):
    """The vendor has no such resource."""


class UpstreamProtocolError(UpstreamError):
    """The vendor answered something the adapter cannot read."""


class NotFoundError(DestgraphError):
    """No such object, or not visible to the caller."""


class InvalidInputError(DestgraphError):
    """Input rejected before any upstream call."""

    def __init__(self, message: str, *, field: tuple[str, ...] = (), code: ProblemCode = ProblemCode.INVALID) -> None:
        super().__init__(message)
        self.field = field
        #: the userError code a mutation reports this as
        self.code = code


class BadCursorError(DestgraphError):
    """A cursor this API did not issue, or issued for another query."""


class UnsupportedError(DestgraphError):
    """The provider does not have the capability asked for."""


class ForbiddenError(DestgraphError):
    """The API key may not do this."""


class QuotaExceeded(DestgraphError):
    """The API key spent its share of the upstream calls the gateway may make in a minute."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnauthenticatedError(DestgraphError):
    """No API key, or one the gateway does not know."""


class ConfigError(DestgraphError):
    """The gateway's configuration cannot be used."""


class StateUnavailable(DestgraphError):
    """The store the replicas share state through (Redis) did not answer; retrying later may help."""
