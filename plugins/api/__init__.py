"""The platform's functions a plugin may call: the documented, stable half of the contract.

A plugin imports the contract (:mod:`plugins.hookspecs` and the modules it names) and these
modules only; everything else in the platform may change between versions.

* :mod:`plugins.api.data`: the tenant's transaction, plugin configuration, members, points,
  events and jobs, for a plugin's resolvers, jobs and handlers;
* :mod:`plugins.api.graphql`: what a plugin's strawberry types and resolvers use (the request
  context, ids, ``UserError`` payloads, scalars);
* :mod:`plugins.api.setup`: what a preset sets a tenant up with (tiers, earning rules, coupon
  and message templates, journeys).

Every function takes the request context first and works in the caller's tenant, under the
caller's permissions; inside a plugin's hook the platform gives the context.
"""
