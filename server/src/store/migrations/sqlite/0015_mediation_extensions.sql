-- Extending a mediation's period when all parties agree (在线调解规则 art. 24; DOMAIN-2 §1.1
-- rule 14): the days granted so far, the proposal waiting for the parties, and each party's
-- answer to it. A refusal drops the proposal; the period then ends when it would have.
ALTER TABLE mediations ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mediations ADD COLUMN proposed_days INTEGER;
ALTER TABLE mediations ADD COLUMN proposed_reason TEXT;
ALTER TABLE mediation_parties ADD COLUMN extension_answer TEXT CHECK (extension_answer IN ('agreed','refused'));
