-- Judicial confirmation (司法确认, DOMAIN-2 §1.2) of a pre-filing agreement: one application
-- per agreement, made jointly (CPL art. 205). It is docketed as a 民特 case — its number taken
-- from the court's counter — when the last party has joined; the judge's ruling and the
-- ruling's PDF (a blob, by SHA-256) are kept with it.
CREATE TABLE mediation_confirmations (
    id             INTEGER PRIMARY KEY,
    mediation_id   INTEGER NOT NULL REFERENCES mediations(id),
    court_id       INTEGER NOT NULL REFERENCES courts(id),
    state          TEXT NOT NULL CHECK (state IN ('applied','docketed','ruled','withdrawn')),
    applied_at     INTEGER NOT NULL,
    year           INTEGER,                      -- set at docketing
    seq            INTEGER,
    number         TEXT,                         -- （2026）湘0181民特1号
    docketed_at    INTEGER,
    judge_id       INTEGER REFERENCES users(id), -- who ruled
    outcome        TEXT CHECK (outcome IN ('valid','rejected','dismissed')),
    grounds        TEXT,                         -- rules::confirmation codes, comma-separated
    reasons        TEXT,                         -- the judge's reasons in words
    ruled_at       INTEGER,
    ruling_sha256  TEXT REFERENCES blobs(sha256),
    withdrawn_at   INTEGER,
    CONSTRAINT mediation_confirmations_once UNIQUE (mediation_id),
    CONSTRAINT mediation_confirmations_number_key UNIQUE (number)
);
CREATE INDEX mediation_confirmations_court_state ON mediation_confirmations(court_id, state);

-- Each party's own act of applying (the joint application is the set of these).
CREATE TABLE confirmation_applicants (
    confirmation_id  INTEGER NOT NULL REFERENCES mediation_confirmations(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    applied_at       INTEGER NOT NULL,
    PRIMARY KEY (confirmation_id, user_id)
);
