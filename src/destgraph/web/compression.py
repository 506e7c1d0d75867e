"""gzip for answers of a size worth it, to clients whose Accept-Encoding takes it.

Starlette's GZipMiddleware, with the streamed media types left alone. The installed Starlette
compresses a streamed answer chunk by chunk with a sync flush, so it holds no part back itself,
but it excludes only text/event-stream: the parts of a multipart/mixed answer (@defer, @stream)
would go compressed, and whatever gunzips them on the way (a proxy, a client's decoder) may wait
for more bytes before it hands a part on. Both are excluded here by name, so that a change of
Starlette's defaults cannot bring either in.

gzip only, no brotli or zstd: either needs a middleware from outside Starlette (brotli-asgi,
starlette-compress) and a native extension (brotli, zstandard), for JSON answers that gzip
already shrinks to a quarter or less; a proxy or CDN in front may add them. Should that change,
starlette-compress (gzip, brotli and zstd in one middleware) is the one to take.
"""

from __future__ import annotations

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp

#: answers whose parts must reach the client as they are made
STREAMED_MEDIA = ("multipart/mixed", "text/event-stream")


class Compression(GZipMiddleware):
    """GZipMiddleware for answers of ``minimum_bytes`` or more, never for STREAMED_MEDIA."""

    def __init__(self, app: ASGIApp, *, minimum_bytes: int) -> None:
        excluded = tuple(dict.fromkeys((*DEFAULT_EXCLUDED_CONTENT_TYPES, *STREAMED_MEDIA)))
        # level 6 (zlib's default): close to 9's size on JSON at a fraction of its time
        super().__init__(app, minimum_size=minimum_bytes, compresslevel=6, exclude_content_types=excluded)
