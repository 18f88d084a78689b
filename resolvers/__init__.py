"""Thin Query/Mutation classes per domain: declare permissions, call a service, map the result."""
