-- What each stored item is (issue 21): report, advertisement, notice (版务)
-- or picture. Only reports become candidates or leads; health counts the rest.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'report';
CREATE INDEX articles_source_kind ON articles (source, kind);
