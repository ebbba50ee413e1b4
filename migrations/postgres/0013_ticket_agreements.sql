-- A ticket records the agreement it falls under (kept when the agreement expires: the ticket
-- keeps its terms), and in-app notices can be about an agreement (expiry) instead of a ticket.
-- Keep in step with ../sqlite/0013_ticket_agreements.sql.
ALTER TABLE tickets ADD COLUMN agreement_id BIGINT REFERENCES agreements(id);
CREATE INDEX tickets_agreement ON tickets (agreement_id) WHERE agreement_id IS NOT NULL;

ALTER TABLE notifications ALTER COLUMN ticket_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN agreement_id BIGINT REFERENCES agreements(id) ON DELETE CASCADE;
ALTER TABLE notifications ADD CONSTRAINT notifications_about CHECK (ticket_id IS NOT NULL OR agreement_id IS NOT NULL);
