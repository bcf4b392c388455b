-- Haven schema, version 5: the audit log becomes a hash chain; data-protection dates on people.
--
-- Each entry gets a sequence number and carries the SHA-256 of the entry before it, and its own
-- hash over its fields and that previous hash. Editing or deleting any entry breaks the chain
-- from there on, which `haven-cli audit verify` reports. The migration's hook (in Rust, since
-- SQLite has no SHA-256) numbers and hashes the entries already there, then restores the
-- append-only triggers. `audit_head` remembers the last entry, so deleting the newest entries
-- is caught too.
-- Never edit this file once it has landed.

ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

DROP TRIGGER audit_log_no_update;

CREATE TABLE audit_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL
);

-- The day a case was closed (retention counts from it) and when the record was anonymised.
ALTER TABLE people ADD COLUMN closed_on TEXT;
ALTER TABLE people ADD COLUMN anonymised_at TEXT;
UPDATE people SET closed_on = substr(updated_at, 1, 10) WHERE status = 'closed';

-- What is left of a DBS check once the retention period after a volunteer left has passed:
-- the certificate number and the status it had, nothing of the check's detail (the volunteer's
-- name stays on the volunteer's own record).
CREATE TABLE dbs_reduced (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    volunteer_id        TEXT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    certificate_number  TEXT NOT NULL,
    status              TEXT NOT NULL,
    reduced_on          TEXT NOT NULL,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX dbs_reduced_volunteer ON dbs_reduced (volunteer_id);
