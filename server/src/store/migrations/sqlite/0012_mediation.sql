-- Online mediation (在线调解, DOMAIN-2 §1): pre-filing matters (民诉前调) with their parties,
-- the agreement's versions, the signatures on each version, and what happened when.

-- A signing code (签名验证码) is a one-time code of its own purpose: the identity check before
-- each signature (在线诉讼规则 art. 7). SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE otp_codes_new (
    request_id   TEXT PRIMARY KEY,
    phone        TEXT NOT NULL,
    purpose      TEXT NOT NULL CHECK (purpose IN ('litigant','staff','sign')),
    code_hash    TEXT NOT NULL,
    ip           TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    consumed_at  INTEGER
);
INSERT INTO otp_codes_new SELECT request_id, phone, purpose, code_hash, ip, created_at, expires_at, attempts, consumed_at FROM otp_codes;
DROP TABLE otp_codes;
ALTER TABLE otp_codes_new RENAME TO otp_codes;
CREATE INDEX otp_codes_phone_time ON otp_codes(phone, created_at);
CREATE INDEX otp_codes_ip_time ON otp_codes(ip, created_at);

CREATE TABLE mediations (
    id                INTEGER PRIMARY KEY,
    court_id          INTEGER NOT NULL REFERENCES courts(id),
    kind              TEXT NOT NULL CHECK (kind IN ('pre_filing')),
    year              INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    number            TEXT NOT NULL,                -- （2026）湘0181民诉前调1号
    cause             TEXT NOT NULL,                -- a rules::filing::Cause code
    summary           TEXT NOT NULL,                -- the dispute in a few sentences
    state             TEXT NOT NULL CHECK (state IN ('requested','inviting','mediating','effective','ended')),
    mediator_id       INTEGER REFERENCES users(id),
    requested_at      INTEGER NOT NULL,
    accepted_at       INTEGER,                      -- the period starts here (OMR art. 24)
    effective_at      INTEGER,                      -- the last signature (OMR art. 19)
    ended_at          INTEGER,
    end_ground        TEXT,                         -- rules::mediation::EndGround code (OMR art. 25)
    end_note          TEXT,                         -- the failure record (OMR art. 21)
    version           INTEGER NOT NULL DEFAULT 0,   -- the agreement's current version (0: none yet)
    CONSTRAINT mediations_number_key UNIQUE (number)
);
CREATE INDEX mediations_court_state ON mediations(court_id, state);

CREATE TABLE mediation_parties (
    id             INTEGER PRIMARY KEY,
    mediation_id   INTEGER NOT NULL REFERENCES mediations(id),
    side           TEXT NOT NULL CHECK (side IN ('applicant','respondent')),
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),    -- known once the person signs in and answers
    address        TEXT,                            -- 送达地址确认书
    warned_at      INTEGER,                         -- the 虚假调解 warning acknowledged (OMR art. 17)
    answer         TEXT NOT NULL CHECK (answer IN ('pending','consented','refused')),
    answered_at    INTEGER,
    CONSTRAINT mediation_parties_phone_key UNIQUE (mediation_id, phone)
);
CREATE INDEX mediation_parties_phone ON mediation_parties(phone);
CREATE INDEX mediation_parties_user ON mediation_parties(user_id);

CREATE TABLE mediation_versions (
    mediation_id   INTEGER NOT NULL REFERENCES mediations(id),
    version        INTEGER NOT NULL,
    clauses_json   TEXT NOT NULL,                   -- JSON array of the clauses' text
    sha256         TEXT NOT NULL,                   -- rules::mediation::agreement_sha256
    author_id      INTEGER NOT NULL REFERENCES users(id),
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (mediation_id, version)
);

CREATE TABLE mediation_signatures (
    id              INTEGER PRIMARY KEY,
    mediation_id    INTEGER NOT NULL REFERENCES mediations(id),
    version         INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL CHECK (role IN ('applicant','respondent','mediator')),
    sha256          TEXT NOT NULL,                  -- the version's hash the signer saw
    image_sha256    TEXT,                           -- the drawn signature in the blob store (none: by code alone)
    signed_at       INTEGER NOT NULL,
    device          TEXT NOT NULL,                  -- the browser's User-Agent
    ip              TEXT NOT NULL,
    identity_check  TEXT NOT NULL,                  -- how identity was checked just before
    voided_at       INTEGER,                        -- a later version voided it
    CONSTRAINT mediation_signatures_once UNIQUE (mediation_id, version, user_id)
);

CREATE TABLE mediation_events (
    id             INTEGER PRIMARY KEY,
    mediation_id   INTEGER NOT NULL REFERENCES mediations(id),
    at             INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_events_mediation ON mediation_events(mediation_id, at);
