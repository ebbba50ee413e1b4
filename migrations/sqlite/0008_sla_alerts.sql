-- SLA warnings and breaches, each fired once per clock cycle, and the agents' in-app
-- notifications. Keep in step with ../postgres/0008_sla_alerts.sql.

-- When a clock not stopped reaches its warning point (business time, like due_at).
ALTER TABLE ticket_clocks ADD COLUMN warn_at TEXT;

-- One row per clock cycle and kind that is to fire or has fired. A recompute rewrites the
-- unfired ones (a pause removes them, a priority change moves them); a fired row is kept, so
-- each fires once however often the clocks are computed, and a server started after a gap
-- fires what came due meanwhile.
CREATE TABLE sla_alerts (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    target    TEXT NOT NULL CHECK (target IN ('first_response', 'next_response', 'resolution')),
    cycle     BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
    -- When it is to fire: the warning point or the due instant; a warning that came due
    -- outside working hours is moved to the next opening.
    fire_at   TEXT NOT NULL,
    fired_at  TEXT,
    PRIMARY KEY (ticket_id, target, cycle, kind)
);
CREATE INDEX sla_alerts_due ON sla_alerts (fire_at) WHERE fired_at IS NULL;

CREATE TABLE notifications (
    id        INTEGER PRIMARY KEY,
    agent_id  BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    target    TEXT,
    cycle     BIGINT,
    -- The instant the notice is about (the due instant of a breach, the warning point).
    due_at    TEXT,
    at        TEXT NOT NULL,
    read_at   TEXT
);
CREATE UNIQUE INDEX notifications_once ON notifications (agent_id, ticket_id, kind, target, cycle);
CREATE INDEX notifications_agent ON notifications (agent_id, id);
