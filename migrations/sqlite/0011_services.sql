-- The service catalog: what we sell support for. A ticket may name the service it is about
-- (agreements, which cover services, follow). Keep in step with ../postgres/0011_services.sql.
CREATE TABLE services (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL DEFAULT '',
    -- The service's own SLA policy: used when no agreement names one for it.
    sla_policy_id BIGINT REFERENCES sla_policies(id),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- "Hosting" and "hosting" are one service.
CREATE UNIQUE INDEX services_name ON services (lower(name));

ALTER TABLE tickets ADD COLUMN service_id BIGINT REFERENCES services(id);
CREATE INDEX tickets_service ON tickets (service_id) WHERE service_id IS NOT NULL;
