"""Automatic persisted queries (Apollo's APQ) and trusted documents: GraphQL documents by the SHA-256
of their text, kept in the state's ``PersistedQueryPort`` (``Gateway.state.documents``).

**APQ.** A request whose ``extensions`` hold ``persistedQuery: {"version": 1, "sha256Hash": H}``
(the POST body's extensions, or a GET's ``extensions`` parameter as JSON):

- without ``query``: the document stored under H runs. None is: the answer Apollo clients expect,
  ``{"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code":
  "PERSISTED_QUERY_NOT_FOUND"}}]}`` (HTTP 200 with application/json; 404 with
  application/graphql-response+json, whose answers without ``data`` are never 2xx), on which they
  send the request again with the text;
- with ``query``: H must be the SHA-256 of the text (else BAD_REQUEST), and the text is stored
  under H once it proved a document (it parsed and validated).

**Trusted documents.** ``GatewayOptions.trusted_documents`` names a JSON file ``{sha256: document}``
(``destgraph documents add`` writes it) or a directory of ``.graphql`` files, read when the app is
built (a file that does not hold what it claims is a ConfigError) and put into the port before the
first request is answered. Clients may then send any of them by hash alone. With
``GatewayOptions.trusted_only`` only they run, over HTTP and websockets: sent by hash, or as a text
whose hash is registered; anything else is refused before it is parsed, with HTTP 400 and
``PERSISTED_QUERY_NOT_IN_LIST``, and no request registers anything. The code is named as Apollo's
router names its safelist refusal. It is not PERSISTED_QUERY_NOT_SUPPORTED: to Apollo clients that
means "this server has no persisted queries", so they stop sending hashes, the opposite of what a
trusted-only server wants. Nor is it PERSISTED_QUERY_NOT_FOUND, which asks them to send the text to
be stored, which trusted-only never does.

Hashes are of the document's exact text, UTF-8 encoded, as clients compute them: a document read
from a file keeps its line endings and its final newline.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from destgraph.errors import ConfigError
from destgraph.schema.errors import ErrorCode
from destgraph.state.ports import PersistedQueryPort

#: the message Apollo clients look for to send the document's text
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def document_hash(document: str) -> str:
    """The SHA-256 (hex) of a document's text, as APQ clients and trusted-document manifests compute it."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def read_document(path: Path) -> str:
    """A document file's exact text (no newline translation: the hash is of what the client sends)."""
    return path.read_bytes().decode("utf-8")


class PersistedQueryError(Exception):
    """A request the persisted documents refuse: its message, its code and its HTTP status."""

    def __init__(self, message: str, code: ErrorCode, *, status: int = 400, status_json: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        #: with application/graphql-response+json
        self.status = status
        #: with application/json (where GraphQL answers are 200 unless the request was malformed)
        self.status_json = status if status_json is None else status_json


def not_found() -> PersistedQueryError:
    return PersistedQueryError(NOT_FOUND_MESSAGE, ErrorCode.PERSISTED_QUERY_NOT_FOUND, status=404, status_json=200)


def not_in_list(sha256: str) -> PersistedQueryError:
    return PersistedQueryError(
        f"Only trusted documents run on this gateway, and {sha256} is not one: register it with"
        " `destgraph documents add` (GatewayOptions.trusted_documents)",
        ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
    )


def bad_request(message: str) -> PersistedQueryError:
    return PersistedQueryError(message, ErrorCode.BAD_REQUEST)


@dataclass(frozen=True)
class Resolved:
    """The document a request runs, and the hash to store it under once it proved valid (APQ)."""

    query: str
    register: str | None = None


def load_trusted_documents(path: Path) -> dict[str, str]:
    """Documents by hash from a JSON file ``{sha256: document}`` or a directory of ``.graphql`` files."""
    if path.is_dir():
        documents: dict[str, str] = {}
        for file in sorted(path.rglob("*.graphql")):
            try:
                text = read_document(file)
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"trusted document {file} cannot be read: {exc}") from None
            documents[document_hash(text)] = text
        return documents
    return load_manifest(path, missing_ok=False)


def load_manifest(path: Path, *, missing_ok: bool = True) -> dict[str, str]:
    """A trusted-documents file ``{sha256: document}``; each hash checked against its document."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise ConfigError(f"trusted documents file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"trusted documents file {path} cannot be read: {exc}") from None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"trusted documents file {path} is not JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise ConfigError(f"trusted documents file {path} must hold a JSON object {{sha256: document}}")
    documents = {}
    for key, document in manifest.items():
        if not isinstance(document, str):
            raise ConfigError(f"trusted documents file {path}: the document under {key} is not a string")
        digest = document_hash(document)
        if key.lower() != digest:
            raise ConfigError(f"trusted documents file {path}: {key} is not the SHA-256 of its document ({digest})")
        documents[digest] = document
    return documents


def save_manifest(path: Path, documents: Mapping[str, str]) -> None:
    """Write a trusted-documents file, sorted by hash, replacing the old one at once."""
    text = json.dumps(dict(sorted(documents.items())), indent=2, ensure_ascii=False) + "\n"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


class PersistedDocuments:
    """What the GraphQL endpoint runs for a request's ``query`` and ``extensions.persistedQuery``."""

    def __init__(
        self, port: PersistedQueryPort, *, trusted: Mapping[str, str] | None = None, trusted_only: bool = False
    ) -> None:
        self.port = port
        self.trusted_only = trusted_only
        self._trusted = dict(trusted or {})
        self._loaded = not self._trusted
        self._loading = asyncio.Lock()

    async def _ready(self) -> None:
        """The trusted documents are in the port (put there once, before the first request's lookup)."""
        if self._loaded:
            return
        async with self._loading:
            if not self._loaded:
                for sha256, document in self._trusted.items():
                    await self.port.put(sha256, document)
                self._loaded = True

    async def _registered(self, sha256: str) -> str | None:
        await self._ready()
        found = self._trusted.get(sha256)
        return found if found is not None else await self.port.get(sha256)

    async def trusted(self, query: str) -> bool:
        """Whether ``query`` may run: always, unless trusted_only and its hash is not registered."""
        return not self.trusted_only or await self._registered(document_hash(query)) is not None

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> Resolved:
        """The document to run; PersistedQueryError when there is none the request may run.

        ``query`` is None or a non-empty string; a request with neither query nor persistedQuery is
        the caller's to refuse.
        """
        await self._ready()
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if query is None:
                raise bad_request("No query: send the document in query, or its hash in extensions.persistedQuery")
            if not await self.trusted(query):
                raise not_in_list(document_hash(query))
            return Resolved(query)
        sha256 = _persisted_hash(persisted)
        if query is None:
            document = await self._registered(sha256)
            if document is None:
                raise not_in_list(sha256) if self.trusted_only else not_found()
            return Resolved(document)
        if document_hash(query) != sha256:
            raise bad_request(
                "provided sha does not match query: extensions.persistedQuery.sha256Hash must be the"
                " SHA-256 (hex) of the query's UTF-8 text"
            )
        if self.trusted_only:
            if await self._registered(sha256) is None:
                raise not_in_list(sha256)
            return Resolved(query)
        return Resolved(query, register=sha256)

    async def register(self, resolved: Resolved) -> None:
        """Store an APQ registration's document under its hash (once it proved a valid document)."""
        if resolved.register is not None and not self.trusted_only:
            await self.port.put(resolved.register, resolved.query)


def _persisted_hash(persisted: object) -> str:
    if not isinstance(persisted, dict):
        raise bad_request('extensions.persistedQuery must be an object {"version": 1, "sha256Hash": "<hex>"}')
    version = persisted.get("version")
    if type(version) is not int or version != 1:
        raise bad_request("Unsupported persisted query version: extensions.persistedQuery.version must be 1")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise bad_request("extensions.persistedQuery.sha256Hash must be a SHA-256 in hex (64 characters)")
    return sha256.lower()


__all__ = [
    "NOT_FOUND_MESSAGE",
    "PersistedDocuments",
    "PersistedQueryError",
    "Resolved",
    "document_hash",
    "load_manifest",
    "load_trusted_documents",
    "read_document",
    "save_manifest",
]
