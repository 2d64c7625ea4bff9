-- PostgreSQL roles for fazhi: the application's role may add to the audit trail and read it,
-- never change it (issue 11 §1; docs/audit.md "PostgreSQL roles").
--
-- Run it as a superuser on the application's database after `fazhi migrate` has created
-- the tables as the owner role, and again after every upgrade that adds tables:
--
--   createuser --no-createdb --no-createrole fazhi_owner
--   createuser --no-createdb --no-createrole fazhi_app       # with a password in production
--   createdb --owner fazhi_owner fazhi
--   FAZHI_DATABASE_URL=postgres://fazhi_owner@db/fazhi fazhi migrate
--   psql -d fazhi -f scripts/postgres-roles.sql
--   FAZHI_DATABASE_URL=postgres://fazhi_app@db/fazhi fazhi serve …
--
-- The owner role owns the schema and runs migrations; nobody logs in as it day to day.
-- The application's role owns nothing, so it cannot drop the triggers of migration 0010 or
-- alter a table, and it has no UPDATE, DELETE or TRUNCATE on audit_log: even without the
-- triggers the database refuses to edit the trail for it. audit_head (the chain head) must be
-- updated by every append; it may not be deleted.

GRANT USAGE ON SCHEMA public TO fazhi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fazhi_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO fazhi_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM fazhi_app;
REVOKE DELETE, TRUNCATE ON audit_head FROM fazhi_app;
REVOKE CREATE ON SCHEMA public FROM fazhi_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
