-- Accounts, sessions and the operation log (操作日志) of the platform.
--
-- An account is anchored where its data scope is (谁备案谁监管): officials at a
-- region, an institution clerk at an institution, the administrator nowhere.
-- Sessions keep only a hash of their token; the log records every login, write,
-- export and view of a full ID number, and is never updated or deleted.

CREATE TABLE accounts (
    account_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'province', 'city', 'district', 'supervisor', 'institution', 'observer')),
    region_code TEXT,
    institution_id TEXT,
    password_hash TEXT NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);

CREATE TABLE login_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (account_id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    client TEXT
);
CREATE INDEX login_sessions_account ON login_sessions (account_id);

CREATE TABLE operation_log (
    log_id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    account_id BIGINT REFERENCES accounts (account_id),
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    client TEXT
);
CREATE INDEX operation_log_at ON operation_log (at);
CREATE INDEX operation_log_account ON operation_log (account_id, at);
