-- 程序转换 (CPL 2023 arts. 160, 169, 170) and first-instance judgments taking effect.
-- A change of procedure is a dated row with the judge, the reason, the article and what it
-- did to the acceptance fee (+ a supplementary charge, - a reduction; 诉讼费用交纳办法 art. 16).
-- The case's `procedure` column holds the one in force; these rows are its history.
CREATE TABLE procedure_changes (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    from_procedure  TEXT NOT NULL,
    to_procedure    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    source          TEXT NOT NULL,
    judge_id        INTEGER NOT NULL REFERENCES users(id),
    fee_change_fen  INTEGER NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX procedure_changes_case ON procedure_changes(case_id, at);

-- An appeal lodged against a first-instance judgment (recorded by staff): the judgment does
-- not take effect at the end of the appeal period. One per case.
CREATE TABLE case_appeals (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    recorded_by  INTEGER NOT NULL REFERENCES users(id),
    note         TEXT NOT NULL,
    at           INTEGER NOT NULL
);
