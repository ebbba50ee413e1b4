-- The list sorted by SLA due instant, most urgent first, tickets without one last: the sort
-- walks this index (the expression is the one the query orders by, `store::search::NO_DUE`).
-- Keep in step with ../sqlite/0009_due_sort.sql.
CREATE INDEX tickets_due_sort ON tickets ((COALESCE(sla_due_at, '9999-12-31T23:59:59+00:00'::timestamptz)), id);
