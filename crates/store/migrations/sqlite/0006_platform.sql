-- What the officials' platform reads beyond the dataset: region names for the
-- department tree, each run's risk list (风险清单) as ranked, and the indexes the
-- list pages page through.

-- 行政区划: names of the regions the platform shows (the dataset carries codes only).
CREATE TABLE regions (
    region_code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- One run's risk list, as `zhijian screen` ranks it: worst severity, weighted
-- score, findings; `per_item` holds the 15 counts of guide items as text "n1,n2,…".
CREATE TABLE run_risk (
    run_id BIGINT NOT NULL REFERENCES screening_runs (run_id),
    institution_id TEXT NOT NULL,
    rank BIGINT NOT NULL,
    worst TEXT NOT NULL,
    score BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    general BIGINT NOT NULL,
    serious BIGINT NOT NULL,
    grave BIGINT NOT NULL,
    per_item TEXT NOT NULL,
    disposition TEXT NOT NULL,
    PRIMARY KEY (run_id, institution_id)
);
CREATE INDEX run_risk_rank ON run_risk (run_id, rank);

-- The current classification of a finding (from the last run that reported it),
-- kept on the finding so the 预警中心 filters and sorts without a join.
ALTER TABLE findings ADD COLUMN item SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN severity TEXT NOT NULL DEFAULT 'general';
CREATE INDEX findings_list ON findings (last_run, item, finding_id);
CREATE INDEX findings_batch ON findings (batch_id);

CREATE INDEX certificates_name ON certificates (name);
CREATE INDEX institutions_kind ON institutions (kind, region_code);
