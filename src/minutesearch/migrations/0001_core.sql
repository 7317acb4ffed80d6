-- Core schema: documents (meetings, extracts, attachments), attendance, §-items,
-- and the tables the entity tagger and topic model fill.
CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    source          TEXT NOT NULL UNIQUE,
    sha256          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT,
    body            TEXT,
    body_short      TEXT,
    date            TEXT,
    time            TEXT,
    place           TEXT,
    chair           TEXT,
    secretary       TEXT,
    adjusters       TEXT NOT NULL DEFAULT '[]',
    organisation    TEXT,
    dnr             TEXT,
    declared_from   INTEGER,
    declared_to     INTEGER,
    linked_section  INTEGER,
    linked_item_id  TEXT,
    warnings        TEXT NOT NULL DEFAULT '[]',
    ingested_at     TEXT NOT NULL
);

CREATE TABLE attendees (
    doc_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    party     TEXT,
    org       TEXT,
    role      TEXT,
    grp       TEXT NOT NULL,
    replaces  TEXT,
    sections  TEXT NOT NULL DEFAULT '[]',
    present   INTEGER NOT NULL,
    PRIMARY KEY (doc_id, position)
);

CREATE TABLE items (
    id           TEXT PRIMARY KEY,
    doc_id       TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    section      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    dnr          TEXT,
    presenter    TEXT,
    summary      TEXT,
    proposal     TEXT,
    motions      TEXT,
    proceedings  TEXT,
    decision     TEXT,
    attachments  TEXT NOT NULL DEFAULT '[]',
    canonical_id TEXT,
    content_hash TEXT NOT NULL
);
CREATE INDEX items_doc ON items(doc_id);
CREATE INDEX items_canonical ON items(canonical_id);

-- Filled by minutesearch.entities (NER + person resolution).
CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    item_id    TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    label      TEXT NOT NULL,          -- PER, ORG, LOC
    text       TEXT NOT NULL,
    start      INTEGER,
    end        INTEGER,
    person_id  TEXT
);
CREATE INDEX mentions_item ON mentions(item_id);
CREATE INDEX mentions_person ON mentions(person_id);

CREATE TABLE persons (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    party  TEXT,
    orgs   TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE person_aliases (
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (person_id, alias)
);

CREATE TABLE person_roles (
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    doc_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_id   TEXT,
    role      TEXT NOT NULL
);
CREATE INDEX person_roles_person ON person_roles(person_id);

-- Filled by minutesearch.topics.
CREATE TABLE topics (
    id     INTEGER PRIMARY KEY,
    label  TEXT NOT NULL,
    terms  TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE item_topics (
    item_id  TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    weight   REAL NOT NULL,
    PRIMARY KEY (item_id, topic_id)
);
