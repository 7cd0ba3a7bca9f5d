-- Video sessions of a mediation (在线调解规则 art. 16): when, and the room on the court's
-- configured meeting service. Parties are texted; the page offers the link around the time.
CREATE TABLE mediation_sessions (
    id            INTEGER PRIMARY KEY,
    mediation_id  INTEGER NOT NULL REFERENCES mediations(id),
    starts_at     INTEGER NOT NULL,
    link          TEXT NOT NULL,
    scheduled_by  INTEGER NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX mediation_sessions_mediation ON mediation_sessions(mediation_id, starts_at);
