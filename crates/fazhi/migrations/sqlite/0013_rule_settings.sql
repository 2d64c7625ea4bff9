-- The bureau's own rule settings (issue 12 "settings by module"): one row per `RulesConfig`
-- field the bureau changed on the settings page or through the API, the value as JSON text
-- (the TOML key's value). The effective rules are the built-in defaults or the `--rules` file
-- with these rows laid over them. Only the current value is kept here; each change, with its
-- before and after and the reason, is in the audit log. `version` grows with each change of
-- the row (optimistic locking); servers compare SUM(version) with the rules they hold and
-- rebuild them when it changed (docs/decisions/017-bureau-settings.md).
CREATE TABLE rule_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0)
) STRICT;
