-- Who made each yrkande (issue #16): the persons a motion's proposer text ("Axel Josefson (M)",
-- "Lena Ferm och Per Olsson") names, resolved by the analyse stage (entities/people.py
-- `resolve_motion_owners`) instead of by every person query. A person page or `--person` filter
-- then reads the person's own rows through an index, not every motion in the store. `rank` keeps
-- the order the proposers are written in. Rows go with their motion (a re-stored document's
-- items, and so their motions, are deleted and analysed again).
CREATE TABLE IF NOT EXISTS motion_owners (
    item_id   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    rank      INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (item_id, position, rank),
    FOREIGN KEY (item_id, position) REFERENCES motions(item_id, position) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS motion_owners_person ON motion_owners(person_id);
