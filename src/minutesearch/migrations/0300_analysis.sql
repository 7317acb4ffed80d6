-- Analysis (minutesearch.analysis): decisions, yrkanden, references, links between items,
-- and saved searches (watches).

-- One row per item: its decision as structured data. Items are re-inserted when their document
-- changes, so the cascade leaves exactly the changed items without a row for the stage to fill.
CREATE TABLE decisions (
    item_id       TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    decision      TEXT,
    outcome       TEXT NOT NULL,
    amounts       TEXT NOT NULL DEFAULT '[]',   -- JSON numbers (SEK)
    reservations  TEXT NOT NULL DEFAULT '[]'    -- JSON [{by, party, text}]
);
CREATE INDEX decisions_outcome ON decisions(outcome);

-- Yrkanden / förslag på sammanträdet: who proposed what, and whether it won (NULL: not stated).
CREATE TABLE motions (
    item_id   TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    by        TEXT NOT NULL,
    party     TEXT,
    text      TEXT NOT NULL,
    won       INTEGER,
    PRIMARY KEY (item_id, position)
);

-- Explicit references found in an item's text ("KF 2023-06-15 § 28"), resolved when the target
-- is in the corpus; unresolved ones are kept so they can be reported.
CREATE TABLE refs (
    id              INTEGER PRIMARY KEY,
    item_id         TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,      -- section, meeting, previous, attachment
    text            TEXT NOT NULL,
    body            TEXT,               -- the body named, as written
    ref_date        TEXT,
    ref_section     INTEGER,
    target_item_id  TEXT,
    target_doc_id   TEXT
);
CREATE INDEX refs_item ON refs(item_id);

-- Item-to-item (or item-to-document) links that make threads: dnr, ref, extract, attachment.
CREATE TABLE links (
    src_item_id  TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    dst_item_id  TEXT,
    dst_doc_id   TEXT,
    kind         TEXT NOT NULL,
    evidence     TEXT NOT NULL
);
CREATE INDEX links_src ON links(src_item_id);
CREATE INDEX links_dst ON links(dst_item_id);

CREATE TABLE thread_items (
    item_id    TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    thread_id  TEXT NOT NULL
);
CREATE INDEX thread_items_thread ON thread_items(thread_id);

-- Saved searches. watch_seen holds the items that existed at the watch's last check, so "new"
-- survives re-ingest and rebuild (item ids are stable); it has no foreign key on purpose.
CREATE TABLE watches (
    id               INTEGER PRIMARY KEY,
    query            TEXT NOT NULL,
    filters          TEXT NOT NULL DEFAULT '{}',
    mode             TEXT NOT NULL DEFAULT 'keyword',
    created_at       TEXT NOT NULL,
    last_checked_at  TEXT
);

CREATE TABLE watch_seen (
    watch_id  INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL,
    PRIMARY KEY (watch_id, item_id)
);
