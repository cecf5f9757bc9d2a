-- Idempotency records of the resilience starter (PostgreSQL).
-- ${table} and ${index} are replaced by the configured table name and its index name.
CREATE TABLE IF NOT EXISTS ${table} (
    record_id   VARCHAR(64)              NOT NULL PRIMARY KEY,
    state       VARCHAR(16)              NOT NULL,
    fingerprint VARCHAR(255)             NOT NULL,
    lease_token VARCHAR(64)              NOT NULL,
    result      BYTEA,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index} ON ${table} (expires_at);
