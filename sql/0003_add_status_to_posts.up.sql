-- SOP: a NOT NULL column on an existing table comes with a DEFAULT, so rows
-- that exist get a value. A constant DEFAULT is added without rewriting or
-- scanning the table (PostgreSQL 11+); a later SET NOT NULL would scan it
-- under an ACCESS EXCLUSIVE lock.
-- Status columns are VARCHAR(255), never unbounded TEXT.
ALTER TABLE posts ADD COLUMN IF NOT EXISTS status varchar(255) NOT NULL DEFAULT 'draft';

UPDATE posts SET status = 'published' WHERE published_at IS NOT NULL AND status IS DISTINCT FROM 'published';
