-- Agreements (contracts) with customers: the services they cover, with SLA overrides and
-- billing rates, the contacts who get notices, a lifecycle by date (in the customer's
-- timezone) with its history, expiry notices sent once each, and the outbox every outbound
-- message is written to in the same transaction as what caused it. Keep in step with
-- ../postgres/0012_agreements.sql.
INSERT INTO counters (name, value) VALUES ('agreement_number', 1000);

CREATE TABLE agreements (
    id                 INTEGER PRIMARY KEY,
    number             BIGINT NOT NULL UNIQUE,
    customer_id        BIGINT NOT NULL REFERENCES customers(id),
    title              TEXT NOT NULL,
    -- The customer's local dates, both covered; no end: open-ended.
    starts_on          TEXT NOT NULL,
    ends_on            TEXT,
    status             TEXT NOT NULL CHECK (status IN ('planned', 'active', 'expired', 'cancelled')),
    account_manager_id BIGINT REFERENCES agents(id),
    sla_policy_id      BIGINT REFERENCES sla_policies(id),
    notes              TEXT NOT NULL DEFAULT '',
    -- Days before the end at which expiry notices go out, e.g. "30,7".
    notice_days        TEXT NOT NULL DEFAULT '30,7',
    copied_from        BIGINT REFERENCES agreements(id),
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX agreements_customer ON agreements (customer_id, status);
CREATE INDEX agreements_status ON agreements (status, ends_on);

CREATE TABLE agreement_services (
    agreement_id      BIGINT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    service_id        BIGINT NOT NULL REFERENCES services(id),
    sla_policy_id     BIGINT REFERENCES sla_policies(id),
    calendar_id       BIGINT REFERENCES calendars(id),
    -- Minor units (cents, öre) per hour, with its ISO 4217 currency.
    hourly_rate_minor BIGINT,
    currency          TEXT,
    PRIMARY KEY (agreement_id, service_id)
);
CREATE INDEX agreement_services_service ON agreement_services (service_id);

CREATE TABLE agreement_contacts (
    agreement_id BIGINT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (agreement_id, contact_id)
);

-- Every transition and edit: who (NULL: the scheduler), when, what, why.
CREATE TABLE agreement_events (
    id             INTEGER PRIMARY KEY,
    agreement_id   BIGINT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    actor_agent_id BIGINT REFERENCES agents(id),
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    reason         TEXT
);
CREATE INDEX agreement_events_agreement ON agreement_events (agreement_id, id);

-- One row per expiry notice sent (or superseded by a nearer one) for an end date: a moved end
-- date gets its own notices.
CREATE TABLE agreement_notices (
    agreement_id BIGINT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    ends_on      TEXT NOT NULL,
    days         BIGINT NOT NULL,
    superseded   BOOLEAN NOT NULL DEFAULT FALSE,
    at           TEXT NOT NULL,
    PRIMARY KEY (agreement_id, ends_on, days)
);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    to_address  TEXT NOT NULL,
    to_name     TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT 'en',
    kind        TEXT NOT NULL,
    -- What it is about, e.g. "agreement:12".
    subject_ref TEXT,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
