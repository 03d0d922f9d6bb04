-- Security hardening (GB/T 22239-2019 level 3 identity and audit controls).
--
-- must_change_password: a password set by someone else (a reset) must be changed
-- at the first login with it, so nobody keeps knowing another person's password.
--
-- The operation log is scoped like everything else: an entry belongs to the
-- region of its actor (actor_region: the official's region, or the region of the
-- clerk's institution) and to the region of the object it concerns
-- (object_region, object_institution); a reader sees the entries whose actor or
-- object lies in their jurisdiction. Entries written before this migration keep
-- their actor's region only.
ALTER TABLE accounts ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE operation_log ADD COLUMN actor_region TEXT;
ALTER TABLE operation_log ADD COLUMN object_region TEXT;
ALTER TABLE operation_log ADD COLUMN object_institution TEXT;
UPDATE operation_log SET actor_region = (
    SELECT COALESCE(a.region_code, (SELECT i.region_code FROM institutions i WHERE i.institution_id = a.institution_id))
    FROM accounts a WHERE a.account_id = operation_log.account_id
);
CREATE INDEX operation_log_actor_region ON operation_log (actor_region, log_id);
CREATE INDEX operation_log_object_region ON operation_log (object_region, log_id);
