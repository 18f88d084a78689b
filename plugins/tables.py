"""Plugin-owned tables in the plugin contract: migrations under the platform's tenancy rules.

A plugin keeps its own data in its own tables, created by SQL migrations it lists in order.
``membership migrate`` applies them after the platform's own, as the owner role, once each
(recorded in ``plugin_migrations`` by plugin and id), for every installed plugin whether or not a
tenant has enabled it. The rules are the platform's:

* table names start with the plugin's prefix (``stamp_card_…`` for the plugin ``stamp-card``);
* every table a migration names in ``tenant_tables`` has a ``tenant_id uuid NOT NULL`` column and
  leads its keys and indexes with it; the platform enables and forces row-level security on it
  with the same policy as its own tables, so a query sees only the current tenant's rows;
* after each migration the platform checks that every table with a ``tenant_id`` column has
  forced row-level security, and refuses the migration otherwise.

The application role may read and write the plugin's tables (the platform's default privileges);
it never owns them, so it can neither alter them nor bypass their policies.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PluginMigration"]


@dataclass(frozen=True)
class PluginMigration:
    """One step of a plugin's schema; ``id`` is stable forever (``0001_stamp_cards``)."""

    id: str
    sql: str
    tenant_tables: tuple[str, ...] = ()
