//! Online mediation (在线调解, DOMAIN-2 §1): the litigant's list and request form
//! (`/mediations`, `/mediations/new`), one matter for everyone in it (`/mediations/{id}`: the
//! invitation, the agreement with what changed, signing, the confirmation window), and the
//! mediator's workbench (`/staff/mediations`). A mediation in a docketed case (诉中调解) shows
//! the same page, with the 调解书 and each party's 签收 after the agreement. Every form is a plain post to
//! `server/src/http/mediation_forms.rs`; only the handwritten signature needs script.

use super::{redirect_to_sign_in, to_staff_sign_in, viewer, ErrorNote};
use crate::api::fns::{
    confirmation_queue, load_mediation, load_mediation_figures, load_mediator_roster, mediation_courts,
    mediation_queue, my_mediations,
};
use crate::api::types::{
    AgreementView, ConfirmationView, MediationFigures, MediationRole, MediationSummary, MediationView,
    MediatorProfileView, RulingView, StatementView,
};
use crate::api::{AppError, Refusal};
use crate::i18n::Prefs;
use crate::rules::filing::Cause;
use crate::rules::mediation::ClauseChange;
use crate::ui::countdown::DeadlineBox;
use crate::ui::signature_pad::SignaturePad;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn error_box(p: Prefs, code: Option<String>) -> Option<AnyView> {
    code.map(|c| {
        view! {
            <div class="card error-note" role="alert" data-testid="form-error">
                <p>{Refusal::message_for_code(&c, p.lang)}</p>
            </div>
        }
        .into_any()
    })
}

fn ok_box(text: &'static str) -> AnyView {
    view! {
        <div class="card ok-note" role="status" data-testid="mediation-note">
            <p>{text}</p>
        </div>
    }
    .into_any()
}

fn list_view(p: Prefs, items: Vec<MediationSummary>, empty: &'static str) -> AnyView {
    if items.is_empty() {
        return view! {
            <p class="card empty" data-testid="mediations-empty">
                {empty}
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="case-list" data-testid="mediation-list">
            {items
                .into_iter()
                .map(|m| {
                    let href = format!("/mediations/{}", m.id);
                    view! {
                        <li class="case-card" data-testid="mediation-item">
                            <a href=href>
                                <span class="case-title">{m.number.clone()}</span>
                                <span class="badge">{m.state_label.clone()}</span>
                                <span class="meta">{m.cause.clone()} " · " {m.parties.clone()}</span>
                                {m.for_me.clone().map(|t| view! { <span class="deadline">{t}</span> })}
                                {m.due.clone().map(|d| view! { <span class="meta">{d}</span> })}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="meta">{p.t(("点开一件查看详情。", "Open one to see it."))}</p>
    }
    .into_any()
}

/// "My mediations" and the way to ask for one.
#[component]
pub fn MediationsPage() -> impl IntoView {
    let p = viewer().prefs;
    let list = Resource::new_blocking(|| (), |_| my_mediations());
    view! {
        <h1>{p.t(("调解", "Mediation"))}</h1>
        <p class="lead">
            {p
                .t((
                    "起诉之前，可以先请法院的调解员帮双方商量。调解不收费，达成的协议在手机上签名就生效。",
                    "Before suing, a court mediator can help both sides agree. It is free; an agreement signed on the phone takes effect.",
                ))}
        </p>
        <a class="btn primary big" href="/mediations/new" data-testid="new-mediation">
            {p.t(("申请诉前调解", "Ask for mediation"))}
        </a>
        <p>
            <a href="/mediators" data-testid="roster-link">
                {p
                    .t((
                        "调解员名册：背景、擅长、是否收费",
                        "The mediator roster: background, specialities, fees",
                    ))}
            </a>
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => {
                        list_view(p, items, p.t(("您还没有调解。", "You have no mediations yet.")))
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

/// The request for mediation before filing (在线调解规则 art. 8).
#[component]
pub fn NewMediationPage() -> impl IntoView {
    let p = viewer().prefs;
    let q = use_query_map().read_untracked().clone();
    let kept = move |k: &str| q.get(k).unwrap_or_default();
    let error = kept("error");
    let (court, cause, rname, rphone, summary, address) = (
        kept("court"),
        kept("cause"),
        kept("respondent_name"),
        kept("respondent_phone"),
        kept("summary"),
        kept("address"),
    );
    let chosen = kept("mediator");
    let courts = Resource::new_blocking(|| (), |_| mediation_courts());
    let roster = Resource::new_blocking(|| (), |_| load_mediator_roster());
    view! {
        <h1>{p.t(("申请诉前调解", "Ask for mediation before suing"))}</h1>
        {error_box(p, (!error.is_empty()).then_some(error))}
        <Suspense>
            {move || {
                let (court, cause, rname, rphone, summary, address) = (
                    court.clone(),
                    cause.clone(),
                    rname.clone(),
                    rphone.clone(),
                    summary.clone(),
                    address.clone(),
                );
                let chosen = chosen.clone();
                Suspend::new(async move {
                    let mediators = roster.await.unwrap_or_default();
                    match courts.await {
                        Ok(list) => {
                            // The roster is a help, not a condition: without it, the court designates.
                            view! {
                                <form
                                    method="post"
                                    action="/mediations"
                                    class="card form"
                                    data-testid="mediation-form"
                                >
                                    <label for="court">{p.t(("哪个法院", "Which court"))}</label>
                                    <select id="court" name="court">
                                        {list
                                            .into_iter()
                                            .map(|(code, name)| {
                                                let selected = code == court;
                                                view! {
                                                    <option value=code selected=selected>
                                                        {name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    {mediator_choice(p, mediators, &chosen)}
                                    <label for="cause">{p.t(("纠纷类型", "Kind of dispute"))}</label>
                                    <select id="cause" name="cause">
                                        {Cause::ALL
                                            .into_iter()
                                            .map(|c| {
                                                let selected = c.code() == cause;
                                                view! {
                                                    <option value=c.code() selected=selected>
                                                        {c.label(p.lang)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <fieldset>
                                        <legend>{p.t(("对方是谁", "The other side"))}</legend>
                                        <label for="respondent_name">
                                            {p.t(("对方姓名或单位名称", "Name"))}
                                        </label>
                                        <input
                                            id="respondent_name"
                                            name="respondent_name"
                                            value=rname
                                            autocomplete="off"
                                        />
                                        <label for="respondent_phone">
                                            {p
                                                .t((
                                                    "对方手机号（法院用它通知对方）",
                                                    "Mobile number (the court texts them)",
                                                ))}
                                        </label>
                                        <input
                                            id="respondent_phone"
                                            name="respondent_phone"
                                            value=rphone
                                            inputmode="tel"
                                            autocomplete="off"
                                        />
                                    </fieldset>
                                    <label for="summary">
                                        {p
                                            .t((
                                                "发生了什么，您希望怎样解决（几句话就行）",
                                                "What happened, and what you want (a few sentences)",
                                            ))}
                                    </label>
                                    <textarea id="summary" name="summary" rows="5">
                                        {summary}
                                    </textarea>
                                    <label for="address">
                                        {p
                                            .t((
                                                "您的送达地址：法院寄送文书的详细地址（送达地址确认书）",
                                                "Your address for service: where the court sends papers",
                                            ))}
                                    </label>
                                    <input id="address" name="address" value=address />
                                    {warning(p)}
                                    <button
                                        type="submit"
                                        class="btn primary big"
                                        data-testid="mediation-submit"
                                    >
                                        {p.t(("提交申请", "Send"))}
                                    </button>
                                </form>
                            }
                                .into_any()
                        }
                        Err(AppError::NotSignedIn(_)) => {
                            redirect_to_sign_in();
                            ().into_any()
                        }
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The choice of a mediator from the roster, by court (OMR art. 10); none: the court designates.
fn mediator_choice(p: Prefs, mediators: Vec<MediatorProfileView>, chosen: &str) -> AnyView {
    let mut courts: Vec<(String, Vec<MediatorProfileView>)> = Vec::new();
    for m in mediators {
        match courts.last_mut() {
            Some((court, group)) if *court == m.court => group.push(m),
            _ => courts.push((m.court.clone(), vec![m])),
        }
    }
    view! {
        <label for="mediator">{p.t(("调解员（可以不选）", "Mediator (optional)"))}</label>
        <select id="mediator" name="mediator" data-testid="mediator-choice">
            <option value="">{p.t(("不选，由法院指定", "None: the court designates one"))}</option>
            {courts
                .into_iter()
                .map(|(court, group)| {
                    view! {
                        <optgroup label=court>
                            {group
                                .into_iter()
                                .map(|m| {
                                    let id = m.id.to_string();
                                    let selected = id == chosen;
                                    view! {
                                        <option value=id selected=selected>
                                            {format!("{} · {} · {}", m.name, m.specialities, m.fee)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </optgroup>
                    }
                })
                .collect_view()}
        </select>
        <p class="meta">
            <a href="/mediators" data-testid="roster-link">
                {p
                    .t((
                        "看调解员名册（背景、擅长、是否收费）",
                        "See the roster (background, specialities, fees)",
                    ))}
            </a>
            {p
                .t((
                    "。选的调解员要属于上面选的法院。",
                    ". The mediator must be of the court chosen above.",
                ))}
        </p>
    }
    .into_any()
}

/// The 虚假调解 warning, read and acknowledged (在线调解规则 art. 17).
fn warning(p: Prefs) -> AnyView {
    view! {
        <div class="card warning" data-testid="sham-warning">
            <p>
                {p
                    .t((
                        "提醒：双方串通、编造纠纷来调解，想损害国家、集体或别人的利益，是虚假调解。法院会驳回，并可以罚款、拘留；构成犯罪的，追究刑事责任（民事诉讼法第115条）。",
                        "Warning: parties who invent a dispute together to harm the state, a collective or others commit sham mediation. The court rejects it and may fine or detain them; crimes are prosecuted (Civil Procedure Law art. 115).",
                    ))}
            </p>
            <label class="check">
                <input type="checkbox" name="warned" value="1" data-testid="warned" />
                {p.t(("我已阅读，保证所说属实", "I have read this and what I say is true"))}
            </label>
        </div>
    }
    .into_any()
}

/// The mediator's workbench.
#[component]
pub fn MediationQueuePage() -> impl IntoView {
    let p = viewer().prefs;
    let list = Resource::new_blocking(|| (), |_| mediation_queue());
    let figures = Resource::new_blocking(|| (), |_| load_mediation_figures());
    let confirmations = Resource::new_blocking(|| (), |_| confirmation_queue());
    view! {
        <h1>{p.t(("调解工作台", "Mediation workbench"))}</h1>
        <p>
            <a href="/staff/mediator-profile" data-testid="my-profile-link">
                {p.t(("我的名册资料（调解员）", "My roster profile (mediators)"))}
            </a>
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                confirmations
                    .await
                    .ok()
                    .filter(|items| !items.is_empty())
                    .map(|items| {
                        view! {
                            <section data-testid="confirmation-queue">
                                <h2>{p.t(("司法确认", "Judicial confirmation"))}</h2>
                                <p class="meta">
                                    {p
                                        .t((
                                            "双方共同申请后立案（民特）。法官在30日内审查并裁定，本院力争15日内办结。",
                                            "Docketed (民特) once both sides apply. The judge rules within 30 days; this court aims at 15.",
                                        ))}
                                </p>
                                {list_view(p, items, "")}
                            </section>
                        }
                    })
            })}
        </Suspense>
        <Suspense>
            {move || Suspend::new(async move { figures.await.ok().map(|f| figures_view(p, f)) })}
        </Suspense>
        <p class="lead">
            {p
                .t((
                    "等待接受的排在前面。法院应在3个工作日内安排调解员，调解员在3个工作日内接受（在线调解规则第10条、第12条）。",
                    "Waiting matters first. A mediator is assigned within 3 working days and accepts within 3 (OMR arts. 10, 12).",
                ))}
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => list_view(p, items, p.t(("没有待办的调解。", "Nothing waiting."))),
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

fn figures_view(p: Prefs, f: MediationFigures) -> AnyView {
    let none = || p.t(("暂无", "none yet")).to_string();
    view! {
        <section class="card" data-testid="mediation-figures">
            <h2>{p.t(("本院近30天", "This court, last 30 days"))}</h2>
            <p class="meta">{f.from.clone()} " – " {f.to.clone()}</p>
            <dl class="figures">
                <dt>{p.t(("申请", "Requested"))}</dt>
                <dd data-testid="figure-requested">{f.requested}</dd>
                <dt>{p.t(("达成协议", "Agreed"))}</dt>
                <dd>{f.agreed}</dd>
                <dt>{p.t(("未达成", "Failed"))}</dt>
                <dd>{f.failed}</dd>
                <dt>{p.t(("成功率", "Success rate"))}</dt>
                <dd>{f.success_rate.clone().unwrap_or_else(none)}</dd>
                <dt>{p.t(("平均用时（天）", "Average days"))}</dt>
                <dd>{f.average_days.clone().unwrap_or_else(none)}</dd>
                <dt>{p.t(("司法确认有效", "Confirmed by the court"))}</dt>
                <dd data-testid="figure-confirmed">{f.confirmed}</dd>
            </dl>
        </section>
    }
    .into_any()
}

/// One matter.
#[component]
pub fn MediationPage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let q = use_query_map().read_untracked().clone();
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_mediation(id).await,
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || {
                let q = q.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(m) => matter_view(p, m, &q),
                        Err(AppError::NotSignedIn(_)) => {
                            redirect_to_sign_in();
                            ().into_any()
                        }
                        Err(AppError::NotFound(_)) => not_found(p),
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn not_found(p: Prefs) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>{p.t(("没有找到这件调解", "Mediation not found"))}</h1>
        <p class="card" data-testid="mediation-not-found">
            {p
                .t((
                    "没有找到这件调解，或者您不是它的当事人。请回到“调解”查看。",
                    "We found no such mediation among yours. Go back to Mediation.",
                ))}
        </p>
        <a class="btn secondary" href="/mediations">
            {p.t(("调解", "Mediation"))}
        </a>
    }
    .into_any()
}

fn note_of(p: Prefs, q: &leptos_router::params::ParamsMap) -> Option<AnyView> {
    let notes: [(&str, (&'static str, &'static str)); 18] = [
        (
            "scheduled",
            (
                "视频调解已安排，已短信通知各方。",
                "The video session is set; every party was texted.",
            ),
        ),
        (
            "choice_declined",
            (
                "已记录您不能接受，并短信告诉了申请人理由。法院会另行指定调解员。",
                "Recorded; the applicant was texted your reasons. The court designates another mediator.",
            ),
        ),
        (
            "proposed",
            (
                "延长提议已发出，已短信请各方答复。各方都同意才延长。",
                "The proposal is sent; every party was texted. The period is longer only if all agree.",
            ),
        ),
        ("extended", ("各方都同意了，调解期限已延长。", "Everyone agreed: the period is longer.")),
        (
            "not_extended",
            ("已记录您不同意延长，调解期限不变。", "Recorded: you did not agree; the period stays as it was."),
        ),
        (
            "started",
            (
                "已开始诉中调解，已短信请各方答复是否同意。各方都同意后开始计算调解期限。",
                "Mediation opened; every party was texted to agree. The period starts once all have.",
            ),
        ),
        (
            "issued",
            (
                "调解书已出具，已短信请各方签收。",
                "The mediation statement is issued; every party was texted to sign for it.",
            ),
        ),
        (
            "received",
            (
                "您已签收调解书。等其他当事人也签收，调解书就生效。",
                "You signed for the statement. It takes effect once every party has.",
            ),
        ),
        (
            "concluded",
            (
                "您已签收。各方都签收了，调解书已生效，案件以调解结案；受理费减半，多交的钱会退回。",
                "Signed for. Everyone has: the statement is in force and the case is closed by mediation; the fee halves and any overpayment is refunded.",
            ),
        ),
        (
            "backed_out",
            (
                "已记录您不同意调解。调解结束，案件继续审理。",
                "Recorded: you no longer agree. The mediation has ended and the trial goes on.",
            ),
        ),
        (
            "requested",
            (
                "申请已提交。法院会在3个工作日内安排调解员，有进展会发短信告诉您。",
                "Sent. The court assigns a mediator within 3 working days and will text you.",
            ),
        ),
        (
            "accepted",
            ("已接受这件调解，已短信邀请对方。", "Accepted; the other side has been invited by SMS."),
        ),
        ("answered", ("您的答复已记录。", "Your answer is recorded.")),
        (
            "version",
            (
                "新版本已保存。旧版本上的签名已作废，签过名的人已收到短信。",
                "New version saved. Signatures on the old one are void; the signers were texted.",
            ),
        ),
        (
            "signed",
            (
                "您已签名。等其他人签完，协议就生效。",
                "Signed. The agreement takes effect when everyone has signed.",
            ),
        ),
        (
            "effective",
            (
                "您已签名。各方都签好了，调解协议已生效。",
                "Signed. Everyone has signed: the agreement is in force.",
            ),
        ),
        (
            "declined",
            (
                "您已拒绝签名，这次调解结束。还没起诉的，可以去立案；案件已在审理的，法院继续审理。",
                "You declined to sign; the mediation has ended. You may file a lawsuit, or, if the case is already in court, the trial goes on.",
            ),
        ),
        ("ended", ("调解已结束，结束原因已记录。", "The mediation has ended; the ground is recorded.")),
    ];
    let jc: [(&str, (&'static str, &'static str)); 5] = [
        (
            "applied",
            (
                "您已申请司法确认。已短信通知对方；对方也申请后，法院就立案审查。",
                "You applied. The other side was texted; once they apply too, the court dockets and reviews it.",
            ),
        ),
        (
            "docketed",
            (
                "双方都已申请，法院已立案（不收费），法官会在30日内审查。",
                "Both sides applied: docketed (free). The judge reviews it within 30 days.",
            ),
        ),
        ("already", ("您已经申请过了，不用再申请。", "You have applied already.")),
        ("withdrawn", ("司法确认申请已撤回。协议仍然有效。", "The application is withdrawn. The agreement still binds.")),
        ("ruled", ("裁定已作出，已短信通知双方。", "The ruling is made; both sides were texted.")),
    ];
    if let Some(text) = q.get("jc").and_then(|v| jc.iter().find(|(k, _)| *k == v).map(|(_, t)| *t)) {
        return Some(ok_box(p.t(text)));
    }
    notes.iter().find(|(k, _)| q.get(k).is_some()).map(|(_, text)| ok_box(p.t(*text)))
}

fn matter_view(p: Prefs, m: MediationView, q: &leptos_router::params::ParamsMap) -> AnyView {
    let error = q.get("error");
    let request_id = q.get("req").unwrap_or_default();
    let draft = q.get("draft");
    let kept_address = q.get("address").unwrap_or_default();
    let kept_note = q.get("note").unwrap_or_default();
    let staff = matches!(m.my_role, MediationRole::Mediator | MediationRole::CourtStaff);
    let back = match (m.case_id, staff) {
        (Some(case), _) => format!("/cases/{case}"),
        (None, true) => "/staff/mediations".to_string(),
        (None, false) => "/mediations".to_string(),
    };
    let id = m.id;
    view! {
        <p>
            <a href=back>{p.t(("← 返回", "← Back"))}</a>
        </p>
        <h1 data-testid="mediation-number">{m.number.clone()}</h1>
        <p class="lead">
            <span class="badge" data-testid="mediation-state">
                {m.state_label.clone()}
            </span>
            " "
            {m.cause.clone()}
            " · "
            {m.court.clone()}
        </p>
        {note_of(p, q)}
        {error_box(p, error)}
        {m
            .deadline
            .clone()
            .map(|d| view! { <DeadlineBox deadline=d lang=p.lang testid="mediation-deadline" /> })}
        {m.calendar_note.clone().map(|n| view! { <p class="card warning">{n}</p> })}
        {m.extension.clone().map(|x| extension_view(p, id, x))}
        {m.may_propose_extension.then(|| propose_extension_form(p, id, q))}
        {effective_view(p, &m)}
        {m.statement.clone().map(|st| statement_view(p, id, st, request_id.clone()))}
        {m.may_issue.then(|| issue_form(p, id))}
        {confirmation_view(p, &m, q.get("reasons").unwrap_or_default())}
        {ended_view(p, &m)}
        <section class="card">
            <h2>{p.t(("双方", "The parties"))}</h2>
            <ul class="plain">
                {m
                    .parties
                    .iter()
                    .map(|party| {
                        view! {
                            <li>
                                <strong>{party.name.clone()}</strong>
                                " · "
                                {party.side.clone()}
                                " · "
                                {party.answer.clone()}
                                {party.is_me.then(|| p.t(("（您）", " (you)")))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {m
                .mediator
                .clone()
                .map(|(name, phone)| {
                    let who = if m.case_id.is_some() {
                        p.t(("主持调解的法官：", "Judge mediating: "))
                    } else {
                        p.t(("调解员：", "Mediator: "))
                    };
                    view! {
                        <p>
                            {who} <strong>{name}</strong> " "
                            <a href=format!("tel:{phone}")>{phone.clone()}</a>
                        </p>
                    }
                })}
            <details>
                <summary>{p.t(("纠纷经过", "What the dispute is about"))}</summary>
                <p>{m.summary.clone()}</p>
            </details>
        </section>
        {m
            .chosen_mediator
            .clone()
            .map(|name| {
                view! {
                    <p class="card" data-testid="chosen-mediator">
                        {p.t(("申请人选择的调解员：", "Mediator chosen by the applicant: "))}
                        <strong>{name}</strong>
                        {p
                            .t((
                                "（等待答复，最多3个工作日）",
                                " (answering within 3 working days)",
                            ))}
                    </p>
                }
            })}
        {sessions_view(p, &m, q)}
        {m.may_accept.then(|| accept_form(p, id))}
        {m.may_decline_choice.then(|| decline_choice_form(p, id, q.get("reasons").unwrap_or_default()))}
        {m.invited.then(|| invitation_form(p, id, kept_address, m.case_id.is_some()))}
        {m.agreement.clone().map(|a| agreement_view(p, &m, a, request_id))}
        {m.may_edit.then(|| editor_view(p, &m, draft))}
        {(!m.end_grounds.is_empty()).then(|| end_form(p, &m, kept_note.clone()))}
        {m.may_back_out.then(|| back_out_form(p, id, kept_note))}
        {ledger_view(p, &m)}
        <section class="card">
            <h2>{p.t(("经过", "History"))}</h2>
            <ol class="timeline" data-testid="mediation-events">
                {m
                    .events
                    .iter()
                    .map(|(at, text)| {
                        view! {
                            <li>
                                <span class="meta">{at.clone()}</span>
                                " "
                                {text.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

fn effective_view(p: Prefs, m: &MediationView) -> Option<AnyView> {
    let at = m.effective_at.clone()?;
    if m.case_id.is_some() {
        return Some(in_case_effective_view(p, m, at));
    }
    // The countdown matters until the application is joint (or withdrawn: there is one only).
    let open = m.confirmation.as_ref().is_none_or(|c| c.number.is_none() && c.withdrawn.is_none());
    let window = m.window.clone().filter(|_| open);
    Some(
        view! {
            <section class="card ok-note" data-testid="effective">
                <h2>{p.t(("调解协议已生效", "The agreement is in force"))}</h2>
                <p>
                    {p.t(("生效时间（最后一人签名）：", "In force since the last signature: "))}
                    <strong>{at}</strong>
                </p>
                {m
                    .agreement_pdf
                    .clone()
                    .map(|href| {
                        view! {
                            <p>
                                <a class="btn secondary" href=href data-testid="agreement-pdf">
                                    {p
                                        .t((
                                            "打开调解协议书（PDF，含各方签名）",
                                            "Open the agreement (PDF, with every signature)",
                                        ))}
                                </a>
                            </p>
                        }
                    })}
                <p>
                    {p
                        .t((
                            "协议对双方有约束力。想让法院确认它、对方不履行时可以直接申请强制执行，双方要在30日内一起申请司法确认（不收费）。",
                            "It binds both sides. To have the court confirm it — so it can be enforced if not kept — both sides apply together within 30 days (free).",
                        ))}
                </p>
                {window
                    .map(|w| {
                        view! { <DeadlineBox deadline=w lang=p.lang testid="confirmation-window" /> }
                    })}
                <p class="meta">
                    {p
                        .t((
                            "过了30日就不能申请司法确认了，但协议仍然像合同一样有效；对方不履行的，可以凭协议起诉（人民调解法第32条）。",
                            "After 30 days confirmation is no longer possible, but the agreement still binds like a contract; if it is not kept, you can sue on it (PML art. 32).",
                        ))}
                </p>
            </section>
        }
        .into_any(),
    )
}

/// Judicial confirmation: apply or join, where it stands, the judge's form, the ruling.
fn confirmation_view(p: Prefs, m: &MediationView, kept_reasons: String) -> Option<AnyView> {
    m.effective_at.as_ref()?;
    let id = m.id;
    let c = m.confirmation.clone();
    let apply = m.may_apply.then(|| {
        let joining = c.as_ref().is_some_and(|c| !c.applied.is_empty());
        view! {
            <form method="post" action=format!("/mediations/{id}/confirmation")>
                <p>
                    {if joining {
                        p.t((
                            "对方已经申请了。您也同意请法院确认这份协议，就点下面的按钮。",
                            "The other side has applied. If you also want the court to confirm it, press the button.",
                        ))
                    } else {
                        p.t((
                            "法院确认后，对方不履行，您可以直接申请强制执行。要双方都点“申请”，法院才审查。",
                            "Once confirmed, you can ask the court to enforce it if it is not kept. Both sides must apply.",
                        ))
                    }}
                </p>
                <button class="btn primary big" type="submit" data-testid="apply-confirmation">
                    {if joining {
                        p.t(("一起申请司法确认", "Apply together"))
                    } else {
                        p.t(("申请司法确认", "Apply for confirmation"))
                    }}
                </button>
            </form>
        }
    });
    let lapsed = m.window_lapsed.then(|| {
        view! {
            <p class="card warning" data-testid="window-lapsed">
                {p
                    .t((
                        "已经过了30日，不能再申请司法确认。协议仍然像合同一样有效；对方不履行的，可以凭协议起诉（人民调解法第32条）。",
                        "The 30 days have passed: confirmation is no longer possible. The agreement still binds like a contract; if it is not kept, you can sue on it (PML art. 32).",
                    ))}
            </p>
        }
    });
    let status = c.map(|c| status_view(p, id, c, kept_reasons));
    if apply.is_none() && lapsed.is_none() && status.is_none() {
        return None;
    }
    Some(
        view! {
            <section class="card" id="confirmation" data-testid="confirmation">
                <h2>{p.t(("司法确认", "Judicial confirmation"))}</h2>
                {status}
                {apply}
                {lapsed}
            </section>
        }
        .into_any(),
    )
}

fn status_view(p: Prefs, id: i64, c: ConfirmationView, kept_reasons: String) -> AnyView {
    let may_rule = c.may_rule;
    let ruling = c.ruling.clone().map(|r| ruling_view(p, r));
    view! {
        <p>
            <span class="badge" data-testid="confirmation-state">
                {c.state_label.clone()}
            </span>
            {c
                .number
                .clone()
                .map(|n| {
                    view! {
                        " "
                        <strong data-testid="confirmation-number">{n}</strong>
                    }
                })}
        </p>
        <ul class="plain" data-testid="confirmation-applicants">
            {c
                .applied
                .iter()
                .map(|(name, at)| {
                    view! {
                        <li>
                            "✓ " {name.clone()} " · " {p.t(("已申请", "applied"))} " "
                            <span class="meta">{at.clone()}</span>
                        </li>
                    }
                })
                .collect_view()}
            {c
                .waiting_for
                .iter()
                .map(|name| {
                    view! {
                        <li>
                            "… " {name.clone()} " · " {p.t(("还没有申请", "has not applied yet"))}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {c.review_due.clone().map(|d| view! { <DeadlineBox deadline=d lang=p.lang testid="review-due" /> })}
        {c
            .review_target
            .clone()
            .map(|t| {
                view! {
                    <p class="meta">
                        {p.t(("本院力争在这一天前办结：", "This court aims to finish by: "))} {t}
                    </p>
                }
            })}
        {c
            .withdrawn
            .clone()
            .map(|at| {
                view! {
                    <p class="meta">
                        {p.t(("申请已于", "Withdrawn on "))} {at}
                        {p.t(("撤回。协议仍然有效。", ". The agreement still binds."))}
                    </p>
                }
            })}
        {ruling}
        {c
            .may_withdraw
            .then(|| {
                view! {
                    <form method="post" action=format!("/mediations/{id}/confirmation/withdraw")>
                        <button class="btn secondary" type="submit" data-testid="withdraw-confirmation">
                            {p.t(("撤回申请", "Withdraw the application"))}
                        </button>
                    </form>
                }
            })}
        {may_rule.then(|| ruling_form(p, id, &c, kept_reasons))}
    }
    .into_any()
}

fn ruling_view(p: Prefs, r: RulingView) -> AnyView {
    let class = if r.outcome == "valid" { "ok-note" } else { "error-note" };
    view! {
        <div class=class data-testid="ruling">
            <h3 data-testid="ruling-outcome">{r.outcome_label.clone()}</h3>
            <p>{r.meaning.clone()}</p>
            {(!r.grounds.is_empty())
                .then(|| {
                    view! {
                        <ul>{r.grounds.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
                    }
                })}
            {(!r.reasons.is_empty()).then(|| view! { <p>{r.reasons.clone()}</p> })}
            <p class="meta">{r.judge.clone()} " · " {r.ruled_at.clone()}</p>
            <p>
                <a class="btn secondary" href=r.pdf_href.clone() data-testid="ruling-pdf">
                    {p.t(("打开裁定书（PDF）", "Open the ruling (PDF)"))}
                </a>
            </p>
            <p class="meta">{r.objection_note.clone()}</p>
            <p class="meta fingerprint">
                {p
                    .t((
                        "裁定书指纹（SHA-256，用来核对文件没有被改过）：",
                        "The ruling's fingerprint (SHA-256, to check the file is unchanged): ",
                    ))} <code class="hash">{r.sha256.clone()}</code>
            </p>
        </div>
    }
    .into_any()
}

/// One group of grounds the judge may tick, each sent as `ground`.
fn grounds_fieldset(legend: &'static str, grounds: &[(String, String)]) -> AnyView {
    view! {
        <fieldset>
            <legend>{legend}</legend>
            {grounds
                .iter()
                .map(|(code, label)| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name="ground" value=code.clone() />
                            {label.clone()}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}

fn ruling_form(p: Prefs, id: i64, c: &ConfirmationView, kept_reasons: String) -> AnyView {
    view! {
        <form
            method="post"
            action=format!("/staff/mediations/{id}/ruling")
            id="ruling"
            data-testid="ruling-form"
        >
            <h3>{p.t(("审查要点", "Review checklist"))}</h3>
            <ul class="plain">
                {c.checklist.iter().map(|item| view! { <li>"□ " {item.clone()}</li> }).collect_view()}
            </ul>
            <label class="check">
                <input type="checkbox" name="checked" value="1" data-testid="ruling-checked" />
                {p.t(("以上各项已逐项核对", "I have checked every point above"))}
            </label>
            <fieldset>
                <legend>{p.t(("裁定", "Ruling"))}</legend>
                <label class="check">
                    <input type="radio" name="outcome" value="valid" data-testid="outcome-valid" />
                    {p
                        .t((
                            "确认调解协议有效（民事诉讼法第206条）",
                            "The agreement is valid (CPL art. 206)",
                        ))}
                </label>
                <label class="check">
                    <input type="radio" name="outcome" value="rejected" data-testid="outcome-rejected" />
                    {p
                        .t((
                            "驳回申请（民诉解释第358条，勾选理由）",
                            "Reject (JI22 art. 358; tick the grounds)",
                        ))}
                </label>
                <label class="check">
                    <input type="radio" name="outcome" value="dismissed" data-testid="outcome-dismissed" />
                    {p
                        .t((
                            "不属于可以确认的情形，驳回申请（第355条，选一项）",
                            "Dismiss: not for confirmation (art. 355; one)",
                        ))}
                </label>
            </fieldset>
            {grounds_fieldset(
                p.t(("驳回理由（第358条）", "Grounds of rejection (art. 358)")),
                &c.rejection_grounds,
            )}
            {grounds_fieldset(
                p.t(("不予确认的情形（第355条）", "Not for confirmation (art. 355)")),
                &c.dismissal_grounds,
            )}
            <label for="ruling-reasons">
                {p.t(("理由（驳回时必填）", "Reasons (required to reject)"))}
            </label>
            <textarea id="ruling-reasons" name="reasons" rows="3" data-testid="ruling-reasons">
                {kept_reasons}
            </textarea>
            <button class="btn primary big" type="submit" data-testid="ruling-submit">
                {p.t(("作出裁定", "Rule"))}
            </button>
        </form>
    }
    .into_any()
}

fn ended_view(p: Prefs, m: &MediationView) -> Option<AnyView> {
    let (ground, note) = m.ended.clone()?;
    let applicant = m.my_role == MediationRole::Applicant;
    Some(
        view! {
            <section class="card error-note" data-testid="ended">
                <h2>{p.t(("调解已结束", "The mediation has ended"))}</h2>
                <p>{ground}</p>
                {(!note.is_empty()).then(|| view! { <p class="meta">{note}</p> })}
                {applicant
                    .then(|| {
                        view! {
                            <p>
                                {p
                                    .t((
                                        "没有达成协议，您可以起诉：",
                                        "No agreement: you may file a lawsuit: ",
                                    ))} <a class="btn secondary" href="/filings" data-testid="go-file">
                                    {p.t(("去网上立案", "File online"))}
                                </a>
                            </p>
                        }
                    })}
            </section>
        }
        .into_any(),
    )
}

fn accept_form(p: Prefs, id: i64) -> AnyView {
    view! {
        <form method="post" action=format!("/staff/mediations/{id}/accept") class="card">
            <p>
                {p
                    .t((
                        "接受后开始计算30日调解期限，并短信邀请对方（在线调解规则第15条、第24条）。",
                        "Accepting starts the 30-day period and texts the other side an invitation (OMR arts. 15, 24).",
                    ))}
            </p>
            <button type="submit" class="btn primary big" data-testid="accept">
                {p.t(("接受这件调解", "Accept this mediation"))}
            </button>
        </form>
    }
    .into_any()
}

/// Video sessions (OMR art. 16): each with its time and, around it, the join button; for the
/// mediator, the form to set one on the court's meeting service.
fn sessions_view(p: Prefs, m: &MediationView, q: &leptos_router::params::ParamsMap) -> Option<AnyView> {
    if m.sessions.is_empty() && m.meeting_service.is_none() {
        return None;
    }
    let id = m.id;
    let form = m.meeting_service.clone().map(|base| {
        let kept = |k: &str| q.get(k).unwrap_or_default();
        view! {
            <form method="post" action=format!("/staff/mediations/{id}/session") class="form">
                <h3>{p.t(("安排视频调解", "Set a video session"))}</h3>
                <label for="session-date">{p.t(("日期", "Date"))}</label>
                <input id="session-date" name="date" type="date" value=kept("date") />
                <label for="session-time">{p.t(("时间（北京时间）", "Time (China time)"))}</label>
                <input id="session-time" name="time" type="time" value=kept("time") />
                <label for="session-link">
                    {p
                        .t((
                            "会议室链接（本院视频会议服务）",
                            "Room link (this court's meeting service)",
                        ))}
                </label>
                <input id="session-link" name="link" inputmode="url" placeholder=base value=kept("link") />
                <button type="submit" class="btn secondary" data-testid="schedule-session">
                    {p.t(("安排并短信通知各方", "Set it and text every party"))}
                </button>
            </form>
        }
    });
    Some(
        view! {
            <section class="card" id="sessions" data-testid="sessions">
                <h2>{p.t(("视频调解", "Video sessions"))}</h2>
                {m
                    .sessions
                    .is_empty()
                    .then(|| view! { <p class="meta">{p.t(("还没有安排。", "None set yet."))}</p> })}
                <ul class="plain">
                    {m
                        .sessions
                        .iter()
                        .map(|s| {
                            view! {
                                <li data-testid="session">
                                    <strong>{s.starts.clone()}</strong>
                                    <p class="meta">{s.note.clone()}</p>
                                    {s
                                        .join
                                        .clone()
                                        .map(|href| {
                                            view! {
                                                <a
                                                    class="btn primary big"
                                                    href=href
                                                    target="_blank"
                                                    rel="noopener noreferrer"
                                                    data-testid="join-session"
                                                >
                                                    {p.t(("加入视频调解", "Join the video session"))}
                                                </a>
                                            }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {form}
            </section>
        }
        .into_any(),
    )
}

/// The chosen mediator cannot take the matter: written reasons, shown to the applicant (OMR
/// art. 12).
fn decline_choice_form(p: Prefs, id: i64, reasons: String) -> AnyView {
    view! {
        <details class="decline card" id="decline-choice">
            <summary>{p.t(("不能接受这件调解", "I cannot take this one"))}</summary>
            <form method="post" action=format!("/staff/mediations/{id}/decline-choice") class="form">
                <label for="reasons">
                    {p
                        .t((
                            "理由（例如：与一方有亲属关系、时间冲突），申请人会收到短信",
                            "Reasons (e.g. related to a party, no time); the applicant is texted",
                        ))}
                </label>
                <textarea id="reasons" name="reasons" rows="3">
                    {reasons}
                </textarea>
                <button type="submit" class="btn secondary" data-testid="decline-choice">
                    {p.t(("不接受，交法院另行指定", "Decline; the court designates another"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}

/// The invited side's answer. Before filing, who agrees gives an address for service; in a
/// case the court already holds one (the one confirmed at filing or service).
fn invitation_form(p: Prefs, id: i64, address: String, in_case: bool) -> AnyView {
    let (heading, text) = if in_case {
        (
            ("法官组织调解", "The judge offers mediation"),
            (
                "调解不收费。双方都同意才能达成协议。调解结案的，受理费减半。您不同意的，法院继续审理，依法判决。",
                "Mediation is free; nothing is agreed unless both sides agree. A case closed by mediation pays half the fee. If you refuse, the court goes on to try the case.",
            ),
        )
    } else {
        (
            ("对方申请和您调解", "You are invited to mediate"),
            (
                "调解不收费，由法院的调解员主持，双方都同意才能达成协议。您不同意的，调解就结束，对方可以去起诉。",
                "Mediation is free, led by a court mediator; nothing is agreed unless both agree. If you refuse, it ends and the other side may sue.",
            ),
        )
    };
    let address_field = (!in_case).then(|| {
        view! {
            <label for="address">
                {p
                    .t((
                        "您的送达地址（同意调解时填写）",
                        "Your address for service (if you agree)",
                    ))}
            </label>
            <input id="address" name="address" value=address />
        }
    });
    view! {
        <form
            method="post"
            action=format!("/mediations/{id}/answer")
            class="card form"
            id="answer"
            data-testid="invitation"
        >
            <h2>{p.t(heading)}</h2>
            <p>{p.t(text)}</p>
            {address_field}
            {warning(p)}
            <label for="note">{p.t(("不同意的原因（可以不写）", "Why not (optional)"))}</label>
            <input id="note" name="note" />
            <div class="actions">
                <button type="submit" name="answer" value="yes" class="btn primary big" data-testid="consent">
                    {p.t(("同意调解", "I agree to mediate"))}
                </button>
                <button type="submit" name="answer" value="no" class="btn secondary" data-testid="refuse">
                    {p.t(("不同意", "I refuse"))}
                </button>
            </div>
        </form>
    }
    .into_any()
}

fn change_view(p: Prefs, c: &ClauseChange) -> AnyView {
    match c {
        ClauseChange::Same(_) => ().into_any(),
        ClauseChange::Added(t) => view! {
            <li class="added">
                <strong>{p.t(("新增：", "Added: "))}</strong>
                {t.clone()}
            </li>
        }
        .into_any(),
        ClauseChange::Removed(t) => view! {
            <li class="removed">
                <strong>{p.t(("删去：", "Removed: "))}</strong>
                <del>{t.clone()}</del>
            </li>
        }
        .into_any(),
        ClauseChange::Changed { old, new } => view! {
            <li class="changed">
                <strong>{p.t(("改为：", "Changed to: "))}</strong>
                {new.clone()}
                <br />
                <span class="meta">{p.t(("原来是：", "Was: "))} <del>{old.clone()}</del></span>
            </li>
        }
        .into_any(),
    }
}

fn agreement_view(p: Prefs, m: &MediationView, a: AgreementView, request_id: String) -> AnyView {
    let id = m.id;
    let party = matches!(m.my_role, MediationRole::Applicant | MediationRole::Respondent);
    let may_sign = a.may_sign;
    let changes: Vec<_> = a.changes.iter().filter(|c| !matches!(c, ClauseChange::Same(_))).cloned().collect();
    view! {
        <section class="card agreement" id="agreement" data-testid="agreement">
            <h2>
                {p.t(("调解协议", "Mediation agreement"))} " · "
                <span data-testid="agreement-version">
                    {match p.lang {
                        crate::rules::Lang::Zh => format!("第{}版", a.version),
                        crate::rules::Lang::En => format!("version {}", a.version),
                    }}
                </span>
            </h2>
            {a
                .my_signature_voided
                .then(|| {
                    view! {
                        <p class="card warning" data-testid="signature-voided">
                            {p
                                .t((
                                    "协议改过了，您在旧版本上的签名已作废。请看下面改了什么，再决定是否签名。",
                                    "The agreement changed, and your signature on the old version is void. See what changed, then decide.",
                                ))}
                        </p>
                    }
                })}
            {(!changes.is_empty())
                .then(|| {
                    let since = a.since_version.unwrap_or(0);
                    view! {
                        <div class="card changes" data-testid="changes">
                            <h3>
                                {match p.lang {
                                    crate::rules::Lang::Zh => {
                                        format!("和第{since}版相比，改了这些：")
                                    }
                                    crate::rules::Lang::En => format!("What changed since version {since}:"),
                                }}
                            </h3>
                            <ul>{changes.iter().map(|c| change_view(p, c)).collect_view()}</ul>
                        </div>
                    }
                })}
            <ol class="clauses" data-testid="clauses">
                {a.clauses.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
            </ol>
            <p class="meta">
                {p.t(("拟定时间：", "Drafted: "))} {a.drafted.clone()} <br />
                {p
                    .t((
                        "协议指纹（SHA-256，改动一个字都会变）：",
                        "Fingerprint (SHA-256; any change alters it): ",
                    ))} <code class="hash" data-testid="agreement-sha">
                    {a.sha256.clone()}
                </code>
            </p>
            <h3>{p.t(("这一版的签名", "Signatures on this version"))}</h3>
            <ul class="plain" data-testid="signers">
                {a
                    .signers
                    .iter()
                    .map(|s| {
                        let status = match &s.signed_at {
                            Some(at) => format!("✓ {} {at}", p.t(("已签名", "signed"))),
                            None => p.t(("未签名", "not signed")).to_string(),
                        };
                        view! {
                            <li data-testid="signer">
                                <strong>{s.name.clone()}</strong>
                                " · "
                                {s.role.clone()}
                                " · "
                                {status}
                                {s.is_me.then(|| p.t(("（您）", " (you)")))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {may_sign.then(|| sign_forms(p, id, &a, request_id))}
            {(may_sign && party).then(|| decline_form(p, id, a.version, m.case_id.is_some()))}
        </section>
    }
    .into_any()
}

fn sign_forms(p: Prefs, id: i64, a: &AgreementView, request_id: String) -> AnyView {
    let hidden = view! {
        <input type="hidden" name="version" value=a.version.to_string() />
        <input type="hidden" name="sha256" value=a.sha256.clone() />
    };
    let act = CodedAct {
        act: "sign",
        heading: ("签名", "Sign"),
        intro: (
            "签名前要再确认一次是您本人：点下面的按钮，法院会给您的手机发一个验证码。",
            "Before signing we check it is you: tap below and the court texts a code to your phone.",
        ),
        first_code: ("获取签名验证码", "Text me a signing code"),
        confirm: (
            "我已读完全部条款，同意签名。签名后协议对我有约束力。",
            "I have read every clause and agree to sign. Once signed, it binds me.",
        ),
        submit: ("确认签名", "Sign"),
    };
    coded_act(
        p,
        id,
        request_id,
        act,
        hidden.into_any(),
        Some(view! { <SignaturePad lang=p.lang /> }.into_any()),
    )
}

/// An act that needs the identity check first (在线诉讼规则 art. 7): signing an agreement,
/// signing for a 调解书. The words of one such act; `act` names its door
/// (`/mediations/{id}/{act}`), its anchor and its test ids.
struct CodedAct {
    act: &'static str,
    heading: (&'static str, &'static str),
    intro: (&'static str, &'static str),
    first_code: (&'static str, &'static str),
    confirm: (&'static str, &'static str),
    submit: (&'static str, &'static str),
}

/// A button that texts a signing code, then (once one is sent) the form with the code, what
/// the act carries (`hidden`, `extra` after the code), a confirming tick and the submit.
fn coded_act(
    p: Prefs,
    id: i64,
    request_id: String,
    c: CodedAct,
    hidden: AnyView,
    extra: Option<AnyView>,
) -> AnyView {
    let has_code = !request_id.is_empty();
    let act = c.act;
    let form = has_code.then(|| {
        view! {
            <form
                method="post"
                action=format!("/mediations/{id}/{act}")
                class="form"
                data-testid=format!("{act}-form")
            >
                {hidden}
                <input type="hidden" name="request_id" value=request_id />
                <label for=format!(
                    "{act}-code-input",
                )>{p.t(("短信里的6位验证码", "The 6-digit code from the SMS"))}</label>
                <input
                    id=format!("{act}-code-input")
                    name="code"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="6"
                />
                {extra}
                <label class="check">
                    <input type="checkbox" name="confirmed" value="1" data-testid=format!("confirm-{act}") />
                    {p.t(c.confirm)}
                </label>
                <button type="submit" class="btn primary big" data-testid=format!("{act}-submit")>
                    {p.t(c.submit)}
                </button>
            </form>
        }
    });
    view! {
        <div id=act class=act data-testid=act>
            <h3>{p.t(c.heading)}</h3>
            <p>{p.t(c.intro)}</p>
            <form method="post" action=format!("/mediations/{id}/sign-code")>
                <input type="hidden" name="for" value=act />
                <button type="submit" class="btn secondary" data-testid=format!("{act}-code")>
                    {if has_code {
                        p.t(("重新获取验证码", "Send another code"))
                    } else {
                        p.t(c.first_code)
                    }}
                </button>
            </form>
            {form}
        </div>
    }
    .into_any()
}

fn decline_form(p: Prefs, id: i64, version: i64, in_case: bool) -> AnyView {
    let then = if in_case {
        p.t((
            "拒绝签名，这次调解就结束（在线调解规则第25条第7项），法院继续审理。想改某一条，请先打电话给法官。",
            "Refusing ends the mediation (OMR art. 25(7)); the court goes on to try the case. To change a clause, call the judge first.",
        ))
    } else {
        p.t((
            "拒绝签名，这次调解就结束（在线调解规则第25条第7项），之后可以去起诉。想改某一条，请先打电话给调解员。",
            "Refusing ends the mediation (OMR art. 25(7)); you may then sue. To change a clause, call the mediator first.",
        ))
    };
    view! {
        <details class="decline" id="decline">
            <summary>{p.t(("我不同意这份协议", "I do not agree to this"))}</summary>
            <form method="post" action=format!("/mediations/{id}/decline") class="form">
                <input type="hidden" name="version" value=version.to_string() />
                <p>{then}</p>
                <label for="reason">{p.t(("不签名的原因", "Why you will not sign"))}</label>
                <input id="reason" name="reason" />
                <button type="submit" class="btn secondary" data-testid="decline">
                    {p.t(("拒绝签名", "Refuse to sign"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}

fn editor_view(p: Prefs, m: &MediationView, draft: Option<String>) -> AnyView {
    let id = m.id;
    let based_on = m.agreement.as_ref().map_or(0, |a| a.version);
    let text = draft.unwrap_or_else(|| {
        m.agreement.as_ref().map(|a| a.clauses.join("\n")).unwrap_or_else(|| {
            p.t((
                "被申请人于____年__月__日前向申请人支付____元。\n申请人放弃其他请求。\n双方就本纠纷再无其他争议。",
                "The respondent pays the applicant ____ yuan by ____.\nThe applicant waives other claims.\nNo other dispute remains.",
            ))
            .to_string()
        })
    });
    view! {
        <form method="post" action=format!("/staff/mediations/{id}/agreement") class="card form" id="editor">
            <h2>{p.t(("拟定协议", "Draft the agreement"))}</h2>
            <p class="meta">
                {p
                    .t((
                        "一行一条。保存后是新的一版：旧版本上的签名全部作废，已签名的人会收到短信。",
                        "One clause a line. Saving makes a new version: signatures on the old one are void and signers are texted.",
                    ))}
            </p>
            <input type="hidden" name="based_on" value=based_on.to_string() />
            <label for="agreement-text">{p.t(("协议条款", "Clauses"))}</label>
            <textarea id="agreement-text" name="text" rows="8" data-testid="agreement-text">
                {text}
            </textarea>
            <button type="submit" class="btn primary" data-testid="save-version">
                {p.t(("保存为新版本", "Save as a new version"))}
            </button>
        </form>
    }
    .into_any()
}

fn end_form(p: Prefs, m: &MediationView, note: String) -> AnyView {
    let id = m.id;
    view! {
        <details class="card" id="end">
            <summary>{p.t(("结束调解（未达成协议）", "End without agreement"))}</summary>
            <form method="post" action=format!("/staff/mediations/{id}/end") class="form">
                <label for="ground">
                    {p.t(("结束原因（在线调解规则第25条）", "Ground (OMR art. 25)"))}
                </label>
                <select id="ground" name="ground">
                    {m
                        .end_grounds
                        .iter()
                        .map(|(code, label)| view! { <option value=code.clone()>{label.clone()}</option> })
                        .collect_view()}
                </select>
                <label for="end-note">
                    {p
                        .t((
                            "调解经过和失败原因（第21条）",
                            "How it went and why it failed (art. 21)",
                        ))}
                </label>
                <textarea id="end-note" name="note" rows="4">
                    {note}
                </textarea>
                <button type="submit" class="btn secondary" data-testid="end">
                    {p.t(("结束调解", "End mediation"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}

/// The download of an act's receipt from the service log, said in plain words: it proves the
/// signature (or 签收) was recorded, and anyone can check it.
fn receipt_link(p: Prefs, href: String, testid: &'static str) -> AnyView {
    view! {
        <p class="meta">
            <a href=href download data-testid=testid>
                {p.t(("下载凭证", "Download the receipt"))}
            </a>
            {p
                .t((
                    "（已记入法院的送达日志。凭证可以核验，事后谁也改不了这条记录。）",
                    " (Logged in the court's service log. The receipt can be checked; nobody can change the record afterwards.)",
                ))}
        </p>
    }
    .into_any()
}

fn ledger_view(p: Prefs, m: &MediationView) -> Option<AnyView> {
    if m.ledger.is_empty() {
        return None;
    }
    let id = m.id;
    Some(
        view! {
            <section class="card">
                <h2>{p.t(("签名记录", "Signature ledger"))}</h2>
                <ul class="plain ledger" data-testid="ledger">
                    {m
                        .ledger
                        .iter()
                        .map(|s| {
                            let img = s.drawn.then(|| format!("/mediations/{id}/signatures/{}", s.id));
                            view! {
                                <li class:voided=s.voided>
                                    <strong>{s.name.clone()}</strong>
                                    " · "
                                    {s.role.clone()}
                                    " · "
                                    {match p.lang {
                                        crate::rules::Lang::Zh => format!("第{}版", s.version),
                                        crate::rules::Lang::En => format!("v{}", s.version),
                                    }}
                                    " · "
                                    {s.signed_at.clone()}
                                    {s
                                        .voided
                                        .then(|| {
                                            view! { <span class="badge">{p.t(("已作废", "void"))}</span> }
                                        })}
                                    <br />
                                    <span class="meta">
                                        {s.identity_check.clone()} " · "
                                        <code class="hash">{s.sha256.clone()}</code>
                                        {(!s.device.is_empty()).then(|| format!(" · {}", s.device))}
                                    </span>
                                    {s.receipt.clone().map(|href| receipt_link(p, href, "signature-receipt"))}
                                    {img
                                        .map(|src| {
                                            view! {
                                                <img
                                                    class="signature-image"
                                                    src=src
                                                    alt=p.t(("手写签名", "Handwritten signature"))
                                                />
                                            }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
        .into_any(),
    )
}

/// 诉中调解: the agreement in force leads to the 调解书 (CPL 2023 art. 100), not to judicial
/// confirmation.
fn in_case_effective_view(p: Prefs, m: &MediationView, at: String) -> AnyView {
    view! {
        <section class="card ok-note" data-testid="effective">
            <h2>{p.t(("调解协议已签好", "The agreement is signed"))}</h2>
            <p>{p.t(("最后一人签名时间：", "Last signature: "))} <strong>{at}</strong></p>
            {m
                .agreement_pdf
                .clone()
                .map(|href| {
                    view! {
                        <p>
                            <a class="btn secondary" href=href data-testid="agreement-pdf">
                                {p
                                    .t((
                                        "打开调解协议（PDF，含各方签名）",
                                        "Open the agreement (PDF, with every signature)",
                                    ))}
                            </a>
                        </p>
                    }
                })}
            <p>
                {p
                    .t((
                        "法官会根据协议出具调解书（法院盖章的正式文书）。调解书要每位当事人在手机上签收后才生效。",
                        "The judge issues a mediation statement (the court's sealed document) from it. It takes effect only when every party has signed for it on the phone.",
                    ))}
            </p>
        </section>
    }
    .into_any()
}

/// The judge issues the 调解书 from the agreement in force.
fn issue_form(p: Prefs, id: i64) -> AnyView {
    view! {
        <form
            method="post"
            action=format!("/staff/mediations/{id}/statement")
            class="card form staff-action"
            id="statement"
            data-testid="issue-statement"
        >
            <h2>{p.t(("出具调解书", "Issue the mediation statement"))}</h2>
            <p>
                {p
                    .t((
                        "调解书写明诉讼请求、案件事实和调解结果，内容就是各方签好的协议。出具后各方会收到短信，在手机上核验身份后签收；全部签收才生效（民事诉讼法第100条）。",
                        "The statement gives the claims, the facts and the outcome — the agreement everyone signed. Each party is texted and signs for it on the phone after an identity check; it takes effect when all have (CPL art. 100).",
                    ))}
            </p>
            <button type="submit" class="btn primary" data-testid="issue-statement-submit">
                {p.t(("出具调解书并发给各方签收", "Issue it and send it to be signed for"))}
            </button>
        </form>
    }
    .into_any()
}

/// The 调解书: who has signed for it, the PDF, and — for a party that has not — the 签收
/// form: a fresh identity check by code, then an explicit confirmation (DOMAIN-2 §1.1 rule 19).
fn statement_view(p: Prefs, id: i64, st: StatementView, request_id: String) -> AnyView {
    view! {
        <section class="card" id="statement" data-testid="statement">
            <h2>{p.t(("民事调解书", "Mediation statement"))}</h2>
            <p>{p.t(("出具时间：", "Issued: "))} {st.issued_at.clone()}</p>
            <p>
                <a class="btn secondary" href=st.pdf.clone() data-testid="statement-pdf">
                    {p.t(("打开调解书（PDF）", "Open the statement (PDF)"))}
                </a>
            </p>
            <ul class="plain" data-testid="receipts">
                {st
                    .receipts
                    .iter()
                    .map(|r| {
                        let status = match &r.at {
                            Some(at) => format!("{}{at}", p.t(("已签收 ", "signed for "))),
                            None => p.t(("尚未签收", "not yet signed for")).to_string(),
                        };
                        view! {
                            <li>
                                <strong>{r.name.clone()}</strong>
                                " · "
                                {status}
                                {r.receipt.clone().map(|href| receipt_link(p, href, "receive-receipt"))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {st
                .in_force_at
                .clone()
                .map(|at| {
                    view! {
                        <p class="ok-note" data-testid="statement-in-force">
                            {p
                                .t((
                                    "调解书已生效（最后一人签收）：",
                                    "In force since the last signature for it: ",
                                ))}
                            <strong>{at}</strong>
                            {p
                                .t((
                                    "。案件以调解结案，受理费减半。",
                                    ". The case is closed by mediation; the fee halves.",
                                ))}
                        </p>
                    }
                })}
            {st
                .may_receive
                .then(|| {
                    let act = CodedAct {
                        act: "receive",
                        heading: ("签收调解书", "Sign for the statement"),
                        intro: (
                            "请先打开调解书读一遍。签收前要再确认一次是您本人：点下面的按钮，法院给您的手机发验证码。签收后，调解书对您生效，不能再反悔。",
                            "Open the statement and read it first. Before you sign for it we check it is you: tap below for a code by SMS. Once you sign for it, it binds you and you can no longer back out.",
                        ),
                        first_code: ("获取签收验证码", "Text me a code"),
                        confirm: (
                            "我已读完调解书，确认签收。",
                            "I have read the statement and sign for it.",
                        ),
                        submit: ("确认签收", "Sign for it"),
                    };
                    coded_act(p, id, request_id.clone(), act, ().into_any(), None)
                })}
        </section>
    }
    .into_any()
}

/// A party of a case's mediation backs out before its own 签收 (CPL 2023 art. 102).
fn back_out_form(p: Prefs, id: i64, note: String) -> AnyView {
    view! {
        <details class="decline card" id="back-out">
            <summary>{p.t(("我不同意调解了", "I no longer agree"))}</summary>
            <form method="post" action=format!("/mediations/{id}/back-out") class="form">
                <p>
                    {p
                        .t((
                            "在您签收调解书之前，可以不同意调解。调解就结束，法院继续审理，依法作出判决（民事诉讼法第102条）。",
                            "Until you sign for the statement you may withdraw. The mediation then ends and the court goes on to try the case (CPL art. 102).",
                        ))}
                </p>
                <label for="back-out-reason">{p.t(("原因", "Why"))}</label>
                <input id="back-out-reason" name="reason" value=note />
                <button type="submit" class="btn secondary" data-testid="back-out">
                    {p.t(("不同意调解", "Withdraw from mediation"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}

/// The case's judge asks each party whether it agrees to mediate (OMR art. 24: the period
/// starts when all have); no address is asked — the case has them.
/// A proposal to lengthen the period, with each party's answer; a party that has not
/// answered agrees or not here (OMR art. 24: only if all agree).
fn extension_view(p: Prefs, id: i64, x: crate::api::types::ExtensionView) -> AnyView {
    view! {
        <section class="card" id="extension" data-testid="extension">
            <h2>{p.t(("提议延长调解期限", "Proposal to extend the period"))}</h2>
            <p>
                {match p.lang {
                    crate::rules::Lang::Zh => format!("延长{}日。理由：{}", x.days, x.reason),
                    crate::rules::Lang::En => format!("{} more days. Why: {}", x.days, x.reason),
                }}
            </p>
            <p class="hint">
                {p
                    .t((
                        "各方都同意才延长；有一方不同意，期限不变。",
                        "Only if every party agrees; if anyone does not, the period stays.",
                    ))}
            </p>
            <ul class="plain" data-testid="extension-answers">
                {x
                    .answers
                    .iter()
                    .map(|(name, answer)| {
                        view! {
                            <li>
                                <strong>{name.clone()}</strong>
                                " · "
                                {answer.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {x
                .may_answer
                .then(|| {
                    view! {
                        <form method="post" action=format!("/mediations/{id}/extension") class="actions">
                            <button
                                type="submit"
                                name="answer"
                                value="yes"
                                class="btn primary"
                                data-testid="extension-agree"
                            >
                                {p.t(("同意延长", "Agree"))}
                            </button>
                            <button
                                type="submit"
                                name="answer"
                                value="no"
                                class="btn secondary"
                                data-testid="extension-refuse"
                            >
                                {p.t(("不同意", "Do not agree"))}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
    .into_any()
}

/// The mediator proposes a longer period; what was typed comes back after a refusal.
fn propose_extension_form(p: Prefs, id: i64, q: &leptos_router::params::ParamsMap) -> AnyView {
    view! {
        <details class="card" id="extension">
            <summary>{p.t(("提议延长调解期限", "Propose a longer period"))}</summary>
            <form
                method="post"
                action=format!("/staff/mediations/{id}/extension")
                class="form"
                data-testid="propose-extension"
            >
                <p class="hint">
                    {p
                        .t((
                            "各方都同意，调解可以延长（在线调解规则第24条）；诉讼中的延长期间不计入审限。",
                            "With every party's agreement the period may be longer (OMR art. 24); in a case, the extra time does not count toward the trial limit.",
                        ))}
                </p>
                <label for="extension-days">
                    {p.t(("延长几天（1到30天）", "Days to add (1 to 30)"))}
                </label>
                <input
                    id="extension-days"
                    name="days"
                    inputmode="numeric"
                    value=q.get("days").unwrap_or_default()
                />
                <label for="extension-reason">{p.t(("理由", "Why"))}</label>
                <input id="extension-reason" name="reason" value=q.get("reason").unwrap_or_default() />
                <button type="submit" class="btn secondary" data-testid="propose-extension-submit">
                    {p.t(("发给各方确认", "Send to the parties"))}
                </button>
            </form>
        </details>
    }
    .into_any()
}
