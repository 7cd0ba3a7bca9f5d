//! Electronic service (电子送达) pages:
//! - `/inbox`: the litigant's court documents, newest first;
//! - `/service/:id`: one document served — open it, the receipt (送达回证) with every time
//!   and the rule that made it effective, checked on the phone (`ReceiptCheck` island);
//! - `/check`: the public check of an SMS check code (no sign-in);
//! - `/staff/cases/:id/service`: the clerk serves a document and follows every party's
//!   service (plain posts to `server/src/service_forms.rs`);
//! - `/staff/service`: the court's figures over a date range.

use super::{case_not_found, redirect_to_sign_in, to_staff_sign_in, viewer, ErrorNote};
use crate::api::fns::{check_message, load_case_service, load_receipt_page, load_service_figures, my_inbox};
use crate::api::types::{CaseServiceView, ReceiptPageView, ServiceFiguresView, ServiceRecordView};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::ui::receipt_check::ReceiptCheck;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_class(status: &str) -> &'static str {
    match status {
        "delivered" | "read" | "served" => "badge ok",
        "failed" => "badge warn",
        _ => "badge",
    }
}

// ---- the inbox ----------------------------------------------------------------------------

#[component]
pub fn InboxPage() -> impl IntoView {
    let p = viewer().prefs;
    let list = Resource::new_blocking(|| (), |_| my_inbox());
    view! {
        <h1>{p.t(("法院文书", "Court documents"))}</h1>
        <p class="lead">
            {p
                .t((
                    "法院通过掌上法庭送达给您的文书。送达后就有法律效力，请及时打开阅读。",
                    "Documents the court served on you here. Service has legal effect: please open and read them.",
                ))}
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => {
                        view! {
                            <p class="card empty" data-testid="inbox-empty">
                                {p.t(("还没有法院文书。", "No court documents yet."))}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(items) => {
                        view! {
                            <ul class="case-list" data-testid="inbox">
                                {items.into_iter().map(|r| inbox_item(p, r)).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
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

fn inbox_item(p: Prefs, r: ServiceRecordView) -> impl IntoView {
    let href = format!("/service/{}", r.id);
    let unread = r.read_at.is_none();
    view! {
        <li class="case-card" data-testid="inbox-item">
            <a href=href>
                <span class="case-title">{r.title}</span>
                {unread.then(|| view! { <span class="badge warn">{p.t(("未读", "Unread"))}</span> })}
                <span class="meta">{r.case_number} " · " {r.court}</span>
                <span class="meta">{p.t(("送达时间 ", "Served "))} {r.sent_at}</span>
            </a>
        </li>
    }
}

// ---- one service record -------------------------------------------------------------------

#[component]
pub fn ServiceRecordPage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_receipt_page(id).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => record_page(p, v),
                    Err(AppError::NotSignedIn(_)) => {
                        redirect_to_sign_in();
                        ().into_any()
                    }
                    Err(AppError::NotFound(_)) => not_found(p),
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn not_found(p: Prefs) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>{p.t(("没有找到这份文书", "Document not found"))}</h1>
        <p class="card" data-testid="record-not-found">
            {p
                .t((
                    "没有找到这份送达记录，或者它不是送达给您的。",
                    "No such service record, or it was not served on you.",
                ))}
        </p>
        <a class="btn secondary" href="/inbox">
            {p.t(("法院文书", "Court documents"))}
        </a>
    }
    .into_any()
}

/// One labelled line of the receipt.
fn row(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="kv">
            <dt>{label}</dt>
            <dd data-testid=testid>{value}</dd>
        </div>
    }
}

fn record_page(p: Prefs, v: ReceiptPageView) -> AnyView {
    let r = v.record.clone();
    let id = r.id;
    let dash = || "—".to_string();
    let open = (r.status != "offline" && r.status != "failed").then(|| {
        let hint = if v.viewer_is_recipient && r.read_at.is_none() {
            p.t(("打开后，法院会记录您已阅读。", "Once you open it, the court records that you read it."))
        } else {
            ""
        };
        // A form, not a link: opening it is the recipient's own act on this page (a link
        // could be followed from anywhere), and the court records it as read.
        view! {
            <form method="post" action=format!("/service/{id}/open") target="_blank">
                <button type="submit" class="btn primary big" data-testid="open-document">
                    {p.t(("打开文书（PDF）", "Open the document (PDF)"))}
                </button>
            </form>
            <p class="hint">{hint}</p>
        }
    });
    let case_link = if v.viewer_is_recipient {
        format!("/cases/{}", r.case_id)
    } else {
        format!("/staff/cases/{}/service", r.case_id)
    };
    let server_said = v.server_check.clone();
    view! {
        <h1>{r.title.clone()}</h1>
        <p class="lead">
            <a href=case_link>{r.case_number.clone()}</a>
            " · "
            {r.court.clone()}
        </p>
        {open}
        <section class="card" data-testid="receipt">
            <h2>{p.t(("送达回证", "Record of service"))}</h2>
            <dl class="kv-list">
                {row(p.t(("文书", "Document")), r.title.clone(), "r-title")}
                {row(p.t(("案号", "Case number")), r.case_number.clone(), "r-case")}
                {row(p.t(("受送达人", "Recipient")), r.recipient.clone(), "r-recipient")}
                {row(p.t(("送达方式", "Method")), r.method.clone(), "r-method")}
                {row(p.t(("送达地址", "Address")), r.address.clone(), "r-address")}
                {row(p.t(("发送时间", "Sent")), r.sent_at.clone(), "r-sent")}
                {row(
                    p.t(("到达时间", "Arrived")),
                    r.arrived_at.clone().unwrap_or_else(dash),
                    "r-arrived",
                )} {row(p.t(("阅读时间", "Read")), r.read_at.clone().unwrap_or_else(dash), "r-read")}
                {r.signed_at.clone().map(|s| row(p.t(("签收日期", "Signed for")), s, "r-signed"))}
                {row(
                    p.t(("送达生效", "Effective")),
                    r
                        .effective
                        .clone()
                        .unwrap_or_else(|| p.t(("尚未生效", "Not yet effective")).to_string()),
                    "r-effective",
                )}
                {r
                    .fallback_reason
                    .clone()
                    .map(|s| row(p.t(("未电子送达的原因", "Why not electronic")), s, "r-fallback"))}
                {row(
                    p.t(("文书指纹（SHA-256）", "Fingerprint (SHA-256)")),
                    r.sha256.clone(),
                    "r-sha256",
                )}
            </dl>
            <p class="hint">
                {p
                    .t((
                        "文书指纹是送达文件内容算出的一串数字，文件改动一个字，指纹就完全不同。",
                        "The fingerprint is computed from the file's content: change one character and it is entirely different.",
                    ))}
            </p>
            <ReceiptCheck
                receipt_json=serde_json::to_string(&v.receipt).unwrap_or_default()
                court_key=v.court_key.clone()
                server_said=server_said
                lang=p.lang
            />
            <p class="hint">
                {p.t(("本院签名公钥指纹：", "This court's signing key fingerprint: "))}
                <code class="hash">{v.key_id.clone()}</code>
            </p>
            <div class="actions">
                <a class="btn secondary" href=format!("/service/{id}/receipt.pdf") data-testid="receipt-pdf">
                    {p.t(("下载送达回证（PDF）", "Download the record (PDF)"))}
                </a>
                <a
                    class="btn secondary"
                    href=format!("/service/{id}/receipt.json")
                    data-testid="receipt-json"
                >
                    {p.t(("下载核验文件", "Download the proof file"))}
                </a>
            </div>
        </section>
    }
    .into_any()
}

// ---- the public check ---------------------------------------------------------------------

#[component]
pub fn CheckPage() -> impl IntoView {
    let p = viewer().prefs;
    let code = use_query_map().read_untracked().get("code").unwrap_or_default();
    let asked = !code.trim().is_empty();
    let input = code.clone();
    let result = Resource::new_blocking(
        move || code.clone(),
        |code| async move {
            if code.trim().is_empty() {
                None
            } else {
                Some(check_message(code).await)
            }
        },
    );
    view! {
        <h1>{p.t(("短信查验", "Check a text message"))}</h1>
        <p class="lead">
            {p
                .t((
                    "收到自称法院的短信？输入短信末尾的8位查验码，看它是不是本院发出的。",
                    "Got a message that says it is from the court? Enter the 8-character check code at its end to see whether this court sent it.",
                ))}
        </p>
        <form method="get" action="/check" class="card">
            <label>
                {p.t(("查验码", "Check code"))}
                <input
                    type="text"
                    name="code"
                    value=input
                    autocomplete="off"
                    autocapitalize="characters"
                    maxlength="20"
                    required
                    data-testid="check-code"
                />
            </label>
            <button type="submit" class="btn primary big" data-testid="check-submit">
                {p.t(("查验", "Check"))}
            </button>
        </form>
        <Suspense>
            {move || Suspend::new(async move {
                match result.await {
                    None => ().into_any(),
                    Some(Ok(m)) => {
                        view! {
                            <section class="card ok-note" role="status" data-testid="check-ok">
                                <h2>{p.t(("是本院发出的短信", "This court sent it"))}</h2>
                                <dl class="kv-list">
                                    {row(p.t(("发送单位", "Sender")), m.court, "c-court")}
                                    {row(p.t(("内容类别", "What it was")), m.what, "c-what")}
                                    {m.case_number.map(|n| row(p.t(("案号", "Case number")), n, "c-case"))}
                                    {row(p.t(("发送时间", "Sent")), m.sent_at, "c-sent")}
                                    {row(p.t(("收信号码", "Sent to")), m.to_masked, "c-to")}
                                </dl>
                                <p class="hint">
                                    {p
                                        .t((
                                            "法院不会在短信里要求您转账或提供银行卡密码。",
                                            "The court never asks for money transfers or card passwords by text message.",
                                        ))}
                                </p>
                            </section>
                        }
                            .into_any()
                    }
                    Some(Err(e)) => {
                        view! {
                            <div class="card error-note" role="alert" data-testid="check-fail">
                                <p>{e.message().to_string()}</p>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
        {(!asked)
            .then(|| {
                view! {
                    <p class="hint">
                        {p
                            .t((
                                "查验码在短信最后，例如“查验码K7MX9P2Q”。不区分大小写。",
                                "The code is at the end of the message, e.g. “查验码K7MX9P2Q”. Case does not matter.",
                            ))}
                    </p>
                }
            })}
    }
}

// ---- the clerk's page for one case --------------------------------------------------------

fn serve_error(p: Prefs, code: &str) -> &'static str {
    crate::api::Refusal::message_for_code(code, p.lang)
}

#[component]
pub fn CaseServicePage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let query = use_query_map().read_untracked().clone();
    let error = query.get("error");
    let served = query.get("served");
    let recorded = query.get("recorded");
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_case_service(id).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || {
                let (error, served, recorded) = (error.clone(), served.clone(), recorded.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => case_service(p, v, error, served, recorded),
                        Err(AppError::NotSignedIn(_)) => {
                            to_staff_sign_in();
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

fn case_service(
    p: Prefs,
    v: CaseServiceView,
    error: Option<String>,
    served: Option<String>,
    recorded: Option<String>,
) -> AnyView {
    let action = format!("/staff/cases/{}/serve", v.case_id);
    let done = served.map(|s| {
        let text = match s.split_once('-') {
            Some((e, "0")) => {
                format!("{}{e}{}", p.t(("已电子送达 ", "Served electronically on ")), p.t(("人。", ".")),)
            }
            Some((e, o)) => format!(
                "{}{e}{}{o}{}",
                p.t(("已电子送达 ", "Served electronically on ")),
                p.t(("人；", "; ")),
                p.t((
                    "人需邮寄或直接送达，请在下方记录结果。",
                    " to serve by post or in person: record the outcome below."
                )),
            ),
            None => p
                .t((
                    "这份文书刚才已经送达过了，没有重复送达。",
                    "That was served already; nothing was sent twice.",
                ))
                .to_string(),
        };
        view! {
            <p class="card ok-note" role="status" data-testid="served-note">
                {text}
            </p>
        }
    });
    let recorded = recorded.map(|_| {
        view! {
            <p class="card ok-note" role="status" data-testid="recorded-note">
                {p.t(("送达结果已记录。", "The outcome is recorded."))}
            </p>
        }
    });
    let error = error.map(|code| {
        view! {
            <p class="card error-note" role="alert" data-testid="serve-error">
                {serve_error(p, &code)}
            </p>
        }
    });
    view! {
        <h1>{p.t(("文书送达", "Serving documents"))}</h1>
        <p class="lead">
            <a href=format!("/cases/{}", v.case_id)>{v.case_number.clone()}</a>
            " · "
            {v.cause.clone()}
        </p>
        {done}
        {recorded}
        {error}
        <form method="post" action=action enctype="multipart/form-data" class="card" data-testid="serve-form">
            <input type="hidden" name="key" value=v.request_key.clone() />
            <fieldset>
                <legend>{p.t(("送达给谁", "Serve on"))}</legend>
                {v
                    .recipients
                    .iter()
                    .map(|r| {
                        let how = if r.electronic {
                            p.t(("可电子送达", "Electronic service allowed"))
                        } else {
                            p.t(("需邮寄或直接送达", "Post or in person"))
                        };
                        view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    name="party"
                                    value=r.party_id.to_string()
                                    data-testid="serve-party"
                                />
                                <span>
                                    <strong>{r.side.clone()} " " {r.name.clone()}</strong>
                                    " · "
                                    {how}
                                    <br />
                                    <small class="meta">{r.consent.clone()}</small>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label>
                {p.t(("送达什么文书", "Which document"))}
                <select name="kind" required data-testid="serve-kind">
                    <option value="">{p.t(("请选择", "Choose"))}</option>
                    {v
                        .kinds
                        .iter()
                        .map(|(code, title)| view! { <option value=code.clone()>{title.clone()}</option> })
                        .collect_view()}
                    <option value="judgment">
                        {p
                            .t((
                                "民事判决书（上传PDF，送达后起算上诉期）",
                                "The judgment (upload its PDF; the appeal period starts on service)",
                            ))}
                    </option>
                    <option value="upload">
                        {p.t(("其他上传的PDF文书", "Another uploaded PDF"))}
                    </option>
                </select>
            </label>
            <details>
                <summary>
                    {p.t(("传票：开庭时间和地点", "Summons: hearing time and place"))}
                </summary>
                <label>
                    {p.t(("开庭日期", "Hearing date"))}
                    <input type="date" name="hearing_date" data-testid="hearing-date" />
                </label>
                <label>
                    {p.t(("开庭时间", "Hearing time"))}
                    <input type="time" name="hearing_time" data-testid="hearing-time" />
                </label>
                <label>
                    {p.t(("开庭地点", "Hearing place"))}
                    <input type="text" name="hearing_place" maxlength="60" data-testid="hearing-place" />
                </label>
            </details>
            <details>
                <summary>{p.t(("上传的PDF文书", "Uploaded PDF"))}</summary>
                <label>
                    {p.t(("文书名称", "Title"))}
                    <input type="text" name="title" maxlength="60" data-testid="upload-title" />
                </label>
                <label>
                    {p.t(("PDF文件（最大20MB）", "PDF file (20 MB at most)"))}
                    <input type="file" name="file" accept="application/pdf" data-testid="upload-file" />
                </label>
            </details>
            <button type="submit" class="btn primary big" data-testid="serve-submit">
                {p.t(("送达", "Serve"))}
            </button>
            <p class="hint">
                {p
                    .t((
                        "同意电子送达的当事人会收到收件箱文书和短信提醒；没有同意的，系统会标记为邮寄或直接送达（《人民法院在线诉讼规则》第二十九条）。",
                        "Parties who consented get the document in their inbox and a text alert; the others are marked for post or in person (Online Litigation Rules art. 29).",
                    ))}
            </p>
        </form>
        <h2>{p.t(("送达情况", "Service so far"))}</h2>
        {if v.records.is_empty() {
            view! {
                <p class="card empty" data-testid="no-records">
                    {p.t(("还没有送达过文书。", "Nothing served yet."))}
                </p>
            }
                .into_any()
        } else {
            view! {
                <ul class="case-list" data-testid="service-records">
                    {v.records.into_iter().map(|r| record_item(p, r)).collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
    .into_any()
}

fn record_item(p: Prefs, r: ServiceRecordView) -> impl IntoView {
    let id = r.id;
    let outcome = r.offline_pending.then(|| {
        view! {
            <form
                method="post"
                action=format!("/staff/service/{id}/outcome")
                class="staff-action"
                data-testid="outcome-form"
            >
                <label>
                    {p.t(("结果", "Outcome"))} <select name="outcome" required data-testid="outcome">
                        <option value="">{p.t(("请选择", "Choose"))}</option>
                        <option value="signed">{p.t(("邮寄已签收", "Posted and signed for"))}</option>
                        <option value="signed_in_person">
                            {p.t(("当面交付已签收", "Handed over and signed for"))}
                        </option>
                        <option value="failed">{p.t(("未能送达", "Could not be served"))}</option>
                    </select>
                </label>
                <label>
                    {p.t(("日期（签收日或退回日）", "Date (signed for, or returned)"))}
                    <input type="date" name="date" required data-testid="outcome-date" />
                </label>
                <label>
                    {p.t(("说明（未能送达时必须写明原因）", "Note (say why, if it failed)"))}
                    <input type="text" name="note" maxlength="200" data-testid="outcome-note" />
                </label>
                <button type="submit" class="btn secondary">
                    {p.t(("记录结果", "Record"))}
                </button>
            </form>
        }
    });
    view! {
        <li class="case-card" id=format!("record-{id}") data-testid="service-record">
            <a href=format!("/service/{id}")>
                <span class="case-title">{r.title.clone()} " → " {r.recipient.clone()}</span>
                <span class=status_class(&r.status) data-testid="record-status">
                    {r.status_label.clone()}
                </span>
                <span class="meta">{r.method.clone()} " · " {r.address.clone()}</span>
                <span class="meta">{p.t(("发送 ", "Sent "))} {r.sent_at.clone()}</span>
                {r
                    .read_at
                    .clone()
                    .map(|at| {
                        view! {
                            <span class="meta" data-testid="record-read">
                                {p.t(("已阅读 ", "Read "))}
                                {at}
                            </span>
                        }
                    })}
                {r
                    .effective
                    .clone()
                    .map(|e| view! { <span class="meta">{p.t(("生效 ", "Effective "))} {e}</span> })}
                {r.fallback_reason.clone().map(|e| view! { <span class="meta">{e}</span> })}
                {r.outcome_note.clone().map(|e| view! { <span class="meta">{e}</span> })}
            </a>
            {outcome}
        </li>
    }
}

// ---- the court's figures ------------------------------------------------------------------

#[component]
pub fn ServiceFiguresPage() -> impl IntoView {
    let p = viewer().prefs;
    let query = use_query_map().read_untracked().clone();
    let (from, to) = (query.get("from"), query.get("to"));
    let data =
        Resource::new_blocking(move || (from.clone(), to.clone()), |(f, t)| load_service_figures(f, t));
    view! {
        <h1>{p.t(("送达统计", "Service figures"))}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(f) => figures(p, f),
                    Err(AppError::NotSignedIn(_)) => {
                        to_staff_sign_in();
                        ().into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn figures(p: Prefs, f: ServiceFiguresView) -> AnyView {
    let rate = f.success_permille.map(|m| format!("{}.{}%", m / 10, m % 10)).unwrap_or_else(|| "—".into());
    view! {
        <form method="get" action="/staff/service" class="card">
            <label>
                {p.t(("从", "From"))}
                <input type="date" name="from" value=f.from.clone() data-testid="from" />
            </label>
            <label>
                {p.t(("到", "To"))} <input type="date" name="to" value=f.to.clone() data-testid="to" />
            </label>
            <button type="submit" class="btn secondary">
                {p.t(("查看", "Show"))}
            </button>
        </form>
        <dl class="kv-list card" data-testid="figures">
            {row(p.t(("送达文书（份）", "Documents")), f.documents.to_string(), "f-documents")}
            {row(
                p.t(("电子送达（人次）", "Electronic services")),
                f.electronic.to_string(),
                "f-electronic",
            )}
            {row(p.t(("已到达", "Delivered")), f.delivered.to_string(), "f-delivered")}
            {row(p.t(("已阅读", "Read")), f.read.to_string(), "f-read")}
            {row(p.t(("已生效", "Effective")), f.effective.to_string(), "f-effective")}
            {row(p.t(("电子送达成功率", "Electronic success rate")), rate, "f-rate")}
            {row(p.t(("邮寄或直接送达", "Post or in person")), f.offline.to_string(), "f-offline")}
            {row(
                p.t(("其中已签收", "of which signed for")),
                f.offline_served.to_string(),
                "f-offline-served",
            )}
            {row(p.t(("未能送达", "Failed")), f.failed.to_string(), "f-failed")}
        </dl>
        <p class="hint">
            {p
                .t((
                    "成功率 = 已生效的电子送达 ÷ 电子送达人次，按发送日期统计。",
                    "Success rate = effective electronic services ÷ electronic services sent, by the date sent.",
                ))}
        </p>
    }
    .into_any()
}
