-- Haven schema: volunteers, DBS checks, the rota and the activity timetable.
-- Depends only on 0001 (sites, users) and 0002 (people); never on stock tables.

-- A volunteer of the centre (not a user of the app: the rota's people).
CREATE TABLE volunteers (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    given_name          TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name         TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    emergency_contact   TEXT NOT NULL DEFAULT '',
    languages           TEXT NOT NULL DEFAULT '',
    -- comma-separated: early_years, teaching, medical, interpreting, driving
    skills              TEXT NOT NULL DEFAULT '',
    qualifications      TEXT NOT NULL DEFAULT '',
    arrival_on          TEXT NOT NULL,
    departure_on        TEXT,
    status              TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'approved', 'active', 'left')),
    -- the named structured activity that lets a stay be shorter than 14 days ('' for none)
    structured_activity TEXT NOT NULL DEFAULT '',
    -- leads and coordinators only
    notes               TEXT NOT NULL DEFAULT '',
    created_by          TEXT REFERENCES users(id),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (departure_on IS NULL OR departure_on >= arrival_on)
);
CREATE INDEX volunteers_status ON volunteers (status, family_name, given_name);

-- The sites a volunteer works at (the home site is always one of them).
CREATE TABLE volunteer_sites (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    volunteer_id  TEXT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (volunteer_id, site_id)
);

-- A DBS check as verified by staff. Criminal-offence data: leads and coordinators only.
-- Only these facts are kept, never the certificate's content.
CREATE TABLE dbs_checks (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    volunteer_id        TEXT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    level               TEXT NOT NULL CHECK (level IN ('basic', 'standard', 'enhanced', 'enhanced_barred')),
    workforce           TEXT NOT NULL CHECK (workforce IN ('child', 'adult', 'both')),
    barred_children     INTEGER NOT NULL DEFAULT 0 CHECK (barred_children IN (0, 1)),
    barred_adults       INTEGER NOT NULL DEFAULT 0 CHECK (barred_adults IN (0, 1)),
    certificate_number  TEXT NOT NULL CHECK (length(certificate_number) = 12 AND certificate_number NOT GLOB '*[^0-9]*'),
    issued_on           TEXT NOT NULL,
    update_service_id   TEXT NOT NULL DEFAULT '',
    update_checked_on   TEXT,
    verified_by         TEXT REFERENCES users(id),
    verified_on         TEXT NOT NULL,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX dbs_checks_volunteer ON dbs_checks (volunteer_id, issued_on);

-- A recurring weekly activity at a site.
CREATE TABLE activity_sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    kind          TEXT NOT NULL CHECK (kind IN ('childrens_play', 'english', 'womens', 'maktab', 'other')),
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    -- ISO weekday: 1 Monday .. 7 Sunday
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    child_facing  INTEGER NOT NULL DEFAULT 0 CHECK (child_facing IN (0, 1)),
    required_dbs  TEXT NOT NULL DEFAULT 'none' CHECK (required_dbs IN ('none', 'basic', 'standard', 'enhanced', 'enhanced_barred')),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (ends_at > starts_at)
);
CREATE INDEX activity_sessions_site ON activity_sessions (site_id, weekday);

-- One week's change to a session: cancelled, or moved to another day, time or place.
CREATE TABLE session_exceptions (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    session_id    TEXT NOT NULL REFERENCES activity_sessions(id) ON DELETE CASCADE,
    -- the date the session would have been held
    on_date       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('cancelled', 'moved')),
    moved_to      TEXT,
    starts_at     TEXT,
    ends_at       TEXT,
    place         TEXT,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (session_id, on_date)
);

-- A person signed up to one session on one date (the scheduled date), and whether they came.
CREATE TABLE session_signups (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    session_id    TEXT NOT NULL REFERENCES activity_sessions(id) ON DELETE CASCADE,
    on_date       TEXT NOT NULL,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- NULL: not recorded yet
    attended      INTEGER CHECK (attended IN (0, 1)),
    created_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (session_id, on_date, person_id)
);
CREATE INDEX session_signups_person ON session_signups (person_id);

-- A shift on the rota.
CREATE TABLE shifts (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    on_date       TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (length(trim(role)) > 0),
    session_id    TEXT REFERENCES activity_sessions(id) ON DELETE SET NULL,
    child_facing  INTEGER NOT NULL DEFAULT 0 CHECK (child_facing IN (0, 1)),
    required_dbs  TEXT NOT NULL DEFAULT 'none' CHECK (required_dbs IN ('none', 'basic', 'standard', 'enhanced', 'enhanced_barred')),
    -- how many volunteers the shift needs
    needed        INTEGER NOT NULL DEFAULT 1 CHECK (needed > 0),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_site_date ON shifts (site_id, on_date, starts_at);

CREATE TABLE shift_assignments (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    shift_id      TEXT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    volunteer_id  TEXT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    created_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX shift_assignments_volunteer ON shift_assignments (volunteer_id);
