-- The calendar a ticket's clocks were computed on, when not its policy's: an agreement's
-- support hours for the service. Keep in step with ../postgres/0014_support_hours.sql.
ALTER TABLE tickets ADD COLUMN sla_calendar_id BIGINT REFERENCES calendars(id);
