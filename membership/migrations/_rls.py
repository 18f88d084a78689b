"""Row-level security for a tenant table: enabled, forced, one policy on ``app.tenant_id``."""


def tenant_policy(table: str) -> str:
    current = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
    return (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING (tenant_id = {current}) WITH CHECK (tenant_id = {current});\n"
    )
