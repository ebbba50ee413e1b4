-- SQLite's 0010 keys its full-text index by a dense update sequence. PostgreSQL plans its
-- searches from statistics and needs no change; this file keeps the two backends' migrations
-- numbered alike.
SELECT 1;
