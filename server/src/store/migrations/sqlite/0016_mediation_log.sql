-- Each signature on an agreement version and each 签收 of a 调解书 is an entry in the service
-- log, appended in the same transaction (the issue of #16: "goes into the service log as an
-- entry, so it has an inclusion proof like a delivery receipt"). The entry's index is kept
-- beside the act so that its receipt can be built; acts from before this have none.
ALTER TABLE mediation_signatures ADD COLUMN log_index INTEGER;
ALTER TABLE mediation_parties ADD COLUMN receive_log_index INTEGER;
