-- The reviewer's queue: candidates a reviewer skipped (moved to the end of
-- their queue), and when each reviewer last looked at the queue (what is new).
CREATE TABLE queue_skips (
    user TEXT NOT NULL,
    candidate INTEGER NOT NULL REFERENCES candidates(id),
    at TEXT NOT NULL,
    PRIMARY KEY (user, candidate)
);
CREATE TABLE queue_visits (
    user TEXT PRIMARY KEY,
    last_view TEXT NOT NULL,
    since TEXT
);
