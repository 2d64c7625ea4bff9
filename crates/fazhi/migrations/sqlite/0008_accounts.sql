-- Accounts (issue 9): a password the user must change at the next login (set by an
-- administrator's reset or an account created for someone else), a version for edits of
-- an account (optimistic locking, as cases have), when the password last changed, and
-- the failed-login counters that slow down password guessing, keyed by the user name as
-- typed ('account:<name>', whether or not such a user exists, so the limit reveals
-- nothing) and by the client address ('address:<ip>').
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN updated_at TEXT;

CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_at TEXT NOT NULL,
    blocked_until TEXT
) STRICT;

-- Ending every session of a user (disable, password reset) finds them by user.
CREATE INDEX sessions_user ON sessions(user_id);
