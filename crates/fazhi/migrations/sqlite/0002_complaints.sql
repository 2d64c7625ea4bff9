-- Complaints (投诉举报) and the Open311 GeoReport v2 interface, SQLite dialect.
-- Keep in step with ../postgres/0002_complaints.sql: the same tables, columns and
-- constraints; only STRICT and the integer type names differ.
-- Times are UTC RFC 3339 text with microseconds (fixed width, so text order is time order).

-- Complaint categories (= Open311 services), one JSON document per code; seeded from
-- data/complaints/categories.toml on first use. SQL never looks inside `entry`.
CREATE TABLE complaint_categories (
    code TEXT PRIMARY KEY,
    entry TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
) STRICT;

-- Clients allowed to POST service requests. Only the SHA-256 of a key is stored.
CREATE TABLE open311_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

-- Per-day sequence behind the human-friendly service_request_id (YYYYMMDD-NNNNN, China date).
-- The upsert row lock serialises concurrent creators on PostgreSQL.
CREATE TABLE complaint_counters (
    day TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) STRICT;

-- reporter_* columns are personal data: never returned by Open311, masked elsewhere.
CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    service_request_id TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    service_code TEXT NOT NULL REFERENCES complaint_categories(code),
    jurisdiction_id TEXT NOT NULL,
    org_unit_id TEXT REFERENCES org_units(id),
    agency_responsible TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('open311', 'portal', 'phone')),
    state TEXT NOT NULL CHECK (state IN ('received', 'dispatched', 'handling', 'replied', 'closed', 'reopened')),
    description TEXT,
    lat TEXT,
    lon TEXT,
    address_string TEXT,
    address_id TEXT,
    reporter_first_name TEXT,
    reporter_last_name TEXT,
    reporter_phone TEXT,
    reporter_email TEXT,
    reporter_device_id TEXT,
    reporter_account_id TEXT,
    attributes TEXT NOT NULL,
    media_url TEXT,
    service_notice TEXT,
    open311_key_id TEXT REFERENCES open311_keys(id),
    expected_at TEXT,
    requested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((lat IS NULL) = (lon IS NULL)),
    CHECK (lat IS NOT NULL OR address_string IS NOT NULL OR address_id IS NOT NULL)
) STRICT;
CREATE INDEX complaints_requested ON complaints(requested_at);
CREATE INDEX complaints_updated ON complaints(updated_at);
CREATE INDEX complaints_code_requested ON complaints(service_code, requested_at);

-- History of a complaint (Open311 extensions: notes[]). `public` notes are shown to anyone.
CREATE TABLE complaint_notes (
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    note_type TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT,
    actor TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (complaint_id, seq)
) STRICT;

-- Uploaded media (Open311 v2.1 draft `media`); the file is <data-dir>/evidence/<sha256>.
CREATE TABLE complaint_media (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX complaint_media_complaint ON complaint_media(complaint_id);
