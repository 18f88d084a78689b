"""What a plugin's strawberry types and resolvers use, so they behave like the platform's own.

* ``Info``: the resolver's info; ``info.context.auth`` is the request context every
  :mod:`plugins.api` function takes first, ``info.context.language`` the caller's language.
* ``returns_errors(Payload)``: a resolver decorated with it turns expected failures
  (``DomainError``) into ``Payload(errors=[UserError…])``, with the message in the caller's
  language, like every mutation of the platform.
* ``parse_id``: an ``ID`` argument as a UUID (a malformed one is NOT_FOUND at its field).
* ``UserError``, ``JSON`` and ``Long`` (64-bit integers: money in minor units, points).
"""

from __future__ import annotations

from resolvers.conventions import parse_id, returns_errors
from schema.context import Info
from schema.errors import UserError
from schema.scalars import JSON, Long

__all__ = ["JSON", "Info", "Long", "UserError", "parse_id", "returns_errors"]
