-- Accord schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('ticket_number', 1000);

CREATE TABLE agents (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    password_hash     TEXT,
    language          TEXT NOT NULL DEFAULT 'en',
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    invite_token_hash TEXT UNIQUE,
    invite_expires_at TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    agent_id     BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_agent ON sessions (agent_id);

CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    email   TEXT NOT NULL,
    at      TEXT NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_email_at ON login_attempts (email, at);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    timezone   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT 'en',
    created_at  TEXT NOT NULL,
    UNIQUE (customer_id, email)
);

-- Statuses are data. `system_key` marks the built-in ones (their names are translated);
-- `category` is what the SLA clock and the board key on. `workflow` leaves room for
-- per-type workflows: NULL means the default workflow.
CREATE TABLE statuses (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('new', 'active', 'waiting_on_customer', 'waiting_on_third_party', 'resolved', 'closed')),
    position   BIGINT NOT NULL,
    system_key TEXT UNIQUE,
    workflow   TEXT
);
INSERT INTO statuses (name, category, position, system_key) VALUES
    ('New', 'new', 10, 'new'),
    ('Open', 'active', 20, 'open'),
    ('In progress', 'active', 30, 'in_progress'),
    ('Waiting for customer', 'waiting_on_customer', 40, 'waiting_customer'),
    ('Waiting for third party', 'waiting_on_third_party', 50, 'waiting_third'),
    ('Resolved', 'resolved', 60, 'resolved'),
    ('Closed', 'closed', 70, 'closed');

CREATE TABLE tickets (
    id           INTEGER PRIMARY KEY,
    number       BIGINT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    status_id    BIGINT NOT NULL REFERENCES statuses(id),
    priority     TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    requester_id BIGINT REFERENCES contacts(id),
    assignee_id  BIGINT REFERENCES agents(id),
    created_by   BIGINT REFERENCES agents(id),
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, id);
CREATE INDEX tickets_status ON tickets (status_id, id);

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    ticket_id       BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_agent_id BIGINT REFERENCES agents(id),
    author_contact_id BIGINT REFERENCES contacts(id),
    body            TEXT NOT NULL,
    internal        BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX comments_ticket ON comments (ticket_id, id);

-- Every change to a ticket, as it happened: the record the history (and later the SLA
-- clocks) are computed from.
CREATE TABLE ticket_events (
    id             INTEGER PRIMARY KEY,
    ticket_id      BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    actor_agent_id BIGINT REFERENCES agents(id),
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    field          TEXT,
    old_value      TEXT,
    new_value      TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    comment_id   BIGINT REFERENCES comments(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  BIGINT REFERENCES agents(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);
