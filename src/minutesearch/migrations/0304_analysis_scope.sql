-- What the analyse stage last saw of each item (issue #16): its diarienummer (as analysis reads
-- it, from the title and first lines, not only items.dnr) and its thread. No foreign key on
-- purpose: when a document is stored again its items are deleted, and the analysis must still
-- know which dnr groups and threads they were in, to redo only those.
CREATE TABLE IF NOT EXISTS analysis_items (
    item_id    TEXT PRIMARY KEY,
    dnr        TEXT,
    thread_id  TEXT
);
CREATE INDEX IF NOT EXISTS analysis_items_dnr ON analysis_items(dnr);
CREATE INDEX IF NOT EXISTS analysis_items_thread ON analysis_items(thread_id);
