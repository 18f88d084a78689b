"""Journeys: versioned definitions, runs with their state in PostgreSQL, and the actions they took.

A run's ``state`` counts its moves: whoever moves a run (a wake-up, an event it waited for, its
timeout) does so with ``WHERE state = <the state it read>``, so of two racing moves exactly one
wins. ``journey_actions`` is unique per (run, step, visit): an action committed with its step is
never done twice, whatever a worker does afterwards. ``journey_entries`` makes an entry key (an
event id, or a sweep's day) enter a member into a journey once.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from membership.migrations._rls import tenant_policy
from membership.settings import get_settings

TABLES = [
    "journeys",
    "journey_versions",
    "journey_runs",
    "journey_actions",
    "journey_entries",
    "journey_sweeps",
    "segments",
    "segment_members",
]

SCHEMA = """
CREATE TABLE journeys (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    status          text NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED', 'ARCHIVED')),
    latest_version  int NOT NULL CHECK (latest_version >= 1),
    active_version  int CHECK (active_version >= 1),
    trigger_type    text,            -- of the active version: what enters members
    trigger_event   text,            -- its event type, for event and tierChanged triggers
    listens         text[] NOT NULL DEFAULT '{}',  -- event types its versions enter or wait on
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX journeys_trigger_idx ON journeys (tenant_id, trigger_type, trigger_event)
    WHERE status = 'ACTIVE';

CREATE TABLE journey_versions (
    tenant_id     uuid NOT NULL,
    journey_id    uuid NOT NULL,
    version       int NOT NULL,
    definition    jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    published_at  timestamptz,
    PRIMARY KEY (tenant_id, journey_id, version),
    FOREIGN KEY (tenant_id, journey_id) REFERENCES journeys (tenant_id, id)
);

CREATE TABLE journey_runs (
    tenant_id      uuid NOT NULL,
    id             uuid NOT NULL,
    journey_id     uuid NOT NULL,
    version        int NOT NULL,
    member_id      uuid NOT NULL,
    status         text NOT NULL
                   CHECK (status IN ('ACTIVE', 'WAITING', 'COMPLETED', 'EXITED', 'FAILED')),
    current_step   text,
    state          int NOT NULL DEFAULT 0,
    visit          int NOT NULL DEFAULT 0,   -- steps taken so far: the visit of the current step
    next_wake_at   timestamptz,              -- due to move on (a wait's end, a timeout, now)
    waiting_for    text,                     -- the event type a waitForEvent step waits for
    event          jsonb,                    -- the event that entered the run, for conditions
    exit_reason    text,
    started_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, journey_id, version)
        REFERENCES journey_versions (tenant_id, journey_id, version),
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX journey_runs_due_idx ON journey_runs (next_wake_at)
    WHERE next_wake_at IS NOT NULL AND status IN ('ACTIVE', 'WAITING');
CREATE INDEX journey_runs_waiting_idx ON journey_runs (tenant_id, member_id, waiting_for)
    WHERE status = 'WAITING' AND waiting_for IS NOT NULL;
CREATE INDEX journey_runs_journey_idx ON journey_runs (tenant_id, journey_id, member_id, started_at);
CREATE INDEX journey_runs_member_idx ON journey_runs (tenant_id, member_id, started_at);

CREATE TABLE journey_actions (
    tenant_id   uuid NOT NULL,
    run_id      uuid NOT NULL,
    step        text NOT NULL,
    visit       int NOT NULL,
    type        text NOT NULL,
    outcome     text NOT NULL,     -- what it did: 'issued coupon …', 'skipped: NO_CONSENT'…
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, run_id, step, visit),
    FOREIGN KEY (tenant_id, run_id) REFERENCES journey_runs (tenant_id, id)
);

CREATE TABLE journey_entries (
    tenant_id   uuid NOT NULL,
    journey_id  uuid NOT NULL,
    entry_key   text NOT NULL,     -- the event id, or the sweep and its day, per member
    run_id      uuid,
    at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, journey_id, entry_key),
    FOREIGN KEY (tenant_id, journey_id) REFERENCES journeys (tenant_id, id)
);

CREATE TABLE journey_sweeps (
    tenant_id   uuid NOT NULL,
    journey_id  uuid NOT NULL,
    last_at     timestamptz NOT NULL,  -- the last instant swept: a daily sweep's local day,
                                       -- or a schedule's last fire time
    PRIMARY KEY (tenant_id, journey_id),
    FOREIGN KEY (tenant_id, journey_id) REFERENCES journeys (tenant_id, id)
);

-- The daily sweeps' candidates: members whose last activity was on a day, whose birthday is on a
-- day of the year.
CREATE INDEX members_last_activity_idx ON members (tenant_id, (coalesce(last_order_at, created_at)))
    WHERE merged_into_id IS NULL;
CREATE INDEX members_birthday_idx
    ON members (tenant_id, (extract(month FROM birthday)), (extract(day FROM birthday)))
    WHERE birthday IS NOT NULL AND merged_into_id IS NULL;

CREATE TABLE segments (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    description  text,
    condition    text NOT NULL,   -- a CEL expression over member
    tag          boolean NOT NULL DEFAULT false,  -- members inside carry the segment as a tag
    member_count int NOT NULL DEFAULT 0,
    evaluated_at timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE segment_members (
    tenant_id   uuid NOT NULL,
    segment_id  uuid NOT NULL,
    member_id   uuid NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, segment_id, member_id),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id)
);
CREATE INDEX segment_members_member_idx ON segment_members (tenant_id, member_id);
"""


def _sweep_sql() -> str:
    sweep = '"' + get_settings().db_sweep_role.replace('"', '""') + '"'
    app = '"' + get_settings().db_app_role.replace('"', '""') + '"'
    return f"""
GRANT SELECT ON journey_runs, journeys, segments TO {sweep};
CREATE POLICY sweep_read ON segments FOR SELECT TO {sweep} USING (true);
CREATE POLICY sweep_read ON journey_runs FOR SELECT TO {sweep} USING (true);
CREATE POLICY sweep_read ON journeys FOR SELECT TO {sweep} USING (true);
CREATE FUNCTION tenants_with_due_journey_runs(at timestamptz) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM journey_runs
  WHERE next_wake_at <= at AND status IN ('ACTIVE', 'WAITING')
$$;
ALTER FUNCTION tenants_with_due_journey_runs(timestamptz) OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_due_journey_runs(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_due_journey_runs(timestamptz) TO {app};
CREATE FUNCTION tenants_with_swept_journeys() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM journeys
  WHERE status = 'ACTIVE'
    AND trigger_type IN ('birthday', 'inactivity', 'pointsExpiring', 'schedule', 'segmentEntered')
$$;
ALTER FUNCTION tenants_with_swept_journeys() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_swept_journeys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_swept_journeys() TO {app};
CREATE FUNCTION tenants_with_segments() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT tenant_id FROM segments
$$;
ALTER FUNCTION tenants_with_segments() OWNER TO {sweep};
REVOKE ALL ON FUNCTION tenants_with_segments() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_segments() TO {app};
"""


class Migration(migrations.Migration):
    dependencies = [("membership", "0031_staff_tasks")]
    operations = [ops.RunSQL(SCHEMA + "".join(tenant_policy(t) for t in TABLES) + _sweep_sql())]
