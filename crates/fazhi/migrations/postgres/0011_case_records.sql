-- Issue 13: the case record the enforcement documents are written from (party identity,
-- 案件来源, place, 违法事实, 证据目录, 裁量理由), one JSON document per case.
CREATE TABLE case_records (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    record TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The PDF rendering of a document (LibreOffice headless), stored beside the DOCX as
-- <sha256>.pdf; NULL when no converter is configured or the conversion failed.
ALTER TABLE documents ADD COLUMN pdf_sha256 TEXT;
