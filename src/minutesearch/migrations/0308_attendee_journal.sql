-- The keyword index carries each item's attendees (issue #16: the person filter as one term): a
-- person's meeting-level role (attendance, chair, secretary, adjuster) that is added or removed
-- moves the meeting's items in the change journal. resolve.rebuild_persons writes person_roles
-- as a difference, so only the meetings whose people changed are journalled.
CREATE TRIGGER IF NOT EXISTS journal_meeting_roles_insert AFTER INSERT ON person_roles
WHEN NEW.item_id IS NULL
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id = NEW.doc_id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER IF NOT EXISTS journal_meeting_roles_delete AFTER DELETE ON person_roles
WHEN OLD.item_id IS NULL
BEGIN
    INSERT INTO item_changes (item_id, seq)
    SELECT id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes)
    FROM items WHERE doc_id = OLD.doc_id
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;
