-- Haven schema, version 2: the case book.
-- People gain other names; flags, notes, partner organisations, referrals, phones issued and the
-- UK arrivals checklist get their own tables; people are searchable by every name and code.

ALTER TABLE people ADD COLUMN other_names TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN created_by TEXT REFERENCES users(id);

-- Flags that are set by hand. "Baby under 12 months" is derived from the date of birth, and
-- "unaccompanied minor" is also derived (under 18 with no adult in the household).
CREATE TABLE person_flags (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('pregnant', 'unaccompanied_minor', 'safeguarding', 'medical')),
    -- pregnant: expected due date
    due_date    TEXT,
    -- unaccompanied minor: separation details; safeguarding / medical: what staff need to know
    details     TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX person_flags_active ON person_flags (person_id, kind) WHERE active = 1;
CREATE INDEX person_flags_kind ON person_flags (kind, active, person_id);

CREATE TABLE notes (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES users(id),
    noted_on    TEXT NOT NULL,
    body        TEXT NOT NULL CHECK (length(trim(body)) > 0),
    -- visible to leads and coordinators only
    restricted  INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX notes_person ON notes (person_id, noted_on);

-- Partner organisations people are referred to (the lead keeps the list).
CREATE TABLE partners (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT REFERENCES sites(id),
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    contact     TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE referrals (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    partner_id    TEXT NOT NULL REFERENCES partners(id),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    referred_on   TEXT NOT NULL,
    consent_given INTEGER NOT NULL CHECK (consent_given IN (0, 1)),
    status        TEXT NOT NULL DEFAULT 'made' CHECK (status IN ('made', 'accepted', 'declined', 'completed')),
    follow_up_on  TEXT,
    outcome       TEXT NOT NULL DEFAULT '',
    created_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE INDEX referrals_open_follow_up ON referrals (follow_up_on) WHERE status IN ('made', 'accepted');

-- Phones the centre gives to minors, so they can call for help.
CREATE TABLE phones (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    number      TEXT NOT NULL DEFAULT '',
    imei        TEXT NOT NULL DEFAULT '',
    issued_on   TEXT NOT NULL,
    returned_on TEXT,
    lost_on     TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (number <> '' OR imei <> '')
);
CREATE INDEX phones_person ON phones (person_id);

-- Birmingham: settling with social services, one checklist per person.
CREATE TABLE uk_arrivals (
    id                    TEXT PRIMARY KEY NOT NULL,
    site_id               TEXT NOT NULL REFERENCES sites(id),
    person_id             TEXT NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    local_authority       TEXT NOT NULL DEFAULT '',
    social_worker         TEXT NOT NULL DEFAULT '',
    social_worker_contact TEXT NOT NULL DEFAULT '',
    gp_practice           TEXT NOT NULL DEFAULT '',
    gp_registered_on      TEXT,
    school                TEXT NOT NULL DEFAULT '',
    school_enrolled_on    TEXT,
    housing               TEXT NOT NULL DEFAULT '',
    housing_from          TEXT,
    next_appointment_on   TEXT,
    next_appointment      TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Search by any name or the code: prefix, accent-insensitive ("zoe" finds Zoë), in every script.
CREATE VIRTUAL TABLE people_fts USING fts5(
    given_name, family_name, original_name, other_names, code,
    content = 'people', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts (rowid, given_name, family_name, original_name, other_names, code)
    VALUES (new.rowid, new.given_name, new.family_name, new.original_name, new.other_names, new.code);
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, given_name, family_name, original_name, other_names, code)
    VALUES ('delete', old.rowid, old.given_name, old.family_name, old.original_name, old.other_names, old.code);
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF given_name, family_name, original_name, other_names, code ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, given_name, family_name, original_name, other_names, code)
    VALUES ('delete', old.rowid, old.given_name, old.family_name, old.original_name, old.other_names, old.code);
    INSERT INTO people_fts (rowid, given_name, family_name, original_name, other_names, code)
    VALUES (new.rowid, new.given_name, new.family_name, new.original_name, new.other_names, new.code);
END;
INSERT INTO people_fts (people_fts) VALUES ('rebuild');

CREATE INDEX people_dob ON people (date_of_birth);
CREATE INDEX people_phone ON people (phone) WHERE phone IS NOT NULL;
