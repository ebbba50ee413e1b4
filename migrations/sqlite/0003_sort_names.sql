-- The list sorts by customer and assignee name without joining a million rows: the names
-- are copied onto each ticket and kept in step by triggers (a ticket's customer or assignee
-- changes; a customer or agent is renamed). Keep in step with ../postgres/0003_sort_names.sql.
ALTER TABLE tickets ADD COLUMN customer_sort TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN assignee_sort TEXT NOT NULL DEFAULT '';
UPDATE tickets SET
    customer_sort = COALESCE((SELECT name FROM customers c WHERE c.id = tickets.customer_id), ''),
    assignee_sort = COALESCE((SELECT name FROM agents a WHERE a.id = tickets.assignee_id), '');
CREATE INDEX tickets_customer_sort ON tickets (customer_sort, id);
CREATE INDEX tickets_assignee_sort ON tickets (assignee_sort, id);

CREATE TRIGGER tickets_sort_names_insert AFTER INSERT ON tickets BEGIN
    UPDATE tickets SET
        customer_sort = COALESCE((SELECT name FROM customers c WHERE c.id = new.customer_id), ''),
        assignee_sort = COALESCE((SELECT name FROM agents a WHERE a.id = new.assignee_id), '')
    WHERE id = new.id;
END;
CREATE TRIGGER tickets_sort_names_update AFTER UPDATE OF customer_id, assignee_id ON tickets BEGIN
    UPDATE tickets SET
        customer_sort = COALESCE((SELECT name FROM customers c WHERE c.id = new.customer_id), ''),
        assignee_sort = COALESCE((SELECT name FROM agents a WHERE a.id = new.assignee_id), '')
    WHERE id = new.id;
END;
CREATE TRIGGER customers_rename_sort AFTER UPDATE OF name ON customers BEGIN
    UPDATE tickets SET customer_sort = new.name WHERE customer_id = new.id;
END;
CREATE TRIGGER agents_rename_sort AFTER UPDATE OF name ON agents BEGIN
    UPDATE tickets SET assignee_sort = new.name WHERE assignee_id = new.id;
END;
