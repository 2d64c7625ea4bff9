-- Holiday arrangements (放假安排) loaded by an administrator (issue 9 §1): one row per year,
-- the arrangement in the format of data/calendar/cn.toml. A loaded year overrides the
-- built-in data; a year with neither is counted on the provisional calendar. `generation`
-- grows with every load: servers compare MAX(generation) with the calendar they hold and
-- rebuild it when it changed (docs/decisions/008-calendar-in-the-database.md).
CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY CHECK (year BETWEEN 2014 AND 2099),
    arrangement TEXT NOT NULL,
    source TEXT NOT NULL,
    generation BIGINT NOT NULL UNIQUE CHECK (generation > 0),
    loaded_by TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
