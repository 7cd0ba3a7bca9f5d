-- Evidence files attached to a filing draft, sent in pieces over weak networks (tus 1.0
-- resumable uploads, server/src/uploads.rs), and the finished files, kept once by content.

-- A finished file, stored once however many uploads brought it: named by its SHA-256.
-- `stored_path` is relative to DATA_DIR (blobs/ab/cd/<sha256>), or an object key elsewhere.
CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,                 -- hex, lower case
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,                    -- from the bytes, never from the name
    stored_path  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

-- One upload: partial while bytes arrive (DATA_DIR/uploads/partial/<id>), complete once the
-- whole file has arrived, matched the phone's SHA-256 and passed the type check.
-- "offset" is quoted: it is a keyword in SQL.
CREATE TABLE uploads (
    id               TEXT PRIMARY KEY,             -- 128 random bits, base64url: the upload's URL
    owner_user_id    INTEGER NOT NULL REFERENCES users(id),
    filing_id        INTEGER NOT NULL REFERENCES filings(id),
    file_name        TEXT NOT NULL,                -- as the phone named it: shown, never trusted
    length           INTEGER NOT NULL CHECK (length > 0),
    "offset"         INTEGER NOT NULL DEFAULT 0,
    sha256_expected  TEXT NOT NULL,                -- hex of the whole file, from the phone
    content_type     TEXT,                         -- set on completion
    blob_sha256      TEXT REFERENCES blobs(sha256), -- set on completion
    status           TEXT NOT NULL CHECK (status IN ('partial','complete')),
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER,                      -- partial only: 24 h after the last bytes
    updated_at       INTEGER NOT NULL,
    CHECK ("offset" >= 0 AND "offset" <= length)
);
CREATE INDEX uploads_filing ON uploads(filing_id, status);
CREATE INDEX uploads_expiry ON uploads(status, expires_at);
