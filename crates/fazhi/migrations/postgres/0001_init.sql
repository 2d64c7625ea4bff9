-- fazhi schema, PostgreSQL dialect. Keep in step with ../sqlite/0001_init.sql:
-- the same tables, columns and constraints; only the type names differ.
-- Times are UTC RFC 3339 text with microseconds; dates are YYYY-MM-DD text; money lives in
-- event JSON as yuan with at most two decimals (parsed to fen by the domain).

CREATE TABLE org_units (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES org_units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bureau', 'squad', 'office', 'partner')),
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'legal', 'officer', 'dispatcher', 'clerk', 'mediator', 'partner')),
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    officer_id TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    name TEXT,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE officers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    employment TEXT NOT NULL CHECK (employment IN ('staff', 'auxiliary')),
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES officers(id),
    cert_no TEXT NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    scope TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    suspended_from TEXT,
    suspended_until TEXT,
    created_at TEXT NOT NULL,
    CHECK (valid_from <= valid_until)
);
CREATE INDEX certificates_officer ON certificates(officer_id);

CREATE TABLE violations (
    code TEXT PRIMARY KEY,
    entry TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    party_kind TEXT NOT NULL CHECK (party_kind IN ('individual', 'organisation')),
    party_name TEXT NOT NULL,
    party_minor_under_14 BIGINT NOT NULL DEFAULT 0,
    procedure TEXT NOT NULL CHECK (procedure IN ('ordinary', 'summary')),
    act_date TEXT NOT NULL,
    violation_code TEXT,
    serious_harm BIGINT NOT NULL DEFAULT 0,
    major BIGINT NOT NULL DEFAULT 0,
    stage TEXT NOT NULL,
    open BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_org_open ON cases(org_unit_id, open);

CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE evidence_files (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX evidence_case ON evidence_files(case_id);

-- Append-only, hash-chained. No foreign keys: history must survive deletions.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    content TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The chain head; its single row is updated in every write transaction that appends,
-- which serialises appenders on both backends.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
