-- Issue 10: the party's date of birth (individuals only, optional, YYYY-MM-DD). A party aged
-- 14 or more and under 18 at the time of the act is penalised more lightly or mitigated
-- (行政处罚法第三十条); the timeline field `party.birth_date`.
ALTER TABLE cases ADD COLUMN party_birth_date TEXT;
