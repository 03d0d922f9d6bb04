-- Declared values (../shared/spec/dataset.md, “Declared values”): what an applicant
-- declared is evidence, kept as written even when malformed, so every declared
-- column of enrollments is TEXT — the value's text form, or the malformed text —
-- and work years keep their decimals exactly as declared (5.3, 4.9).
-- A score may be absent (缺考): NULL.
ALTER TABLE enrollments
    ALTER COLUMN major_related TYPE TEXT
        USING CASE WHEN major_related THEN 'true' WHEN NOT major_related THEN 'false' END,
    ALTER COLUMN work_years TYPE TEXT USING work_years::TEXT,
    ALTER COLUMN prior_level TYPE TEXT USING prior_level::TEXT,
    ALTER COLUMN prior_cert_on TYPE TEXT USING to_char(prior_cert_on, 'YYYY-MM-DD');
ALTER TABLE scores ALTER COLUMN score DROP NOT NULL;
