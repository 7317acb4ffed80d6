-- The person filter (issue #16) reads a person's meetings from person_roles and the attendance
-- lines only where one lists the §§ attended: this index holds just those lines, so finding them
-- among a person's thousands of meetings is one probe per meeting, not a read of every line.
CREATE INDEX IF NOT EXISTS attendees_partial ON attendees(doc_id) WHERE sections NOT IN ('', '[]');
