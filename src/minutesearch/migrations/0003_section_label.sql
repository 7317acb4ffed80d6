-- Sub-§§ and OCR-read headings (issue #11): the § as written ("3A" for a sub-§ of § 3; the
-- integer `section` stays 3) and whether the heading was read from an OCR misreading of "§".
ALTER TABLE items ADD COLUMN section_label TEXT;
ALTER TABLE items ADD COLUMN ocr_read INTEGER NOT NULL DEFAULT 0;
