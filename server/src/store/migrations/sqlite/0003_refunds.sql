-- How a case closed, fee reductions, and refunds (诉讼费用交纳办法 arts. 15, 16, 53).

-- 判决 / 调解 / 撤诉: the outcome decides whether the acceptance fee is halved (art. 15).
ALTER TABLE cases ADD COLUMN outcome TEXT CHECK (outcome IN ('judgment','mediated','withdrawn'));

-- Refunds of overpaid fees: computed when the decision takes effect, owed within 15 days
-- (art. 53), sent back through the channel the fee came in by (`order_id`: the payment; NULL
-- when it was paid at the court's counter and goes back by bank transfer, recorded by staff).
CREATE TABLE fee_refunds (
    id                  INTEGER PRIMARY KEY,
    case_id             INTEGER NOT NULL REFERENCES cases(id),
    order_id            INTEGER REFERENCES fee_orders(id),
    out_refund_no       TEXT NOT NULL,         -- our refund number, sent to the provider
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    reason              TEXT NOT NULL,         -- why, with the article
    -- due: owed, not yet accepted by the provider; processing: accepted, money on its way;
    -- refunded: the provider (or staff, for a counter payment) confirmed it; failed: the
    -- provider could not pay it back (staff must act).
    status              TEXT NOT NULL CHECK (status IN ('due','processing','refunded','failed')),
    due_at              INTEGER NOT NULL,      -- end of the art. 53 period (24:00 China time)
    provider_refund_no  TEXT,
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER,
    refunded_at         INTEGER,
    CONSTRAINT fee_refunds_out_refund_no_key UNIQUE (out_refund_no)
);
CREATE INDEX fee_refunds_case ON fee_refunds(case_id);
CREATE INDEX fee_refunds_open ON fee_refunds(status) WHERE status IN ('due','processing');

-- The ledger gains 'reduction' (what is no longer owed: halving at the end, relief) and the
-- refund each 'refund' entry pays out. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE fee_ledger_new (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('charge','reduction','payment','refund')),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    order_id    INTEGER REFERENCES fee_orders(id),
    refund_id   INTEGER REFERENCES fee_refunds(id),
    source      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
INSERT INTO fee_ledger_new (id, case_id, kind, amount_fen, order_id, source, created_at)
    SELECT id, case_id, kind, amount_fen, order_id, source, created_at FROM fee_ledger;
DROP TABLE fee_ledger;
ALTER TABLE fee_ledger_new RENAME TO fee_ledger;
CREATE INDEX fee_ledger_case ON fee_ledger(case_id);
CREATE UNIQUE INDEX fee_ledger_one_payment_per_order ON fee_ledger(order_id) WHERE kind = 'payment';
-- One ledger entry per refund, however many notifications confirm it.
CREATE UNIQUE INDEX fee_ledger_one_entry_per_refund ON fee_ledger(refund_id) WHERE kind = 'refund';

-- The sandbox provider's refunds (it plays the provider's side of the wire).
CREATE TABLE sandbox_refunds (
    refund_no      TEXT PRIMARY KEY,
    out_refund_no  TEXT NOT NULL UNIQUE,
    trade_no       TEXT NOT NULL REFERENCES sandbox_pay_orders(trade_no),
    amount_fen     INTEGER NOT NULL,
    notify_url     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('processing','success','failed')),
    created_at     INTEGER NOT NULL,
    finished_at    INTEGER
);
