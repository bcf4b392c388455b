-- Haven schema: exchange security: replicas, their keys, and human codes per replica.
--
-- A centre is a set of replicas (one per Haven install). What each replica keeps to itself is
-- in LOCAL tables, which are never captured for an exchange, never put in a bundle and
-- removed from the snapshot a join file carries:
--   exchange_secrets      this replica's identity and keys (the centre's exchange key, its own
--                         Ed25519 signing key); one row, made by this migration's hook (in
--                         Rust, since keys come from the system's random source)
--   exchange_chain        per origin replica, the last bundle accepted from it (or written by
--                         this replica): its sequence number and the hash of its file
--   person_code_counters  the next human code number per site on this replica
-- `replicas` is the centre's directory of replicas and replicates like any table.
-- Never edit this file once it has landed.

CREATE TABLE exchange_secrets (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    centre        TEXT NOT NULL,
    replica       TEXT NOT NULL,
    exchange_key  BLOB NOT NULL CHECK (length(exchange_key) = 32),
    signing_key   BLOB NOT NULL CHECK (length(signing_key) = 32),
    -- the join file this replica was made from (its replica id); NULL when set up here
    joined_with   TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE exchange_chain (
    origin      TEXT PRIMARY KEY NOT NULL,
    last_seq    INTEGER NOT NULL CHECK (last_seq >= 0),
    last_hash   BLOB NOT NULL CHECK (length(last_hash) = 32),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE replicas (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT REFERENCES sites(id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- Ed25519 verifying key, 64 hexadecimal digits
    public_key  TEXT NOT NULL CHECK (length(public_key) = 64),
    -- letters between the site code and the number of the human codes this replica makes
    -- (CAL-B0001); '' for the replica the centre was set up on, whose codes stay CAL-0042
    code_tag    TEXT NOT NULL UNIQUE,
    added_by    TEXT REFERENCES users(id),
    added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    removed_by  TEXT REFERENCES users(id),
    removed_at  TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The counter leaves the replicated `sites` row: two replicas taking numbers from one shared
-- counter would hand out the same code. Each replica counts on its own, behind its own tag.
CREATE TABLE person_code_counters (
    site_id     TEXT PRIMARY KEY NOT NULL REFERENCES sites(id),
    next_number INTEGER NOT NULL CHECK (next_number >= 1)
);
INSERT INTO person_code_counters (site_id, next_number) SELECT id, next_person_number FROM sites;
ALTER TABLE sites DROP COLUMN next_person_number;

-- The replica the centre was set up on takes the first lead's home site: setup and the demo
-- add the lead right after the database is made.
CREATE TRIGGER replicas_first_site AFTER INSERT ON users WHEN NEW.role = 'lead'
BEGIN
    UPDATE replicas SET site_id = NEW.site_id
    WHERE site_id IS NULL AND id = (SELECT replica FROM exchange_secrets WHERE id = 1);
END;
