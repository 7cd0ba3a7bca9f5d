//! 立案审查 for court staff: the review queue (`/staff/filings`, the oldest deadline first)
//! and one filing (`/staff/filings/{case}`) with its parties, claims, evidence and the
//! decision forms (plain posts to `server/src/filing_forms.rs`).

use super::{case_not_found, to_staff_sign_in, viewer, ErrorNote};
use crate::api::fns::{load_filing_review, review_queue};
use crate::api::types::{DecisionView, FilingReview, ReviewItem};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::rules::filing::{PartyDraft, PartyKind, CORRECTION_ITEMS};
use crate::ui::countdown::DeadlineBox;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let p = viewer().prefs;
    let list = Resource::new_blocking(|| (), |_| review_queue());
    view! {
        <h1>{p.t(("立案审查", "Filings to review"))}</h1>
        <p class="lead">
            {p
                .t((
                    "最早到期的排在最前。法院应在7日内决定是否立案（民事诉讼法 第126条）。",
                    "The earliest deadline first. The court decides within 7 days (Civil Procedure Law art. 126).",
                ))}
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => queue_view(p, items),
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

fn queue_view(p: Prefs, items: Vec<ReviewItem>) -> AnyView {
    if items.is_empty() {
        return view! {
            <p class="card empty" data-testid="queue-empty">
                {p.t(("没有待审查的立案。", "Nothing to review."))}
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="case-list" data-testid="review-queue">
            {items
                .into_iter()
                .map(|i| {
                    let href = format!("/staff/filings/{}", i.case_id);
                    let badge = if i.receiving {
                        p.t(("跨域 · 待核验转交", "Cross-region · check and forward"))
                    } else {
                        p.t(("待审查", "To review"))
                    };
                    let deadline = i
                        .deadline
                        .map(|d| {
                            let class = if d.overdue { "deadline overdue" } else { "deadline" };
                            view! { <span class=class>{d.label} " " {d.due_date}</span> }
                        });
                    view! {
                        <li class="case-card" data-testid="queue-item">
                            <a href=href>
                                <span class="case-title">{i.cause}</span>
                                <span class="badge">{badge}</span>
                                <span class="meta">{i.parties}</span>
                                <span class="meta">{i.channel} " · " {i.submitted}</span>
                                {deadline}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn error_text(p: Prefs, code: &str) -> &'static str {
    crate::api::Refusal::message_for_code(code, p.lang)
}

#[component]
pub fn FilingReviewPage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let query = use_query_map().read_untracked().clone();
    let error = query.get("error");
    let decided = query.get("decided");
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_filing_review(id).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || {
                let (error, decided) = (error.clone(), decided.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(r) => review_view(p, r, error, decided),
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

fn party_line(p: Prefs, party: &PartyDraft) -> AnyView {
    let id_label = match party.kind {
        PartyKind::Person => p.t(("身份证", "ID")),
        PartyKind::Organisation => p.t(("信用代码", "Credit code")),
    };
    view! {
        <li>
            <strong>{party.name.clone()}</strong>
            {(!party.id_number.is_empty())
                .then(|| {
                    view! {
                        " · "
                        {id_label}
                        " "
                        {party.id_number.clone()}
                    }
                })}
            {(!party.representative.is_empty())
                .then(|| {
                    view! {
                        " · "
                        {p.t(("法定代表人 ", "Rep. "))}
                        {party.representative.clone()}
                    }
                })}
            {(!party.phone.is_empty())
                .then(|| {
                    view! {
                        " · "
                        {party.phone.clone()}
                    }
                })}
            <br />
            <span class="meta">{party.address.clone()}</span>
        </li>
    }
    .into_any()
}

fn decisions_view(p: Prefs, decisions: Vec<DecisionView>) -> AnyView {
    if decisions.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="card">
            <h2>{p.t(("处理记录", "Decisions"))}</h2>
            {decision_list(decisions, "decision")}
        </div>
    }
    .into_any()
}

/// The review's decisions (补正 items, reasons, forwarding), as staff and the litigant see them.
pub(super) fn decision_list(decisions: Vec<DecisionView>, testid: &'static str) -> AnyView {
    view! {
        <ul>
            {decisions
                .into_iter()
                .map(|d| {
                    view! {
                        <li data-testid=testid>
                            <strong>{d.label}</strong>
                            " · "
                            {d.court}
                            " · "
                            {d.at}
                            {(!d.items.is_empty())
                                .then(|| {
                                    view! {
                                        <ul>
                                            {d
                                                .items
                                                .into_iter()
                                                .map(|i| view! { <li>{i}</li> })
                                                .collect_view()}
                                        </ul>
                                    }
                                })}
                            {(!d.note.is_empty()).then(|| view! { <p>{d.note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn decide_forms(p: Prefs, r: &FilingReview) -> AnyView {
    let action = format!("/staff/filings/{}/decide", r.case_id);
    let items = CORRECTION_ITEMS
        .iter()
        .map(|(code, zh, en)| {
            view! {
                <label class="choice">
                    <input type="checkbox" name="item" value=*code />
                    <span>{if p.lang == crate::rules::Lang::Zh { *zh } else { *en }}</span>
                </label>
            }
        })
        .collect_view();
    let correction = view! {
        <form method="post" action=action.clone() class="card form" data-testid="correction-form">
            <input type="hidden" name="decision" value="correction" />
            <h3>
                {p
                    .t((
                        "要求补正（一次性告知所有缺少的材料）",
                        "Ask for a correction (everything missing, at once)",
                    ))}
            </h3>
            {items}
            <label for="correction-note">{p.t(("其他说明", "Anything else"))}</label>
            <textarea id="correction-note" name="note" rows="3"></textarea>
            <button type="submit" class="btn secondary">
                {p.t(("发出补正通知", "Send the request"))}
            </button>
        </form>
    };
    if r.receiving {
        return view! {
            <form method="post" action=action.clone() class="card form" data-testid="forward-form">
                <input type="hidden" name="decision" value="forward" />
                <h3>
                    {p
                        .t((
                            "核验身份和材料后转交受理法院",
                            "Checked: forward to the target court",
                        ))}
                </h3>
                <label for="forward-note">{p.t(("核验说明（可不填）", "Note (optional)"))}</label>
                <textarea id="forward-note" name="note" rows="2"></textarea>
                <button type="submit" class="btn primary" data-testid="forward">
                    {p.t(("核验通过，转交", "Forward"))}
                </button>
            </form>
            {correction}
        }
        .into_any();
    }
    let options = [
        ("small_claims", p.t(("小额诉讼程序", "Small claims"))),
        ("simplified", p.t(("简易程序", "Simplified"))),
        ("ordinary", p.t(("普通程序", "Ordinary"))),
    ]
    .into_iter()
    .map(|(code, label)| {
        view! {
            <option value=code selected=r.suggested_procedure == code>
                {label}
            </option>
        }
    })
    .collect_view();
    view! {
        <form method="post" action=action.clone() class="card form" data-testid="docket-form">
            <input type="hidden" name="decision" value="docket" />
            <h3>{p.t(("登记立案", "Docket"))}</h3>
            <label for="procedure">{p.t(("适用程序", "Procedure"))}</label>
            <select id="procedure" name="procedure">
                {options}
            </select>
            <p class="hint">
                {p
                    .t((
                        "立案后自动编号（案号），并向原告发出受理通知和交费通知（7日内交费）。",
                        "Docketing numbers the case and sends the acceptance and fee notices (fee due in 7 days).",
                    ))}
            </p>
            <button type="submit" class="btn primary" data-testid="docket">
                {p.t(("登记立案", "Docket"))}
            </button>
        </form>
        {correction}
        <form method="post" action=action class="card form" data-testid="reject-form">
            <input type="hidden" name="decision" value="reject" />
            <h3>{p.t(("不予受理", "Refuse"))}</h3>
            <label for="reject-note">
                {p.t(("理由（当事人可以上诉）", "Reason (the litigant may appeal)"))}
            </label>
            <textarea id="reject-note" name="note" rows="3" required></textarea>
            <button type="submit" class="btn secondary">
                {p.t(("裁定不予受理", "Refuse to accept"))}
            </button>
        </form>
    }
    .into_any()
}

fn review_view(p: Prefs, r: FilingReview, error: Option<String>, decided: Option<String>) -> AnyView {
    let d = r.draft.clone();
    let case_id = r.case_id;
    let evidence = r
        .evidence
        .iter()
        .map(|(e, u)| {
            let file = u.clone().map(|u| {
                let href = format!("/staff/filings/{case_id}/files/{}", u.id);
                view! {
                    <a href=href target="_blank" rel="noopener">
                        {u.file_name}
                    </a>
                    <span class="meta">
                        " SHA-256 " {u.sha256.chars().take(16).collect::<String>()} "…"
                    </span>
                }
            });
            view! {
                <li>
                    <strong>{e.title.clone()}</strong>
                    {(!e.purpose.is_empty())
                        .then(|| {
                            view! {
                                " — "
                                {e.purpose.clone()}
                            }
                        })}
                    <br />
                    {file}
                </li>
            }
        })
        .collect_view();
    let claims = d
        .claims
        .iter()
        .map(|c| {
            view! {
                <li>
                    {c.text.clone()}
                    {(!c.amount_yuan.is_empty())
                        .then(|| {
                            view! {
                                " （"
                                {c.amount_yuan.clone()}
                                " 元）"
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let agent = d.agent.clone().map(|a| {
        let poa = r.poa.clone().map(|u| {
            let href = format!("/staff/filings/{case_id}/files/{}", u.id);
            view! {
                " · "
                <a href=href target="_blank" rel="noopener">
                    {p.t(("授权委托书", "Power of attorney"))}
                </a>
            }
        });
        view! {
            <p>
                {p.t(("代理人：", "Agent: "))} {a.name} " · " {a.phone}
                {(!a.licence.is_empty())
                    .then(|| {
                        view! {
                            " · "
                            {p.t(("执业证号 ", "Licence "))}
                            {a.licence.clone()}
                        }
                    })} {poa}
            </p>
        }
    });
    let service = match d.service.consent {
        Some(true) => format!(
            "{} {}{}",
            p.t(("同意电子送达，短信：", "Consents to e-service; SMS: ")),
            d.service.sms_phone,
            if d.service.email.is_empty() { String::new() } else { format!("，{}", d.service.email) }
        ),
        _ => p.t(("不同意电子送达（邮寄）", "No e-service (post)")).to_string(),
    };
    let forms = r.can_decide.then(|| decide_forms(p, &r));
    view! {
        <p>
            <a href="/staff/filings">{p.t(("← 立案审查", "← Filings to review"))}</a>
        </p>
        <h1>{d.cause.map(|c| c.label(p.lang).to_string()).unwrap_or_default()}</h1>
        <p class="meta" data-testid="review-stage">
            {r.stage_label.clone()}
            " · "
            {r.court.clone()}
            {r
                .receiving_court
                .clone()
                .map(|c| {
                    view! {
                        " · "
                        {p.t(("跨域立案，递交法院：", "cross-region, handed in at "))}
                        {c}
                    }
                })}
        </p>
        {r
            .case_number
            .clone()
            .map(|n| {
                view! {
                    <p class="case-number" data-testid="review-case-number">
                        {n}
                    </p>
                }
            })}
        {decided
            .map(|_| {
                view! {
                    <p class="ok-note" role="status" data-testid="decided">
                        {p.t(("已处理，已通知当事人。", "Done; the litigant has been notified."))}
                    </p>
                }
            })}
        {error
            .map(|code| {
                view! {
                    <p class="card error-note" role="alert">
                        {error_text(p, &code)}
                    </p>
                }
            })}
        {r
            .deadline
            .clone()
            .map(|d| view! { <DeadlineBox deadline=d lang=p.lang testid="review-deadline" /> })}
        <div class="card">
            <h2>{p.t(("原告", "Plaintiffs"))}</h2>
            <ul>{d.plaintiffs.iter().map(|x| party_line(p, x)).collect_view()}</ul>
            <h2>{p.t(("被告", "Defendants"))}</h2>
            <ul>{d.defendants.iter().map(|x| party_line(p, x)).collect_view()}</ul>
            {agent}
            <h2>{p.t(("诉讼请求", "Claims"))}</h2>
            <ol>{claims}</ol>
            <h2>{p.t(("事实和理由", "Facts and reasons"))}</h2>
            <p class="facts">{d.facts.clone()}</p>
            <h2>{p.t(("证据", "Evidence"))}</h2>
            <ul data-testid="review-evidence">{evidence}</ul>
            <h2>{p.t(("送达", "Service"))}</h2>
            <p>{service}</p>
        </div>
        {decisions_view(p, r.decisions.clone())}
        {forms}
    }
    .into_any()
}
