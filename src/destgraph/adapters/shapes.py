"""The guarded boundary every adapter parses vendor JSON through.

Each vendor package declares its shapes as pydantic models (``<vendor>/shapes.py``); these helpers
validate a vendor answer against them and turn any misfit (missing or mistyped field, an answer
that is not an object, a list that is not a list) into ``UpstreamProtocolError`` for that part alone.
Rows of a list are parsed one by one: a row that does not fit is left out and reported with its
index and, where readable, its id, so it never hides the healthy rows beside it.

Messages name the fields at fault and never the values (a value can be a secret).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from destgraph.adapters.errors import CallContext
from destgraph.domain import jsonio
from destgraph.domain.models import RejectedRow
from destgraph.errors import UpstreamProtocolError

Shape = TypeVar("Shape", bound=BaseModel)
Built = TypeVar("Built")


class VendorShape(BaseModel):
    """Base of every vendor shape: strict types (a number is not a string), unknown fields ignored
    (vendors add fields; the raw row keeps them)."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class ParsedByContent(Generic[Shape]):
    """A validator of a nested object that vendors repeat in every row (Segment embeds a whole
    catalog entry in each destination): each distinct content is validated once and the same
    model answered for it after, until ``maximum`` other contents push it out. A misfit is
    validated, and raised, every time. Use as ``Annotated[Shape | None, PlainValidator(memo)]``."""

    def __init__(self, shape: type[Shape], *, maximum: int) -> None:
        self._shape = shape
        self._maximum = maximum
        self._parsed: OrderedDict[bytes, Shape] = OrderedDict()

    def parse(self, data: Any, context: CallContext, *, what: str) -> Shape:
        """``data`` as the shape, as ``parse`` reads it, through the memo."""
        try:
            found = self(data)
        except ValidationError as exc:
            raise misfit(context, what, exc) from None
        if found is None:
            raise UpstreamProtocolError(f"{context.provider} answered {what} as null", **context.as_kwargs())
        return found

    def __call__(self, raw: Any) -> Shape | None:
        if raw is None:
            return None
        content = jsonio.dumps(raw)
        found = self._parsed.get(content)
        if found is None:
            found = self._parsed[content] = self._shape.model_validate(raw)
            if len(self._parsed) > self._maximum:
                self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(content)
        return found


class BuiltOnce(Generic[Shape, Built]):
    """What ``build`` makes of a parsed model, kept by the model's identity. ParsedByContent
    answers the same model for the same content, so each distinct content is built once, until
    ``maximum`` other models push it out. The model is held beside what was built from it, so its
    id is never another's meanwhile."""

    def __init__(self, build: Callable[[Shape], Built], *, maximum: int) -> None:
        self._build = build
        self._maximum = maximum
        self._built: OrderedDict[int, tuple[Shape, Built]] = OrderedDict()

    def __call__(self, model: Shape) -> Built:
        found = self._built.get(id(model))
        if found is not None and found[0] is model:
            self._built.move_to_end(id(model))
            return found[1]
        built = self._build(model)
        self._built[id(model)] = (model, built)
        if len(self._built) > self._maximum:
            self._built.popitem(last=False)
        return built


def parse(shape: type[Shape], data: Any, context: CallContext, *, what: str) -> Shape:
    """``data`` as ``shape``, or UpstreamProtocolError naming what did not fit."""
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        raise misfit(context, what, exc) from None


def parse_rows(
    shape: type[Shape], rows: Sequence[Any], context: CallContext, *, what: str, id_key: str = "id"
) -> tuple[list[tuple[Shape, dict[str, Any]]], list[RejectedRow]]:
    """Each row that fits, with the row itself; each that does not, as a RejectedRow."""
    parsed: list[tuple[Shape, dict[str, Any]]] = []
    rejected: list[RejectedRow] = []
    for index, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                raise TypeError
            parsed.append((shape.model_validate(row), row))
        except (ValidationError, TypeError) as exc:
            native_id = row.get(id_key) if isinstance(row, dict) else None
            label = f"{what} {index}" + (f" (id {native_id})" if isinstance(native_id, str | int) else "")
            error = (
                misfit(context, label, exc)
                if isinstance(exc, ValidationError)
                else UpstreamProtocolError(
                    f"{context.provider} answered {label} with something other than an object",
                    **context.as_kwargs(),
                )
            )
            rejected.append(RejectedRow(index, str(native_id) if isinstance(native_id, str | int) else None, error))
    return parsed, rejected


def misfit(context: CallContext, what: str, exc: ValidationError) -> UpstreamProtocolError:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)[:5]
    )
    return UpstreamProtocolError(
        f"{context.provider} answered {what} in a shape the gateway does not know ({problems})",
        **context.as_kwargs(),
    )


def optional_datetime(value: Any) -> datetime | None:
    """A vendor timestamp, or None when absent or unreadable (timestamps are informative only)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
