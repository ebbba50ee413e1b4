-- A board column filtered by priority (status = X AND priority_rank IN (…)) counts from this
-- index alone, and a column of one priority pages through it in "updated" order. Priority
-- leads: an index led by status would compete, before ANALYZE has seen it, with
-- (status_id, updated_at) for a plain column and sort the whole status instead of walking it.
-- Keep in step with the other backend's 0006.
CREATE INDEX tickets_priority_status_updated ON tickets (priority_rank, status_id, updated_at, id);
