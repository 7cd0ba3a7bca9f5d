//! Litigation fees of a case: the ledger, paying through a provider, and the provider's
//! notifications (诉讼费用交纳办法; DOMAIN.md §3–4).
//!
//! Exactly once: an order per tap (idempotency key per payer); a notification is applied
//! only after its signature, timestamp, order and amount check out; the notification id and
//! the ledger entry are written in one transaction, behind a conditional status change of
//! the order (`store::fees::apply_notification`). A lost or late notification is made up
//! for by asking the provider (`reconcile`).

use crate::adapters::payments::{CheckoutRequest, ProviderStatus, VerifyError};
use crate::services::progress;
use crate::services::{internal, Services};
use crate::store::{self, fees::Applied};
use app::api::port::Caller;
use app::api::types::{
    CaseFees, DeadlineView, FeeAccount, FeeEntryView, FeeOrderView, FeeReceipt, FeeRefundView,
    PaymentFlagView,
};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::dates::{format_shanghai, CivilDate};
use app::rules::deadlines::{refund_deadline, DeadlineKind};
use app::rules::fees;
use app::rules::holidays;
use app::rules::Lang;

/// What our callback answers the provider, and what happened.
#[derive(Debug, PartialEq, Eq)]
pub enum NotifyOutcome {
    /// Acknowledge (`SUCCESS`): applied now, a replay, already paid, or noted.
    Ack(Applied),
    /// Refuse (the provider will retry, or it was forged): the reason, for the log.
    Refuse(u16, String),
}

/// The acceptance fee of a stored case under a procedure (its stored code) and outcome: the
/// court rule `rules::filing::case_fee` — the same function as the litigant's estimate — on
/// the case's typed cause and claim.
pub fn charge_for(
    cause: Option<app::rules::filing::Cause>,
    claim_fen: Option<i64>,
    procedure: &str,
    outcome: Option<fees::Outcome>,
    settings: &fees::CourtFeeSettings,
) -> Result<fees::FeeQuote, fees::FeeError> {
    let procedure = app::rules::lifecycle::Procedure::from_code(procedure)
        .unwrap_or(app::rules::lifecycle::Procedure::Ordinary);
    app::rules::filing::case_fee(
        cause,
        fees::Fen(claim_fen.unwrap_or(0)),
        procedure.into(),
        outcome,
        settings,
    )
}

/// The acceptance fee is prepaid by the plaintiff (诉讼费用交纳办法 art. 20), or their agent
/// for them; the defendant sees the account but is not asked to pay.
pub fn prepays(side: Option<&str>) -> bool {
    side == Some("plaintiff")
}

/// A ledger's sums by kind: (charged, reduced, paid, refunded). Every balance is recomputed
/// from these (the same formula as `store::fees::balance_sql`).
fn totals(ledger: &[store::fees::LedgerRow]) -> (i64, i64, i64, i64) {
    let sum = |kind: &str| ledger.iter().filter(|e| e.kind == kind).map(|e| e.amount_fen).sum::<i64>();
    (sum("charge"), sum("reduction"), sum("payment"), sum("refund"))
}

fn account(
    case_id: i64,
    ledger: &[store::fees::LedgerRow],
    orders: &[store::fees::OrderRow],
    refunds: &[store::fees::RefundRow],
    lang: Lang,
    now: i64,
) -> FeeAccount {
    let (charged, reduced, paid, refunded) = totals(ledger);
    let (owed, net_paid) = (charged - reduced, paid - refunded);
    let entries = ledger
        .iter()
        .map(|e| FeeEntryView {
            kind: e.kind.clone(),
            label: match e.kind.as_str() {
                "charge" => t(lang, ("应交诉讼费", "Fee charged")),
                "reduction" => t(lang, ("减免", "Reduced")),
                "payment" => t(lang, ("已交费", "Paid")),
                _ => t(lang, ("已退费", "Refunded")),
            }
            .to_string(),
            fen: e.amount_fen,
            source: e.source.clone(),
            at: format_shanghai(e.created_at, lang),
        })
        .collect();
    let views = orders
        .iter()
        .map(|o| FeeOrderView {
            out_trade_no: o.out_trade_no.clone(),
            amount_fen: o.amount_fen,
            status: o.status.clone(),
            created_at: format_shanghai(o.created_at, lang),
            paid_at: o.paid_at.map(|at| format_shanghai(at, lang)),
        })
        .collect();
    let refunds = refunds.iter().map(|r| refund_view(r, orders, lang, now)).collect();
    FeeAccount {
        case_id,
        charged_fen: charged,
        reduced_fen: reduced,
        paid_fen: paid,
        refunded_fen: refunded,
        due_fen: (owed - net_paid).max(0),
        overpaid_fen: (net_paid - owed).max(0),
        entries,
        orders: views,
        refunds,
    }
}

/// The art. 53 deadline of a refund, as pages show it (stored as the end of its last day).
pub fn refund_deadline_view(due_at: i64, lang: Lang, now: i64) -> DeadlineView {
    let day = CivilDate::from_unix_shanghai(due_at - 1);
    DeadlineView::new(DeadlineKind::Refund.label(lang), day, "诉讼费用交纳办法 第53条", lang, now)
        .moved_past_holidays(true)
}

fn refund_view(
    r: &store::fees::RefundRow,
    orders: &[store::fees::OrderRow],
    lang: Lang,
    now: i64,
) -> FeeRefundView {
    let status_label = match r.status.as_str() {
        "due" => t(lang, ("待退还", "To be refunded")),
        "processing" => t(lang, ("退款处理中", "Refund on its way")),
        "refunded" => t(lang, ("已退还", "Refunded")),
        _ => t(
            lang,
            ("退款没有成功，法院会联系您", "The refund did not go through; the court will contact you"),
        ),
    };
    let order = r.order_id.and_then(|id| orders.iter().find(|o| o.id == id));
    let channel = match order {
        Some(o) => match lang {
            Lang::Zh => format!("原路退回到您交费时用的账户（交费单号 {}）", o.out_trade_no),
            Lang::En => format!("Back to the account you paid from (payment {})", o.out_trade_no),
        },
        None => t(
            lang,
            (
                "您是在法院窗口交的费：法院会转账退回，请把收款银行账户告诉书记员。",
                "You paid at the court's counter: the court will transfer it back; give the clerk your bank account.",
            ),
        )
        .to_string(),
    };
    FeeRefundView {
        out_refund_no: r.out_refund_no.clone(),
        amount_fen: r.amount_fen,
        reason: r.reason.clone(),
        status: r.status.clone(),
        status_label: status_label.to_string(),
        channel,
        deadline: (r.status != "refunded").then(|| refund_deadline_view(r.due_at, lang, now)),
        refunded_at: r.refunded_at.map(|at| format_shanghai(at, lang)),
        by_transfer: r.status != "refunded" && (r.order_id.is_none() || r.status == "failed"),
    }
}

pub use app::rules::lifecycle::CaseOutcome;

/// What closing a case writes: its outcome and events, the fee reduction, the refunds (one
/// per online payment they go back to, the rest as a counter refund), all from the fee
/// engine and the ledger. Used by the judge's action and by the demo history. A judgment is
/// settled later, when it takes effect (`procedure_service`).
pub async fn closing_of(
    db: &store::Db,
    case: &store::cases::CaseRow,
    outcome: CaseOutcome,
    settings: &fees::CourtFeeSettings,
    now: i64,
) -> Result<store::fees::Closing<'static>, sqlx::Error> {
    if outcome.in_force_at_once() {
        let mut closing = settlement(db, case, outcome, settings, now).await?;
        closing.stages = &["closed", "effective"];
        Ok(closing)
    } else {
        let mut closing = unsettled(case, outcome, now);
        closing.stages = &["closed"];
        Ok(closing)
    }
}

/// A closing that settles nothing (no stages, no reduction, no refunds) yet.
fn unsettled(case: &store::cases::CaseRow, outcome: CaseOutcome, now: i64) -> store::fees::Closing<'static> {
    store::fees::Closing {
        case_id: case.id,
        outcome: outcome.code(),
        stages: &[],
        reduction: None,
        refunds: Vec::new(),
        refund_reason: String::new(),
        refund_due_at: 0,
        now,
    }
}

/// The fee settlement of a decision in force at `now` (no stages: the caller names them):
/// the final fee for the outcome under the case's procedure (arts. 13, 15, 16), the reduction
/// of what was owed beyond it, and the refund of what was paid beyond it, split over the
/// payments it came from and due within 15 days (art. 53).
pub async fn settlement(
    db: &store::Db,
    case: &store::cases::CaseRow,
    outcome: CaseOutcome,
    settings: &fees::CourtFeeSettings,
    now: i64,
) -> Result<store::fees::Closing<'static>, sqlx::Error> {
    let (ledger, orders) =
        tokio::try_join!(store::fees::ledger(db, case.id), store::fees::orders_of_case(db, case.id))?;
    let (charged, reduced, paid, refunded) = totals(&ledger);
    let mut closing = unsettled(case, outcome, now);
    // Nothing charged (special procedure, unpaid wages): nothing to settle.
    if charged == 0 {
        return Ok(closing);
    }
    let Ok(final_quote) =
        charge_for(case.cause, case.claim_fen, &case.procedure, outcome.fee_outcome(), settings)
    else {
        return Ok(closing);
    };
    let settled = fees::settle(fees::Fen(charged - reduced), final_quote.total, fees::Fen(paid - refunded));
    // The line that halves, with its article (art. 15, or art. 16 for simplified procedure).
    let rule = final_quote.lines.iter().rev().find(|l| l.fen.0 < 0);
    let why = rule.map(|l| format!("{}（{}）", l.label_zh, l.source)).unwrap_or_else(|| {
        // A judgment under simplified procedure after a change from ordinary: the halving
        // was written at the change; the refund is of what was paid beyond the half.
        "多交的案件受理费（诉讼费用交纳办法 第53条）".to_string()
    });
    if settled.reduction.0 > 0 {
        closing.reduction = Some((settled.reduction.0, why.clone()));
    }
    if settled.refund.0 > 0 {
        // Back to the online payments, newest first, each up to what it paid (art. 53).
        let paid: Vec<&store::fees::OrderRow> = orders.iter().rev().filter(|o| o.status == "paid").collect();
        let caps: Vec<fees::Fen> = paid.iter().map(|o| fees::Fen(o.amount_fen)).collect();
        let (shares, rest) = fees::allocate_refund(settled.refund, &caps);
        let number =
            |i: usize| format!("RF{}{}{}", case.id, i, &crate::adapters::crypto::random_token()[..12]);
        for (i, (order, share)) in paid.iter().zip(shares).enumerate() {
            if share.0 > 0 {
                closing.refunds.push(store::fees::NewRefund {
                    order_id: Some(order.id),
                    out_refund_no: number(i),
                    amount_fen: share.0,
                });
            }
        }
        if rest.0 > 0 {
            closing.refunds.push(store::fees::NewRefund {
                order_id: None,
                out_refund_no: number(paid.len()),
                amount_fen: rest.0,
            });
        }
        closing.refund_reason = why;
        // Within 15 days of the decision taking effect, `now` (诉讼费用交纳办法 art. 53).
        let deadline = refund_deadline(CivilDate::from_unix_shanghai(now), &holidays::state_council());
        closing.refund_due_at = deadline.due_at;
    }
    Ok(closing)
}

impl Services {
    pub async fn fee_account(&self, caller: &Caller, case_id: i64) -> Result<FeeAccount, AppError> {
        self.visible_case(caller, case_id).await?;
        self.account_of(case_id, caller.lang).await
    }

    /// A case's account, for a caller already checked (`visible_case`) by the one asking.
    pub(crate) async fn account_of(&self, case_id: i64, lang: Lang) -> Result<FeeAccount, AppError> {
        let (ledger, orders, refunds) = tokio::try_join!(
            store::fees::ledger(&self.db, case_id),
            store::fees::orders_of_case(&self.db, case_id),
            store::fees::refunds_of_case(&self.db, case_id),
        )
        .map_err(internal(lang))?;
        Ok(account(case_id, &ledger, &orders, &refunds, lang, self.now()))
    }

    /// The fee page: the account, the prepayment deadline while unpaid, and (for a payer
    /// back from the checkout page) that order as it stands after asking the provider.
    pub async fn case_fees(
        &self,
        caller: &Caller,
        case_id: i64,
        returning: Option<&str>,
    ) -> Result<CaseFees, AppError> {
        let lang = caller.lang;
        let (case, side) = self.visible_case(caller, case_id).await?;
        if let Some(order) = returning {
            match self.reconcile(caller, case_id, order).await {
                // A made-up or foreign order number in the address: show the page without it.
                Ok(_) | Err(AppError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let (ledger, orders, refunds, events) = tokio::try_join!(
            store::fees::ledger(&self.db, case_id),
            store::fees::orders_of_case(&self.db, case_id),
            store::fees::refunds_of_case(&self.db, case_id),
            store::cases::events(&self.db, case_id),
        )
        .map_err(internal(lang))?;
        let now = self.now();
        let account = account(case_id, &ledger, &orders, &refunds, lang, now);
        let returned = returning.and_then(|no| account.orders.iter().find(|o| o.out_trade_no == no)).cloned();
        let (relief, can_apply_relief, can_decide_relief) =
            self.relief_of_case(caller, &case, prepays(side.as_deref()), account.due_fen).await?;
        Ok(CaseFees {
            case_id,
            case_number: case.case_number.clone(),
            cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
            deadline: (account.due_fen > 0)
                .then(|| progress::fee_deadline(&case, &events, lang, now))
                .flatten(),
            can_pay: prepays(side.as_deref()),
            online_payment: self.payments.is_some(),
            pay_key: crate::adapters::crypto::random_token()[..32].to_string(),
            returned,
            owed_fen: account.charged_fen - account.reduced_fen,
            relief,
            can_apply_relief,
            can_decide_relief,
            relief_key: crate::adapters::crypto::random_token()[..32].to_string(),
            payment_flags: if caller.me.as_ref().is_some_and(|m| crate::services::own_court_staff(m, &case)) {
                store::fees::flags_of_case(&self.db, case_id)
                    .await
                    .map_err(internal(lang))?
                    .iter()
                    .filter(|f| f.resolved_at.is_none())
                    .map(|f| PaymentFlagView {
                        at: format_shanghai(f.at, lang),
                        text: match f.kind.as_str() {
                            "paid_after_close" => t(
                                lang,
                                (
                                    "一笔交费在订单关闭后才到账：已计入，多交的部分正在原路退回。请核对这笔款项。",
                                    "A payment arrived after its order was closed: credited, and what it overpaid is on its way back. Please check it.",
                                ),
                            ),
                            _ => t(lang, ("这笔交费需要核对。", "This payment needs checking.")),
                        }
                        .to_string(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            can_record_refunds: caller
                .me
                .as_ref()
                .is_some_and(|m| records_refunds(m.role) && crate::services::own_court_staff(m, &case)),
            account,
        })
    }

    /// 缴费凭证: for the payer (and court staff), once the order is paid.
    pub async fn fee_receipt(
        &self,
        caller: &Caller,
        case_id: i64,
        out_trade_no: &str,
    ) -> Result<FeeReceipt, AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        let no_receipt = || {
            AppError::NotFound(
                t(
                    lang,
                    (
                        "没有这张缴费凭证：这笔交费不存在或还没有完成。",
                        "No such receipt: the payment does not exist or is not complete.",
                    ),
                )
                .into(),
            )
        };
        let order = store::fees::order_by_out_trade_no(&self.db, out_trade_no)
            .await
            .map_err(internal(lang))?
            .filter(|o| o.case_id == case_id && o.status == "paid")
            .filter(|o| o.payer_user_id == me.id || me.role.is_staff())
            .ok_or_else(no_receipt)?;
        let payer = store::people::user_by_id(&self.db, order.payer_user_id)
            .await
            .map_err(internal(lang))?
            .and_then(|u| u.name)
            .unwrap_or_default();
        let channel = match order.provider.as_str() {
            "sandbox" => t(lang, ("模拟支付（测试通道，不扣真钱）", "Sandbox (test channel, no real money)")),
            other => other,
        };
        Ok(FeeReceipt {
            case_id,
            court_name: match lang {
                Lang::Zh => case.court_name_zh.clone(),
                Lang::En => case.court_name_en.clone(),
            },
            case_number: case.case_number.clone(),
            cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
            payer,
            out_trade_no: order.out_trade_no.clone(),
            provider_trade_no: order.provider_trade_no.clone().unwrap_or_default(),
            channel: channel.to_string(),
            amount_fen: order.amount_fen,
            amount_in_capitals: fees::Fen(order.amount_fen).in_capitals(),
            paid_at: order.paid_at.map(|at| format_shanghai(at, lang)).unwrap_or_default(),
            issued_at: format_shanghai(self.now(), lang),
        })
    }

    /// Starts paying what is due: one order per `idempotency_key` (a double tap or a resent
    /// request gets the same order and checkout page). Returns the checkout page address.
    pub async fn start_payment(
        &self,
        caller: &Caller,
        case_id: i64,
        idempotency_key: &str,
    ) -> Result<String, AppError> {
        let lang = caller.lang;
        let (case, side) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        if !prepays(side.as_deref()) {
            return Err(Refusal::PayDenied.in_lang(lang));
        }
        let key = idempotency_key.trim();
        if key.len() < 16 || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Refusal::Stale.in_lang(lang));
        }
        let Some(payments) = self.payments.clone() else {
            return Err(Refusal::OnlinePaymentUnavailable.in_lang(lang));
        };
        let try_later = || {
            AppError::Internal(
                t(
                    lang,
                    (
                        "支付通道暂时不可用，请稍后再试。",
                        "Payment is unavailable right now. Please try again later.",
                    ),
                )
                .into(),
            )
        };
        // One open order per case: another tab's (or an earlier tap's) open order is settled
        // with the provider first — credited if it was paid, else closed there and here — so
        // one fee is never paid twice. Two rounds at most (two taps racing each other).
        let mut round = 0;
        let (order, fresh, account) = loop {
            let account = self.account_of(case_id, lang).await?;
            let out_trade_no = format!("PC{}{}", case.id, &crate::adapters::crypto::random_token()[..16]);
            let made = store::fees::create_order(
                &self.db,
                store::fees::NewOrder {
                    case_id,
                    payer_user_id: me.id,
                    out_trade_no: &out_trade_no,
                    amount_fen: account.due_fen.max(1),
                    provider: payments.name(),
                    idempotency_key: key,
                    now: self.now(),
                },
            )
            .await;
            match made {
                Ok((order, fresh)) => break (order, fresh, account),
                Err(store::fees::OrderError::AnotherOpen) if round < 2 => {
                    round += 1;
                    let open = store::fees::pending_order_of_case(&self.db, case_id)
                        .await
                        .map_err(internal(lang))?;
                    if let Some(open) = open {
                        if self.settle_open_order(&open).await.map_err(internal(lang))?
                            == ProviderStatus::Pending
                        {
                            return Err(try_later());
                        }
                    }
                }
                Err(store::fees::OrderError::AnotherOpen) => return Err(try_later()),
                Err(store::fees::OrderError::Store(e)) => return Err(internal(lang)(e)),
            }
        };
        // A key is one tap on one case's page: the same key sent for another case (a replayed
        // or forged request) is not that case's order, and never shows it.
        if order.case_id != case_id {
            return Err(Refusal::Stale.in_lang(lang));
        }
        if fresh && account.due_fen == 0 {
            store::fees::close_order(&self.db, order.id).await.map_err(internal(lang))?;
            return Err(Refusal::FeePaid.in_lang(lang));
        }
        if order.status != "pending" {
            return Err(Refusal::FeePaid.in_lang(lang));
        }
        let base = self.public_base();
        payments
            .create_checkout(&CheckoutRequest {
                out_trade_no: order.out_trade_no.clone(),
                amount_fen: order.amount_fen,
                description: format!("诉讼费 {}", case.case_number.clone().unwrap_or_default()),
                notify_url: format!("{base}/api/v1/payments/notify/{}", payments.name()),
                return_url: format!("{base}/cases/{case_id}/fees?order={}", order.out_trade_no),
                payer_ip: caller.ip.to_string(),
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "payment provider refused the order");
                AppError::Internal(
                    t(
                        lang,
                        (
                            "支付通道暂时不可用，请稍后再试。",
                            "Payment is unavailable right now. Please try again later.",
                        ),
                    )
                    .into(),
                )
            })
    }

    /// A provider's notification: verified, then applied exactly once.
    pub async fn payment_notification(
        &self,
        provider: &str,
        headers: &crate::adapters::payments::NotifyHeaders,
        body: &[u8],
    ) -> NotifyOutcome {
        let Some(payments) = self.payments.as_ref().filter(|p| p.name() == provider) else {
            return NotifyOutcome::Refuse(404, format!("unknown provider {provider}"));
        };
        let note = match payments.verify(headers, body, self.now()) {
            Ok(n) => n,
            Err(e @ (VerifyError::NoSignature | VerifyError::BadSignature)) => {
                tracing::warn!(error = %e, "payment notification refused");
                return NotifyOutcome::Refuse(401, e.to_string());
            }
            Err(e) => {
                tracing::warn!(error = %e, "payment notification refused");
                return NotifyOutcome::Refuse(400, e.to_string());
            }
        };
        if let Some(out_refund_no) = note.out_refund_no.clone() {
            return self.refund_notification(provider, &out_refund_no, &note).await;
        }
        let order = match store::fees::order_by_out_trade_no(&self.db, &note.out_trade_no).await {
            Ok(Some(o)) if o.provider == provider => o,
            Ok(_) => return NotifyOutcome::Refuse(404, format!("unknown order {}", note.out_trade_no)),
            Err(e) => return NotifyOutcome::Refuse(500, e.to_string()),
        };
        if note.amount_fen != order.amount_fen {
            tracing::error!(order = %order.out_trade_no, expected = order.amount_fen, got = note.amount_fen, "payment notification with a wrong amount");
            return NotifyOutcome::Refuse(400, "amount does not match the order".into());
        }
        let paid = note.status == "SUCCESS";
        let received = store::fees::Received {
            provider,
            notify_id: &note.notify_id,
            paid,
            status: &note.status,
            provider_trade_no: &note.trade_no,
            now: self.now(),
            overpayment_refund: self.overpayment_refund(),
        };
        match store::fees::apply_notification(&self.db, &order, received).await {
            Ok(a) => {
                if a == Applied::CreditedAfterClose {
                    tracing::warn!(order = %order.out_trade_no, "money arrived for a closed order: credited and flagged");
                }
                if matches!(a, Applied::Credited | Applied::CreditedAfterClose) {
                    // An overpayment refund may have been written with it: send it now.
                    self.chase_refunds().await;
                }
                NotifyOutcome::Ack(a)
            }
            Err(e) => NotifyOutcome::Refuse(500, e.to_string()),
        }
    }

    /// The payer is back from the checkout page: if we have heard nothing yet, ask the
    /// provider, and apply what it says (exactly once, like a notification).
    pub async fn reconcile(
        &self,
        caller: &Caller,
        case_id: i64,
        out_trade_no: &str,
    ) -> Result<String, AppError> {
        let lang = caller.lang;
        self.visible_case(caller, case_id).await?;
        let order = store::fees::order_by_out_trade_no(&self.db, out_trade_no)
            .await
            .map_err(internal(lang))?
            .filter(|o| o.case_id == case_id)
            .ok_or_else(|| AppError::NotFound(t(lang, ("没有这笔交费。", "No such payment.")).into()))?;
        if order.status != "pending" {
            return Ok(order.status);
        }
        Ok(match self.ask_about_order(&order).await.map_err(internal(lang))? {
            ProviderStatus::Paid { .. } => "paid",
            ProviderStatus::Closed => "closed",
            ProviderStatus::Pending => "pending",
        }
        .into())
    }

    /// Asks the provider about an open order and applies the answer: paid → credited (like a
    /// notification, exactly once), closed → closed here. A provider that cannot be reached
    /// leaves it open (Pending).
    async fn ask_about_order(&self, order: &store::fees::OrderRow) -> Result<ProviderStatus, sqlx::Error> {
        let Some(payments) = self.payments.as_ref().filter(|p| p.name() == order.provider) else {
            return Ok(ProviderStatus::Pending);
        };
        match payments.query(&order.out_trade_no).await {
            Ok(ProviderStatus::Paid { trade_no, amount_fen }) if amount_fen == order.amount_fen => {
                let received = store::fees::Received {
                    provider: &order.provider,
                    notify_id: &format!("query:{trade_no}"),
                    paid: true,
                    status: "SUCCESS",
                    provider_trade_no: &trade_no,
                    now: self.now(),
                    overpayment_refund: self.overpayment_refund(),
                };
                store::fees::apply_notification(&self.db, order, received).await?;
                Ok(ProviderStatus::Paid { trade_no, amount_fen })
            }
            Ok(ProviderStatus::Paid { amount_fen, .. }) => {
                tracing::error!(order = %order.out_trade_no, expected = order.amount_fen, got = amount_fen, "provider reports a wrong amount");
                Ok(ProviderStatus::Pending)
            }
            Ok(ProviderStatus::Closed) => {
                store::fees::close_order(&self.db, order.id).await?;
                Ok(ProviderStatus::Closed)
            }
            Ok(ProviderStatus::Pending) => Ok(ProviderStatus::Pending),
            Err(e) => {
                tracing::warn!(error = %e, "order query failed");
                Ok(ProviderStatus::Pending)
            }
        }
    }

    /// Settles an open order before another is made for the same case: credited if the
    /// provider says it was paid, else closed at the provider (so it can no longer be paid)
    /// and here. Pending means the provider could not be asked or would not close it.
    async fn settle_open_order(&self, open: &store::fees::OrderRow) -> Result<ProviderStatus, sqlx::Error> {
        match self.ask_about_order(open).await? {
            ProviderStatus::Pending => {}
            settled => return Ok(settled),
        }
        let Some(payments) = self.payments.as_ref().filter(|p| p.name() == open.provider) else {
            return Ok(ProviderStatus::Pending);
        };
        if let Err(e) = payments.close(&open.out_trade_no).await {
            tracing::warn!(error = %e, order = %open.out_trade_no, "closing an open order failed");
            // Perhaps it was paid a moment ago: ask once more.
            return self.ask_about_order(open).await;
        }
        store::fees::close_order(&self.db, open.id).await?;
        Ok(ProviderStatus::Closed)
    }

    /// The refund written with a payment that overpays the case (`apply_notification`): a new
    /// refund number, due within 15 days (诉讼费用交纳办法 art. 53, applied by analogy: money the
    /// court holds without a charge behind it goes back as promptly).
    fn overpayment_refund(&self) -> store::fees::OverpaymentRefund {
        let now = self.now();
        let due = refund_deadline(CivilDate::from_unix_shanghai(now), &holidays::state_council());
        store::fees::OverpaymentRefund {
            out_refund_no: format!("PCR{}", &crate::adapters::crypto::random_token()[..20]),
            due_at: due.due_at,
            reason: "多交的诉讼费，原路退回（诉讼费用交纳办法 第53条）".into(),
        }
    }

    /// The reconciling job (every minute, `startup`): open orders with no news for five
    /// minutes are asked about — a payment whose notification was lost is credited, a closed
    /// one closed — and an order still unpaid after two hours is closed at the provider (the
    /// payer started again or gave up; a new tap makes a new one). Returns how many changed.
    pub async fn reconcile_open_orders(&self) -> usize {
        let now = self.now();
        let orders = match store::fees::stale_pending_orders(&self.db, now - 300, 100).await {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, "could not read the open orders");
                return 0;
            }
        };
        let mut changed = 0;
        for order in orders {
            let settled = if now - order.created_at > 2 * 3600 {
                self.settle_open_order(&order).await
            } else {
                self.ask_about_order(&order).await
            };
            match settled {
                Ok(ProviderStatus::Pending) => {}
                Ok(_) => changed += 1,
                Err(e) => tracing::error!(error = %e, "reconciling an order"),
            }
        }
        changed
    }

    /// 结案: the case's judge records how it ended. A decision in force at once (mediation,
    /// withdrawal) settles the fee there and then: the halving (art. 15; art. 16 for a case
    /// paid in full and tried under simplified procedure) and the refund, owed within 15
    /// days (art. 53) and sent at once to the channel it was paid by.
    pub async fn close_case(&self, caller: &Caller, case_id: i64, outcome: &str) -> Result<String, AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        if !may_close(me, &case) {
            return Err(Refusal::JudgeOnly.in_lang(lang));
        }
        let Some(outcome) = CaseOutcome::parse(outcome) else {
            return Err(Refusal::OutcomeMissing.in_lang(lang));
        };
        let already = || Refusal::CaseClosed.in_lang(lang);
        let events = store::cases::events(&self.db, case_id).await.map_err(internal(lang))?;
        if is_closed(&case, &events) {
            return Err(already());
        }
        if case.case_number.is_none() {
            return Err(Refusal::CaseClosed.in_lang(lang));
        }
        let closing = closing_of(&self.db, &case, outcome, &self.fee_settings, self.now())
            .await
            .map_err(internal(lang))?;
        if !store::fees::close_case(&self.db, closing).await.map_err(internal(lang))? {
            return Err(already());
        }
        // Send the refund now; if the provider is down, the refund job keeps trying.
        self.chase_refunds().await;
        Ok(CaseOutcome::label(outcome.code(), lang).to_string())
    }

    /// Sends refunds not yet accepted by their provider, and asks about those accepted long
    /// ago without news. Runs after each closing and every minute (`startup`). Returns how
    /// many it sent.
    pub async fn chase_refunds(&self) -> usize {
        let asked_before = self.now() - 600;
        let open = match store::fees::refunds_to_chase(&self.db, asked_before, 100).await {
            Ok(open) => open,
            Err(e) => {
                tracing::error!(error = %e, "could not read the refunds to send");
                return 0;
            }
        };
        // Without a provider, refunds wait for staff to pay them back by bank transfer.
        let Some(payments) = self.payments.clone() else {
            return 0;
        };
        let mut sent = 0;
        for store::fees::RefundToChase { refund, out_trade_no, provider, order_total_fen } in open {
            if provider != payments.name() {
                continue;
            }
            if refund.status == "processing" {
                self.ask_about_refund(&refund).await;
                continue;
            }
            let request = crate::adapters::payments::RefundRequest {
                out_trade_no,
                out_refund_no: refund.out_refund_no.clone(),
                amount_fen: refund.amount_fen,
                order_total_fen,
                notify_url: format!("{}/api/v1/payments/notify/{provider}", self.public_base()),
            };
            match payments.refund(&request).await {
                Ok(provider_no) => {
                    if let Err(e) =
                        store::fees::mark_refund_sent(&self.db, refund.id, &provider_no, self.now()).await
                    {
                        tracing::error!(error = %e, "could not record a refund as sent");
                    } else {
                        sent += 1;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, refund = %refund.out_refund_no, "refund not accepted; will retry")
                }
            }
        }
        sent
    }

    /// A refund without news for a while: the provider's answer, applied like a notification.
    async fn ask_about_refund(&self, refund: &store::fees::RefundRow) {
        let Some(payments) = self.payments.as_ref() else { return };
        let (status, provider_no) = match payments.query_refund(&refund.out_refund_no).await {
            Ok(crate::adapters::payments::RefundStatus::Refunded { refund_no }) => ("SUCCESS", refund_no),
            Ok(crate::adapters::payments::RefundStatus::Failed) => ("FAILED", String::new()),
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "refund query failed");
                return;
            }
        };
        let received = store::fees::RefundReceived {
            provider: payments.name(),
            notify_id: &format!("query:{}:{status}", refund.out_refund_no),
            status,
            provider_refund_no: &provider_no,
            now: self.now(),
        };
        if let Err(e) = store::fees::apply_refund_notification(&self.db, refund, received).await {
            tracing::error!(error = %e, "could not apply a refund's status");
        }
    }

    /// A provider's refund notification (already verified): applied exactly once.
    async fn refund_notification(
        &self,
        provider: &str,
        out_refund_no: &str,
        note: &crate::adapters::payments::Notification,
    ) -> NotifyOutcome {
        let refund = match store::fees::refund_by_out_refund_no(&self.db, out_refund_no).await {
            Ok(Some(r)) => r,
            Ok(None) => return NotifyOutcome::Refuse(404, format!("unknown refund {out_refund_no}")),
            Err(e) => return NotifyOutcome::Refuse(500, e.to_string()),
        };
        let order = match refund.order_id {
            Some(id) => store::fees::orders_of_case(&self.db, refund.case_id)
                .await
                .ok()
                .and_then(|orders| orders.into_iter().find(|o| o.id == id)),
            None => None,
        };
        // The refund must be of that payment, through this provider, for exactly its amount.
        let matches = order.is_some_and(|o| o.provider == provider && o.out_trade_no == note.out_trade_no);
        if !matches || note.amount_fen != refund.amount_fen {
            tracing::error!(refund = %out_refund_no, "refund notification does not match the refund");
            return NotifyOutcome::Refuse(400, "refund does not match".into());
        }
        let received = store::fees::RefundReceived {
            provider,
            notify_id: &note.notify_id,
            status: &note.status,
            provider_refund_no: &note.trade_no,
            now: self.now(),
        };
        match store::fees::apply_refund_notification(&self.db, &refund, received).await {
            Ok(a) => NotifyOutcome::Ack(a),
            Err(e) => NotifyOutcome::Refuse(500, e.to_string()),
        }
    }
}

/// Closing a case (结案) is its judge's act.
pub fn may_close(me: &app::api::types::Me, case: &store::cases::CaseRow) -> bool {
    me.role == app::api::types::Role::Judge && case.judge_id == Some(me.id)
}

/// Closed already: an outcome recorded, or a 结案 event (demo history before outcomes).
pub fn is_closed(case: &store::cases::CaseRow, events: &[store::cases::EventRow]) -> bool {
    case.outcome.is_some() || events.iter().any(|e| e.stage == "closed")
}

/// The judge's 结案 form shows: their case, docketed, not closed (`close_case` checks the same).
pub fn can_close_now(
    me: &app::api::types::Me,
    case: &store::cases::CaseRow,
    events: &[store::cases::EventRow],
) -> bool {
    may_close(me, case) && case.case_number.is_some() && !is_closed(case, events)
}

/// Court staff who pay refunds back by bank transfer and record it: clerks and judges.
fn records_refunds(role: app::api::types::Role) -> bool {
    matches!(role, app::api::types::Role::Clerk | app::api::types::Role::Judge)
}

impl Services {
    /// A refund paid back by bank transfer (paid at the counter, or the online refund
    /// failed), recorded by a clerk or judge with the transfer's reference: written to the
    /// ledger once, like a provider's notification.
    pub async fn record_refund_transfer(
        &self,
        caller: &Caller,
        case_id: i64,
        out_refund_no: &str,
        reference: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        if !records_refunds(me.role) || !crate::services::own_court_staff(me, &case) {
            return Err(Refusal::RefundDenied.in_lang(lang));
        }
        let refund = store::fees::refund_by_out_refund_no(&self.db, out_refund_no)
            .await
            .map_err(internal(lang))?
            .filter(|r| r.case_id == case_id)
            .ok_or_else(|| AppError::NotFound(t(lang, ("没有这笔退费。", "No such refund.")).into()))?;
        let reference = reference.trim();
        if reference.chars().count() < 4 || reference.chars().count() > 64 {
            return Err(Refusal::RefundReference.in_lang(lang));
        }
        let by_transfer = refund.order_id.is_none() || refund.status == "failed";
        if refund.status == "refunded" || !by_transfer {
            return Err(Refusal::RefundDone.in_lang(lang));
        }
        let received = store::fees::RefundReceived {
            provider: "court_transfer",
            notify_id: &format!("transfer:{}", refund.out_refund_no),
            status: "SUCCESS",
            provider_refund_no: reference,
            now: self.now(),
        };
        store::fees::apply_refund_notification(&self.db, &refund, received).await.map_err(internal(lang))?;
        tracing::info!(refund = %refund.out_refund_no, by = me.id, "refund recorded as paid by transfer");
        Ok(())
    }
}
