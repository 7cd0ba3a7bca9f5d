use super::{case_not_found, redirect_to_sign_in, viewer, ErrorNote};
use crate::api::fns::{load_case_fees, load_fee_receipt};
use crate::api::types::{CaseFees, FeeOrderView, FeeReceipt, FeeRefundView};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::rules::fees::Fen;
use crate::ui::countdown::DeadlineBox;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn yuan(fen: i64) -> String {
    format!("{} 元", Fen(fen).format_yuan())
}

/// 诉讼费: what the case was charged, what is paid, what is still due and by when; the pay
/// button; the records and receipts. Paying is a plain form post (`server/src/forms.rs`),
/// so it works without JavaScript; the checkout page sends the payer back here with
/// `?order=...`, and the server asks the provider before answering.
#[component]
pub fn CaseFeesPage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let query = use_query_map().read_untracked().clone();
    let order = query.get("order").filter(|o| !o.is_empty());
    let error = query.get("error");
    let data = Resource::new_blocking(
        move || (id, order.clone()),
        |(id, order)| async move {
            match id {
                Some(id) => load_case_fees(id, order).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(f) => fees_view(p, f, error).into_any(),
                        Err(AppError::NotSignedIn(_)) => {
                            redirect_to_sign_in();
                            ().into_any()
                        }
                        Err(AppError::NotFound(_)) => case_not_found(p),
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The message for a `?error=` code set by the pay form's handler (fixed texts only: the
/// address bar cannot put words on this page).
fn error_text(p: Prefs, code: &str) -> &'static str {
    match code {
        "denied" => p.t(("只有案件的当事人或代理人可以交费。", "Only a party or their agent can pay.")),
        "stale" => p.t(("页面已过期，请重新点“交费”。", "This page was out of date. Please tap Pay again.")),
        "done" => p.t((
            "这笔费用已经交过了，不用再交。请看下面的交费记录。",
            "This has already been paid. See the records below.",
        )),
        _ => p.t((
            "支付通道暂时不可用，没有扣款。请稍后再试。",
            "Payment is unavailable right now. Nothing was charged. Please try again later.",
        )),
    }
}

fn returned_view(p: Prefs, case_id: i64, o: FeeOrderView) -> impl IntoView {
    let receipt = format!("/cases/{case_id}/fees/receipt/{}", o.out_trade_no);
    let again = format!("/cases/{case_id}/fees?order={}", o.out_trade_no);
    match o.status.as_str() {
        "paid" => view! {
            <div class="card success" role="status" data-testid="payment-paid">
                <p>
                    <strong>{p.t(("交费成功。", "Payment received."))}</strong>
                    " "
                    {yuan(o.amount_fen)}
                </p>
                <a class="btn primary" href=receipt data-testid="receipt-link">
                    {p.t(("查看缴费凭证", "View the receipt"))}
                </a>
            </div>
        }
        .into_any(),
        "pending" => view! {
            <div class="card" role="status" data-testid="payment-pending">
                <p>
                    {p
                        .t((
                            "正在等支付通道确认这笔交费。请过一会儿再看，不要重复交费。",
                            "Waiting for the payment channel to confirm. Check again shortly; do not pay twice.",
                        ))}
                </p>
                <a class="btn secondary" href=again>
                    {p.t(("再看一次", "Check again"))}
                </a>
            </div>
        }
        .into_any(),
        _ => view! {
            <div class="card error-note" role="alert" data-testid="payment-closed">
                <p>
                    {p
                        .t((
                            "这次没有交成功（取消了或支付失败），没有扣款。可以重新交费。",
                            "This payment did not go through (cancelled or failed). Nothing was charged. You can pay again.",
                        ))}
                </p>
            </div>
        }
        .into_any(),
    }
}

fn fees_view(p: Prefs, f: CaseFees, error: Option<String>) -> impl IntoView {
    let a = f.account.clone();
    let number = f.case_number.clone().unwrap_or_else(|| p.t(("尚未立案", "Not docketed yet")).into());
    let back = format!("/cases/{}", f.case_id);
    let action = format!("/cases/{}/fees/pay", f.case_id);
    let case_id = f.case_id;
    let state = if a.charged_fen == 0 {
        view! {
            <p data-testid="fee-none">
                {p
                    .t((
                        "还没有交费通知。法院立案后，会告诉您要交多少钱。",
                        "No fee notice yet. Once the court dockets the case, it tells you how much to pay.",
                    ))}
            </p>
        }
        .into_any()
    } else if a.due_fen == 0 {
        view! {
            <p class="settled" data-testid="fee-settled">
                <strong>{p.t(("诉讼费已交清。", "The fee is fully paid."))}</strong>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="due">
                <span class="label">{p.t(("还需交：", "Still to pay: "))}</span>
                <strong class="big-amount" data-testid="fee-due">
                    {yuan(a.due_fen)}
                </strong>
            </p>
        }
        .into_any()
    };
    let pay = (a.due_fen > 0 && f.can_pay).then(|| {
        view! {
            <form method="post" action=action class="pay-form">
                <input type="hidden" name="key" value=f.pay_key.clone() />
                <button type="submit" class="btn primary big" data-testid="pay-button">
                    {p.t(("交费 ", "Pay "))}
                    {yuan(a.due_fen)}
                </button>
            </form>
            <p class="hint">
                {p
                    .t((
                        "点“交费”会打开支付页面。交好后会回到这里，可以下载缴费凭证。点两次也只会扣一次钱。",
                        "Pay opens the payment page. Afterwards you come back here and can download the receipt. Tapping twice charges once.",
                    ))}
            </p>
        }
    });
    let deadline = f.deadline.clone().map(|d| {
        let hint = p.t((
            "到期没交费、也没有申请缓交、减交或免交的，法院会按撤诉处理（案件不再审理）。",
            "If the fee is not paid in time and no deferral, reduction or waiver was granted, the court treats the case as withdrawn.",
        ));
        view! { <DeadlineBox deadline=d lang=p.lang testid="fee-deadline" hint=hint /> }
    });
    let refunds = (!a.refunds.is_empty()).then(|| refunds_view(p, &a.refunds));
    let orders_paid: Vec<FeeOrderView> = a.orders.iter().filter(|o| o.status == "paid").cloned().collect();
    view! {
        <h1>{p.t(("诉讼费", "Court fees"))}</h1>
        <p class="lead">
            <a href=back.clone() data-testid="case-link">
                {number}
            </a>
            " · "
            {f.cause.clone()}
        </p>
        {error
            .map(|code| {
                view! {
                    <div class="card error-note" role="alert" data-testid="pay-error">
                        <p>{error_text(p, &code)}</p>
                    </div>
                }
            })}
        {f.returned.clone().map(|o| returned_view(p, case_id, o))}
        <section class="card status">
            {state} <dl class="figures">
                <dt>{p.t(("应交", "Charged"))}</dt>
                <dd data-testid="fee-charged">{yuan(a.charged_fen)}</dd>
                {(a.reduced_fen > 0)
                    .then(|| {
                        view! {
                            <dt>{p.t(("减免", "Reduced"))}</dt>
                            <dd data-testid="fee-reduced">{yuan(a.reduced_fen)}</dd>
                        }
                    })}
                <dt>{p.t(("已交", "Paid"))}</dt>
                <dd data-testid="fee-paid">{yuan(a.paid_fen)}</dd>
                <dt>{p.t(("已退", "Refunded"))}</dt>
                <dd>{yuan(a.refunded_fen)}</dd>
            </dl> {pay} {deadline}
        </section>
        {refunds}
        {(!a.entries.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2>{p.t(("交费记录", "Fee records"))}</h2>
                        <ul class="plain ledger" data-testid="fee-entries">
                            {a
                                .entries
                                .iter()
                                .map(|e| {
                                    view! {
                                        <li>
                                            <strong>{e.label.clone()}</strong>
                                            " "
                                            {yuan(e.fen)}
                                            <br />
                                            <span class="meta">{e.at.clone()} " · " {e.source.clone()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        {(!orders_paid.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2>{p.t(("缴费凭证", "Receipts"))}</h2>
                        <ul class="plain">
                            {orders_paid
                                .into_iter()
                                .map(|o| {
                                    let href = format!("/cases/{case_id}/fees/receipt/{}", o.out_trade_no);
                                    view! {
                                        <li>
                                            <a class="btn link" href=href>
                                                {o.paid_at.clone().unwrap_or_default()}
                                                " · "
                                                {yuan(o.amount_fen)}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        <a class="btn secondary" href=back>
            {p.t(("返回案件", "Back to the case"))}
        </a>
    }
}

/// Refunds (诉讼费用交纳办法 art. 53): how much, why, where it goes, and the 15-day deadline
/// until the money is back.
fn refunds_view(p: Prefs, refunds: &[FeeRefundView]) -> impl IntoView {
    view! {
        <section class="card refund" data-testid="refunds">
            <h2>{p.t(("退费", "Refunds"))}</h2>
            {refunds
                .iter()
                .map(|r| {
                    let done = r.status == "refunded";
                    view! {
                        <div class="refund-item" data-testid="refund" data-status=r.status.clone()>
                            <p>
                                <strong class="big-amount">{yuan(r.amount_fen)}</strong>
                                " "
                                <span class="badge" class:ok=done data-testid="refund-status">
                                    {r.status_label.clone()}
                                </span>
                            </p>
                            <p>{p.t(("原因：", "Why: "))} {r.reason.clone()}</p>
                            <p>{r.channel.clone()}</p>
                            {r.refunded_at.clone().map(|at| view! { <p>{p.t(("退还时间：", "Refunded on: "))} {at}</p> })}
                            {r
                                .deadline
                                .clone()
                                .map(|d| {
                                    let hint = p.t((
                                        "法院必须在这一天前把钱退给您。到期没收到，请打电话问书记员。",
                                        "The court must pay it back by this day. If it has not arrived by then, call the clerk.",
                                    ));
                                    view! { <DeadlineBox deadline=d lang=p.lang testid="refund-deadline" hint=hint /> }
                                })}
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// 缴费凭证 of one paid order, with a download of the same receipt as a file.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let p = viewer().prefs;
    let params = use_params_map().read_untracked().clone();
    let id = params.get("id").and_then(|s| s.parse::<i64>().ok());
    let order = params.get("order").unwrap_or_default();
    let data = Resource::new_blocking(
        move || (id, order.clone()),
        |(id, order)| async move {
            match id {
                Some(id) => load_fee_receipt(id, order).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => receipt_view(p, r).into_any(),
                    Err(AppError::NotSignedIn(_)) => {
                        redirect_to_sign_in();
                        ().into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn receipt_view(p: Prefs, r: FeeReceipt) -> impl IntoView {
    let download = format!("/cases/{}/fees/receipt/{}/download", r.case_id, r.out_trade_no);
    let back = format!("/cases/{}/fees", r.case_id);
    let rows = [
        (p.t(("法院", "Court")), r.court_name.clone()),
        (p.t(("案号", "Case number")), r.case_number.clone().unwrap_or_default()),
        (p.t(("案由", "Cause")), r.cause.clone()),
        (p.t(("交款人", "Paid by")), r.payer.clone()),
        (p.t(("金额", "Amount")), yuan(r.amount_fen)),
        (p.t(("金额（大写）", "Amount in words")), format!("人民币{}", r.amount_in_capitals)),
        (p.t(("交费时间", "Paid at")), r.paid_at.clone()),
        (p.t(("支付渠道", "Channel")), r.channel.clone()),
        (p.t(("本院订单号", "Court order no.")), r.out_trade_no.clone()),
        (p.t(("支付流水号", "Provider transaction no.")), r.provider_trade_no.clone()),
    ];
    view! {
        <h1>{p.t(("诉讼费缴费凭证", "Litigation fee receipt"))}</h1>
        <table class="card receipt" data-testid="receipt">
            {rows
                .into_iter()
                .map(|(k, v)| {
                    view! {
                        <tr>
                            <th>{k}</th>
                            <td>{v}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </table>
        <a class="btn primary" href=download download="" data-testid="receipt-download">
            {p.t(("下载凭证", "Download the receipt"))}
        </a>
        <a class="btn secondary" href=back>
            {p.t(("返回诉讼费", "Back to court fees"))}
        </a>
    }
}
