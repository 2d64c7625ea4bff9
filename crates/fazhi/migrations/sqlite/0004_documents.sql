-- 执法文书: generated documents with their SHA-256, and gap-free numbers per kind and year.
ALTER TABLE cases ADD COLUMN party_address TEXT;

CREATE TABLE document_numbers (
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_no INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
) STRICT;

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    doc_no TEXT NOT NULL UNIQUE,
    event_seq INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (case_id, kind, event_seq)
) STRICT;
CREATE INDEX documents_case ON documents(case_id);
