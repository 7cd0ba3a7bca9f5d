//! 网上立案: "my filings" (`/filings`) and the guided filing, one screen per step
//! (`/filings/{id}/{step}`). Every screen is a plain form that saves on the server
//! (`server/src/filing_forms.rs`), so it works without JavaScript and resumes on any phone;
//! the islands only add checks as the litigant types and the resumable evidence upload.

use super::{redirect_to_sign_in, viewer, ErrorNote};
use crate::api::fns::{load_filing, my_filings};
use crate::api::types::{FilingPage, FilingSummary, UploadView};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::rules::filing::{AgentKind, Cause, PartyDraft, PartyKind, Problem, Side, Step};
use crate::rules::lifecycle::Procedure;
use crate::ui::checked_input::CheckedInput;
use crate::ui::uploader::EvidenceUploader;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The message for a `?error=` code (fixed texts only).
fn error_text(p: Prefs, code: &str) -> &'static str {
    crate::api::Refusal::message_for_code(code, p.lang)
}

/// "我要立案": the open drafts and a button to start one.
#[component]
pub fn FilingsPage() -> impl IntoView {
    let p = viewer().prefs;
    let query = use_query_map().read_untracked().clone();
    let error = query.get("error");
    let list = Resource::new_blocking(|| (), |_| my_filings());
    view! {
        <h1>{p.t(("网上立案", "File a case online"))}</h1>
        <p class="lead">
            {p
                .t((
                    "按步骤填写：案由、原告和被告、诉讼请求、证据、接收文书的方式。每一步都会自动保存，换一部手机也能接着填。",
                    "Step by step: the kind of case, the parties, your claims, evidence, and how to receive papers. Each step is saved, so you can go on from another phone.",
                ))}
        </p>
        {error
            .map(|code| {
                let profile = code == "profile";
                view! {
                    <div class="card error-note" role="alert" data-testid="filing-error">
                        <p>{error_text(p, &code)}</p>
                        {profile
                            .then(|| {
                                view! {
                                    <a class="btn primary" href="/profile">
                                        {p.t(("去实名认证", "Complete my profile"))}
                                    </a>
                                }
                            })}
                    </div>
                }
            })}
        <form method="post" action="/filings/new">
            <button type="submit" class="btn primary" data-testid="new-filing">
                {p.t(("开始新的立案", "Start a new filing"))}
            </button>
        </form>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => drafts_view(p, list).into_any(),
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

fn drafts_view(p: Prefs, list: Vec<FilingSummary>) -> AnyView {
    if list.is_empty() {
        return ().into_any();
    }
    view! {
        <h2>{p.t(("没填完的立案", "Filings not yet sent"))}</h2>
        <ul class="case-list" data-testid="draft-list">
            {list
                .into_iter()
                .map(|f| {
                    let href = format!("/filings/{}/court", f.id);
                    let status = if f.status == "correcting" {
                        p.t(("需要补正", "Correction needed"))
                    } else {
                        p.t(("草稿", "Draft"))
                    };
                    view! {
                        <li class="case-card">
                            <a href=href>
                                <span class="case-title">{f.title}</span>
                                <span class="badge">{status}</span>
                                <span class="meta">{p.t(("保存于 ", "Saved "))} {f.updated}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// One screen of the guided filing.
#[component]
pub fn FilingStepPage() -> impl IntoView {
    let p = viewer().prefs;
    let params = use_params_map().read_untracked().clone();
    let id = params.get("id").and_then(|s| s.parse::<i64>().ok());
    let step = params.get("step").and_then(|s| Step::from_code(&s)).unwrap_or(Step::Court);
    let query = use_query_map().read_untracked().clone();
    let error = query.get("error");
    let saved = query.get("saved").is_some();
    let check = query.get("check").is_some();
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_filing(id).await,
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
                        Ok(mut f) => {
                            if !check && step != Step::Review {
                                let draft = f.draft.clone();
                                f.problems.retain(|x| typed(&draft, &x.field));
                            }
                            step_view(p, f, step, error, saved)
                        }
                        Err(AppError::NotSignedIn(_)) => {
                            redirect_to_sign_in();
                            ().into_any()
                        }
                        Err(e) => {
                            // Under a field: what is wrong with what was typed. What is still
                            // missing is listed on the review screen, whose links come back
                            // here with `?check=1` to mark those fields too.
                            view! { <ErrorNote error=e /> }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

fn step_view(p: Prefs, f: FilingPage, step: Step, error: Option<String>, saved: bool) -> AnyView {
    if f.status == "submitted" {
        let href = f.case_id.map(|c| format!("/cases/{c}")).unwrap_or_else(|| "/cases".into());
        return view! {
            <h1>{p.t(("立案申请已提交", "Filing sent"))}</h1>
            <p class="card">
                {p
                    .t((
                        "法院正在审查您的立案申请。进度、期限和法院的决定都在案件页面。",
                        "The court is reviewing it. Progress, deadlines and the court's decision are on the case page.",
                    ))}
            </p>
            <a class="btn primary" href=href>
                {p.t(("查看案件进度", "See its progress"))}
            </a>
        }
        .into_any();
    }
    let id = f.id;
    let with_problems: Vec<Step> = f.problems.iter().map(|x| x.step).collect();
    let nav = Step::ALL
        .into_iter()
        .map(|s| {
            let current = s == step;
            let flagged = s < step && with_problems.contains(&s);
            let class = match (current, flagged) {
                (true, _) => "current",
                (_, true) => "flagged",
                _ => "",
            };
            view! {
                <li class=class>
                    <a href=format!("/filings/{id}/{}", s.code()) aria-current=current.then_some("step")>
                        {s.number()}
                        ". "
                        {s.label(p.lang)}
                    </a>
                </li>
            }
        })
        .collect_view();
    let body = match step {
        Step::Court => court_step(p, &f),
        Step::Parties => parties_step(p, &f),
        Step::Claims => claims_step(p, &f),
        Step::Evidence => evidence_step(p, &f),
        Step::Service => service_step(p, &f),
        Step::Review => review_step(p, &f),
    };
    let correction = f.correction.clone().map(|c| {
        view! {
            <div class="card alert" role="alert" data-testid="correction-box">
                <h2>{p.t(("法院要求补正", "The court asks you to add"))}</h2>
                <ul>{c.items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                {(!c.note.is_empty()).then(|| view! { <p>{c.note}</p> })}
                <p class="hint">
                    {p
                        .t((
                            "改好后在最后一步重新提交，法院从收到补正材料之日起重新计算7日审查期。",
                            "When done, send it again from the last step; the 7-day review restarts when the court receives it.",
                        ))}
                </p>
            </div>
        }
    });
    view! {
        <h1>{p.t(("网上立案", "File a case online"))}</h1>
        <nav class="steps" aria-label=p.t(("立案步骤", "Filing steps"))>
            <ol>{nav}</ol>
        </nav>
        {correction}
        {error
            .map(|code| {
                view! {
                    <p class="card error-note" role="alert" data-testid="filing-error">
                        {error_text(p, &code)}
                    </p>
                }
            })}
        {saved
            .then(|| {
                view! {
                    <p class="ok-note" role="status">
                        {p.t(("已保存。", "Saved."))}
                    </p>
                }
            })}
        <h2 data-testid="step-title">{step.number()} ". " {step.label(p.lang)}</h2>
        {body}
    }
    .into_any()
}

/// Whether the litigant typed something into `field` (a path like `plaintiffs.0.id_number`).
fn typed(d: &crate::rules::filing::Draft, field: &str) -> bool {
    let parts: Vec<&str> = field.split('.').collect();
    let party = |list: &[PartyDraft], i: &str, name: &str| -> String {
        let Some(p) = i.parse::<usize>().ok().and_then(|i| list.get(i)) else {
            return String::new();
        };
        match name {
            "name" => p.name.as_str(),
            "id_number" => p.id_number.as_str(),
            "phone" => p.phone.as_str(),
            "address" => p.address.as_str(),
            "representative" => p.representative.as_str(),
            _ => "",
        }
        .trim()
        .to_string()
    };
    let value = match parts.as_slice() {
        ["plaintiffs", i, name] => party(&d.plaintiffs, i, name),
        ["defendants", i, name] => party(&d.defendants, i, name),
        ["agent", name] => d
            .agent
            .as_ref()
            .map(|a| match *name {
                "name" => a.name.clone(),
                "phone" => a.phone.clone(),
                "licence" => a.licence.clone(),
                _ => String::new(),
            })
            .unwrap_or_default(),
        ["claims", i, "text"] => {
            i.parse::<usize>().ok().and_then(|i| d.claims.get(i)).map(|c| c.text.clone()).unwrap_or_default()
        }
        ["claims", i, "amount_yuan"] => i
            .parse::<usize>()
            .ok()
            .and_then(|i| d.claims.get(i))
            .map(|c| c.amount_yuan.clone())
            .unwrap_or_default(),
        ["facts"] => d.facts.clone(),
        ["sms_phone"] => d.service.sms_phone.clone(),
        ["email"] => d.service.email.clone(),
        ["evidence", i, name] => i
            .parse::<usize>()
            .ok()
            .and_then(|i| d.evidence.get(i))
            .map(|e| if *name == "title" { e.title.clone() } else { e.purpose.clone() })
            .unwrap_or_default(),
        _ => String::new(),
    };
    !value.trim().is_empty()
}

/// The problems of one field, shown under it.
fn problem_of(problems: &[Problem], field: &str) -> Option<String> {
    problems.iter().find(|x| x.field == field).map(|x| x.message.clone())
}

fn hidden(f: &FilingPage, step: Step) -> impl IntoView {
    view! {
        <input type="hidden" name="step" value=step.code() />
        <input type="hidden" name="version" value=f.version.to_string() />
    }
}

/// Back / save / next, at the bottom of every screen.
fn buttons(p: Prefs, step: Step) -> impl IntoView {
    view! {
        <div class="actions">
            {(step != Step::Court)
                .then(|| {
                    view! {
                        <button type="submit" name="op" value="back" class="btn secondary">
                            {p.t(("上一步", "Back"))}
                        </button>
                    }
                })} <button type="submit" name="op" value="next" class="btn primary" data-testid="next">
                {p.t(("保存，下一步", "Save and go on"))}
            </button>
        </div>
    }
}

fn court_step(p: Prefs, f: &FilingPage) -> AnyView {
    let d = &f.draft;
    let cross = !d.receiving_court_code.is_empty();
    let causes = Cause::ALL
        .into_iter()
        .map(|c| {
            let checked = d.cause == Some(c);
            view! {
                <label class="choice">
                    <input type="radio" name="cause" value=c.code() checked=checked />
                    <span>
                        <strong>{c.label(p.lang)}</strong>
                        <small class="hint">{c.hint(p.lang)}</small>
                    </span>
                </label>
            }
        })
        .collect_view();
    let court_options = |selected: &str| {
        f.courts
            .iter()
            .map(|c| {
                view! {
                    <option value=c.code.clone() selected=c.code == selected>
                        {c.name.clone()}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <form method="post" action=format!("/filings/{}/save", f.id) class="card form">
            {hidden(f, Step::Court)}
            <fieldset>
                <legend>{p.t(("这是什么纠纷？（案由）", "What is the dispute about?"))}</legend>
                {causes}
            </fieldset>
            <label for="court_code">{p.t(("向哪个法院起诉", "Court you file with"))}</label>
            <select id="court_code" name="court_code">
                {court_options(&d.court_code)}
            </select>
            <fieldset>
                <legend>{p.t(("在哪里递交材料？", "Where do you hand it in?"))}</legend>
                <label class="choice">
                    <input type="radio" name="cross" value="no" checked=!cross />
                    <span>{p.t(("就在网上直接提交", "Online, straight to that court"))}</span>
                </label>
                <label class="choice">
                    <input type="radio" name="cross" value="yes" checked=cross />
                    <span>
                        <strong>{p.t(("跨域立案", "Cross-region filing"))}</strong>
                        <small class="hint">
                            {p
                                .t((
                                    "在离您近的另一家法院窗口递交，由那里的工作人员核对身份和材料后转交。",
                                    "Hand in at a nearer court; its staff check your identity and papers and pass them on.",
                                ))}
                        </small>
                    </span>
                </label>
                <label for="receiving_court_code">
                    {p.t(("递交材料的法院", "Court you hand in at"))}
                </label>
                <select id="receiving_court_code" name="receiving_court_code">
                    <option value="">{p.t(("（选择法院）", "(choose)"))}</option>
                    {court_options(&d.receiving_court_code)}
                </select>
            </fieldset>
            {buttons(p, Step::Court)}
        </form>
    }
    .into_any()
}

fn party_view(p: Prefs, f: &FilingPage, side: Side, i: usize, party: &PartyDraft) -> AnyView {
    let list = match side {
        Side::Plaintiff => "plaintiffs",
        Side::Defendant => "defendants",
    };
    let prefix = format!("{list}.{i}");
    let problem = |name: &str| problem_of(&f.problems, &format!("{prefix}.{name}"));
    let org = party.kind == PartyKind::Organisation;
    let required = side == Side::Plaintiff;
    let title = match p.lang {
        crate::rules::Lang::Zh => {
            format!("{}{}（{}）", side.label(p.lang), i + 1, if org { "单位" } else { "个人" })
        }
        crate::rules::Lang::En => {
            format!("{} {} ({})", side.label(p.lang), i + 1, if org { "organisation" } else { "person" })
        }
    };
    let (id_kind, id_label) = if org {
        ("credit_code", p.t(("统一社会信用代码", "Unified social credit code")))
    } else if required {
        ("resident_id", p.t(("身份证号码", "Resident ID number")))
    } else {
        ("resident_id", p.t(("身份证号码（知道就填）", "Resident ID number (if known)")))
    };
    let phone_label = if required {
        p.t(("手机号码", "Mobile number"))
    } else {
        p.t(("手机号码（知道就填）", "Mobile number (if known)"))
    };
    let remove = format!("remove_{}.{i}", side.code());
    view! {
        <fieldset class="party" data-testid=format!("{list}-{i}")>
            <legend>{title}</legend>
            <CheckedInput
                name=format!("{prefix}.name")
                kind="name".to_string()
                label=if org {
                    p.t(("单位名称", "Name of the organisation")).to_string()
                } else {
                    p.t(("姓名", "Full name")).to_string()
                }
                value=party.name.clone()
                required=true
                server_error=problem("name")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            <CheckedInput
                name=format!("{prefix}.id_number")
                kind=id_kind.to_string()
                label=id_label.to_string()
                value=party.id_number.clone()
                required=required
                server_error=problem("id_number")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            {org
                .then(|| {
                    view! {
                        <CheckedInput
                            name=format!("{prefix}.representative")
                            kind="name".to_string()
                            label=p.t(("法定代表人", "Legal representative")).to_string()
                            value=party.representative.clone()
                            required=true
                            server_error=problem("representative")
                            lang=p.lang
                            keep=format!("{}:{}", f.id, f.version)
                        />
                    }
                })}
            <CheckedInput
                name=format!("{prefix}.phone")
                kind="mobile".to_string()
                label=phone_label.to_string()
                value=party.phone.clone()
                required=required
                server_error=problem("phone")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            <CheckedInput
                name=format!("{prefix}.address")
                kind="text".to_string()
                label=p
                    .t((
                        "住址（法院寄文书的地址）",
                        "Address (where court papers can reach them)",
                    ))
                    .to_string()
                value=party.address.clone()
                required=true
                server_error=problem("address")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            <button type="submit" name="op" value=remove class="btn plain">
                {p.t(("删除这一位", "Remove"))}
            </button>
        </fieldset>
    }
    .into_any()
}

fn parties_step(p: Prefs, f: &FilingPage) -> AnyView {
    let d = &f.draft;
    let plaintiffs =
        d.plaintiffs.iter().enumerate().map(|(i, x)| party_view(p, f, Side::Plaintiff, i, x)).collect_view();
    let defendants =
        d.defendants.iter().enumerate().map(|(i, x)| party_view(p, f, Side::Defendant, i, x)).collect_view();
    let list_problem = |name: &str| {
        problem_of(&f.problems, name).map(|m| {
            view! {
                <p class="field-error" role="alert">
                    {m}
                </p>
            }
        })
    };
    let agent = d.agent.clone().map(|a| {
        let problem = |name: &str| problem_of(&f.problems, &format!("agent.{name}"));
        let kinds = [AgentKind::Lawyer, AgentKind::Relative, AgentKind::Other]
            .into_iter()
            .map(|k| {
                view! {
                    <option value=k.code() selected=a.kind == k>
                        {k.label(p.lang)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <fieldset class="party" data-testid="agent">
                <legend>{p.t(("诉讼代理人", "Agent"))}</legend>
                <label for="agent.kind">{p.t(("代理人身份", "Agent is a"))}</label>
                <select id="agent.kind" name="agent.kind">
                    {kinds}
                </select>
                <CheckedInput
                    name="agent.name".to_string()
                    kind="name".to_string()
                    label=p.t(("代理人姓名", "Agent's name")).to_string()
                    value=a.name.clone()
                    required=true
                    server_error=problem("name")
                    lang=p.lang
                    keep=format!("{}:{}", f.id, f.version)
                />
                <CheckedInput
                    name="agent.phone".to_string()
                    kind="mobile".to_string()
                    label=p.t(("代理人手机号码", "Agent's mobile number")).to_string()
                    value=a.phone.clone()
                    required=true
                    server_error=problem("phone")
                    lang=p.lang
                    keep=format!("{}:{}", f.id, f.version)
                />
                <CheckedInput
                    name="agent.licence".to_string()
                    kind="text".to_string()
                    label=p
                        .t(("律师执业证号（律师填写）", "Lawyer's licence number (lawyers only)"))
                        .to_string()
                    value=a.licence.clone()
                    required=false
                    server_error=problem("licence")
                    lang=p.lang
                    keep=format!("{}:{}", f.id, f.version)
                />
                <p class="hint">
                    {p
                        .t((
                            "授权委托书（当事人签字）在“证据”一步上传。",
                            "Upload the power of attorney (signed by the party) in the Evidence step.",
                        ))}
                </p>
                <button type="submit" name="op" value="remove_agent" class="btn plain">
                    {p.t(("没有代理人", "No agent"))}
                </button>
            </fieldset>
        }
    });
    view! {
        <form method="post" action=format!("/filings/{}/save", f.id) class="card form">
            {hidden(f, Step::Parties)}
            <h3>{p.t(("原告（起诉的人）", "Plaintiffs (who sue)"))}</h3>
            {list_problem("plaintiffs")}
            {plaintiffs}
            <div class="row">
                <button type="submit" name="op" value="add_plaintiff_person" class="btn secondary">
                    {p.t(("＋ 原告（个人）", "+ Plaintiff (person)"))}
                </button>
                <button type="submit" name="op" value="add_plaintiff_org" class="btn secondary">
                    {p.t(("＋ 原告（单位）", "+ Plaintiff (organisation)"))}
                </button>
            </div>
            <h3>{p.t(("被告（被起诉的人）", "Defendants (who are sued)"))}</h3>
            {list_problem("defendants")}
            {defendants}
            <div class="row">
                <button
                    type="submit"
                    name="op"
                    value="add_defendant_person"
                    class="btn secondary"
                    data-testid="add-defendant"
                >
                    {p.t(("＋ 被告（个人）", "+ Defendant (person)"))}
                </button>
                <button type="submit" name="op" value="add_defendant_org" class="btn secondary">
                    {p.t(("＋ 被告（单位）", "+ Defendant (organisation)"))}
                </button>
            </div>
            {list_problem("agent")}
            {match agent {
                Some(a) => a.into_any(),
                None => {
                    view! {
                        <button type="submit" name="op" value="add_agent" class="btn plain">
                            {p.t(("＋ 有律师或亲属代理", "+ A lawyer or relative acts for me"))}
                        </button>
                    }
                        .into_any()
                }
            }}
            <span id="last"></span>
            {buttons(p, Step::Parties)}
        </form>
    }
    .into_any()
}

fn claims_step(p: Prefs, f: &FilingPage) -> AnyView {
    let d = &f.draft;
    let mut claims = d.claims.clone();
    if claims.is_empty() {
        claims.push(Default::default());
    }
    let rows = claims
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            view! {
                <fieldset class="claim" data-testid=format!("claim-{i}")>
                    <legend>{p.t(("诉讼请求 ", "Claim "))} {i + 1}</legend>
                    <CheckedInput
                        name=format!("claims.{i}.text")
                        kind="textarea".to_string()
                        label=p.t(("要求法院判什么", "What you ask the court to order")).to_string()
                        value=c.text
                        required=true
                        server_error=problem_of(&f.problems, &format!("claims.{i}.text"))
                        lang=p.lang
                        keep=format!("{}:{}", f.id, f.version)
                    />
                    <CheckedInput
                        name=format!("claims.{i}.amount_yuan")
                        kind="yuan".to_string()
                        label=p
                            .t(("金额（元，没有就不填）", "Amount in yuan (leave empty if none)"))
                            .to_string()
                        value=c.amount_yuan
                        required=false
                        server_error=problem_of(&f.problems, &format!("claims.{i}.amount_yuan"))
                        lang=p.lang
                        keep=format!("{}:{}", f.id, f.version)
                    />
                    <button type="submit" name="op" value=format!("remove_claim.{i}") class="btn plain">
                        {p.t(("删除这一条", "Remove"))}
                    </button>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=format!("/filings/{}/save", f.id) class="card form">
            {hidden(f, Step::Claims)}
            <p class="hint">
                {p
                    .t((
                        "例如：“判令被告归还借款50000元”“判令被告承担本案诉讼费”。一条写一件事。",
                        "For example: \"Order the defendant to repay the 50,000 yuan loan\". One thing per claim.",
                    ))}
            </p>
            {rows}
            <button type="submit" name="op" value="add_claim" class="btn secondary">
                {p.t(("＋ 再加一条请求", "+ Another claim"))}
            </button>
            <CheckedInput
                name="facts".to_string()
                kind="textarea".to_string()
                label=p
                    .t((
                        "事实和理由：发生了什么，为什么起诉",
                        "Facts and reasons: what happened and why you sue",
                    ))
                    .to_string()
                value=d.facts.clone()
                required=true
                server_error=problem_of(&f.problems, "facts")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            <span id="last"></span>
            {buttons(p, Step::Claims)}
        </form>
    }
    .into_any()
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn evidence_step(p: Prefs, f: &FilingPage) -> AnyView {
    let d = &f.draft;
    let poa = d.agent.as_ref().map(|a| a.poa_upload.clone());
    // Everything uploaded: what the draft says about it, or (new) its file name as the title.
    let rows: Vec<(UploadView, String, String, bool)> = f
        .uploads
        .iter()
        .map(|u| {
            let saved = d.evidence.iter().find(|e| e.upload_id == u.id);
            let title = saved.map(|e| e.title.clone()).unwrap_or_else(|| {
                u.file_name
                    .rsplit_once('.')
                    .map(|(stem, _)| stem.to_string())
                    .unwrap_or_else(|| u.file_name.clone())
            });
            let purpose = saved.map(|e| e.purpose.clone()).unwrap_or_default();
            (u.clone(), title, purpose, poa.as_deref() == Some(u.id.as_str()))
        })
        .collect();
    let is_agent_filing = d.agent.is_some();
    let list = rows
        .into_iter()
        .enumerate()
        .map(|(i, (u, title, purpose, is_poa))| {
            let href = format!("/filings/{}/files/{}", f.id, u.id);
            view! {
                <fieldset class="evidence" data-testid=format!("evidence-{i}")>
                    <legend>
                        <a href=href target="_blank" rel="noopener">
                            {u.file_name.clone()}
                        </a>
                        " · "
                        {size_text(u.size_bytes)}
                    </legend>
                    <input type="hidden" name=format!("evidence.{i}.upload_id") value=u.id.clone() />
                    {is_agent_filing
                        .then(|| {
                            view! {
                                <label class="choice">
                                    <input
                                        type="checkbox"
                                        name=format!("evidence.{i}.kind")
                                        value="poa"
                                        checked=is_poa
                                    />
                                    <span>
                                        {p.t(("这是授权委托书", "This is the power of attorney"))}
                                    </span>
                                </label>
                            }
                        })}
                    <CheckedInput
                        name=format!("evidence.{i}.title")
                        kind="text".to_string()
                        label=p
                            .t((
                                "证据名称（如：借条、转账记录）",
                                "What it is (e.g. IOU, transfer record)",
                            ))
                            .to_string()
                        value=title
                        required=true
                        server_error=problem_of(&f.problems, &format!("evidence.{i}.title"))
                        lang=p.lang
                        keep=format!("{}:{}", f.id, f.version)
                    />
                    <CheckedInput
                        name=format!("evidence.{i}.purpose")
                        kind="text".to_string()
                        label=p.t(("证明什么（可不填）", "What it proves (optional)")).to_string()
                        value=purpose
                        required=false
                        server_error=None
                        lang=p.lang
                        keep=format!("{}:{}", f.id, f.version)
                    />
                    <button type="submit" name="op" value=format!("remove_evidence.{i}") class="btn plain">
                        {p.t(("不用这份", "Leave this out"))}
                    </button>
                </fieldset>
            }
        })
        .collect_view();
    let problems = ["evidence", "agent.poa_upload"]
        .into_iter()
        .filter_map(|name| problem_of(&f.problems, name))
        .map(|m| {
            view! {
                <p class="field-error" role="alert">
                    {m}
                </p>
            }
        })
        .collect_view();
    view! {
        <div class="card">
            <p class="hint">
                {p
                    .t((
                        "可以上传照片（JPG、PNG、HEIC）、PDF、录音（MP3、M4A）和视频（MP4）。",
                        "You can upload photos (JPG, PNG, HEIC), PDF, recordings (MP3, M4A) and video (MP4).",
                    ))} " "
                {match p.lang {
                    crate::rules::Lang::Zh => {
                        format!(
                            "每个文件不超过{}MB，全部不超过{}MB。网络断了不要紧，回来后会接着传。",
                            f.max_file_mb,
                            f.max_filing_mb,
                        )
                    }
                    crate::rules::Lang::En => {
                        format!(
                            "Up to {} MB per file and {} MB in all. If the connection drops, the upload goes on where it stopped.",
                            f.max_file_mb,
                            f.max_filing_mb,
                        )
                    }
                }}
            </p>
            <EvidenceUploader filing_id=f.id lang=p.lang max_file_mb=f.max_file_mb />
        </div>
        <form method="post" action=format!("/filings/{}/save", f.id) class="card form">
            {hidden(f, Step::Evidence)}
            {problems}
            {list}
            <button type="submit" name="op" value="save" id="evidence-save" class="btn secondary">
                {p.t(("保存", "Save"))}
            </button>
            {buttons(p, Step::Evidence)}
        </form>
    }
    .into_any()
}

fn service_step(p: Prefs, f: &FilingPage) -> AnyView {
    let s = &f.draft.service;
    view! {
        <form method="post" action=format!("/filings/{}/save", f.id) class="card form">
            {hidden(f, Step::Service)}
            <p>
                {p
                    .t((
                        "同意后，法院的通知、传票、判决书等会发到本应用的“我的案件”里，并用短信提醒您。送到就算送达，请注意查看。",
                        "If you agree, notices, summonses and judgments come to My cases in this app, with an SMS alert. Arrival counts as service, so please look out for them.",
                    ))}
            </p>
            <p class="source">"民事诉讼法 第90条；人民法院在线诉讼规则 第29条"</p>
            <fieldset>
                <legend>
                    {p
                        .t((
                            "是否同意用手机接收法院文书？",
                            "Receive court papers on your phone?",
                        ))}
                </legend>
                <label class="choice">
                    <input type="radio" name="consent" value="yes" checked=s.consent == Some(true) />
                    <span>{p.t(("同意", "Yes, I agree"))}</span>
                </label>
                <label class="choice">
                    <input type="radio" name="consent" value="no" checked=s.consent == Some(false) />
                    <span>{p.t(("不同意，邮寄给我", "No, send them by post"))}</span>
                </label>
                {problem_of(&f.problems, "consent")
                    .map(|m| {
                        view! {
                            <p class="field-error" role="alert">
                                {m}
                            </p>
                        }
                    })}
            </fieldset>
            <CheckedInput
                name="sms_phone".to_string()
                kind="mobile".to_string()
                label=p.t(("接收短信提醒的手机号码", "Mobile number for SMS alerts")).to_string()
                value=s.sms_phone.clone()
                required=false
                server_error=problem_of(&f.problems, "sms_phone")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            <CheckedInput
                name="email".to_string()
                kind="email".to_string()
                label=p.t(("电子邮箱（可不填）", "E-mail (optional)")).to_string()
                value=s.email.clone()
                required=false
                server_error=problem_of(&f.problems, "email")
                lang=p.lang
                keep=format!("{}:{}", f.id, f.version)
            />
            {buttons(p, Step::Service)}
        </form>
    }
    .into_any()
}

fn procedure_text(p: Prefs, procedure: Procedure) -> &'static str {
    match procedure {
        Procedure::SmallClaims => p.t((
            "可能适用小额诉讼程序：一次开庭，一审终审，通常2个月内审结。",
            "Likely small claims: one hearing, final at first instance, usually within 2 months.",
        )),
        Procedure::Simplified => p.t((
            "可能适用简易程序，通常3个月内审结。",
            "Likely simplified procedure, usually within 3 months.",
        )),
        Procedure::Ordinary => p.t((
            "由法官决定适用简易程序（3个月内）或普通程序（6个月内）。",
            "The judge decides between simplified (3 months) and ordinary procedure (6 months).",
        )),
    }
}

fn review_step(p: Prefs, f: &FilingPage) -> AnyView {
    let d = &f.draft;
    let names =
        |ps: &[PartyDraft]| ps.iter().map(|x| x.name.trim().to_string()).collect::<Vec<_>>().join("、");
    let problems = f
        .problems
        .iter()
        .map(|x| {
            let href = format!("/filings/{}/{}?check=1", f.id, x.step.code());
            view! {
                <li>
                    <a href=href>{x.step.label(p.lang)}</a>
                    "："
                    {x.message.clone()}
                </li>
            }
        })
        .collect_view();
    let ready = f.problems.is_empty();
    let estimate = f.estimate.clone().map(|e| {
        let fee = e.fee.map(|q| {
            let lines = q
                .lines
                .into_iter()
                .map(|l| {
                    view! {
                        <li>
                            {if p.lang == crate::rules::Lang::Zh { l.label_zh } else { l.label_en }} " "
                            <strong>{l.fen.format_yuan()}</strong> <span class="source">{l.source}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p>
                    {p.t(("预计诉讼费：", "Estimated court fee: "))}
                    <strong data-testid="estimate-fee">
                        {q.total.format_yuan()} {p.t((" 元", " yuan"))}
                    </strong>
                </p>
                <ul class="fee-lines">{lines}</ul>
                {(!q.prepaid)
                    .then(|| {
                        view! {
                            <p class="hint">
                                {p
                                    .t((
                                        "追索劳动报酬的案件不用预交。",
                                        "Claims for unpaid wages need not prepay.",
                                    ))}
                            </p>
                        }
                    })}
            }
        });
        view! {
            <div class="card" data-testid="estimate">
                <h3>{p.t(("费用和程序（估算）", "Fee and procedure (estimate)"))}</h3>
                <p>{procedure_text(p, e.procedure)}</p>
                {fee}
                <p class="hint">
                    {p
                        .t((
                            "立案后法院会发交费通知，以通知为准。",
                            "The court's fee notice after docketing is what counts.",
                        ))}
                </p>
            </div>
        }
    });
    let resubmit = f.status == "correcting";
    view! {
        <div class="card">
            <dl class="figures">
                <dt>{p.t(("案由", "Case"))}</dt>
                <dd>{d.cause.map(|c| c.label(p.lang).to_string()).unwrap_or_default()}</dd>
                <dt>{p.t(("原告", "Plaintiffs"))}</dt>
                <dd>{names(&d.plaintiffs)}</dd>
                <dt>{p.t(("被告", "Defendants"))}</dt>
                <dd>{names(&d.defendants)}</dd>
                <dt>{p.t(("诉讼请求", "Claims"))}</dt>
                <dd>{d.claims.len()} {p.t((" 条", ""))}</dd>
                <dt>{p.t(("证据", "Evidence"))}</dt>
                <dd>{d.evidence.len()} {p.t((" 份", " items"))}</dd>
            </dl>
        </div>
        {estimate}
        {(!ready)
            .then(|| {
                view! {
                    <div class="card alert" data-testid="problems">
                        <h3>{p.t(("提交前还要改好这些：", "Fix these before filing:"))}</h3>
                        <ul>{problems}</ul>
                    </div>
                }
            })}
        <form method="post" action=format!("/filings/{}/submit", f.id) class="card form">
            <input type="hidden" name="version" value=f.version.to_string() />
            <p class="hint">
                {p
                    .t((
                        "提交后法院在7日内决定是否立案；需要补充材料时会一次性告诉您缺什么。",
                        "After you file, the court decides within 7 days; if anything is missing it tells you everything at once.",
                    ))}
            </p>
            <button type="submit" class="btn primary" disabled=!ready data-testid="submit-filing">
                {if resubmit {
                    p.t(("提交补正材料", "Send the corrected filing"))
                } else {
                    p.t(("确认无误，提交立案", "All correct: file the case"))
                }}
            </button>
        </form>
        {(f.status == "draft")
            .then(|| {
                view! {
                    <form method="post" action=format!("/filings/{}/delete", f.id)>
                        <button type="submit" class="btn plain">
                            {p.t(("删除这份草稿", "Delete this draft"))}
                        </button>
                    </form>
                }
            })}
    }
    .into_any()
}
