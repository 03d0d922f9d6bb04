-- What each run saw per institution (activities, applications, certificates),
-- counted once when the run is recorded, so 首页 sums a few thousand rows in
-- the caller's jurisdiction instead of counting millions on every visit.
CREATE TABLE run_stats (
    run_id BIGINT NOT NULL REFERENCES screening_runs (run_id),
    institution_id TEXT NOT NULL,
    batches BIGINT NOT NULL,
    enrollments BIGINT NOT NULL,
    certificates BIGINT NOT NULL,
    PRIMARY KEY (run_id, institution_id)
);
