-- sqlmig:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS idx_posts_title_trgm;
