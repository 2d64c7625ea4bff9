-- The citizens' phone portal (web/portal, service/portal.rs).
--
-- portal_submissions: one row per submitted complaint form. The form carries a one-time
-- submission id (a UUID made when the form is shown); the first POST claims it (the primary
-- key refuses a second claim, also under a concurrent double tap) and records the complaint
-- it created, so a repeated POST answers the same tracking page instead of a second complaint.
-- service_request_id stays NULL while the first POST is still filing.
--
-- portal_secrets: the key that signs the form's issue time (anti-spam minimum fill time),
-- made on first use so that every server on the same database accepts the same forms.
-- Same file for SQLite and PostgreSQL.
CREATE TABLE portal_submissions (
    submission_id TEXT PRIMARY KEY,
    service_request_id TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE portal_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
