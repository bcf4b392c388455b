-- Haven schema, version 14: erasure records. An erasure (a person's request, or the retention
-- rule) travels between replicas as this row alone, never as a change carrying the values it
-- removes: each replica that receives it anonymises the person itself, and again whenever a
-- change made elsewhere before it knew of the erasure brings a value back.
CREATE TABLE erasures (
    person_id  TEXT PRIMARY KEY NOT NULL REFERENCES people(id),
    reason     TEXT NOT NULL,
    erased_at  TEXT NOT NULL,
    erased_by  TEXT REFERENCES users(id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Records anonymised before this version: the erasure is dated as the record says.
INSERT INTO erasures (person_id, reason, erased_at)
SELECT id, 'before erasure records', anonymised_at FROM people WHERE anonymised_at IS NOT NULL;
