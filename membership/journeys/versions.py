"""Published versions, parsed once per process: a version never changes after it is saved."""

from __future__ import annotations

import uuid
from collections import OrderedDict

from membership.journeys.cel import Vocabulary
from membership.journeys.definition import Definition, parse_definition
from membership.journeys.facts import vocabulary_of
from membership.journeys.models import JourneyVersion
from tenants.context import RequestContext
from tenants.tx import tenant_tx

__all__ = ["load_version"]

_CACHE: OrderedDict[tuple[uuid.UUID, uuid.UUID, int, tuple[str, ...]], Definition] = OrderedDict()
_MAX = 512


async def load_version(
    ctx: RequestContext, journey_id: uuid.UUID, version: int
) -> tuple[Definition, tuple[str, ...]]:
    """The parsed definition of one version and the custom fields its conditions may name.

    Raises DomainErrors when the version no longer compiles (a custom field it names was
    deleted since): the caller fails the run with the reason.
    """
    async with tenant_tx(ctx):
        fields = await vocabulary_of(ctx.tenant.id)
        key = (ctx.tenant.id, journey_id, version, fields)
        found = _CACHE.get(key)
        row = (
            None
            if found is not None
            else await JourneyVersion.get(journey_id=journey_id, version=version)
        )
    if found is not None:
        _CACHE.move_to_end(key)
        return found, fields
    assert row is not None
    definition = parse_definition(row.definition, Vocabulary(fields))
    _CACHE[key] = definition
    if len(_CACHE) > _MAX:
        _CACHE.popitem(last=False)
    return definition, fields
