-- The trail of every action a person takes: decisions, reopenings,
-- proposals, uploads, exports, account changes and sign-ins. Append-only.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    enterprise TEXT,
    candidate INTEGER,
    entry INTEGER,
    item TEXT,
    reason TEXT,
    note TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_user ON audit(user, at);
CREATE INDEX audit_enterprise ON audit(enterprise, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
