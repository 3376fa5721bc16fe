-- Users come first: posts reference them (SOP: parent tables before children).
CREATE TABLE IF NOT EXISTS users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      varchar(255) NOT NULL UNIQUE,
    name       varchar(255) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
