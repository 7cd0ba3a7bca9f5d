-- Money that needs a person: a payment that arrived for an order already closed (or failed),
-- so it was credited although nobody expected it, and the overpayment it made is being sent
-- back. Staff see the open ones; resolving one is recorded.
CREATE TABLE payment_flags (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    order_id     INTEGER NOT NULL REFERENCES fee_orders(id),
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL,
    at           INTEGER NOT NULL,
    resolved_at  INTEGER
);
CREATE INDEX payment_flags_case ON payment_flags(case_id);

-- One open order per case at a time: a second tab or a second tap closes the first order
-- (at the provider too) before it makes another, so one fee cannot be paid twice. Older
-- duplicates are closed first (the newest of each case stays open).
UPDATE fee_orders SET status = 'closed'
 WHERE status = 'pending'
   AND id NOT IN (SELECT MAX(id) FROM fee_orders WHERE status = 'pending' GROUP BY case_id);
CREATE UNIQUE INDEX fee_orders_one_pending_per_case ON fee_orders(case_id) WHERE status = 'pending';
