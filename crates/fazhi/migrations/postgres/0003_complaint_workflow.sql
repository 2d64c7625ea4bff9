-- The internal closed loop of complaints (受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价),
-- PostgreSQL dialect. Keep in step with ../sqlite/0003_complaint_workflow.sql.
-- `complaints.state` (0002) stays the coarse Open311-facing state; `stage` is the real one.

ALTER TABLE complaints ADD COLUMN stage TEXT NOT NULL DEFAULT 'received'
    CHECK (stage IN ('received', 'dispatched', 'handling', 'replied', 'verified', 'closed', 'followed_up', 'rated', 'reopened'));
ALTER TABLE complaints ADD COLUMN dispatched_at TEXT;
ALTER TABLE complaints ADD COLUMN first_replied_at TEXT;
ALTER TABLE complaints ADD COLUMN reply TEXT;
ALTER TABLE complaints ADD COLUMN final_state TEXT
    CHECK (final_state IS NULL OR final_state IN ('resolved', 'not_resolved', 'not_our_responsibility', 'duplicate_of', 'withdrawn'));
ALTER TABLE complaints ADD COLUMN final_reason TEXT;
ALTER TABLE complaints ADD COLUMN routed_to TEXT;
ALTER TABLE complaints ADD COLUMN duplicate_of TEXT REFERENCES complaints(id);
ALTER TABLE complaints ADD COLUMN tag_721 TEXT
    CHECK (tag_721 IS NULL OR tag_721 IN ('service', 'management', 'enforcement'));
ALTER TABLE complaints ADD COLUMN rating TEXT
    CHECK (rating IS NULL OR rating IN ('satisfied', 'basically_satisfied', 'dissatisfied'));
ALTER TABLE complaints ADD COLUMN rating_score BIGINT;
ALTER TABLE complaints ADD COLUMN rated_at TEXT;
ALTER TABLE complaints ADD COLUMN followed_up_at TEXT;
ALTER TABLE complaints ADD COLUMN reopen_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN supervision_level BIGINT NOT NULL DEFAULT 0;
CREATE INDEX complaints_stage_expected ON complaints(stage, expected_at);
CREATE INDEX complaints_duplicate_of ON complaints(duplicate_of);

-- 督办 records: who supervised which complaint, at what escalation level, and why.
CREATE TABLE complaint_supervisions (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX complaint_supervisions_complaint ON complaint_supervisions(complaint_id);

-- 核查 photos (before/after); the file is <data-dir>/evidence/<sha256>. Not public.
CREATE TABLE complaint_photos (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    kind TEXT NOT NULL CHECK (kind IN ('before', 'after')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX complaint_photos_complaint ON complaint_photos(complaint_id);

-- A complaint that became the lead (线索) of a penalty case; kept both ways.
CREATE TABLE case_complaints (
    case_id TEXT NOT NULL REFERENCES cases(id),
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    linked_at TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    PRIMARY KEY (case_id, complaint_id)
);
CREATE INDEX case_complaints_complaint ON case_complaints(complaint_id);
