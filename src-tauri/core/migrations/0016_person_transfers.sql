-- Haven schema, version 16: moves of a person between sites, so that the receiving site sees
-- who is coming ("Arrivals from other sites" on the Dashboard) and marks them met. Replicated:
-- a move made in Calais reaches Birmingham with the person's record.
CREATE TABLE person_transfers (
    id              TEXT PRIMARY KEY NOT NULL,
    person_id       TEXT NOT NULL REFERENCES people(id),
    from_site_id    TEXT NOT NULL REFERENCES sites(id),
    to_site_id      TEXT NOT NULL REFERENCES sites(id),
    transferred_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    transferred_by  TEXT REFERENCES users(id),
    met_on          TEXT,
    met_by          TEXT REFERENCES users(id),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX person_transfers_to ON person_transfers (to_site_id, met_on);
CREATE INDEX person_transfers_person ON person_transfers (person_id);
