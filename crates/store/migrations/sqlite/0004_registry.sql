-- 备案管理: the registration log of evaluation institutions and the 3-year bars.
--
-- The institutions, scopes and sites tables (0001) hold a registration as it
-- stands, in the dataset's columns; every change the platform makes to them is
-- one transaction that also appends one event here, with the reason and the
-- affected rows before and after (JSON text). The log is never updated or
-- deleted. How a registration ended (expired, cancelled, terminated: all stored
-- as status `terminated`) is the action of its ending event.

CREATE TABLE registration_events (
    event_id INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    by_user TEXT,
    action TEXT NOT NULL CHECK (action IN ('register', 'change_basic', 'add_scope', 'remove_scope', 'add_site', 'revoke_site', 'renew', 'expire', 'propose_cancel', 'withdraw_proposal', 'cancel', 'suspend', 'reinstate', 'terminate')),
    reason TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX registration_events_institution ON registration_events (institution_id, at);

-- 第二十一条: an institution whose registration was cancelled for dormancy may not
-- apply again for 3 years; the bar follows the legal entity (its credit code).
-- `barred_on` is the cancellation date; a new application is accepted from
-- `barred_until` on.
CREATE TABLE registration_bars (
    bar_id INTEGER PRIMARY KEY,
    credit_code TEXT NOT NULL,
    barred_on DATE NOT NULL,
    barred_until DATE NOT NULL,
    institution_id TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX registration_bars_credit_code ON registration_bars (credit_code, barred_until);
