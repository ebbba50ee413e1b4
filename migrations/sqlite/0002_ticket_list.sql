-- The ticket list: sortable by every column it shows, filterable, and searchable in full
-- text. Keep in step with ../postgres/0002_ticket_list.sql.

-- Priorities sort by urgency, not by name: urgent 0, high 1, normal 2, low 3.
ALTER TABLE tickets ADD COLUMN priority_rank BIGINT NOT NULL DEFAULT 2;
UPDATE tickets SET priority_rank = CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END;

CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_title ON tickets (title, id);
CREATE INDEX tickets_priority ON tickets (priority_rank, id);
CREATE INDEX tickets_status_updated ON tickets (status_id, updated_at, id);
CREATE INDEX tickets_assignee_updated ON tickets (assignee_id, updated_at, id);
CREATE INDEX tickets_customer_updated ON tickets (customer_id, updated_at, id);

-- Full text over title and description, kept in step by triggers.
CREATE VIRTUAL TABLE tickets_fts USING fts5(title, description, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO tickets_fts (rowid, title, description) SELECT id, title, description FROM tickets;
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
