-- Indexes for a store of a million §-items (issue #16): every filter and join the read side uses,
-- and every foreign key a delete cascades along, is served by an index, so neither a query nor
-- re-ingesting one document scans a whole table. Indexes only: no data changes.

-- Filters on the meeting: date range, kind, organisation, body (equality on the short name).
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE INDEX IF NOT EXISTS documents_kind_date ON documents(kind, date);
CREATE INDEX IF NOT EXISTS documents_organisation ON documents(organisation);
CREATE INDEX IF NOT EXISTS documents_body_short ON documents(lower(body_short));
-- Attachments shown under their item (show), and relink's lookup.
CREATE INDEX IF NOT EXISTS documents_linked_item ON documents(linked_item_id);

-- Items by dnr (threads, links) and by § (relink: an extract's § in its protocol).
CREATE INDEX IF NOT EXISTS items_dnr ON items(dnr) WHERE dnr IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_doc_section ON items(doc_id, section);

-- Cascades: deleting a document or a topic must not scan these tables.
CREATE INDEX IF NOT EXISTS person_roles_doc ON person_roles(doc_id);
CREATE INDEX IF NOT EXISTS person_roles_item ON person_roles(item_id);
CREATE INDEX IF NOT EXISTS item_topics_topic ON item_topics(topic_id);

-- Party filter (attendees of the meeting) and the person pages.
CREATE INDEX IF NOT EXISTS attendees_party ON attendees(party);
CREATE INDEX IF NOT EXISTS attendees_name ON attendees(name);

-- Reverse lookups of references and links (what points at this item / document).
CREATE INDEX IF NOT EXISTS refs_target_item ON refs(target_item_id);
CREATE INDEX IF NOT EXISTS refs_target_doc ON refs(target_doc_id);
-- The references an ingest resolves again: those naming a changed meeting's date.
CREATE INDEX IF NOT EXISTS refs_date ON refs(ref_date);
CREATE INDEX IF NOT EXISTS links_dst_doc ON links(dst_doc_id);
