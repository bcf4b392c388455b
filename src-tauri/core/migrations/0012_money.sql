-- Haven schema, version 12: the centre's money.
--
-- Funds (the general fund and restricted funds with the spending categories they allow), donors
-- (only what Gift Aid needs), money in (donations, grants, other income), money out (payments,
-- some linked to the stock purchase or the expense claim they pay), transfers between funds, and
-- expense claims with their items. Amounts are integer pence or cents; an amount in euros keeps
-- the rate used (GBP per euro, in millionths) and its equivalent in pence, which is what every
-- balance and report adds up.

CREATE TABLE money_funds (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    restricted    INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    purpose       TEXT NOT NULL DEFAULT '',
    -- restricted funds: the spending categories allowed, comma-separated ('baby,food')
    categories    TEXT NOT NULL DEFAULT '',
    opening_pence INTEGER NOT NULL DEFAULT 0,
    opened_on     TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The general (unrestricted) fund always exists: what is not given for a purpose lands here.
INSERT INTO money_funds (id, name, restricted, purpose, opened_on)
VALUES ('general', 'General fund', 0, 'Whatever the centre needs most', '2000-01-01');

CREATE TABLE money_donors (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    house       TEXT NOT NULL DEFAULT '',
    postcode    TEXT NOT NULL DEFAULT '',
    thank       INTEGER NOT NULL DEFAULT 0 CHECK (thank IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE money_income (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('donation', 'grant', 'other')),
    fund_id     TEXT NOT NULL REFERENCES money_funds(id),
    donor_id    TEXT REFERENCES money_donors(id),
    -- grant: the funder; other income: where it came from
    source      TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    currency    TEXT NOT NULL CHECK (currency IN ('GBP', 'EUR')),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    rate_ppm    INTEGER CHECK (rate_ppm > 0),
    gbp_pence   INTEGER NOT NULL CHECK (gbp_pence >= 0),
    method      TEXT NOT NULL CHECK (method IN ('cash', 'bank', 'online', 'cheque')),
    gift_aid    INTEGER NOT NULL DEFAULT 0 CHECK (gift_aid IN (0, 1)),
    declared_on TEXT,
    site_id     TEXT REFERENCES sites(id),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX money_income_fund_date ON money_income (fund_id, received_on);
CREATE INDEX money_income_date ON money_income (received_on);

CREATE TABLE money_claims (
    id            TEXT PRIMARY KEY NOT NULL,
    claimant_id   TEXT NOT NULL REFERENCES users(id),
    claimed_on    TEXT NOT NULL,
    from_place    TEXT NOT NULL,
    to_place      TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    tax_year      INTEGER NOT NULL,
    miles         INTEGER NOT NULL DEFAULT 0 CHECK (miles >= 0),
    mileage_pence INTEGER NOT NULL DEFAULT 0 CHECK (mileage_pence >= 0),
    total_pence   INTEGER NOT NULL CHECK (total_pence >= 0),
    status        TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'paid')),
    approved_by   TEXT REFERENCES users(id),
    approved_at   TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX money_claims_claimant_year ON money_claims (claimant_id, tax_year);

CREATE TABLE money_claim_items (
    id          TEXT PRIMARY KEY NOT NULL,
    claim_id    TEXT NOT NULL REFERENCES money_claims(id),
    kind        TEXT NOT NULL CHECK (kind IN ('ferry', 'tunnel', 'train', 'fuel', 'other')),
    currency    TEXT NOT NULL CHECK (currency IN ('GBP', 'EUR')),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    rate_ppm    INTEGER CHECK (rate_ppm > 0),
    gbp_pence   INTEGER NOT NULL CHECK (gbp_pence >= 0),
    receipt_ref TEXT NOT NULL DEFAULT ''
);

CREATE TABLE money_payments (
    id                TEXT PRIMARY KEY NOT NULL,
    paid_on           TEXT NOT NULL,
    payee             TEXT NOT NULL CHECK (length(trim(payee)) > 0),
    currency          TEXT NOT NULL CHECK (currency IN ('GBP', 'EUR')),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    rate_ppm          INTEGER CHECK (rate_ppm > 0),
    gbp_pence         INTEGER NOT NULL CHECK (gbp_pence >= 0),
    fund_id           TEXT NOT NULL REFERENCES money_funds(id),
    category          TEXT NOT NULL,
    site_id           TEXT REFERENCES sites(id),
    receipt_ref       TEXT NOT NULL DEFAULT '',
    -- a scanned receipt copied into receipts/ beside the database: its file name there
    receipt_file      TEXT NOT NULL DEFAULT '',
    approved_by       TEXT NOT NULL DEFAULT '',
    stock_movement_id TEXT UNIQUE REFERENCES stock_movements(id),
    claim_id          TEXT UNIQUE REFERENCES money_claims(id),
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT REFERENCES users(id),
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX money_payments_fund_date ON money_payments (fund_id, paid_on);
CREATE INDEX money_payments_date ON money_payments (paid_on);

CREATE TABLE money_transfers (
    id          TEXT PRIMARY KEY NOT NULL,
    moved_on    TEXT NOT NULL,
    from_fund   TEXT NOT NULL REFERENCES money_funds(id),
    to_fund     TEXT NOT NULL REFERENCES money_funds(id),
    gbp_pence   INTEGER NOT NULL CHECK (gbp_pence > 0),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (from_fund <> to_fund)
);
