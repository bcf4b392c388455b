-- Haven schema, version 18: what two computers both did between exchanges is kept from both.
--
-- Two office computers (or the bus and a laptop) can each record a collection for the same
-- household at the same distribution before they exchange. Both happened: the bags left both
-- desks and both ledgers took the stock off. The unique index that allowed one collection per
-- household and distribution made the exchange drop one of them, and replicas would hold
-- different collections and ledgers. A computer still refuses a second collection it can see
-- (the desk checks in the same transaction); what arrives from another is kept, and the
-- distribution's "after the day" lists the household as collected twice.
--
-- Likewise two computers can each print a person's next ID card: both cards exist and carry
-- the same text (CAL-0042/2), so both are kept and both are the newest card.
-- Never edit this file once it has landed.

DROP INDEX collections_once;
CREATE INDEX collections_unit ON collections (distribution_id, unit_id) WHERE reversed_at IS NULL;

DROP INDEX id_cards_number;
CREATE INDEX id_cards_number ON id_cards (person_id, number);
