-- Haven schema, version 1.
--
-- Conventions every table follows:
--   id          UUIDv7 as text (time-ordered, unique across sites, so records made at different
--               sites can later be exchanged without collisions)
--   site_id     the site the record belongs to (sites: the site itself; settings: NULL = centre-wide)
--   created_at, updated_at   UTC, ISO 8601 with milliseconds ('2026-11-27T06:30:00.123Z')
-- Local calendar dates (date of birth, distribution day) are 'YYYY-MM-DD' text.
-- Never edit this file once it has landed: add 0002_*.sql instead.

CREATE TABLE sites (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 5 AND code = upper(code)),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- next number for people's human codes at this site (CAL-0042)
    next_person_number INTEGER NOT NULL DEFAULT 1,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (site_id = id)
);

CREATE TABLE settings (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT REFERENCES sites(id),
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX settings_key ON settings (key, coalesce(site_id, ''));

CREATE TABLE users (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id),
    username     TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 32),
    display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
    role         TEXT NOT NULL CHECK (role IN ('lead', 'coordinator', 'front_desk')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Append-only: who did what to which record, and when. The triggers below refuse edits.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT REFERENCES sites(id),
    user_id     TEXT REFERENCES users(id),
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    detail      TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- A household or family that is registered together.
CREATE TABLE households (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX households_site ON households (site_id);

-- A person the centre supports.
CREATE TABLE people (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    code          TEXT NOT NULL UNIQUE,
    given_name    TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name   TEXT NOT NULL,
    original_name TEXT,
    sex           TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    date_of_birth TEXT,
    dob_estimated INTEGER NOT NULL DEFAULT 0 CHECK (dob_estimated IN (0, 1)),
    nationality   TEXT,
    languages     TEXT,
    phone         TEXT,
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'moved_on', 'reached_uk', 'closed')),
    household_id  TEXT REFERENCES households(id) ON DELETE SET NULL,
    relationship  TEXT CHECK (relationship IN
                  ('head', 'mother', 'father', 'child', 'sibling', 'guardian', 'grandparent', 'other')),
    consent_at    TEXT,
    consent_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Covering indexes for the Dashboard's counts and the household checks (no table lookups).
CREATE INDEX people_site_status ON people (site_id, status, household_id);
CREATE INDEX people_status_dob ON people (status, date_of_birth, sex, household_id);
CREATE INDEX people_household ON people (household_id, status, date_of_birth);
CREATE INDEX people_family_name ON people (family_name COLLATE NOCASE, given_name COLLATE NOCASE);
