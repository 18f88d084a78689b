"""Staff tasks: follow-ups for staff ("call this member"), made by journeys or by staff, and the
tenant's default assignee for tasks whose member has no account manager.

``source_key`` is unique per tenant: a journey step that runs twice finds the task it made the
first time. ``journey_run_id`` has no foreign key: the journeys' tables come in a later migration
and a task outlives its run. ``notified_at`` records the WeCom notice to the assignee, written in
the same transaction as the send's handling, so a retried handling never sends it again.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy

SCHEMA = """
CREATE TABLE task_settings (
    tenant_id            uuid PRIMARY KEY REFERENCES tenants (id),
    default_assignee_id  uuid,
    updated_at           timestamptz NOT NULL,
    FOREIGN KEY (tenant_id, default_assignee_id) REFERENCES staff (tenant_id, id)
);

CREATE TABLE staff_tasks (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    note             text CHECK (length(note) <= 2000),
    status           text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'DONE', 'CANCELLED')),
    member_id        uuid,
    assignee_id      uuid,
    due_at           timestamptz,
    journey_run_id   uuid,
    source_key       text CHECK (length(source_key) <= 200),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    completed_by     uuid,
    completion_note  text CHECK (length(completion_note) <= 2000),
    notified_at      timestamptz,
    notice_error     text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, source_key),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, completed_by) REFERENCES staff (tenant_id, id),
    CHECK ((status = 'OPEN') = (completed_at IS NULL))
);
-- "my tasks by due date": one assignee's tasks of a status, soonest due first (nulls last)
CREATE INDEX staff_tasks_assignee_idx
    ON staff_tasks (tenant_id, assignee_id, status, due_at, created_at, id);
-- every task of a status by due date; "overdue" is the range status = 'OPEN' AND due_at < now
CREATE INDEX staff_tasks_due_idx ON staff_tasks (tenant_id, status, due_at, created_at, id);
CREATE INDEX staff_tasks_member_idx ON staff_tasks (tenant_id, member_id)
    WHERE member_id IS NOT NULL;
CREATE INDEX staff_tasks_run_idx ON staff_tasks (tenant_id, journey_run_id)
    WHERE journey_run_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0030_message_counts")]
    operations = [
        ops.RunSQL(SCHEMA + tenant_policy("task_settings") + tenant_policy("staff_tasks"))
    ]
