-- Haven schema, version 13: stock across sites. Stock sent to another site's location is in transit until
-- that site confirms it arrived, and the balance table may hold a sum below zero.
--
-- Below zero: two computers of one site giving out the same tins between two exchanges take
-- more than was there. The exchange never refuses that: every computer ends with the same
-- ledger, the balance row holds the ledger's exact sum, the screens show the lot as empty and
-- list the shortfall for the site until a count (a stock-take) settles it. A computer's own
-- movements are still refused when they would take more than it has.
DROP TRIGGER stock_movements_balance;
CREATE TABLE stock_balances_exact (
    location_id TEXT NOT NULL REFERENCES stock_locations(id),
    item_id     TEXT NOT NULL REFERENCES stock_items(id),
    variant     TEXT NOT NULL,
    batch       TEXT NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    expires_on  TEXT,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (location_id, item_id, variant, batch)
) WITHOUT ROWID;
INSERT INTO stock_balances_exact (location_id, item_id, variant, batch, site_id, expires_on, quantity)
SELECT location_id, item_id, variant, batch, site_id, expires_on, quantity FROM stock_balances;
DROP TABLE stock_balances;
ALTER TABLE stock_balances_exact RENAME TO stock_balances;
CREATE INDEX stock_balances_site ON stock_balances (site_id);
CREATE TRIGGER stock_movements_balance AFTER INSERT ON stock_movements
BEGIN
    INSERT OR IGNORE INTO stock_balances (location_id, item_id, variant, batch, site_id, expires_on, quantity)
    VALUES (new.location_id, new.item_id, new.variant, new.batch, new.site_id, new.expires_on, 0);
    UPDATE stock_balances SET quantity = quantity + new.quantity
    WHERE location_id = new.location_id AND item_id = new.item_id AND variant = new.variant
      AND batch = new.batch;
END;

-- One batch of a transfer between sites. The sending movement is in the ledger from the
-- moment it leaves; the arriving one is written when the receiving site confirms, with an id
-- and values taken from this row alone, so two computers of that site confirming the same
-- transfer between exchanges write the same row once.
CREATE TABLE stock_transits (
    id            TEXT PRIMARY KEY NOT NULL,
    group_id      TEXT NOT NULL,
    site_id       TEXT NOT NULL REFERENCES sites(id),
    to_site_id    TEXT NOT NULL REFERENCES sites(id),
    from_location TEXT NOT NULL REFERENCES stock_locations(id),
    to_location   TEXT NOT NULL REFERENCES stock_locations(id),
    item_id       TEXT NOT NULL REFERENCES stock_items(id),
    variant       TEXT NOT NULL DEFAULT '',
    batch         TEXT NOT NULL DEFAULT '',
    expires_on    TEXT,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    sent_on       TEXT NOT NULL,
    sent_by       TEXT REFERENCES users(id),
    note          TEXT NOT NULL DEFAULT '',
    received_on   TEXT,
    received_by   TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX stock_transits_to ON stock_transits (to_site_id, received_on);
CREATE INDEX stock_transits_group ON stock_transits (group_id);
