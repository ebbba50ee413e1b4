-- The full-text index keyed by a dense "update sequence" instead of (updated second << 31 | id)
-- (migration 0007). Both keep a search listed newest first lazy (FTS5 walks its posting lists
-- from the newest and stops after a page), but FTS5 stores the gaps between the keys of a
-- word's tickets: second-spaced keys made gaps of billions (5–8 bytes each) and doubled the
-- index (140 MB against 72 MB at a million tickets), and every per-row probe of a filtered
-- search (status, customer, board columns) read twice the pages (19 ms a page, 11.5 with dense
-- keys, measured on a copy).
--
-- `update_seq` is one more than the largest on every write that sets `updated_at` (the store
-- does it; SQLite has one writer). It lists tickets in updated order as long as the clock runs
-- forward; a write with an earlier `updated_at` than its neighbour's (a clock set back, an import
-- of old tickets) clears `fts_update_order`, and searches then stop walking the index in its
-- order (they stay right, only slower) until the tickets are renumbered.
DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TABLE tickets_fts;
DROP INDEX tickets_updated_key;
ALTER TABLE tickets DROP COLUMN updated_key;

ALTER TABLE tickets ADD COLUMN update_seq INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET update_seq = r.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM tickets) r
WHERE r.id = tickets.id;
CREATE UNIQUE INDEX tickets_update_seq ON tickets (update_seq);
INSERT INTO settings (key, value) VALUES ('fts_update_order', '1')
    ON CONFLICT (key) DO UPDATE SET value = '1';

CREATE VIRTUAL TABLE tickets_fts USING fts5(title, description, content='tickets', content_rowid='update_seq', tokenize='unicode61 remove_diacritics 2');
INSERT INTO tickets_fts (tickets_fts) VALUES ('rebuild');
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.update_seq, new.title, new.description);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description) VALUES ('delete', old.update_seq, old.title, old.description);
END;
-- One trigger for every change of the key or the words, so the old entry is removed with the
-- exact words it was indexed under.
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description, update_seq ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description) VALUES ('delete', old.update_seq, old.title, old.description);
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.update_seq, new.title, new.description);
END;

-- The sequence is in updated order when each ticket sorts after its predecessor and before its
-- successor: checking a written ticket's two neighbours (two index seeks) keeps that true for the
-- whole table, as a ticket that moves away leaves neighbours that were in order around it.
CREATE TRIGGER tickets_update_order_insert AFTER INSERT ON tickets
WHEN EXISTS (SELECT 1 FROM (SELECT updated_at, id FROM tickets WHERE update_seq < new.update_seq ORDER BY update_seq DESC LIMIT 1) b
             WHERE (b.updated_at, b.id) > (new.updated_at, new.id))
  OR EXISTS (SELECT 1 FROM (SELECT updated_at, id FROM tickets WHERE update_seq > new.update_seq ORDER BY update_seq LIMIT 1) a
             WHERE (a.updated_at, a.id) < (new.updated_at, new.id))
BEGIN
    UPDATE settings SET value = '0' WHERE key = 'fts_update_order';
END;
CREATE TRIGGER tickets_update_order_update AFTER UPDATE OF updated_at, update_seq ON tickets
WHEN EXISTS (SELECT 1 FROM (SELECT updated_at, id FROM tickets WHERE update_seq < new.update_seq ORDER BY update_seq DESC LIMIT 1) b
             WHERE (b.updated_at, b.id) > (new.updated_at, new.id))
  OR EXISTS (SELECT 1 FROM (SELECT updated_at, id FROM tickets WHERE update_seq > new.update_seq ORDER BY update_seq LIMIT 1) a
             WHERE (a.updated_at, a.id) < (new.updated_at, new.id))
BEGIN
    UPDATE settings SET value = '0' WHERE key = 'fts_update_order';
END;
