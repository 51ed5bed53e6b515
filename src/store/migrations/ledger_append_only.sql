-- The score ledger is append-only for real. The UPDATE/DELETE triggers of
-- migration 5 do not see `INSERT OR REPLACE` (SQLite fires no delete trigger
-- on REPLACE unless `recursive_triggers` is on, which `Store::open` now sets
-- on every connection). These BEFORE INSERT guards refuse an insert onto an
-- existing seq or checkpoint id whatever the conflict clause, and an entry
-- that does not extend the ledger by exactly one.
CREATE TRIGGER ledger_entries_no_replace BEFORE INSERT ON ledger_entries
WHEN EXISTS (SELECT 1 FROM ledger_entries WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the score ledger is append-only: an entry is never replaced'); END;
CREATE TRIGGER ledger_entries_in_order BEFORE INSERT ON ledger_entries
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries)
BEGIN SELECT RAISE(ABORT, 'the score ledger is append-only: entries are added at the end'); END;
CREATE TRIGGER checkpoints_no_replace BEFORE INSERT ON checkpoints
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM checkpoints WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a checkpoint is never replaced'); END;
CREATE TRIGGER checkpoints_in_order BEFORE INSERT ON checkpoints
WHEN NEW.size < (SELECT COALESCE(MAX(size), 0) FROM checkpoints)
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a checkpoint never shrinks the tree'); END;
CREATE TRIGGER files_no_update BEFORE UPDATE ON files
BEGIN SELECT RAISE(ABORT, 'evidence files are append-only: never changed'); END;
CREATE TRIGGER files_no_delete BEFORE DELETE ON files
BEGIN SELECT RAISE(ABORT, 'evidence files are append-only: never deleted'); END;
CREATE TRIGGER files_no_replace BEFORE INSERT ON files
WHEN EXISTS (SELECT 1 FROM files WHERE sha256 = NEW.sha256)
BEGIN SELECT RAISE(IGNORE); END;
