-- Accounts hardened (issue 17): users can be disabled, bearer tokens
-- expire (tokens made before this get 90 days from their creation), and
-- sign-in attempts are kept without the attempted name: its SHA-256 and
-- the client address, so that throttling is per (account, address) and
-- per address, and a row is never larger than about 150 bytes.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE user_tokens ADD COLUMN expires_at TEXT;
UPDATE user_tokens
   SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+90 days')
 WHERE expires_at IS NULL;
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts(account, client, at);
CREATE INDEX login_attempts_client ON login_attempts(client, at);
