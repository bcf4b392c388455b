-- Haven schema, version 7: name keys, so a person is found however their name was written.
--
-- One row per key of a word of a person's names (`cases/names.rs` computes them): `sound` and
-- `skeleton` from names in Latin letters, `arabic` and `ethiopic` from the name in original
-- script. Kept in step with `people` by the core on every write of a name, like the search
-- index: the table is derived (no id, site or dates of its own) and rebuilt whole when needed.
-- The keys of people registered before this version are computed by the migration's hook.
-- `person_rowid` is the person's rowid, which the search index (people_fts) uses too: a key's
-- range in the primary key is then in registration order, so a page of the newest matches is
-- read without sorting them all.

CREATE TABLE person_name_keys (
    key          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('sound', 'skeleton', 'arabic', 'ethiopic')),
    person_rowid INTEGER NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (key, kind, person_rowid)
) WITHOUT ROWID;

CREATE INDEX person_name_keys_person ON person_name_keys (person_id);
