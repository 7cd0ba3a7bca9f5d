-- In-litigation mediation (诉中调解, DOMAIN-2 §1.1 rules 14, 18–21; §1.3): a mediation on a
-- docketed case, its period (15 days ordinary, 7 simplified: OMR art. 24), the 调解书 issued
-- from the agreement and each party's 签收 of it (CPL 2023 art. 100; 民诉解释 arts. 133, 149).
ALTER TABLE mediations DROP CONSTRAINT IF EXISTS mediations_kind_check;
ALTER TABLE mediations ADD CONSTRAINT mediations_kind_check CHECK (kind IN ('pre_filing','in_litigation'));
ALTER TABLE mediations DROP CONSTRAINT IF EXISTS mediations_state_check;
ALTER TABLE mediations ADD CONSTRAINT mediations_state_check
  CHECK (state IN ('requested','inviting','mediating','effective','issued','concluded','ended'));
ALTER TABLE mediations ADD COLUMN case_id BIGINT REFERENCES cases(id);  -- in-litigation: the case
ALTER TABLE mediations ADD COLUMN period_days BIGINT NOT NULL DEFAULT 30; -- MediationKind::period_days
ALTER TABLE mediations ADD COLUMN statement_at BIGINT;                   -- the 调解书 issued and sent
ALTER TABLE mediations ADD COLUMN concluded_at BIGINT;                   -- the last 签收 (JI22 art. 149)
-- A 民诉前调 number is given once; an in-litigation mediation carries its case's number.
ALTER TABLE mediations DROP CONSTRAINT mediations_number_key;
CREATE UNIQUE INDEX mediations_number_key ON mediations(number) WHERE kind = 'pre_filing';
-- One open mediation per case at a time (a double tap on "start" makes one).
CREATE UNIQUE INDEX mediations_open_per_case ON mediations(case_id)
  WHERE case_id IS NOT NULL AND state NOT IN ('concluded','ended');

-- Each party's 签收 of the 调解书: an explicit act after a fresh identity check (DOMAIN-2 §1.1
-- rule 19); arrival or reading does not count.
ALTER TABLE mediation_parties ADD COLUMN received_at BIGINT;
ALTER TABLE mediation_parties ADD COLUMN receive_check TEXT;
ALTER TABLE mediation_parties ADD COLUMN receive_device TEXT;
ALTER TABLE mediation_parties ADD COLUMN receive_ip TEXT;
