-- no-transaction
-- In-litigation mediation (诉中调解, DOMAIN-2 §1.1 rules 14, 18–21; §1.3): a mediation on a
-- docketed case, its period (15 days ordinary, 7 simplified: OMR art. 24), the 调解书 issued
-- from the agreement and each party's 签收 of it (CPL 2023 art. 100; 民诉解释 arts. 133, 149).
--
-- SQLite cannot change a CHECK, so `mediations` is rebuilt by the steps of SQLite's own
-- "other kinds of table schema changes" (lang_altertable.html §7): foreign keys off outside
-- the transaction, the new table copied and renamed inside it, the keys checked, then on.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE mediations_new (
    id                INTEGER PRIMARY KEY,
    court_id          INTEGER NOT NULL REFERENCES courts(id),
    kind              TEXT NOT NULL CHECK (kind IN ('pre_filing','in_litigation')),
    case_id           INTEGER REFERENCES cases(id),  -- in-litigation: the docketed case
    year              INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    number            TEXT NOT NULL,                -- （2026）湘0181民诉前调1号, or the case's number
    cause             TEXT NOT NULL,                -- a rules::filing::Cause code
    summary           TEXT NOT NULL,                -- the dispute in a few sentences
    state             TEXT NOT NULL CHECK (state IN ('requested','inviting','mediating','effective','issued','concluded','ended')),
    mediator_id       INTEGER REFERENCES users(id),
    requested_at      INTEGER NOT NULL,
    accepted_at       INTEGER,                      -- the period starts here (OMR art. 24)
    period_days       INTEGER NOT NULL DEFAULT 30,  -- rules::mediation::MediationKind::period_days
    effective_at      INTEGER,                      -- the last signature (OMR art. 19)
    statement_at      INTEGER,                      -- in-litigation: the 调解书 issued and sent
    concluded_at      INTEGER,                      -- in-litigation: the last 签收 (JI22 art. 149)
    ended_at          INTEGER,
    end_ground        TEXT,                         -- rules::mediation::EndGround code (OMR art. 25)
    end_note          TEXT,                         -- the failure record (OMR art. 21)
    version           INTEGER NOT NULL DEFAULT 0    -- the agreement's current version (0: none yet)
);
INSERT INTO mediations_new (id, court_id, kind, year, seq, number, cause, summary, state, mediator_id,
    requested_at, accepted_at, effective_at, ended_at, end_ground, end_note, version)
  SELECT id, court_id, kind, year, seq, number, cause, summary, state, mediator_id,
    requested_at, accepted_at, effective_at, ended_at, end_ground, end_note, version FROM mediations;
DROP TABLE mediations;
ALTER TABLE mediations_new RENAME TO mediations;
CREATE INDEX mediations_court_state ON mediations(court_id, state);
-- A 民诉前调 number is given once; an in-litigation mediation carries its case's number.
CREATE UNIQUE INDEX mediations_number_key ON mediations(number) WHERE kind = 'pre_filing';
-- One open mediation per case at a time (a double tap on "start" makes one).
CREATE UNIQUE INDEX mediations_open_per_case ON mediations(case_id)
  WHERE case_id IS NOT NULL AND state NOT IN ('concluded','ended');

-- Each party's 签收 of the 调解书: an explicit act after a fresh identity check (DOMAIN-2 §1.1
-- rule 19); arrival or reading does not count.
ALTER TABLE mediation_parties ADD COLUMN received_at INTEGER;
ALTER TABLE mediation_parties ADD COLUMN receive_check TEXT;
ALTER TABLE mediation_parties ADD COLUMN receive_device TEXT;
ALTER TABLE mediation_parties ADD COLUMN receive_ip TEXT;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
