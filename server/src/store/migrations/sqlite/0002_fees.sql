-- Litigation fees: what a case was charged, paid and refunded (a ledger: every balance is
-- recomputed from these rows), payment orders, and each payment notification received.
-- Money is integer fen; times are unix seconds UTC.

CREATE TABLE fee_orders (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases(id),
    payer_user_id      INTEGER NOT NULL REFERENCES users(id),
    out_trade_no       TEXT NOT NULL,          -- our order number, sent to the provider
    amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
    provider           TEXT NOT NULL,
    provider_trade_no  TEXT,                   -- the provider's transaction, once paid
    idempotency_key    TEXT NOT NULL,          -- one order per tap, however often it is sent
    status             TEXT NOT NULL CHECK (status IN ('pending','paid','closed')),
    created_at         INTEGER NOT NULL,
    paid_at            INTEGER,
    CONSTRAINT fee_orders_out_trade_no_key UNIQUE (out_trade_no),
    CONSTRAINT fee_orders_idempotency_key UNIQUE (payer_user_id, idempotency_key)
);
CREATE INDEX fee_orders_case ON fee_orders(case_id);

CREATE TABLE fee_ledger (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('charge','payment','refund')),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    order_id    INTEGER REFERENCES fee_orders(id),
    source      TEXT NOT NULL,                 -- the article, or the provider's reference
    created_at  INTEGER NOT NULL
);
CREATE INDEX fee_ledger_case ON fee_ledger(case_id);
-- A second guard behind the order's status change: one payment entry per order.
CREATE UNIQUE INDEX fee_ledger_one_payment_per_order ON fee_ledger(order_id) WHERE kind = 'payment';

-- Every notification accepted, by the provider's id: a replay is recognised and acknowledged
-- without being applied again. Recorded in the same transaction as the ledger entry.
CREATE TABLE payment_notifications (
    provider      TEXT NOT NULL,
    notify_id     TEXT NOT NULL,
    out_trade_no  TEXT NOT NULL,
    status        TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    CONSTRAINT payment_notifications_key PRIMARY KEY (provider, notify_id)
);

-- The sandbox payment provider's own book (it plays the provider's side of the wire).
CREATE TABLE sandbox_pay_orders (
    trade_no      TEXT PRIMARY KEY,
    out_trade_no  TEXT NOT NULL UNIQUE,
    amount_fen    INTEGER NOT NULL,
    notify_url    TEXT NOT NULL,
    return_url    TEXT NOT NULL,
    description   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('created','paid','cancelled','failed')),
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
