-- Issue 11 §1: an audit trail the database itself refuses to rewrite, and personal data out
-- of it. SQLite dialect; keep in step with ../postgres/0010_audit_protection.sql (the same
-- tables, columns and trigger names; PostgreSQL adds a TRUNCATE trigger, which SQLite lacks).
--
-- Triggers: audit_log is append-only (UPDATE and DELETE are refused), the chain head can
-- neither be deleted nor moved backwards. Someone with the database owner's rights can drop
-- the triggers; the signed checkpoints outside the database (service/audit_checkpoint.rs,
-- docs/decisions/011-audit-anchoring-and-personal-data.md) catch what they then do.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq < OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot move backwards');
END;

-- One random salt per record holding personal data: audit entries carry salted digests of
-- personal fields, never the text. Erasing the record's personal data deletes its salt, so
-- the digests left in the chain can no longer be tested against guesses (a phone number has
-- only about 10^10 values).
CREATE TABLE personal_data_salts (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    salt TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT;

-- When the complaint's personal data was erased after its retention period (NULL: kept).
ALTER TABLE complaints ADD COLUMN personal_data_erased_at TEXT;
CREATE INDEX complaints_closed_at ON complaints(closed_at);
