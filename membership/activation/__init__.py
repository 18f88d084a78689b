"""Plugins per tenant: enabling, configuring and disabling them, and asking whether one is on."""
