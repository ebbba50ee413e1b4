-- The list sorts by customer and assignee name without joining a million rows: the names
-- are copied onto each ticket and kept in step by triggers (a ticket's customer or assignee
-- changes; a customer or agent is renamed). Keep in step with ../sqlite/0003_sort_names.sql.
ALTER TABLE tickets ADD COLUMN customer_sort TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN assignee_sort TEXT NOT NULL DEFAULT '';
UPDATE tickets SET
    customer_sort = COALESCE((SELECT name FROM customers c WHERE c.id = tickets.customer_id), ''),
    assignee_sort = COALESCE((SELECT name FROM agents a WHERE a.id = tickets.assignee_id), '');
CREATE INDEX tickets_customer_sort ON tickets (customer_sort, id);
CREATE INDEX tickets_assignee_sort ON tickets (assignee_sort, id);

CREATE FUNCTION tickets_sort_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.customer_sort := COALESCE((SELECT name FROM customers c WHERE c.id = NEW.customer_id), '');
    NEW.assignee_sort := COALESCE((SELECT name FROM agents a WHERE a.id = NEW.assignee_id), '');
    RETURN NEW;
END $$;
CREATE TRIGGER tickets_sort_names BEFORE INSERT OR UPDATE OF customer_id, assignee_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_sort_names();

CREATE FUNCTION customers_rename_sort() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET customer_sort = NEW.name WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_rename_sort AFTER UPDATE OF name ON customers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION customers_rename_sort();

CREATE FUNCTION agents_rename_sort() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET assignee_sort = NEW.name WHERE assignee_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER agents_rename_sort AFTER UPDATE OF name ON agents
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION agents_rename_sort();
