-- Listing complaints newest first (Open311 GET requests, the back office) orders by
-- (requested_at DESC, service_request_id DESC), optionally for some service codes. Indexes
-- ending in exactly these columns let the database read the first page straight off the
-- index, even with millions of complaints in the window, instead of sorting the ties.
-- They replace the indexes on requested_at and on (service_code, requested_at), which they
-- cover, so intake still maintains the same number of indexes.
-- Same file for SQLite and PostgreSQL.
DROP INDEX complaints_requested;
DROP INDEX complaints_code_requested;
CREATE INDEX complaints_requested_id ON complaints(requested_at, service_request_id);
CREATE INDEX complaints_code_requested_id ON complaints(service_code, requested_at, service_request_id);
