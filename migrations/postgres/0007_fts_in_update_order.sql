-- SQLite's 0007 keys its full-text index by (updated second, id) so a search listed newest
-- first walks it lazily. PostgreSQL plans its searches from statistics and needs no change;
-- this file keeps the two backends' migrations numbered alike.
SELECT 1;
