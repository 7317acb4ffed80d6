-- A change journal (issue #16): every write that changes what an index holds about a §-item moves
-- that item to a new, larger seq in `item_changes`. Each index records the seq it has applied and
-- re-reads only the items journalled after it, so adding one meeting to a million items costs
-- that meeting, not a pass over every item. Deleted items keep their row (absent from items:
-- delete from the index). The triggers cover every table an item's keyword document and filter
-- fields are read from: items, documents (body, org, date, kind, file hash), mentions and
-- persons (persons field, party filter), motions and attendees (party filter).
CREATE TABLE IF NOT EXISTS item_changes (
    item_id TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS item_changes_seq ON item_changes(seq);

-- Which store an index was built from: a stamp from another store is not a cursor into this one.
CREATE TABLE IF NOT EXISTS store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO store_meta VALUES ('store_id', lower(hex(randomblob(16))));

-- An existing store: every item journalled once, so an index without a cursor builds afresh.
INSERT OR IGNORE INTO item_changes (item_id, seq) SELECT id, 1 FROM items;

-- One statement's rows share one new seq (the subquery is read once per statement), which is
-- larger than every seq before it: that is all a cursor needs.

CREATE TRIGGER journal_items_insert AFTER INSERT ON items BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (NEW.id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_items_delete AFTER DELETE ON items BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (OLD.id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_items_update AFTER UPDATE ON items
WHEN OLD.id IS NOT NEW.id OR OLD.doc_id IS NOT NEW.doc_id OR OLD.section IS NOT NEW.section
    OR OLD.section_label IS NOT NEW.section_label OR OLD.title IS NOT NEW.title
    OR OLD.text IS NOT NEW.text OR OLD.dnr IS NOT NEW.dnr OR OLD.decision IS NOT NEW.decision
    OR OLD.canonical_id IS NOT NEW.canonical_id OR OLD.content_hash IS NOT NEW.content_hash
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT value, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM json_each(json_array(OLD.id, NEW.id)) WHERE true
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_documents_update AFTER UPDATE ON documents
WHEN OLD.id IS NOT NEW.id OR OLD.sha256 IS NOT NEW.sha256 OR OLD.kind IS NOT NEW.kind
    OR OLD.body IS NOT NEW.body OR OLD.body_short IS NOT NEW.body_short
    OR OLD.organisation IS NOT NEW.organisation OR OLD.date IS NOT NEW.date
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id IN (OLD.id, NEW.id)
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_attendees_insert AFTER INSERT ON attendees BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id = NEW.doc_id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_attendees_delete AFTER DELETE ON attendees BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id = OLD.doc_id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_attendees_update AFTER UPDATE ON attendees
WHEN OLD.doc_id IS NOT NEW.doc_id OR OLD.name IS NOT NEW.name OR OLD.party IS NOT NEW.party
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id IN (OLD.doc_id, NEW.doc_id)
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_mentions_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (NEW.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_mentions_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (OLD.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_mentions_update AFTER UPDATE ON mentions
WHEN OLD.item_id IS NOT NEW.item_id OR OLD.label IS NOT NEW.label OR OLD.text IS NOT NEW.text
    OR OLD.person_id IS NOT NEW.person_id
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT value, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM json_each(json_array(OLD.item_id, NEW.item_id)) WHERE true
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_persons_insert AFTER INSERT ON persons BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM mentions WHERE person_id = NEW.id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_persons_delete AFTER DELETE ON persons BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM mentions WHERE person_id = OLD.id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_persons_update AFTER UPDATE ON persons
WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.party IS NOT NEW.party
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM mentions WHERE person_id IN (OLD.id, NEW.id)
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_motions_insert AFTER INSERT ON motions BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (NEW.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_motions_delete AFTER DELETE ON motions BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (OLD.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER journal_motions_update AFTER UPDATE ON motions
WHEN OLD.item_id IS NOT NEW.item_id OR OLD.party IS NOT NEW.party
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT DISTINCT value, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM json_each(json_array(OLD.item_id, NEW.item_id)) WHERE true
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;
