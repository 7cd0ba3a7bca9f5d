-- The court's roster of mediators, each with the public profile of 在线调解规则 art. 5:
-- background, the range of disputes taken, specialities, whether a fee is charged; the inviting
-- court is the mediator's court (users.court_id). The mediator keeps it up to date; `listed` = 0
-- takes them off the public roster. What a mediator has actually taken is counted from the
-- records, never typed.
CREATE TABLE mediator_profiles (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    background     TEXT NOT NULL,
    specialities   TEXT NOT NULL,
    dispute_range  TEXT NOT NULL,
    fee            TEXT NOT NULL DEFAULT '',  -- what is charged; empty: free of charge
    listed         INTEGER NOT NULL DEFAULT 1,
    updated_at     INTEGER NOT NULL
);

-- The mediator the applicant chose from the roster (art. 10). Until that mediator accepts or
-- declines with reasons (art. 12), or 3 working days pass, no one else takes the matter.
ALTER TABLE mediations ADD COLUMN chosen_mediator_id INTEGER REFERENCES users(id);
