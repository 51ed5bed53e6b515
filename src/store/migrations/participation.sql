-- Enterprise participation: evidence an enterprise officer sends in
-- (报送材料), waiting for a reviewer to accept it into the ledger or return
-- it with a reason; and the comment thread on a candidate (评论, 申请复核),
-- seen by reviewers and that enterprise. An appeal itself is a
-- candidate_events row with note 'appeal'.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    -- The enterprise the evidence is about, and its scoring unit.
    enterprise TEXT NOT NULL,
    unit TEXT NOT NULL,
    item TEXT NOT NULL,
    evidence_date TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    note TEXT,
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    file_name TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'returned')),
    decided_by TEXT,
    decided_at TEXT,
    -- The item the reviewer counted it under, their note or the reason returned.
    decided_item TEXT,
    reason TEXT,
    entry INTEGER
);
CREATE INDEX submissions_unit ON submissions(unit, status);
CREATE INDEX submissions_status ON submissions(status, id);
CREATE TABLE candidate_comments (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    -- admin, reviewer or enterprise: who the thread shows as speaking.
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    -- 1 when the comment came with an appeal (申请复核).
    appeal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX candidate_comments_candidate ON candidate_comments(candidate_id, id);
