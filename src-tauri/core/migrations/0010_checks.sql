-- Haven schema, checks of every issuer: a criminal-record check has an issuer (DBS, Disclosure
-- Scotland, PVG scheme membership, AccessNI, ICPC, a certificate from another country).
--
-- `dbs_checks` keeps its name (the centre calls every such check "DBS") and every row: each
-- existing check becomes a DBS check with the same id, level, number and dates. The table is
-- rebuilt because its CHECKs allowed only DBS levels and 12-digit numbers; each issuer's
-- levels and number format are now checked by the issuer table in the core
-- (`volunteers/issuers.rs`). Nothing references `dbs_checks`, so it is rebuilt in place.

CREATE TABLE dbs_checks_new (
    id                  TEXT PRIMARY KEY NOT NULL,
    site_id             TEXT NOT NULL REFERENCES sites(id),
    volunteer_id        TEXT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    issuer              TEXT NOT NULL DEFAULT 'dbs'
                        CHECK (issuer IN ('dbs', 'disclosure_scotland', 'pvg', 'access_ni', 'icpc', 'foreign')),
    -- the issuer's level code (DBS and AccessNI: basic .. enhanced_barred; Disclosure Scotland:
    -- level1, level2, level2_list; PVG: member; ICPC: icpc; another country: certificate)
    level               TEXT NOT NULL CHECK (length(level) > 0),
    workforce           TEXT NOT NULL CHECK (workforce IN ('child', 'adult', 'both')),
    barred_children     INTEGER NOT NULL DEFAULT 0 CHECK (barred_children IN (0, 1)),
    barred_adults       INTEGER NOT NULL DEFAULT 0 CHECK (barred_adults IN (0, 1)),
    -- certificate number, PVG scheme number or reference, in the issuer's format
    certificate_number  TEXT NOT NULL CHECK (length(certificate_number) BETWEEN 1 AND 60),
    issued_on           TEXT NOT NULL,
    update_service_id   TEXT NOT NULL DEFAULT '',
    update_checked_on   TEXT,
    -- PVG: the renewal date Disclosure Scotland gave, when recorded
    renewal_on          TEXT,
    -- a certificate from another country
    country             TEXT NOT NULL DEFAULT '',
    document            TEXT NOT NULL DEFAULT '',
    translated          INTEGER NOT NULL DEFAULT 0 CHECK (translated IN (0, 1)),
    authenticity        TEXT NOT NULL DEFAULT '',
    covers_children     INTEGER NOT NULL DEFAULT 0 CHECK (covers_children IN (0, 1)),
    -- as printed on the certificate
    printed_name        TEXT NOT NULL DEFAULT '',
    printed_birth_date  TEXT,
    -- who saw the original ('' : the user who recorded it, `verified_by`), on `verified_on`
    seen_by             TEXT NOT NULL DEFAULT '',
    result              TEXT NOT NULL DEFAULT 'clear' CHECK (result IN ('clear', 'disclosed')),
    -- restricted: the coordinator's risk assessment (information disclosed, or a certificate
    -- that needs one for child-facing work)
    risk_assessment     TEXT NOT NULL DEFAULT '',
    risk_assessed_by    TEXT REFERENCES users(id),
    risk_assessed_on    TEXT,
    -- PVG: Disclosure Scotland told that the volunteer stopped regulated work for the centre
    leaver_notified_on  TEXT,
    leaver_notified_by  TEXT REFERENCES users(id),
    verified_by         TEXT REFERENCES users(id),
    verified_on         TEXT NOT NULL,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO dbs_checks_new (id, site_id, volunteer_id, issuer, level, workforce, barred_children, barred_adults,
    certificate_number, issued_on, update_service_id, update_checked_on, verified_by, verified_on,
    created_at, updated_at)
SELECT id, site_id, volunteer_id, 'dbs', level, workforce, barred_children, barred_adults,
    certificate_number, issued_on, update_service_id, update_checked_on, verified_by, verified_on,
    created_at, updated_at
FROM dbs_checks;

DROP TABLE dbs_checks;
ALTER TABLE dbs_checks_new RENAME TO dbs_checks;
CREATE INDEX dbs_checks_volunteer ON dbs_checks (volunteer_id, issued_on);

-- What retention keeps of a check names its issuer too.
ALTER TABLE dbs_reduced ADD COLUMN issuer TEXT NOT NULL DEFAULT 'dbs';

-- Applications from the interest form: what the applicant said about their check, and when
-- the centre received their references (NULL: not yet).
ALTER TABLE volunteers ADD COLUMN check_declared TEXT NOT NULL DEFAULT '';
ALTER TABLE volunteers ADD COLUMN references_on TEXT;
