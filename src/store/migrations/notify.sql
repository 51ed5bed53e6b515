-- Notifications: every event, written in the same transaction as what
-- happened, and one outbox row per (event, channel) with its delivery state.
CREATE TABLE notify_events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    enterprise TEXT,
    urgent INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notify_events_created ON notify_events(created_at);
-- status: pending | sent | skipped (the channel does not carry it).
CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES notify_events(id),
    channel TEXT NOT NULL,
    idem_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    UNIQUE (event_id, channel)
);
CREATE INDEX notify_outbox_due ON notify_outbox(channel, status, next_at);
-- Each user's own e-mail and the events they want.
CREATE TABLE notify_prefs (
    user TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    events TEXT NOT NULL
);
