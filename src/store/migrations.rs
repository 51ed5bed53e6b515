//! Versioned schema migrations, applied in order on open. Never edit a
//! released migration; add a new one.

use rusqlite_migration::{M, Migrations};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    outlet TEXT NOT NULL,
    item TEXT NOT NULL,
    name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    command TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running',
    fetched INTEGER NOT NULL DEFAULT 0,
    new_articles INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    source TEXT,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    fetched_at TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    payload_sha256 TEXT,
    error TEXT
);
CREATE INDEX resources_url ON resources(url);
CREATE TABLE validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    payload_sha256 TEXT
);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    outlet TEXT NOT NULL,
    item TEXT NOT NULL,
    title TEXT NOT NULL,
    pretitle TEXT,
    subtitle TEXT,
    author TEXT,
    published TEXT,
    page TEXT,
    body TEXT NOT NULL,
    extractor TEXT NOT NULL,
    citation_outlet TEXT,
    citation_date TEXT,
    citation_page TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    resource_id INTEGER REFERENCES resources(id),
    content_sha256 TEXT NOT NULL,
    simhash INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_source ON articles(source, published);
CREATE INDEX articles_title ON articles(source, title);
CREATE INDEX articles_published ON articles(published);
CREATE TABLE simhash_bands (
    band INTEGER NOT NULL,
    value INTEGER NOT NULL,
    source TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    published TEXT,
    simhash INTEGER NOT NULL,
    PRIMARY KEY (band, value, source, article_id)
) WITHOUT ROWID;
CREATE TABLE syndication (
    article_id TEXT NOT NULL REFERENCES articles(id),
    copy_id TEXT NOT NULL REFERENCES articles(id),
    distance INTEGER NOT NULL,
    PRIMARY KEY (article_id, copy_id)
);
CREATE TABLE frontier (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    role TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending',
    recheck INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (source, url)
);
CREATE INDEX frontier_pending ON frontier(state, source);
CREATE TABLE source_runs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    fetched INTEGER NOT NULL,
    links INTEGER NOT NULL,
    new_articles INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    listing_pages INTEGER NOT NULL,
    empty_listings INTEGER NOT NULL,
    empty_fields TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, source)
);
"#,
        ),
        // 2: index pages whose links had to be taken by URL pattern, and
        // script-challenge pages, per source and run (health alarms).
        M::up(
            "ALTER TABLE source_runs ADD COLUMN pattern_fallbacks INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE source_runs ADD COLUMN challenges INTEGER NOT NULL DEFAULT 0;",
        ),
        // 3: the run that last handled a task (a recheck task is due once per
        // run, not again for every page linking to it); article links that
        // answered with no article; robots.txt answers kept per host.
        M::up(
            "ALTER TABLE frontier ADD COLUMN last_run INTEGER;
             ALTER TABLE source_runs ADD COLUMN not_articles INTEGER NOT NULL DEFAULT 0;
             CREATE TABLE robots (
                 host TEXT PRIMARY KEY,
                 url TEXT NOT NULL,
                 status INTEGER NOT NULL,
                 resource_id INTEGER NOT NULL REFERENCES resources(id),
                 fetched_at TEXT NOT NULL
             );",
        ),
        // 4: matching and candidate evidence. Mentions are replaced per
        // article on every match; candidates are never deleted (a lost match
        // is `withdrawn`), and every status change is an event.
        M::up(
            "CREATE TABLE mentions (
                 article_id TEXT NOT NULL REFERENCES articles(id),
                 enterprise TEXT NOT NULL,
                 alias TEXT NOT NULL,
                 kind TEXT NOT NULL,
                 paragraph INTEGER NOT NULL,
                 start INTEGER NOT NULL,
                 end INTEGER NOT NULL,
                 in_title INTEGER NOT NULL,
                 in_lead INTEGER NOT NULL,
                 in_list INTEGER NOT NULL,
                 anchored INTEGER NOT NULL
             );
             CREATE INDEX mentions_article ON mentions(article_id);
             CREATE INDEX mentions_enterprise ON mentions(enterprise);
             CREATE TABLE article_matches (
                 article_id TEXT NOT NULL REFERENCES articles(id),
                 enterprise TEXT NOT NULL,
                 evidence INTEGER NOT NULL,
                 PRIMARY KEY (article_id, enterprise)
             );
             CREATE INDEX article_matches_enterprise ON article_matches(enterprise, evidence);
             CREATE TABLE candidates (
                 id INTEGER PRIMARY KEY,
                 enterprise TEXT NOT NULL,
                 named_enterprise TEXT NOT NULL,
                 item TEXT NOT NULL,
                 report_key TEXT NOT NULL,
                 article_id TEXT NOT NULL REFERENCES articles(id),
                 cites_article TEXT REFERENCES articles(id),
                 points REAL NOT NULL,
                 published TEXT,
                 outlet TEXT NOT NULL,
                 confidence TEXT NOT NULL,
                 score REAL NOT NULL,
                 reasons TEXT NOT NULL,
                 signals TEXT NOT NULL,
                 status TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 updated_at TEXT NOT NULL,
                 UNIQUE (enterprise, item, report_key)
             );
             CREATE INDEX candidates_status ON candidates(status, enterprise);
             CREATE INDEX candidates_article ON candidates(article_id);
             CREATE INDEX candidates_cites ON candidates(cites_article);
             CREATE TABLE candidate_events (
                 id INTEGER PRIMARY KEY,
                 candidate_id INTEGER NOT NULL REFERENCES candidates(id),
                 at TEXT NOT NULL,
                 from_status TEXT,
                 to_status TEXT NOT NULL,
                 note TEXT
             );
             CREATE TABLE match_state (
                 key TEXT PRIMARY KEY,
                 value TEXT NOT NULL
             );",
        ),
        // 5: the score ledger. Entries and checkpoints are append-only, and
        // the schema says so: triggers refuse every UPDATE and DELETE. Files
        // added as evidence are kept by SHA-256 under `files/`. Review
        // decisions on candidates say who made them and why.
        M::up(
            "CREATE TABLE ledger_entries (
                 seq INTEGER PRIMARY KEY CHECK (seq >= 0),
                 leaf BLOB NOT NULL,
                 leaf_hash BLOB NOT NULL,
                 action TEXT NOT NULL CHECK (action IN ('confirm', 'undo')),
                 enterprise TEXT NOT NULL,
                 named_enterprise TEXT NOT NULL,
                 item TEXT NOT NULL,
                 report_key TEXT NOT NULL,
                 candidate_id INTEGER REFERENCES candidates(id),
                 reverses INTEGER REFERENCES ledger_entries(seq),
                 evidence_date TEXT NOT NULL,
                 reviewer TEXT NOT NULL,
                 at TEXT NOT NULL
             );
             CREATE UNIQUE INDEX ledger_one_undo ON ledger_entries(reverses)
                 WHERE reverses IS NOT NULL;
             CREATE INDEX ledger_report ON ledger_entries(enterprise, item, report_key);
             CREATE INDEX ledger_candidate ON ledger_entries(candidate_id);
             CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
             BEGIN SELECT RAISE(ABORT, 'the score ledger is append-only: entries are never changed'); END;
             CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
             BEGIN SELECT RAISE(ABORT, 'the score ledger is append-only: entries are never deleted'); END;
             CREATE TABLE checkpoints (
                 id INTEGER PRIMARY KEY,
                 size INTEGER NOT NULL,
                 note TEXT NOT NULL,
                 at TEXT NOT NULL
             );
             CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
             BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: never changed'); END;
             CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
             BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: never deleted'); END;
             CREATE TABLE files (
                 sha256 TEXT PRIMARY KEY,
                 size INTEGER NOT NULL,
                 media_type TEXT NOT NULL,
                 original_name TEXT NOT NULL,
                 added_at TEXT NOT NULL
             );
             ALTER TABLE candidate_events ADD COLUMN reviewer TEXT;
             ALTER TABLE candidate_events ADD COLUMN reason TEXT;",
        ),
        // 6: accounts for the web UI and API. Passwords as argon2 PHC
        // strings, bearer tokens and session ids only as SHA-256, login
        // failures for throttling.
        M::up(
            "CREATE TABLE users (
                 name TEXT PRIMARY KEY,
                 role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'enterprise')),
                 enterprise TEXT,
                 password_hash TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 CHECK ((role = 'enterprise') = (enterprise IS NOT NULL))
             );
             CREATE TABLE user_tokens (
                 sha256 TEXT PRIMARY KEY,
                 user TEXT NOT NULL REFERENCES users(name),
                 created_at TEXT NOT NULL
             );
             CREATE TABLE sessions (
                 sha256 TEXT PRIMARY KEY,
                 user TEXT NOT NULL REFERENCES users(name),
                 csrf TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 expires_at TEXT NOT NULL
             );
             CREATE TABLE login_failures (
                 id INTEGER PRIMARY KEY,
                 user TEXT NOT NULL,
                 at TEXT NOT NULL
             );
             CREATE INDEX login_failures_user ON login_failures(user, at);",
        ),
        // The ledger's Merkle right edge (a cache: `ledger verify` recomputes
        // everything from the leaves and never reads it), so that signing a
        // checkpoint is O(log n).
        M::up(
            "CREATE TABLE ledger_frontier (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 size INTEGER NOT NULL,
                 nodes BLOB NOT NULL
             );",
        ),
        // The audit trail (操作记录). New migrations go below, one file each.
        M::up(include_str!("migrations/audit.sql")),
        M::up(include_str!("migrations/ledger_append_only.sql")),
        M::up(include_str!("migrations/browser_health.sql")),
        M::up(include_str!("migrations/article_kind.sql")),
        M::up(include_str!("migrations/accounts.sql")),
        M::up(include_str!("migrations/notify.sql")),
        M::up(include_str!("migrations/participation.sql")),
        M::up(include_str!("migrations/review_queue.sql")),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
