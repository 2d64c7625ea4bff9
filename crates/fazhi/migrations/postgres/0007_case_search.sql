-- Case list support: a search text (Chinese substring search), the officers who acted, and
-- the earliest open legal deadline (so "overdue" is a column comparison, not an engine run
-- per case). All three are rewritten with every change to the case. Documents keep their
-- filled-in content for the print-ready HTML view.
ALTER TABLE cases ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN officer_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN next_due TEXT;
ALTER TABLE cases ADD COLUMN next_due_rule TEXT;
UPDATE cases SET search_text = case_no || ' ' || party_name || ' ' || COALESCE(party_address, '') || ' ' || COALESCE(violation_code, '');
CREATE INDEX cases_created ON cases(created_at, id);
CREATE INDEX cases_next_due ON cases(next_due);
ALTER TABLE documents ADD COLUMN content TEXT;
