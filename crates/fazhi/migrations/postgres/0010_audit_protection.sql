-- Issue 11 §1: an audit trail the database itself refuses to rewrite, and personal data out
-- of it. PostgreSQL dialect; keep in step with ../sqlite/0010_audit_protection.sql (the same
-- tables, columns and trigger names; TRUNCATE, which SQLite lacks, is refused here too).
--
-- Triggers: audit_log is append-only (UPDATE, DELETE and TRUNCATE are refused), the chain
-- head can neither be deleted nor moved backwards. The database owner can drop triggers:
-- run the application under a role that owns nothing and has INSERT and SELECT only on
-- audit_log (docs/audit.md, scripts/postgres-roles.sql); the signed checkpoints
-- outside the database catch what an owner does.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE FUNCTION audit_head_refuse_backwards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_head cannot be deleted';
    END IF;
    IF NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'audit_head cannot move backwards';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_refuse_backwards();
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_refuse_backwards();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- One random salt per record holding personal data: audit entries carry salted digests of
-- personal fields, never the text. Erasing the record's personal data deletes its salt, so
-- the digests left in the chain can no longer be tested against guesses.
CREATE TABLE personal_data_salts (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    salt TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);

-- When the complaint's personal data was erased after its retention period (NULL: kept).
ALTER TABLE complaints ADD COLUMN personal_data_erased_at TEXT;
CREATE INDEX complaints_closed_at ON complaints(closed_at);
