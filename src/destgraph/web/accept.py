"""The Accept header as media ranges with their quality values (RFC 9110, section 12.5.1)."""

from __future__ import annotations


def media_ranges(accept: str | None) -> list[tuple[str, float]]:
    """Each range of ``accept``, lowercased, with its ``q`` (1.0 where none is given, 0.0 where it
    is not a number); ranges without parameters as written, e.g. ``multipart/mixed``."""
    ranges: list[tuple[str, float]] = []
    for part in (accept or "").split(","):
        kind, _, rest = part.partition(";")
        quality = 1.0
        for param in rest.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        ranges.append((kind.strip().lower(), quality))
    return ranges
