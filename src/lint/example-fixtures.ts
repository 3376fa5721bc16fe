/**
 * Earlier migrations and rows that the lock rules' examples share (rules/ holds one file per rule, so
 * what several examples set up lives here). The rows make the table big enough for a lock finding to
 * matter when an example is replayed against a real database.
 */
export const USERS = { name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);' };

/** 1,000 rows for USERS. */
export const USERS_ROWS = "INSERT INTO users SELECT g, 'user' || g FROM generate_series(1, 1000) AS g;";
