"""Sandbox tenants and their test clock: advancing a tenant's time runs what falls due, in order.

``schedule`` is the registry of scheduled work an advance runs (plugins register theirs there);
``platform_work`` registers the platform's own; ``service`` advances a clock; ``state`` reads and
moves it in the registry.
"""
