"""GraphQL schema additions in the plugin contract.

A plugin adds queries and mutations as strawberry classes, exactly like the platform's own
per-domain resolver classes, and the platform composes them into its root types::

    @strawberry.type
    class StampCardMutations:
        @strawberry.mutation
        async def add_stamp(self, info: strawberry.Info, member_id: strawberry.ID) -> StampPayload:
            ...

    @hookimpl
    def membership_graphql() -> GraphQLAdditions:
        return GraphQLAdditions(mutation=(StampCardMutations,))

Every field a plugin adds acts only for tenants that enabled the plugin: for any other caller
the platform answers ``PERMISSION_DENIED`` naming the plugin, before the resolver runs. An
unexpected exception in a plugin's resolver is logged with the plugin's name and answered as
``PLUGIN_FAILED``; the rest of the request and the other plugins are unaffected.

A plugin may also add fields to the platform's own types ``Member`` and ``Order`` (a gym's
``Member.cards``), with ``extend={"Member": (GymMemberFields,)}``: a strawberry class whose
resolvers receive the platform's object as ``self`` (its id through
``plugins.api.graphql.member_id_of(self)`` / ``order_id_of(self)``). They are gated like root
fields.

Resolvers reach the caller's request context through ``info.context.auth`` (a
:class:`tenants.context.RequestContext`) and call the functions of :mod:`plugins.api`.
Field names must not clash with the platform's or another plugin's; a clash stops the plugin
from loading, with a message naming both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["GraphQLAdditions"]


@dataclass(frozen=True)
class GraphQLAdditions:
    """Strawberry classes whose fields join the root ``Query`` and ``Mutation`` types.

    ``types`` lists extra types that no field reaches directly (interface implementations);
    types a field returns are found from its annotation. ``extend`` adds fields to the
    platform's ``Member`` and ``Order``.
    """

    query: tuple[type, ...] = ()
    mutation: tuple[type, ...] = ()
    types: tuple[type, ...] = ()
    extend: Mapping[str, tuple[type, ...]] = field(default_factory=dict)  # by platform type name
