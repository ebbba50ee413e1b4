-- The two boards agents open most: one customer's (the project board) and one agent's ("my
-- board"). Each column filters by status too, so these serve filter, count and order at once.
CREATE INDEX tickets_customer_status_updated ON tickets (customer_id, status_id, updated_at, id);
CREATE INDEX tickets_assignee_status_updated ON tickets (assignee_id, status_id, updated_at, id);
