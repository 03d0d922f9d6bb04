-- The working-day calendar (工作日历): holiday schedules imported by administrators
-- (`zhijian workdays import`), one row per listed day. A year here replaces that
-- year of the calendar built into the binary; importing a year again replaces its
-- rows. `off_day` is TRUE for a day off (放假), FALSE for a make-up working day
-- (调休上班) on a weekend; every day of a year is in that year.

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    off_day BOOLEAN NOT NULL,
    name TEXT NOT NULL,
    year SMALLINT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);
