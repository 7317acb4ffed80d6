-- Decisions read from the protocol's own procedure (issue #13): the kind of each yrkande, the
-- omröstning, the reservation count, protokollsanteckningar, jäv, amounts outside the beslut
-- and whether the beslut has several satser. Existing rows were made by the old extractor, so
-- they are dropped; the analyse stage refills every item without a decision on the next run.

ALTER TABLE motions ADD COLUMN kind TEXT;           -- bifall, avslag, ändring, tillägg, återremiss, bordläggning

ALTER TABLE decisions ADD COLUMN vote TEXT;                                    -- JSON {for, against, abstain, winner, ja, nej, voters?} or NULL
ALTER TABLE decisions ADD COLUMN votes TEXT NOT NULL DEFAULT '[]';             -- JSON: every omröstning, in order
ALTER TABLE decisions ADD COLUMN reservation_count INTEGER;                    -- NULL: a party reserved and its members are unknown
ALTER TABLE decisions ADD COLUMN annotations TEXT NOT NULL DEFAULT '[]';       -- JSON [{by, party, text}]
ALTER TABLE decisions ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';         -- JSON [{by, party, text}] (jäv)
ALTER TABLE decisions ADD COLUMN amounts_mentioned TEXT NOT NULL DEFAULT '[]'; -- JSON numbers (SEK) outside the beslut
ALTER TABLE decisions ADD COLUMN multi_part INTEGER NOT NULL DEFAULT 0;

DELETE FROM motions;
DELETE FROM decisions;
