-- The person filter in the engines (issue #16): an item's keyword document and vector attributes
-- carry the ids of the persons it mentions, who present it (föredragande, an item-level role) and
-- who made a yrkande in it (motion_owners). A change to those rows moves the item in the change
-- journal (migration 0303 already covers mentions and persons), so the indexes re-read it.
-- Meeting-level roles (attendance) are not journalled: the filter reads them from person_roles.

CREATE TRIGGER IF NOT EXISTS journal_motion_owners_insert AFTER INSERT ON motion_owners BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (NEW.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER IF NOT EXISTS journal_motion_owners_delete AFTER DELETE ON motion_owners BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (OLD.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER IF NOT EXISTS journal_person_roles_insert AFTER INSERT ON person_roles
WHEN NEW.item_id IS NOT NULL
BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (NEW.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER IF NOT EXISTS journal_person_roles_delete AFTER DELETE ON person_roles
WHEN OLD.item_id IS NOT NULL
BEGIN
    INSERT INTO item_changes (item_id, seq)
    VALUES (OLD.item_id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM item_changes))
    ON CONFLICT (item_id) DO UPDATE SET seq = excluded.seq;
END;
