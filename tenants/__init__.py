"""Whose data it is: tenants, staff, roles, API keys, tokens and the tenant transaction."""
