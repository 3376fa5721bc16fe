-- sqlmig:no-transaction
-- CONCURRENTLY builds the index without locking writes, and PostgreSQL refuses it
-- inside a transaction: hence the directive above and a file of its own.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_posts_title_trgm ON posts USING gin (title gin_trgm_ops);
