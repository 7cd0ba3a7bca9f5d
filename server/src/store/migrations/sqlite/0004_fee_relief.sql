-- Fee relief (司法救助: 缓交 / 减交 / 免交, 诉讼费用交纳办法 arts. 44–49): applications, the
-- documents that prove them (files on disk under DATA_DIR/relief/), and the court's decision.

CREATE TABLE fee_relief (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases(id),
    applicant_user_id  INTEGER NOT NULL REFERENCES users(id),
    kind               TEXT NOT NULL CHECK (kind IN ('defer','reduce','waive')),
    ground             TEXT NOT NULL,          -- the item of art. 45, 46 or 47 relied on
    reason             TEXT NOT NULL,          -- the applicant's own words
    request_key        TEXT NOT NULL,          -- a double tap files once
    status             TEXT NOT NULL CHECK (status IN ('pending','granted','refused')),
    reduced_fen        INTEGER,                -- taken off, when granted (0 for a deferral)
    decision_note      TEXT,                   -- why; required when refused (art. 48)
    decided_by         INTEGER REFERENCES users(id),
    decided_at         INTEGER,
    created_at         INTEGER NOT NULL,
    CONSTRAINT fee_relief_request_key UNIQUE (applicant_user_id, request_key)
);
CREATE INDEX fee_relief_case ON fee_relief(case_id);
-- One application at a time per case.
CREATE UNIQUE INDEX fee_relief_one_pending ON fee_relief(case_id) WHERE status = 'pending';

CREATE TABLE fee_relief_files (
    id            INTEGER PRIMARY KEY,
    relief_id     INTEGER NOT NULL REFERENCES fee_relief(id),
    file_name     TEXT NOT NULL,               -- as the phone named it (shown only)
    content_type  TEXT NOT NULL,               -- from the file's own bytes, not the upload
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    stored_path   TEXT NOT NULL                -- relative to DATA_DIR
);
CREATE INDEX fee_relief_files_relief ON fee_relief_files(relief_id);

-- The relief granted, on the case (the timeline needs it: a deferral or waiver lifts the
-- prepayment deadline and with it 按撤诉处理).
ALTER TABLE cases ADD COLUMN fee_relief TEXT CHECK (fee_relief IN ('defer','reduce','waive'));
