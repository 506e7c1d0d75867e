"""What can go wrong in export, plan and apply, as values the commands render.

AscodeError(problems)                 base: one or more problems, each with its path in the file
  FileError                           the file or its state record cannot be read: YAML, unknown field, wrong type
  GatewayError(code, retryable)       the gateway answered a GraphQL error (its extensions.code), or no usable answer
    UnreachableError                  no answer at all: connection refused, reset, timed out

A ``Problem`` is data, not an exception: a plan collects every problem of the file (each with the
dotted path of the field at fault, e.g. ``workspaces.segment-demo.destinations.klaviyo-eu.settings.apiKey``)
before it gives up. Messages never hold a secret value: they name references (``${NAME}``) instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at a dotted path of the file ("" for the file as a whole)."""

    path: str
    message: str
    code: str = "INVALID"
    line: int | None = None

    def where(self) -> str:
        at = self.path or "(file)"
        return f"{at} (line {self.line})" if self.line else at


class AscodeError(Exception):
    """Base of the errors export, plan and apply stop on."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.where()}: {p.message}" for p in self.problems))


class FileError(AscodeError):
    """The destinations file, or its state record, is not one the tool can read."""


class GatewayError(AscodeError):
    """The gateway answered with an error, or with something that is not a GraphQL answer."""

    def __init__(self, message: str, *, code: str, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__([Problem("", message, code)])
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after


class UnreachableError(GatewayError):
    """The gateway did not answer: the request may or may not have reached it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="UNREACHABLE", retryable=True)
