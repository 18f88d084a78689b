"""Persisted operations: GraphQL documents registered once and called by their id.

An id is ``sha256:`` and the hex SHA-256 of the document's text, as in GraphQL over HTTP's
persisted documents: the id says which text it stands for, so anyone may check it and nobody can
register another text under it. Callers send either

- ``{"documentId": "sha256:…", "variables": …}`` (Relay, GraphQL over HTTP, the admin SPA), or
- ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "…"}}, …}`` (Apollo's
  automatic persisted queries: an unknown hash is answered ``PersistedQueryNotFound``, and the
  client sends the hash again with the document, which registers it).

Documents are kept in PostgreSQL (``persisted_operations``, shared by every API process) and,
once read, in the process.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from tortoise import Tortoise

__all__ = [
    "PersistedOperations",
    "document_id",
    "normalize_id",
    "read_manifest",
]

_ID = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")
_CACHE_SIZE = 10_000


def document_id(document: str) -> str:
    """The id of a document's exact text."""
    return "sha256:" + hashlib.sha256(document.encode()).hexdigest()


def normalize_id(value: object) -> str | None:
    """``sha256:<hex>`` for an id given with or without its prefix; None for anything else."""
    if not isinstance(value, str):
        return None
    found = _ID.match(value)
    return None if found is None else "sha256:" + found.group(1).lower()


def read_manifest(path: Path) -> dict[str, str]:
    """A manifest of documents by id (graphql-codegen's ``persisted-documents.json``).

    Raises ValueError when an entry's id is not its document's.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected an object of documents by id")
    documents: dict[str, str] = {}
    for key, document in raw.items():
        wanted = normalize_id(key)
        if not isinstance(document, str) or wanted is None or document_id(document) != wanted:
            raise ValueError(f"{path}: {key!r} is not the sha256 id of its document")
        documents[wanted] = document
    return documents


class PersistedOperations:
    """The registry: documents by id, read through a bounded in-process cache."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._cache: OrderedDict[str, str] = OrderedDict()

    def cached(self, operation_id: str) -> str | None:
        document = self._cache.get(operation_id)
        if document is not None:
            self._cache.move_to_end(operation_id)
        return document

    def _keep(self, operation_id: str, document: str) -> None:
        self._cache[operation_id] = document
        self._cache.move_to_end(operation_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)

    async def get(self, operation_id: str) -> str | None:
        """The document registered under an id (normalised by ``normalize_id``), or None."""
        document = self.cached(operation_id)
        if document is not None:
            return document
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "SELECT document FROM persisted_operations WHERE id = $1", [operation_id]
        )
        if not rows:
            return None
        document = str(rows[0]["document"])
        self._keep(operation_id, document)
        return document

    async def register(self, documents: Mapping[str, str], source: str) -> list[str]:
        """Register documents by id (each id must be its document's); returns the new ids."""
        if not documents:
            return []
        for operation_id, document in documents.items():
            if document_id(document) != operation_id:
                raise ValueError(f"{operation_id} is not the id of its document")
        conn = Tortoise.get_connection("default")
        ids = list(documents)
        rows = await conn.execute_query_dict(
            "WITH added AS ("
            " INSERT INTO persisted_operations (id, document, source)"
            " SELECT id, document, $3 FROM unnest($1::text[], $2::text[]) AS d (id, document)"
            " ON CONFLICT (id) DO NOTHING RETURNING id"
            ") SELECT id FROM added",
            [ids, [documents[i] for i in ids], source],
        )
        for operation_id in ids:
            self._keep(operation_id, documents[operation_id])
        return [str(r["id"]) for r in rows]
