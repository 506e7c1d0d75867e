"""Problems with a mutation's input: what becomes a userError, with the input field at fault."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ProblemCode(enum.Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    UNKNOWN_SETTING = "UNKNOWN_SETTING"
    READ_ONLY = "READ_ONLY"
    NOT_FOUND = "NOT_FOUND"
    NOT_CREATABLE = "NOT_CREATABLE"
    UNSUPPORTED = "UNSUPPORTED"
    CONFLICT = "CONFLICT"
    IN_USE = "IN_USE"
    UPSTREAM_REJECTED = "UPSTREAM_REJECTED"
    #: the vendor may have applied the write, and reading it back could not tell
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"


@dataclass(frozen=True)
class Problem:
    field: tuple[str, ...]
    message: str
    code: ProblemCode


class Problems(list[Problem]):
    """Problems collected while checking one input; ``add`` reads like the sentence it records."""

    def add(self, field: tuple[str, ...], message: str, code: ProblemCode = ProblemCode.INVALID) -> None:
        self.append(Problem(field=field, message=message, code=code))
