"""Persisted operations: GraphQL documents registered once and called by their id.

The documents are the API's, not a tenant's (a document is text any caller could send), so the
table is shared by every tenant and has no row-level security. The app role may read and add
documents; nothing changes or removes one, so an id always means the same text.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.settings import get_settings

_APP = '"' + get_settings().db_app_role.replace('"', '""') + '"'

SCHEMA = f"""
CREATE TABLE persisted_operations (
    id          text PRIMARY KEY CHECK (id ~ '^sha256:[0-9a-f]{{64}}$'),
    document    text NOT NULL,
    source      text NOT NULL,  -- who registered it first: admin (the SPA build), cli, api, apq
    created_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE UPDATE, DELETE, TRUNCATE ON persisted_operations FROM {_APP};
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0038_coupon_issue_runs")]
    operations = [ops.RunSQL(SCHEMA)]
