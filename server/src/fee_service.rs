//! Litigation fees of a case: the ledger, paying through a provider, and the provider's
//! notifications (诉讼费用交纳办法; DOMAIN.md §3–4).
//!
//! Exactly once: an order per tap (idempotency key per payer); a notification is applied
//! only after its signature, timestamp, order and amount check out; the notification id and
//! the ledger entry are written in one transaction, behind a conditional status change of
//! the order (`store::fees::apply_notification`). A lost or late notification is made up
//! for by asking the provider (`reconcile`).

use crate::payments::{CheckoutRequest, ProviderStatus, VerifyError};
use crate::progress;
use crate::services::{internal, now, Services};
use crate::store::{self, fees::Applied};
use app::api::port::Caller;
use app::api::types::{CaseFees, FeeAccount, FeeEntryView, FeeOrderView, FeeReceipt};
use app::api::AppError;
use app::i18n::t;
use app::rules::dates::format_shanghai;
use app::rules::fees;
use app::rules::Lang;

/// What our callback answers the provider, and what happened.
#[derive(Debug, PartialEq, Eq)]
pub enum NotifyOutcome {
    /// Acknowledge (`SUCCESS`): applied now, a replay, already paid, or noted.
    Ack(Applied),
    /// Refuse (the provider will retry, or it was forged): the reason, for the log.
    Refuse(u16, String),
}

/// The acceptance fee a case is charged on its fee notice (诉讼费用交纳办法 art. 13; half
/// under simplified procedure, art. 16). Divorce and labour causes pay per case; other
/// causes with an amount claimed are property cases, without one "other non-property".
pub fn charge_for(
    cause: &str,
    claim_fen: Option<i64>,
    procedure: &str,
    settings: &fees::CourtFeeSettings,
) -> Result<fees::FeeQuote, fees::FeeError> {
    let kind = if cause.contains("离婚") {
        fees::FeeKind::Divorce
    } else if cause.contains("劳动争议") {
        fees::FeeKind::Labor
    } else if claim_fen.is_some() {
        fees::FeeKind::Property
    } else {
        fees::FeeKind::OtherNonProperty
    };
    let mut req = fees::FeeRequest::new(kind);
    req.amount = if kind == fees::FeeKind::Property { claim_fen.map(fees::Fen) } else { None };
    req.procedure = app::ui::fee_calculator::procedure_from(procedure);
    req.claims_unpaid_wages = claims_unpaid_wages(cause);
    fees::quote(&req, settings)
}

/// A claim for unpaid labour pay (追索劳动报酬): its fee is not prepaid (诉讼费用交纳办法
/// art. 20), so its fee notice asks for nothing and the case has no prepayment deadline.
pub fn claims_unpaid_wages(cause: &str) -> bool {
    cause.contains("追索劳动报酬")
}

/// The acceptance fee is prepaid by the plaintiff (诉讼费用交纳办法 art. 20), or their agent
/// for them; the defendant sees the account but is not asked to pay.
pub fn prepays(side: Option<&str>) -> bool {
    side == Some("plaintiff")
}

fn account(
    case_id: i64,
    ledger: &[store::fees::LedgerRow],
    orders: &[store::fees::OrderRow],
    lang: Lang,
) -> FeeAccount {
    let sum = |kind: &str| ledger.iter().filter(|e| e.kind == kind).map(|e| e.amount_fen).sum::<i64>();
    let (charged, paid, refunded) = (sum("charge"), sum("payment"), sum("refund"));
    let net_paid = paid - refunded;
    let entries = ledger
        .iter()
        .map(|e| FeeEntryView {
            kind: e.kind.clone(),
            label: match e.kind.as_str() {
                "charge" => t(lang, ("应交诉讼费", "Fee charged")),
                "payment" => t(lang, ("已交费", "Paid")),
                _ => t(lang, ("退费", "Refunded")),
            }
            .to_string(),
            fen: e.amount_fen,
            source: e.source.clone(),
            at: format_shanghai(e.created_at, lang),
        })
        .collect();
    let orders = orders
        .iter()
        .map(|o| FeeOrderView {
            out_trade_no: o.out_trade_no.clone(),
            amount_fen: o.amount_fen,
            status: o.status.clone(),
            created_at: format_shanghai(o.created_at, lang),
            paid_at: o.paid_at.map(|at| format_shanghai(at, lang)),
        })
        .collect();
    FeeAccount {
        case_id,
        charged_fen: charged,
        paid_fen: paid,
        refunded_fen: refunded,
        due_fen: (charged - net_paid).max(0),
        overpaid_fen: (net_paid - charged).max(0),
        entries,
        orders,
    }
}

impl Services {
    pub async fn fee_account(&self, caller: &Caller, case_id: i64) -> Result<FeeAccount, AppError> {
        let lang = caller.lang;
        self.visible_case(caller, case_id).await?;
        let ledger = store::fees::ledger(&self.db, case_id).await.map_err(internal(lang))?;
        let orders = store::fees::orders_of_case(&self.db, case_id).await.map_err(internal(lang))?;
        Ok(account(case_id, &ledger, &orders, lang))
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
        let (ledger, orders, events) = tokio::try_join!(
            store::fees::ledger(&self.db, case_id),
            store::fees::orders_of_case(&self.db, case_id),
            store::cases::events(&self.db, case_id),
        )
        .map_err(internal(lang))?;
        let account = account(case_id, &ledger, &orders, lang);
        let returned = returning.and_then(|no| account.orders.iter().find(|o| o.out_trade_no == no)).cloned();
        let now = now();
        Ok(CaseFees {
            case_id,
            case_number: case.case_number.clone(),
            cause: case.cause.clone(),
            deadline: (account.due_fen > 0)
                .then(|| progress::fee_deadline(&case, &events, lang, now))
                .flatten(),
            can_pay: prepays(side.as_deref()),
            pay_key: crate::crypto::random_token()[..32].to_string(),
            returned,
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
            cause: case.cause.clone(),
            payer,
            out_trade_no: order.out_trade_no.clone(),
            provider_trade_no: order.provider_trade_no.clone().unwrap_or_default(),
            channel: channel.to_string(),
            amount_fen: order.amount_fen,
            amount_in_capitals: fees::Fen(order.amount_fen).in_capitals(),
            paid_at: order.paid_at.map(|at| format_shanghai(at, lang)).unwrap_or_default(),
            issued_at: format_shanghai(now(), lang),
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
            return Err(AppError::Forbidden(
                t(
                    lang,
                    (
                        "案件受理费由原告（或其代理人）预交。",
                        "The plaintiff (or their agent) prepays the acceptance fee.",
                    ),
                )
                .into(),
            ));
        }
        let key = idempotency_key.trim();
        if key.len() < 16 || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(AppError::Invalid(
                t(
                    lang,
                    (
                        "请求不完整，请刷新页面后再点“交费”。",
                        "Incomplete request: reload the page and tap Pay again.",
                    ),
                )
                .into(),
            ));
        }
        let account = self.fee_account(caller, case_id).await?;
        let out_trade_no = format!("PC{}{}", case.id, &crate::crypto::random_token()[..16]);
        let (order, fresh) = store::fees::create_order(
            &self.db,
            store::fees::NewOrder {
                case_id,
                payer_user_id: me.id,
                out_trade_no: &out_trade_no,
                amount_fen: account.due_fen.max(1),
                provider: self.payments.name(),
                idempotency_key: key,
                now: now(),
            },
        )
        .await
        .map_err(internal(lang))?;
        if fresh && account.due_fen == 0 {
            store::fees::close_order(&self.db, order.id).await.map_err(internal(lang))?;
            return Err(AppError::Conflict(
                t(lang, ("这个案件的诉讼费已经交清，不用再交。", "The fee for this case is fully paid."))
                    .into(),
            ));
        }
        if order.status != "pending" {
            return Err(AppError::Conflict(
                t(
                    lang,
                    (
                        "这笔交费已经处理过了，请看交费记录。",
                        "This payment was already handled: see the fee record.",
                    ),
                )
                .into(),
            ));
        }
        let base = self.public_base();
        self.payments
            .create_checkout(&CheckoutRequest {
                out_trade_no: order.out_trade_no.clone(),
                amount_fen: order.amount_fen,
                description: format!("诉讼费 {}", case.case_number.clone().unwrap_or_default()),
                notify_url: format!("{base}/api/v1/payments/notify/{}", self.payments.name()),
                return_url: format!("{base}/cases/{case_id}/fees?order={}", order.out_trade_no),
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
        signature: Option<&str>,
        body: &[u8],
    ) -> NotifyOutcome {
        if provider != self.payments.name() {
            return NotifyOutcome::Refuse(404, format!("unknown provider {provider}"));
        }
        let note = match self.payments.verify(signature, body, now()) {
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
            now: now(),
        };
        let applied = store::fees::apply_notification(&self.db, &order, received).await;
        match applied {
            Ok(a) => {
                if !paid && a == Applied::Noted {
                    let _ = store::fees::close_order(&self.db, order.id).await;
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
        match self.payments.query(out_trade_no).await {
            Ok(ProviderStatus::Paid { trade_no, amount_fen }) if amount_fen == order.amount_fen => {
                let received = store::fees::Received {
                    provider: &order.provider,
                    notify_id: &format!("query:{trade_no}"),
                    paid: true,
                    status: "SUCCESS",
                    provider_trade_no: &trade_no,
                    now: now(),
                };
                store::fees::apply_notification(&self.db, &order, received).await.map_err(internal(lang))?;
                Ok("paid".into())
            }
            Ok(ProviderStatus::Closed) => {
                store::fees::close_order(&self.db, order.id).await.map_err(internal(lang))?;
                Ok("closed".into())
            }
            Ok(_) => Ok("pending".into()),
            Err(e) => {
                tracing::warn!(error = %e, "order query failed");
                Ok("pending".into())
            }
        }
    }
}
