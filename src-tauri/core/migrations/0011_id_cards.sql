-- Haven schema: ID cards and their reissue numbers.
--
-- Every print of a person's ID card issues a new card, numbered from 1 per person; the card
-- carries `CODE/number` in its QR code and barcode. The desk takes the newest card's number and
-- the plain code typed by hand, and refuses an older card's number, so a lost card that was
-- replaced cannot be used a second time.

CREATE TABLE id_cards (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites(id),
    person_id   TEXT NOT NULL REFERENCES people(id),
    number      INTEGER NOT NULL CHECK (number >= 1),
    issued_on   TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Two prints at once cannot both issue a person's next number.
CREATE UNIQUE INDEX id_cards_number ON id_cards (person_id, number);
