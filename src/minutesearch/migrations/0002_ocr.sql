-- Scanned pages read by OCR (issue #11): whether a document's text came partly from OCR, and
-- which pages (a JSON list of 1-based page numbers).
ALTER TABLE documents ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN ocr_pages TEXT NOT NULL DEFAULT '[]';
