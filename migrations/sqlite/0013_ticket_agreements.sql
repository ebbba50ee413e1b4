-- A ticket records the agreement it falls under (kept when the agreement expires: the ticket
-- keeps its terms), and in-app notices can be about an agreement (expiry) instead of a ticket.
-- Keep in step with ../postgres/0013_ticket_agreements.sql.
ALTER TABLE tickets ADD COLUMN agreement_id BIGINT REFERENCES agreements(id);
CREATE INDEX tickets_agreement ON tickets (agreement_id) WHERE agreement_id IS NOT NULL;

-- SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing references it).
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    agent_id     BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    ticket_id    BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    agreement_id BIGINT REFERENCES agreements(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    target       TEXT,
    cycle        BIGINT,
    -- The instant the notice is about (the due instant of a breach, the warning point).
    due_at       TEXT,
    at           TEXT NOT NULL,
    read_at      TEXT,
    CHECK (ticket_id IS NOT NULL OR agreement_id IS NOT NULL)
);
INSERT INTO notifications_new (id, agent_id, ticket_id, kind, target, cycle, due_at, at, read_at)
    SELECT id, agent_id, ticket_id, kind, target, cycle, due_at, at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE UNIQUE INDEX notifications_once ON notifications (agent_id, ticket_id, kind, target, cycle);
CREATE INDEX notifications_agent ON notifications (agent_id, id);
