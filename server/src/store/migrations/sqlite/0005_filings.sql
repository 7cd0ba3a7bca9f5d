-- Online filing (网上立案) and cross-region filing (跨域立案): drafts that become cases, the
-- evidence files they carry, and the per-court case-number counters (DOMAIN.md §2).

-- A filing as the litigant writes it. `body` is the draft (app::rules::filing::Draft, JSON).
-- At submission it becomes a row in `cases` (stage submitted) and `case_id` is set; after a
-- correction request the owner may edit it again (status 'correcting') and resubmit.
CREATE TABLE filings (
    id                  INTEGER PRIMARY KEY,
    owner_user_id       INTEGER NOT NULL REFERENCES users(id),
    body                TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,      -- each save +1: two devices cannot overwrite each other unseen
    status              TEXT NOT NULL CHECK (status IN ('draft','submitted','correcting')),
    case_id             INTEGER REFERENCES cases(id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    submitted_at        INTEGER
);
CREATE INDEX filings_owner ON filings(owner_user_id, status);
CREATE UNIQUE INDEX filings_case ON filings(case_id);

-- What the court asked for (补正: every missing item at once) or why it refused (不予受理), and
-- what a cross-region receiving court did; one row per decision, never edited.
CREATE TABLE filing_decisions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('forward','correction','docket','reject')),
    items       TEXT NOT NULL DEFAULT '[]',                 -- JSON list of missing items (correction)
    note        TEXT NOT NULL DEFAULT '',                   -- written reason / message
    decided_by  INTEGER NOT NULL REFERENCES users(id),
    court_id    INTEGER NOT NULL REFERENCES courts(id),     -- the court that decided
    decided_at  INTEGER NOT NULL
);
CREATE INDEX filing_decisions_case ON filing_decisions(case_id, id);

-- The last sequence number given per court, year and type (案号). Taken with an upsert in the
-- docketing transaction: the row lock serialises concurrent clerks, and a rolled-back
-- docketing gives its number back, so numbers have no gaps and no duplicates.
CREATE TABLE case_number_counters (
    court_id   INTEGER NOT NULL REFERENCES courts(id),
    year       INTEGER NOT NULL,
    type_code  TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (court_id, year, type_code)
);
INSERT INTO case_number_counters (court_id, year, type_code, last_seq)
    SELECT court_id, year, type_code, MAX(seq) FROM cases
    WHERE seq IS NOT NULL GROUP BY court_id, year, type_code;
