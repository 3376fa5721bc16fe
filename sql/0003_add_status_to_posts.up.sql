-- SOP: a NOT NULL column on an existing table is added in steps —
-- nullable with a default, backfill, then SET NOT NULL.
-- Status columns are VARCHAR(255), never unbounded TEXT.
ALTER TABLE posts ADD COLUMN IF NOT EXISTS status varchar(255) DEFAULT 'draft';

UPDATE posts SET status = 'published' WHERE published_at IS NOT NULL AND status IS DISTINCT FROM 'published';

ALTER TABLE posts ALTER COLUMN status SET NOT NULL;
