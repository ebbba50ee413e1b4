-- The SLA engine: business calendars and SLA policies (both versioned: every saved version is
-- kept, so a closed ticket's clocks can be replayed against the version they closed with),
-- the policy a customer uses, and each ticket's computed clocks. Keep in step with
-- ../postgres/0005_sla.sql.

CREATE TABLE calendars (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- A JSON `CalendarDoc`: timezone, weekly intervals, holidays (dated or yearly, named).
    body       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE calendar_versions (
    calendar_id BIGINT NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    saved_by    BIGINT REFERENCES agents(id),
    saved_at    TEXT NOT NULL,
    PRIMARY KEY (calendar_id, version)
);

CREATE TABLE sla_policies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    calendar_id BIGINT NOT NULL REFERENCES calendars(id),
    -- A JSON `PolicyBody`: goals per priority in minutes, pausing categories, warning percent.
    body        TEXT NOT NULL,
    -- The corporate default: at most one policy has it.
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies (is_default) WHERE is_default;
CREATE INDEX sla_policies_calendar ON sla_policies (calendar_id);

CREATE TABLE sla_policy_versions (
    policy_id   BIGINT NOT NULL REFERENCES sla_policies(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    calendar_id BIGINT NOT NULL,
    body        TEXT NOT NULL,
    saved_by    BIGINT REFERENCES agents(id),
    saved_at    TEXT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

ALTER TABLE customers ADD COLUMN sla_policy_id BIGINT REFERENCES sla_policies(id);

-- What a ticket's clocks were computed from, and the soonest due instant of a clock not
-- stopped (lists sort and filter by it).
ALTER TABLE tickets ADD COLUMN sla_policy_id BIGINT REFERENCES sla_policies(id);
ALTER TABLE tickets ADD COLUMN sla_level TEXT;
ALTER TABLE tickets ADD COLUMN sla_policy_version BIGINT;
ALTER TABLE tickets ADD COLUMN sla_calendar_version BIGINT;
ALTER TABLE tickets ADD COLUMN sla_due_at TEXT;
CREATE INDEX tickets_sla_due ON tickets (sla_due_at, id);
CREATE INDEX tickets_sla_policy ON tickets (sla_policy_id, sla_policy_version);

-- One row per clock cycle of a ticket, as the replay computed it.
CREATE TABLE ticket_clocks (
    ticket_id    BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    target       TEXT NOT NULL CHECK (target IN ('first_response', 'next_response', 'resolution')),
    cycle        BIGINT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'paused', 'met', 'breached')),
    goal_minutes BIGINT NOT NULL,
    used_seconds BIGINT NOT NULL,
    started_at   TEXT NOT NULL,
    due_at       TEXT,
    stopped_at   TEXT,
    warned       BOOLEAN NOT NULL,
    computed_at  TEXT NOT NULL,
    PRIMARY KEY (ticket_id, target, cycle)
);
CREATE INDEX ticket_clocks_due ON ticket_clocks (due_at);

-- Tickets whose clocks need computing again: set (with `sla_gen` bumped) in the same
-- transaction as whatever changed their inputs, cleared by the re-apply worker only if
-- nothing bumped `sla_gen` meanwhile. A crash between a change and its recompute loses nothing.
-- Existing tickets start clean: no policy exists yet, so they rightly have no clocks; creating
-- or editing a policy marks the open tickets it reaches.
ALTER TABLE tickets ADD COLUMN sla_stale BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN sla_gen BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tickets_sla_stale ON tickets (id) WHERE sla_stale;

-- A customer's own replies (portal, email) are events too: who, when.
ALTER TABLE ticket_events ADD COLUMN actor_contact_id BIGINT REFERENCES contacts(id);
