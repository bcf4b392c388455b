-- Haven schema, version 3: stock and the weekly distribution.
--
-- Stock is a ledger: stock_movements is append-only (triggers refuse edits and deletes), and
-- stock_balances is kept equal to the sum of the ledger by a trigger on every insert, in the same
-- transaction, so balances are read without summing the ledger. A balance can never go below
-- zero (CHECK); the core checks first so the refusal names the item, location and quantity.

-- The catalogue (centre-wide): what the centre gives out.
CREATE TABLE stock_items (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT REFERENCES sites(id),
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    category      TEXT NOT NULL CHECK (category IN ('baby', 'food', 'hygiene', 'clothing', 'phone', 'other')),
    unit          TEXT NOT NULL DEFAULT 'each' CHECK (length(trim(unit)) > 0),
    tracks_expiry INTEGER NOT NULL DEFAULT 0 CHECK (tracks_expiry IN (0, 1)),
    -- sizes, comma-separated ('1,2,3,4,5,6' for nappies; '0-1,2-4,5-8,9-12,13-17' years for clothing)
    variants      TEXT NOT NULL DEFAULT '',
    -- how a person's variant is chosen: their nappy size, or their age in years
    variant_by    TEXT CHECK (variant_by IN ('nappy_size', 'age_years')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Low-stock threshold of an item at a site.
CREATE TABLE stock_thresholds (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    item_id     TEXT NOT NULL REFERENCES stock_items(id),
    threshold   INTEGER NOT NULL CHECK (threshold >= 0),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (site_id, item_id)
);

-- Where stock is kept: the bus, the store, the office.
CREATE TABLE stock_locations (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (site_id, name)
);

-- The ledger. quantity > 0 adds stock at the location, < 0 takes it away.
CREATE TABLE stock_movements (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id),
    location_id  TEXT NOT NULL REFERENCES stock_locations(id),
    item_id      TEXT NOT NULL REFERENCES stock_items(id),
    variant      TEXT NOT NULL DEFAULT '',
    batch        TEXT NOT NULL DEFAULT '',
    expires_on   TEXT,
    quantity     INTEGER NOT NULL CHECK (quantity <> 0),
    kind         TEXT NOT NULL CHECK (kind IN
                 ('receipt', 'distribution', 'transfer', 'adjustment', 'stocktake', 'reversal')),
    -- receipt: donation or purchase; adjustment: damaged, expired, lost, found
    reason       TEXT CHECK (reason IN ('donation', 'purchase', 'damaged', 'expired', 'lost', 'found')),
    -- donor (donation) or supplier (purchase)
    party        TEXT NOT NULL DEFAULT '',
    -- purchase: cost of one unit in pence (or cents)
    unit_cost    INTEGER CHECK (unit_cost >= 0),
    moved_on     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    -- movements written together (both legs of a transfer, a collection, a stock-take)
    group_id     TEXT,
    collection_id TEXT,
    stock_take_id TEXT,
    reverses_id  TEXT REFERENCES stock_movements(id),
    created_by   TEXT REFERENCES users(id),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX stock_movements_site_date ON stock_movements (site_id, moved_on);
-- Purchases, for the value of stock on hand (only receipts are in it).
CREATE INDEX stock_movements_receipts ON stock_movements (item_id, reason, quantity, unit_cost) WHERE kind = 'receipt';
CREATE INDEX stock_movements_collection ON stock_movements (collection_id) WHERE collection_id IS NOT NULL;

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are never changed: record a correction');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock movements are never deleted: record a correction');
END;

-- What is on the shelf: one row per (location, item, variant, batch), equal to the ledger's sum.
CREATE TABLE stock_balances (
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    item_id     TEXT NOT NULL REFERENCES stock_items(id),
    variant     TEXT NOT NULL,
    batch       TEXT NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    expires_on  TEXT,
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (location_id, item_id, variant, batch)
) WITHOUT ROWID;
-- By site (balances of one site); no quantity in it, so a movement rewrites the row only.
CREATE INDEX stock_balances_site ON stock_balances (site_id);

CREATE TRIGGER stock_movements_balance AFTER INSERT ON stock_movements
BEGIN
    INSERT OR IGNORE INTO stock_balances (location_id, item_id, variant, batch, site_id, expires_on, quantity)
    VALUES (new.location_id, new.item_id, new.variant, new.batch, new.site_id, new.expires_on, 0);
    UPDATE stock_balances SET quantity = quantity + new.quantity
    WHERE location_id = new.location_id AND item_id = new.item_id AND variant = new.variant
      AND batch = new.batch;
END;

-- Stock-takes: a snapshot of a location, counted quantities, finalised into corrections.
CREATE TABLE stock_takes (
    id           TEXT PRIMARY KEY NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites(id),
    location_id  TEXT NOT NULL REFERENCES stock_locations(id),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finalised', 'cancelled')),
    started_on   TEXT NOT NULL,
    finalised_at TEXT,
    created_by   TEXT REFERENCES users(id),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX stock_takes_open ON stock_takes (location_id) WHERE status = 'open';

CREATE TABLE stock_take_lines (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    stock_take_id TEXT NOT NULL REFERENCES stock_takes(id),
    item_id       TEXT NOT NULL REFERENCES stock_items(id),
    variant       TEXT NOT NULL DEFAULT '',
    batch         TEXT NOT NULL DEFAULT '',
    expires_on    TEXT,
    expected      INTEGER NOT NULL,
    counted       INTEGER CHECK (counted >= 0),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (stock_take_id, item_id, variant, batch)
);

-- Sizes the case book did not have: a baby's nappy size.
CREATE TABLE person_sizes (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    person_id   TEXT NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    nappy_size  TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Who gets what at a distribution of a type.
CREATE TABLE allowance_rules (
    id              TEXT PRIMARY KEY NOT NULL,
    site_id         TEXT REFERENCES sites(id),
    dist_type       TEXT NOT NULL CHECK (length(trim(dist_type)) > 0),
    item_id         TEXT NOT NULL REFERENCES stock_items(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    -- each matching person gets the quantity, or the household gets it once if anyone matches
    per             TEXT NOT NULL CHECK (per IN ('person', 'household')),
    -- who matches: a flag (baby, pregnant, unaccompanied_minor) and/or an age band in months
    flag            TEXT CHECK (flag IN ('baby', 'pregnant', 'unaccompanied_minor')),
    min_age_months  INTEGER CHECK (min_age_months >= 0),
    max_age_months  INTEGER CHECK (max_age_months >= 0),
    -- only people holding no centre phone
    without_phone   INTEGER NOT NULL DEFAULT 0 CHECK (without_phone IN (0, 1)),
    -- at least this many days since the last time (0: every distribution)
    interval_days   INTEGER NOT NULL DEFAULT 0 CHECK (interval_days >= 0),
    -- given once ever
    once            INTEGER NOT NULL DEFAULT 0 CHECK (once IN (0, 1)),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX allowance_rules_type ON allowance_rules (dist_type, active);

-- A distribution day.
CREATE TABLE distributions (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    held_on     TEXT NOT NULL,
    dist_type   TEXT NOT NULL CHECK (length(trim(dist_type)) > 0),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX distributions_site_date ON distributions (site_id, held_on);

-- A household (or a person on their own) collecting at a distribution.
CREATE TABLE collections (
    id              TEXT PRIMARY KEY NOT NULL,
    site_id         TEXT NOT NULL REFERENCES sites(id),
    distribution_id TEXT NOT NULL REFERENCES distributions(id),
    -- the household id, or the person's id for someone with no household
    unit_id         TEXT NOT NULL,
    household_id    TEXT REFERENCES households(id) ON DELETE SET NULL,
    person_id       TEXT NOT NULL REFERENCES people(id),
    -- who the household had on the day: for the weekly summary
    people_count    INTEGER NOT NULL DEFAULT 1,
    babies          INTEGER NOT NULL DEFAULT 0,
    children        INTEGER NOT NULL DEFAULT 0,
    adults          INTEGER NOT NULL DEFAULT 0,
    -- units given out (the desk's live counter sums this, not the lines)
    items_out       INTEGER NOT NULL DEFAULT 0,
    collected_on    TEXT NOT NULL,
    reversed_at     TEXT,
    reversed_by     TEXT REFERENCES users(id),
    reverse_reason  TEXT,
    created_by      TEXT REFERENCES users(id),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX collections_once ON collections (distribution_id, unit_id) WHERE reversed_at IS NULL;
-- Covering: the desk's counters read only this index.
CREATE INDEX collections_distribution ON collections (distribution_id, reversed_at, people_count, items_out);

-- What each collection gave, and to whom (for intervals and "once" items).
CREATE TABLE collection_lines (
    id            TEXT PRIMARY KEY NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    collection_id TEXT NOT NULL REFERENCES collections(id),
    unit_id       TEXT NOT NULL,
    person_id     TEXT,
    item_id       TEXT NOT NULL REFERENCES stock_items(id),
    variant       TEXT NOT NULL DEFAULT '',
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    wanted        INTEGER NOT NULL CHECK (wanted >= 0),
    collected_on  TEXT NOT NULL,
    reversed      INTEGER NOT NULL DEFAULT 0 CHECK (reversed IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX collection_lines_person ON collection_lines (person_id, item_id, reversed, collected_on);
CREATE INDEX collection_lines_unit ON collection_lines (unit_id, item_id, reversed, collected_on);
CREATE INDEX collection_lines_collection ON collection_lines (collection_id);
