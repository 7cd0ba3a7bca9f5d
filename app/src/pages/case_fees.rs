use super::{case_not_found, redirect_to_sign_in, viewer, ErrorNote};
use crate::api::fns::{load_case_fees, load_fee_receipt};
use crate::api::types::{CaseFees, FeeOrderView, FeeReceipt, FeeRefundView, ReliefView};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::rules::fees::{Fen, ReliefKind, RELIEF_GROUNDS};
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
    let relief_done = query.get("relief").or_else(|| query.get("refund"));
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
                let (error, relief_done) = (error.clone(), relief_done.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(f) => fees_view(p, f, error, relief_done).into_any(),
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

/// The message for a `?error=` code set by a form's handler (fixed texts only: the address
/// bar cannot put words on this page). `owed_fen` sizes the 30 % minimum of a reduction.
fn error_text(p: Prefs, code: &str, owed_fen: i64) -> String {
    if code == crate::api::Refusal::ReliefAmount.code() {
        // The art. 46 minimum, worked out for this fee by the rule itself.
        if let Err(e) = crate::rules::fees::relief_reduction(ReliefKind::Reduce, Fen(owed_fen), Fen(0)) {
            return e.message(p.lang == crate::rules::Lang::Zh);
        }
    }
    crate::api::Refusal::message_for_code(code, p.lang).to_string()
}

fn returned_view(p: Prefs, case_id: i64, o: FeeOrderView) -> AnyView {
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

fn fees_view(p: Prefs, f: CaseFees, error: Option<String>, relief_done: Option<String>) -> impl IntoView {
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
        // Nothing to pay: paid in full, or taken off (waiver, reduction, halving).
        let text = if a.paid_fen - a.refunded_fen > 0 {
            p.t(("诉讼费已交清。", "The fee is fully paid."))
        } else {
            p.t(("不用交诉讼费了（已减免）。", "No fee to pay (relieved)."))
        };
        view! {
            <p class="settled" data-testid="fee-settled">
                <strong>{text}</strong>
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
    let flags = f
        .payment_flags
        .iter()
        .map(|flag| {
            view! {
                <div class="card error-note" role="status" data-testid="payment-flag">
                    <p>
                        <strong>{p.t(("需要核对", "Needs checking"))}</strong>
                        " "
                        {flag.at.clone()}
                    </p>
                    <p>{flag.text.clone()}</p>
                </div>
            }
        })
        .collect_view();
    let counter_only = (a.due_fen > 0 && f.can_pay && !f.online_payment).then(|| {
        view! {
            <div class="card" role="status" data-testid="pay-counter">
                <p>
                    <strong>
                        {p
                            .t((
                                "这里暂时不能在网上交费。",
                                "Online payment is not available here yet.",
                            ))}
                    </strong>
                </p>
                <p>
                    {p
                        .t((
                            "请到法院的诉讼服务中心窗口交费，或者按交费通知书上的银行账户转账。交好后，这里会显示已交费。",
                            "Please pay at the court's litigation service counter, or by bank transfer to the account on the fee notice. Once paid, this page shows it.",
                        ))}
                </p>
            </div>
        }
        .into_any()
    });
    let pay = (a.due_fen > 0 && f.can_pay && f.online_payment).then(|| {
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
        .into_any()
    });
    let deadline = f.deadline.clone().map(|d| {
        let hint = p.t((
            "到期没交费、也没有申请缓交、减交或免交的，法院会按撤诉处理（案件不再审理）。",
            "If the fee is not paid in time and no deferral, reduction or waiver was granted, the court treats the case as withdrawn.",
        ));
        view! { <DeadlineBox deadline=d lang=p.lang testid="fee-deadline" hint=hint /> }.into_any()
    });
    let refunds =
        (!a.refunds.is_empty()).then(|| refunds_view(p, f.case_id, &a.refunds, f.can_record_refunds));
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
                        <p>{error_text(p, &code, f.owed_fen)}</p>
                    </div>
                }
            })}
        {relief_done
            .map(|what| {
                let text = if what == "recorded" {
                    p.t(("已登记退费。", "Refund recorded."))
                } else if what == "decided" {
                    p.t(("已审批。", "Decided."))
                } else {
                    p.t((
                        "申请已提交。法院审核后会告诉您结果，这期间可以先不交费。",
                        "Application sent. The court will tell you its decision; you need not pay until then.",
                    ))
                };
                view! {
                    <div class="card ok-note" role="status" data-testid="relief-note">
                        <p>{text}</p>
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
            </dl> {flags} {pay} {counter_only} {deadline}
        </section>
        {refunds}
        {(!f.relief.is_empty()).then(|| relief_list(p, &f))}
        {f.can_apply_relief.then(|| relief_form(p, &f))}
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

/// The applications for relief and their decisions; for staff, the decision form of the
/// pending one.
fn relief_list(p: Prefs, f: &CaseFees) -> AnyView {
    let case_id = f.case_id;
    let owed = f.owed_fen;
    let decide = f.can_decide_relief;
    view! {
        <section class="card" data-testid="relief">
            <h2>{p.t(("缓交、减交、免交", "Fee relief"))}</h2>
            {f
                .relief
                .iter()
                .map(|r| {
                    let granted_text = match (r.status.as_str(), r.kind.as_str()) {
                        ("granted", "defer") => {
                            Some(
                                p
                                    .t((
                                        "可以晚一点交，不会因为没按时预交而按撤诉处理。法院会另行通知交费时间。",
                                        "You may pay later; the case will not be treated as withdrawn for late prepayment. The court will tell you when to pay.",
                                    ))
                                    .to_string(),
                            )
                        }
                        ("granted", _) => {
                            r.reduced_fen
                                .map(|fen| format!("{}{}", p.t(("减免了 ", "Taken off: ")), yuan(fen)))
                        }
                        _ => None,
                    };
                    let pending = r.status == "pending";
                    view! {
                        <div class="relief-item" data-testid="relief-item" data-status=r.status.clone()>
                            <p>
                                <strong>{r.kind_label.clone()}</strong>
                                " "
                                <span
                                    class="badge"
                                    class:ok=r.status == "granted"
                                    data-testid="relief-status"
                                >
                                    {r.status_label.clone()}
                                </span>
                            </p>
                            <p class="meta">{r.ground_label.clone()} " （" {r.source.clone()} "）"</p>
                            <p>{p.t(("理由：", "Reason: "))} {r.reason.clone()}</p>
                            <p class="meta">{p.t(("提交时间：", "Sent: "))} {r.created_at.clone()}</p>
                            {granted_text.map(|text| view! { <p data-testid="relief-granted">{text}</p> })}
                            {r
                                .decision_note
                                .clone()
                                .filter(|n| !n.is_empty())
                                .map(|n| {
                                    view! {
                                        <p data-testid="relief-decision-note">
                                            {p.t(("法院意见：", "The court says: "))} {n}
                                        </p>
                                    }
                                })}
                            {(!r.files.is_empty())
                                .then(|| {
                                    view! {
                                        <ul class="plain">
                                            {r
                                                .files
                                                .iter()
                                                .map(|file| {
                                                    let href = format!(
                                                        "/cases/{case_id}/fees/relief/files/{}",
                                                        file.id,
                                                    );
                                                    view! {
                                                        <li>
                                                            <a
                                                                class="btn link"
                                                                href=href
                                                                target="_blank"
                                                                data-testid="relief-file"
                                                            >
                                                                {file.file_name.clone()}
                                                            </a>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                })}
                            {(pending && decide).then(|| decide_form(p, case_id, r, owed))}
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
    .into_any()
}

/// Staff decide: grant (with the amount, for a reduction) or refuse with a reason.
fn decide_form(p: Prefs, case_id: i64, r: &ReliefView, owed: i64) -> AnyView {
    let action = format!("/cases/{case_id}/fees/relief/{}/decide", r.id);
    let reduce = r.kind == "reduce";
    let min = crate::rules::fees::relief_reduction(ReliefKind::Reduce, Fen(owed), Fen(0))
        .err()
        .map(|e| e.message(p.lang == crate::rules::Lang::Zh))
        .unwrap_or_default();
    view! {
        <form method="post" action=action class="staff-action" data-testid="relief-decide">
            <fieldset>
                <legend>{p.t(("审批", "Decision"))}</legend>
                <label class="choice">
                    <input type="radio" name="decision" value="grant" required data-testid="relief-grant" />
                    {p.t(("准许", "Grant"))}
                </label>
                <label class="choice">
                    <input type="radio" name="decision" value="refuse" data-testid="relief-refuse" />
                    {p.t(("不准许", "Refuse"))}
                </label>
            </fieldset>
            {reduce
                .then(|| {
                    view! {
                        <label>
                            {p.t(("减交多少元（应交 ", "Reduce by how many yuan (owed "))}
                            {yuan(owed)} "）"
                            <input
                                type="text"
                                name="reduce_yuan"
                                inputmode="decimal"
                                data-testid="relief-amount"
                            />
                        </label>
                        <p class="hint">{min.clone()}</p>
                    }
                })}
            <label>
                {p.t(("意见（不准许时必须写明理由）", "Note (a refusal must give its reason)"))}
                <textarea name="note" rows="3" data-testid="relief-decision-text"></textarea>
            </label>
            <button type="submit" class="btn primary" data-testid="relief-decide-submit">
                {p.t(("提交审批", "Decide"))}
            </button>
        </form>
    }
    .into_any()
}

/// Applying for relief: a plain multipart form (works without JavaScript).
fn relief_form(p: Prefs, f: &CaseFees) -> AnyView {
    let action = format!("/cases/{}/fees/relief", f.case_id);
    let zh = p.lang == crate::rules::Lang::Zh;
    view! {
        <details class="card" data-testid="relief-apply">
            <summary>
                <strong>
                    {p
                        .t((
                            "交不起诉讼费？可以申请缓交、减交或免交",
                            "Cannot afford the fee? Ask to defer, reduce or waive it",
                        ))}
                </strong>
            </summary>
            <form method="post" action=action enctype="multipart/form-data">
                <input type="hidden" name="key" value=f.relief_key.clone() />
                <label>
                    {p.t(("申请什么，符合哪种情形", "What you ask for, and why you qualify"))}
                    <select name="kind_ground" required data-testid="relief-ground">
                        <option value="">{p.t(("请选择", "Choose"))}</option>
                        {ReliefKind::ALL
                            .into_iter()
                            .rev()
                            .map(|kind| {
                                view! {
                                    <optgroup label=format!(
                                        "{}（{}）",
                                        kind.label(zh),
                                        kind.source(),
                                    )>
                                        {RELIEF_GROUNDS
                                            .iter()
                                            .filter(|g| g.kind == kind)
                                            .map(|g| {
                                                let value = format!("{}:{}", kind.code(), g.code);
                                                view! {
                                                    <option value=value>{if zh { g.zh } else { g.en }}</option>
                                                }
                                            })
                                            .collect_view()}
                                    </optgroup>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {p.t(("为什么交不起（写几句话）", "Why you cannot pay (a few sentences)"))}
                    <textarea
                        name="reason"
                        rows="4"
                        minlength="10"
                        maxlength="1000"
                        required
                        data-testid="relief-reason"
                    ></textarea>
                </label>
                <label>
                    {p
                        .t((
                            "证明材料（照片或PDF，最多3个，每个不超过4MB）",
                            "Proof (photos or PDF, up to 3, each under 4 MB)",
                        ))}
                    <input
                        type="file"
                        name="proof"
                        accept="image/jpeg,image/png,application/pdf"
                        multiple
                        data-testid="relief-proof"
                    />
                </label>
                <p class="hint">
                    {p
                        .t((
                            "比如低保证、残疾证、困难证明、法律援助公函。法院审核后会告诉您结果，不准许的会写明理由（诉讼费用交纳办法第48条）。",
                            "For example a minimum-allowance card, a disability card, a hardship certificate or a legal-aid letter. The court tells you its decision and gives reasons if it refuses (art. 48).",
                        ))}
                </p>
                <button type="submit" class="btn primary" data-testid="relief-submit">
                    {p.t(("提交申请", "Send the application"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}

/// Refunds (诉讼费用交纳办法 art. 53): how much, why, where it goes, and the 15-day deadline
/// until the money is back.
fn refunds_view(p: Prefs, case_id: i64, refunds: &[FeeRefundView], can_record: bool) -> AnyView {
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
                            {r
                                .refunded_at
                                .clone()
                                .map(|at| view! { <p>{p.t(("退还时间：", "Refunded on: "))} {at}</p> })}
                            {r
                                .deadline
                                .clone()
                                .map(|d| {
                                    let hint = p
                                        .t((
                                            "法院必须在这一天前把钱退给您。到期没收到，请打电话问书记员。",
                                            "The court must pay it back by this day. If it has not arrived by then, call the clerk.",
                                        ));
                                    view! {
                                        <DeadlineBox
                                            deadline=d
                                            lang=p.lang
                                            testid="refund-deadline"
                                            hint=hint
                                        />
                                    }
                                })}
                            {(can_record && r.by_transfer)
                                .then(|| {
                                    let action = format!(
                                        "/cases/{case_id}/fees/refunds/{}/transfer",
                                        r.out_refund_no,
                                    );
                                    view! {
                                        <form
                                            method="post"
                                            action=action
                                            class="staff-action"
                                            data-testid="refund-transfer"
                                        >
                                            <label>
                                                {p
                                                    .t((
                                                        "已转账退还？填写银行流水号",
                                                        "Paid back by transfer? The bank reference",
                                                    ))}
                                                <input
                                                    type="text"
                                                    name="reference"
                                                    required
                                                    minlength="4"
                                                    maxlength="64"
                                                    data-testid="refund-reference"
                                                />
                                            </label>
                                            <button
                                                type="submit"
                                                class="btn primary"
                                                data-testid="refund-transfer-submit"
                                            >
                                                {p.t(("登记已退还", "Record as refunded"))}
                                            </button>
                                        </form>
                                    }
                                })}
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
    .into_any()
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
