-- Children before parents; the index goes with its table, but say so for readers.
DROP INDEX IF EXISTS idx_posts_user_id;
DROP TABLE IF EXISTS posts;
