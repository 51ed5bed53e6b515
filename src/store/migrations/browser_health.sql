-- Headless Chromium for JavaScript challenges (issue 23): per source and run,
-- pages fetched through the browser, pages that met a challenge, those whose
-- challenge was then solved, those the browser could not solve, and those
-- left blocked because the browser could not be started.
ALTER TABLE source_runs ADD COLUMN browser_pages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_runs ADD COLUMN challenges_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_runs ADD COLUMN challenges_solved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_runs ADD COLUMN challenges_unsolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_runs ADD COLUMN browser_missing INTEGER NOT NULL DEFAULT 0;
