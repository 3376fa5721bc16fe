-- Trigram matching for title search (contrib; PGlite ships it too).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
