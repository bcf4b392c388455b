-- Haven schema, version 19: one person registered twice (two sites before an exchange, or one
-- site twice) becomes one. A merge travels between replicas as this record alone; each replica
-- that receives it moves every row about the merged person to the kept one itself, and again
-- whenever a row made elsewhere before that replica knew of the merge arrives.
-- Keyed by both people: two replicas merging one person into two others keep both records
-- (the rows each moved are then brought together, see people.merged_into).
CREATE TABLE person_merges (
    person_id  TEXT NOT NULL REFERENCES people(id),
    keep_id    TEXT NOT NULL REFERENCES people(id),
    merged_at  TEXT NOT NULL,
    merged_by  TEXT REFERENCES users(id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (person_id, keep_id),
    CHECK (person_id <> keep_id)
);
CREATE INDEX person_merges_keep ON person_merges (keep_id);
-- Where each merged person's rows went, worked out from the merge records the same way on every
-- replica (a chain of merges, or two replicas merging a pair in opposite directions, ends at one
-- person). Never edited by hand: the merge records decide it.
ALTER TABLE people ADD COLUMN merged_into TEXT REFERENCES people(id);
CREATE INDEX people_merged_into ON people (merged_into) WHERE merged_into IS NOT NULL;
-- Two records a coordinator looked at and found to be two people: not offered again anywhere.
CREATE TABLE duplicate_dismissals (
    person_a     TEXT NOT NULL REFERENCES people(id),
    person_b     TEXT NOT NULL REFERENCES people(id),
    dismissed_at TEXT NOT NULL,
    dismissed_by TEXT REFERENCES users(id),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
);
