-- Foundation: courts, people, sessions, sign-in codes, SMS outbox, cases and their events.
-- Times are unix seconds UTC (INTEGER); money is integer fen.

CREATE TABLE courts (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,           -- 法院代字, e.g. 湘0181
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    phone          TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('litigant','agent','clerk','judge','mediator','admin')),
    name           TEXT,
    resident_id    TEXT,
    court_id       INTEGER REFERENCES courts(id),
    password_hash  TEXT,
    created_at     INTEGER NOT NULL,
    CONSTRAINT users_phone_key UNIQUE (phone),
    CONSTRAINT users_resident_id_key UNIQUE (resident_id)
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,              -- SHA-256 of the cookie token, hex
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL               -- absolute timeout
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE otp_codes (
    request_id   TEXT PRIMARY KEY,               -- the request the code is bound to
    phone        TEXT NOT NULL,
    purpose      TEXT NOT NULL CHECK (purpose IN ('litigant','staff')),
    code_hash    TEXT NOT NULL,
    ip           TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    consumed_at  INTEGER
);
CREATE INDEX otp_codes_phone_time ON otp_codes(phone, created_at);
CREATE INDEX otp_codes_ip_time ON otp_codes(ip, created_at);

-- Failed sign-in steps (wrong code, wrong password, wrong query code), for per-IP limits.
CREATE TABLE auth_failures (
    id     INTEGER PRIMARY KEY,
    ip     TEXT NOT NULL,
    phone  TEXT,
    kind   TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX auth_failures_ip_time ON auth_failures(ip, at);

CREATE TABLE sms_outbox (
    id            INTEGER PRIMARY KEY,
    phone         TEXT NOT NULL,
    body          TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    provider      TEXT NOT NULL,
    status        TEXT NOT NULL,                 -- sent | failed
    provider_ref  TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX sms_outbox_time ON sms_outbox(created_at);

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    court_id            INTEGER NOT NULL REFERENCES courts(id),
    receiving_court_id  INTEGER REFERENCES courts(id),      -- 跨域立案: where it was handed in
    type_code           TEXT NOT NULL,
    year                INTEGER,                            -- set at docketing
    seq                 INTEGER,
    case_number         TEXT,
    cause               TEXT NOT NULL,
    procedure           TEXT NOT NULL CHECK (procedure IN ('small_claims','simplified','ordinary')),
    claim_fen           INTEGER,
    stage               TEXT NOT NULL,
    channel             TEXT NOT NULL CHECK (channel IN ('online','counter','cross_region')),
    query_code          TEXT NOT NULL,
    judge_id            INTEGER REFERENCES users(id),
    clerk_id            INTEGER REFERENCES users(id),
    defendant_abroad    INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    CONSTRAINT cases_number_key UNIQUE (court_id, year, type_code, seq),
    CONSTRAINT cases_case_number_key UNIQUE (case_number)
);
CREATE INDEX cases_court ON cases(court_id);

CREATE TABLE case_parties (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    side       TEXT NOT NULL CHECK (side IN ('plaintiff','defendant','third_party')),
    name       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id)
);
CREATE INDEX case_parties_user ON case_parties(user_id);
CREATE INDEX case_parties_case ON case_parties(case_id);

-- An agent (诉讼代理人) acts for one party under a power of attorney.
CREATE TABLE case_agents (
    id             INTEGER PRIMARY KEY,
    party_id       INTEGER NOT NULL REFERENCES case_parties(id) ON DELETE CASCADE,
    agent_user_id  INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX case_agents_user ON case_agents(agent_user_id);

-- Each lifecycle node reached, with its time: the timeline is computed from these.
CREATE TABLE case_events (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    stage    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    note     TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, at);
