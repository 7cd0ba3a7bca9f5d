-- A representation (诉讼代理) ends when the party revokes it or the court ends it (CPL 2023
-- art. 63: a party that revokes its agent's authority tells the court; DOMAIN-2 §5, PUB18 art. 6:
-- the access ends at once): the
-- `case_agents` row goes — every read of a case joins it, so the agent's access stops with
-- the same commit — and this row keeps who ended it, when and why.
CREATE TABLE representation_ends (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    party_id        INTEGER NOT NULL REFERENCES case_parties(id),
    agent_user_id   INTEGER NOT NULL REFERENCES users(id),
    ended_by        INTEGER NOT NULL REFERENCES users(id),
    by_court        INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX representation_ends_case ON representation_ends(case_id);
