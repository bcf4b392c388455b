-- Haven schema, version 8: exchange between replicas (the engine's local tables and the
-- replicated conflicts list).
--
-- Every write transaction on a replicated table stores its changeset (SQLite's session
-- extension, full changesets) in `exchange_outbox` in the same transaction; changes received
-- from other replicas are kept there too, with their origin, so they are passed on. The
-- `exchange_*` tables are this replica's own and never travel; `conflicts` travels like any
-- other table, so every replica ends with the same list.
-- Never edit this file once it has landed.

-- This replica: the centre it belongs to, its own id and its site. One row, made at the first
-- write when missing (a join replaces it).
CREATE TABLE exchange_self (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    centre      TEXT NOT NULL,
    replica     TEXT NOT NULL,
    site        TEXT NOT NULL DEFAULT '',
    -- the hybrid logical clock: milliseconds since 1970 shifted 16 bits, plus a counter
    hlc         INTEGER NOT NULL DEFAULT 0,
    -- bundles this replica wrote (numbered 1, 2, ...) and the hash of the last one's file
    bundle_seq  INTEGER NOT NULL DEFAULT 0,
    bundle_hash BLOB
);

-- Captured and received changes. `deps`: JSON object origin -> last sequence number of that
-- origin applied here when the change was written (a change applies only after them).
CREATE TABLE exchange_outbox (
    origin      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hlc         INTEGER NOT NULL,
    deps        TEXT NOT NULL DEFAULT '{}',
    changeset   BLOB NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;

-- The last sequence number of each origin written or applied here (they apply in order, so
-- one number says which are in).
CREATE TABLE exchange_applied (
    origin      TEXT PRIMARY KEY NOT NULL,
    seq         INTEGER NOT NULL
) WITHOUT ROWID;

-- The stamp of the last change to each replicated row (deleted rows keep theirs): decides
-- which of two concurrent changes wins, the same way on every replica.
CREATE TABLE exchange_stamps (
    tbl         TEXT NOT NULL,
    pk          TEXT NOT NULL,
    hlc         INTEGER NOT NULL,
    origin      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, pk)
) WITHOUT ROWID;

-- Other replicas met in exchange folders and what they acknowledged (JSON object origin ->
-- sequence number): outbox rows every one of them has are deleted.
CREATE TABLE exchange_peers (
    replica     TEXT PRIMARY KEY NOT NULL,
    acked       TEXT NOT NULL DEFAULT '{}',
    seen_at     TEXT NOT NULL
) WITHOUT ROWID;

-- Changes that lost to a concurrent one: the row, both values, and what a coordinator or lead
-- decided. The id is derived from the losing change, so a conflict found on several replicas
-- is one row everywhere.
CREATE TABLE conflicts (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL DEFAULT '',
    tbl           TEXT NOT NULL,
    row_pk        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('edit', 'delete', 'insert')),
    winner        TEXT NOT NULL,
    loser         TEXT NOT NULL,
    winner_origin TEXT NOT NULL,
    winner_hlc    INTEGER NOT NULL,
    loser_origin  TEXT NOT NULL,
    loser_hlc     INTEGER NOT NULL,
    found_by      TEXT NOT NULL,
    resolution    TEXT CHECK (resolution IN ('keep', 'take_other')),
    resolved_by   TEXT,
    resolved_at   TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX conflicts_open ON conflicts (resolution, created_at);
