-- Electronic service (电子送达, DOMAIN.md §5): consent records, documents served, one record
-- per recipient and document, and the append-only Merkle log of service events (RFC 9162)
-- with its signed tree heads. Times are unix seconds UTC unless named _ms.

-- Consent to electronic service and the addresses designated (在线诉讼规则 art. 29). Never
-- updated: giving and withdrawing are each a dated row; a person's latest row is in force.
CREATE TABLE service_consents (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    given        INTEGER NOT NULL CHECK (given IN (0, 1)),
    inbox        INTEGER NOT NULL CHECK (inbox IN (0, 1)),   -- this app's inbox designated
    sms_phone    TEXT,                                       -- designated SMS number
    email        TEXT,                                       -- designated e-mail
    source       TEXT NOT NULL,                              -- 'profile' | 'filing'
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX service_consents_user ON service_consents(user_id, id);

-- A document the court served: generated notice or uploaded PDF; its bytes are a blob (by
-- SHA-256, blobs table). `request_key` makes a double tap serve once.
CREATE TABLE served_documents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,          -- acceptance|answer|evidence|summons|fee|upload
    title        TEXT NOT NULL,
    sha256       TEXT NOT NULL REFERENCES blobs(sha256),
    size_bytes   INTEGER NOT NULL,
    served_by    INTEGER NOT NULL REFERENCES users(id),
    request_key  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    CONSTRAINT served_documents_request_key UNIQUE (request_key)
);
CREATE INDEX served_documents_case ON served_documents(case_id);

-- One recipient of one document (送达回证 is made from it and its log entries).
CREATE TABLE service_records (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES served_documents(id),
    case_id            INTEGER NOT NULL REFERENCES cases(id),
    court_id           INTEGER NOT NULL REFERENCES courts(id),
    party_id           INTEGER NOT NULL REFERENCES case_parties(id),
    recipient_user_id  INTEGER REFERENCES users(id),
    recipient_name     TEXT NOT NULL,
    method             TEXT NOT NULL CHECK (method IN ('electronic','post','in_person')),
    inbox              INTEGER NOT NULL CHECK (inbox IN (0, 1)),   -- delivered to the inbox
    inbox_designated   INTEGER NOT NULL CHECK (inbox_designated IN (0, 1)),
    sms_phone          TEXT,                                        -- alert / service SMS to
    sms_designated     INTEGER NOT NULL CHECK (sms_designated IN (0, 1)),
    address            TEXT NOT NULL,                               -- as the receipt prints it
    status             TEXT NOT NULL CHECK (status IN ('sent','delivered','read','offline','served','failed')),
    fallback_reason    TEXT,                                        -- why not electronic
    sent_at            INTEGER NOT NULL,
    arrived_at         INTEGER,
    sms_arrived_at     INTEGER,
    read_at            INTEGER,
    signed_at          INTEGER,                                     -- post / in person
    effective_at       INTEGER,
    effective_rule     TEXT,
    effective_channel  TEXT,
    outcome_note       TEXT,
    CONSTRAINT service_records_once UNIQUE (document_id, party_id)
);
CREATE INDEX service_records_case ON service_records(case_id);
CREATE INDEX service_records_user ON service_records(recipient_user_id);
CREATE INDEX service_records_court_time ON service_records(court_id, sent_at);

-- Every court SMS carries a check code (public page /check); which case it was about.
ALTER TABLE sms_outbox ADD COLUMN check_code TEXT;
ALTER TABLE sms_outbox ADD COLUMN case_id INTEGER REFERENCES cases(id);
ALTER TABLE sms_outbox ADD COLUMN court_id INTEGER REFERENCES courts(id);
CREATE UNIQUE INDEX sms_outbox_check_code ON sms_outbox(check_code);

-- The service log: entry i (0-based) is the canonical JSON of one service event.
CREATE TABLE log_entries (
    idx         INTEGER NOT NULL PRIMARY KEY,
    entry       TEXT NOT NULL,
    record_id   INTEGER REFERENCES service_records(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX log_entries_record ON log_entries(record_id, idx);

-- Roots of complete perfect subtrees, keyed (level, index); level 0 holds the leaf hashes.
CREATE TABLE log_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);

-- The log's right edge (size and peaks, JSON): one row, moved forward by a conditional update,
-- so two appenders can never both extend the same size.
CREATE TABLE log_state (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    size      INTEGER NOT NULL,
    frontier  TEXT NOT NULL
);
INSERT INTO log_state (id, size, frontier) VALUES (1, 0, '{"size":0,"peaks":[]}');

-- Every tree head the court signed (Ed25519 over TreeHead::signed_bytes).
CREATE TABLE log_heads (
    size          INTEGER NOT NULL PRIMARY KEY,
    root          TEXT NOT NULL,
    timestamp_ms  INTEGER NOT NULL,
    signature     TEXT NOT NULL,
    key_id        TEXT NOT NULL            -- SHA-256 of the public key, hex
);
