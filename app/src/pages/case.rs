use super::{case_not_found, redirect_to_sign_in, viewer, ErrorNote};
use crate::api::fns::load_case_progress;
use crate::api::types::{AgentView, CaseProgress, FilingStatus, NodeStatus, TimelineNodeView};
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::ui::countdown::{provisional_note, DeadlineBox};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One case: the lifecycle timeline of DOMAIN.md §3, the next deadline with a live
/// countdown, and whom to call.
#[component]
pub fn CasePage() -> impl IntoView {
    let p = viewer().prefs;
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let query = use_query_map().read_untracked();
    let note = if query.get("filed").is_some() {
        Some((
            false,
            p.t((
                "立案申请已提交。法院会在7日内审查，有结果会发短信告诉您。",
                "Your filing has been sent. The court reviews it within 7 days and will text you the result.",
            )),
        ))
    } else if query.get("procedure").is_some() {
        Some((
            false,
            p.t((
                "程序已转换。受理费和审限已按新程序计算。",
                "The procedure is changed; fee and trial limit follow it.",
            )),
        ))
    } else if query.get("agent").is_some() {
        Some((
            false,
            p.t((
                "委托已解除，代理人不能再看这个案件。",
                "The representation has ended; the agent can no longer see this case.",
            )),
        ))
    } else if query.get("appeal").is_some() {
        Some((
            false,
            p.t((
                "上诉已登记。判决不会到期自动生效。",
                "The appeal is recorded; the judgment will not take effect on its own.",
            )),
        ))
    } else {
        close_note(p, query.get("closed").is_some(), query.get("error").as_deref())
    };
    // Numbers typed for parties without an account, back from a refused start of mediation.
    let typed = use_query_map().get_untracked();
    let data = Resource::new_blocking(
        move || id,
        |id| async move {
            match id {
                Some(id) => load_case_progress(id).await,
                // Not a number: the same answer as someone else's case.
                None => Err(AppError::NotFound(String::new())),
            }
        },
    );
    view! {
        <Suspense>
            {move || {
                let typed = typed.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(c) => {
                            view! {
                                {note
                                    .map(|(bad, text)| {
                                        let class = if bad { "card error-note" } else { "card ok-note" };
                                        view! {
                                            <div class=class role="status" data-testid="case-note">
                                                <p>{text}</p>
                                            </div>
                                        }
                                    })}
                                {case_view(p, c, &typed)}
                            }
                                .into_any()
                        }
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

/// The review of an online filing: what the court decided (补正 items, the reason for 不予
/// 受理), and for the person who filed it, the way back to correct it.
fn filing_box(p: Prefs, f: FilingStatus) -> AnyView {
    let correct = f.filing_id.filter(|_| f.correcting).map(|id| {
        view! {
            <a class="btn primary" href=format!("/filings/{id}/court") data-testid="go-correct">
                {p.t(("去补正材料", "Add what is missing"))}
            </a>
        }
    });
    view! {
        <section class="card" data-testid="filing-box">
            <h2>{p.t(("立案审查", "Review of the filing"))}</h2>
            {super::review::decision_list(f.decisions, "filing-decision")}
            {correct}
        </section>
    }
    .into_any()
}

/// 受理通知书, for the parties of a docketed case: the number, the court, the date of
/// docketing, the 查询码 for looking it up without signing in, and the fee notice's ask.
fn acceptance_notice(p: Prefs, c: &CaseProgress) -> Option<AnyView> {
    let number = c.case_number.clone()?;
    let code = c.query_code.clone()?;
    let docketed = c.timeline.iter().find(|n| n.stage == "docketed").and_then(|n| n.reached.clone())?;
    let fee = (c.fee_due_fen > 0).then(|| {
        let yuan = crate::rules::fees::Fen(c.fee_due_fen).format_yuan();
        match p.lang {
            crate::rules::Lang::Zh => {
                format!("请在收到本通知次日起7日内预交案件受理费 {yuan} 元，逾期不交又没有申请缓交、减交、免交的，按撤诉处理。")
            }
            crate::rules::Lang::En => format!(
                "Prepay the acceptance fee of {yuan} yuan within 7 days from the day after this notice; if it is not paid and no relief was asked for, the case is treated as withdrawn."
            ),
        }
    });
    Some(
        view! {
            <details class="card notice-doc" data-testid="acceptance-notice">
                <summary>{p.t(("受理通知书", "Notice of acceptance"))}</summary>
                <p>
                    {match p.lang {
                        crate::rules::Lang::Zh => {
                            format!(
                                "{}已于{}立案受理您的起诉（{}）。案号：{}。",
                                c.court_name,
                                docketed,
                                c.cause,
                                number,
                            )
                        }
                        crate::rules::Lang::En => {
                            format!(
                                "{} docketed your suit ({}) on {}. Case number: {}.",
                                c.court_name,
                                c.cause,
                                docketed,
                                number,
                            )
                        }
                    }}
                </p>
                <p>
                    {p.t(("查询码：", "Query code: "))} <strong data-testid="query-code">{code}</strong>
                    " "
                    {p
                        .t((
                            "（凭案号和查询码，不登录也能查进度）",
                            "(with the case number, anyone can look up progress)",
                        ))}
                </p>
                {fee.map(|f| view! { <p data-testid="fee-notice">{f}</p> })}
                <p class="source">
                    "民事诉讼法 第126条；诉讼费用交纳办法 第22条；民诉解释 第213条"
                </p>
            </details>
        }
        .into_any(),
    )
}

fn case_view(p: Prefs, c: CaseProgress, typed: &leptos_router::params::ParamsMap) -> impl IntoView {
    let number = c
        .case_number
        .clone()
        .unwrap_or_else(|| p.t(("尚未立案（还没有案号）", "Not docketed yet (no number)")).into());
    view! {
        <h1 class="case-title" data-testid="case-number">
            {number}
        </h1>
        <p class="lead">{c.cause.clone()} " · " {c.court_name.clone()}</p>
        {c
            .receiving_court_name
            .clone()
            .map(|r| {
                view! {
                    <p class="meta">
                        {p.t(("跨域立案，收件法院：", "Filed across regions, handed in at: "))} {r}
                    </p>
                }
            })}
        <section class="card status">
            <p>
                <span class="label">{p.t(("现在：", "Now: "))}</span>
                <strong data-testid="stage">{c.stage_label.clone()}</strong>
            </p>
            <p>
                <span class="label">{p.t(("程序：", "Procedure: "))}</span>
                <span data-testid="procedure">{c.procedure.clone()}</span>
            </p>
            {(!c.procedure_changes.is_empty())
                .then(|| {
                    view! {
                        <ul class="plain meta" data-testid="procedure-changes">
                            {c
                                .procedure_changes
                                .iter()
                                .map(|x| {
                                    view! {
                                        <li>
                                            {x.at.clone()} " " {x.from.clone()} " → " {x.to.clone()} "："
                                            {x.reason.clone()} " （" {x.source.clone()} "）"
                                            {x.fee.clone().map(|f| view! { <strong>" " {f}</strong> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {c.outcome.clone().map(|o| view! { <p data-testid="outcome">{o}</p> })}
            {c.appeal.clone().map(|a| view! { <p data-testid="appeal">{a}</p> })}
            {c
                .next_deadline
                .clone()
                .map(|d| view! { <DeadlineBox deadline=d lang=p.lang testid="next-deadline" /> })}
        </section>
        {
            let fees = format!("/cases/{}/fees", c.id);
            if c.fee_due_fen > 0 {
                view! {
                    <a class="btn primary" href=fees data-testid="go-case-fees">
                        {p.t(("交诉讼费 ", "Pay court fees "))}
                        {crate::rules::fees::Fen(c.fee_due_fen).format_yuan()}
                        {p.t((" 元", " yuan"))}
                    </a>
                }
                    .into_any()
            } else {
                view! {
                    <a class="btn secondary" href=fees data-testid="go-case-fees">
                        {p.t(("诉讼费和缴费凭证", "Court fees and receipts"))}
                    </a>
                }
                    .into_any()
            }
        }
        {(c.refund_open_fen > 0)
            .then(|| {
                let fees = format!("/cases/{}/fees", c.id);
                view! {
                    <section class="card refund" data-testid="case-refund">
                        <h2>{p.t(("退费", "Refund"))}</h2>
                        <p>
                            {p.t(("法院要退还您 ", "The court owes you "))}
                            <strong class="big-amount">
                                {crate::rules::fees::Fen(c.refund_open_fen).format_yuan()}
                                {p.t((" 元", " yuan"))}
                            </strong>
                        </p>
                        {c
                            .refund_deadline
                            .clone()
                            .map(|d| {
                                view! { <DeadlineBox deadline=d lang=p.lang testid="refund-deadline" /> }
                            })}
                        <a class="btn secondary" href=fees>
                            {p.t(("看退费详情", "Refund details"))}
                        </a>
                    </section>
                }
                    .into_any()
            })}
        {c.case_number.is_some().then(|| service_link(p, c.id))}
        {mediation_card(p, c.id, c.mediation.clone(), c.mediation_start.clone(), typed)}
        {c.can_close.then(|| close_form(p, c.id))}
        {(!c.procedure_targets.is_empty()).then(|| procedure_form(p, c.id, &c.procedure_targets))}
        {c.can_record_appeal.then(|| appeal_form(p, c.id))}
        {c.filing.clone().map(|f| filing_box(p, f))}
        {acceptance_notice(p, &c)}
        <section>
            <h2>{p.t(("案件进度", "Progress"))}</h2>
            <ol class="timeline" data-testid="timeline">
                {c.timeline.into_iter().map(|n| node_view(p, n)).collect_view()}
            </ol>
        </section>
        <section class="card">
            <h2>{p.t(("当事人", "Parties"))}</h2>
            <ul class="plain">
                {c.parties.into_iter().map(|x| view! { <li>{x.side} "：" {x.name}</li> }).collect_view()}
            </ul>
        </section>
        {agents_view(p, c.id, c.agents)}
        {(!c.contacts.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2>{p.t(("联系法院", "Contact the court"))}</h2>
                        <ul class="plain contacts">
                            {c
                                .contacts
                                .iter()
                                .map(|x| {
                                    let tel = format!("tel:{}", x.phone);
                                    view! {
                                        <li>
                                            {x.role.clone()} "：" {x.name.clone()} " "
                                            <a class="btn link" href=tel>
                                                {x.phone.clone()}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
        {c
            .query_code
            .map(|code| {
                view! {
                    <p class="meta">
                        {p
                            .t((
                                "查询码（可给家人查进度用）：",
                                "Query code (lets family follow the case): ",
                            ))} <code data-testid="query-code">{code}</code>
                    </p>
                }
            })}
    }
}

/// 诉中调解: a link to the case's mediation for its parties and the court, and for the case's
/// judge while none is open, the form that starts one (a number asked only for a party
/// without an account). Mediation is free and a case closed by it pays half the fee.
fn mediation_card(
    p: Prefs,
    id: i64,
    link: Option<crate::api::types::CaseMediationLink>,
    start: Option<Vec<(i64, String)>>,
    typed: &leptos_router::params::ParamsMap,
) -> Option<AnyView> {
    if link.is_none() && start.is_none() {
        return None;
    }
    let link = link.map(|m| {
        view! {
            <p>
                <a
                    class="btn secondary"
                    href=format!("/mediations/{}", m.id)
                    data-testid="case-mediation-link"
                >
                    {p.t(("查看调解", "Open the mediation"))}
                </a>
                " "
                <span class="badge" data-testid="case-mediation-state">
                    {m.state_label}
                </span>
            </p>
        }
    });
    let form = start.map(|needs_phone| {
        let fields = needs_phone
            .into_iter()
            .map(|(party, name)| {
                let field = format!("phone_{party}");
                let value = typed.get(&field).unwrap_or_default();
                view! {
                    <label for=field
                        .clone()>
                        {name}
                        {p
                            .t((
                                "的手机号（还没有账户，用来发短信邀请）",
                                "'s mobile (no account yet; for the SMS invitation)",
                            ))}
                    </label>
                    <input id=field.clone() name=field inputmode="tel" autocomplete="off" value=value />
                }
            })
            .collect_view();
        view! {
            <form
                method="post"
                action=format!("/cases/{id}/mediation")
                class="form"
                data-testid="start-mediation"
            >
                <p class="hint">
                    {p
                        .t((
                            "各方都同意后开始计算调解期限：普通程序15日，简易程序7日（在线调解规则第24条）。",
                            "The period starts once every party agrees: 15 days (ordinary) or 7 (simplified), OMR art. 24.",
                        ))}
                </p>
                {fields}
                <button type="submit" class="btn primary" data-testid="start-mediation-submit">
                    {p.t(("开始诉中调解，短信邀请各方", "Open mediation and text every party"))}
                </button>
            </form>
        }
    });
    Some(
        view! {
            <section class="card" id="mediation" data-testid="case-mediation">
                <h2>{p.t(("调解", "Mediation"))}</h2>
                {link}
                {form}
            </section>
        }
        .into_any(),
    )
}

/// 结案, for the case's judge: a plain form (works without JavaScript). Mediation and
/// withdrawal halve the acceptance fee (诉讼费用交纳办法 art. 15) and start the refund.
fn close_form(p: Prefs, id: i64) -> AnyView {
    let action = format!("/cases/{id}/close");
    view! {
        <section class="card staff-action" data-testid="close-case">
            <h2>{p.t(("结案", "Close the case"))}</h2>
            <form method="post" action=action>
                <fieldset>
                    <legend>{p.t(("结案方式", "How it ended"))}</legend>
                    <label class="choice">
                        <input type="radio" name="outcome" value="judgment" required />
                        {p.t(("判决", "Judgment"))}
                    </label>
                    <label class="choice">
                        <input type="radio" name="outcome" value="mediated" data-testid="outcome-mediated" />
                        {p.t(("调解（调解书已签收）", "Mediation (statement signed for)"))}
                    </label>
                    <label class="choice">
                        <input type="radio" name="outcome" value="withdrawn" />
                        {p.t(("撤诉（已裁定准许）", "Withdrawal (allowed by ruling)"))}
                    </label>
                </fieldset>
                <p class="hint">
                    {p
                        .t((
                            "调解或撤诉结案，受理费减半（诉讼费用交纳办法第15条），多交的钱会自动原路退回。",
                            "Mediation or withdrawal halves the fee (art. 15); any overpayment is refunded automatically.",
                        ))}
                </p>
                <button type="submit" class="btn primary" data-testid="close-case-submit">
                    {p.t(("确认结案", "Close the case"))}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// 程序转换, for the case's judge while the case is open: only the procedures the law allows
/// from the current one are offered (`rules::procedure`); the server checks again.
fn procedure_form(p: Prefs, id: i64, targets: &[(String, String)]) -> AnyView {
    let action = format!("/cases/{id}/procedure");
    view! {
        <section class="card staff-action" data-testid="procedure-form">
            <h2>{p.t(("转换程序", "Change the procedure"))}</h2>
            <form method="post" action=action>
                <label>
                    {p.t(("转为", "Change to"))} <select name="to" required data-testid="procedure-to">
                        <option value="">{p.t(("请选择", "Choose"))}</option>
                        {targets
                            .iter()
                            .map(|(code, label)| {
                                view! { <option value=code.clone()>{label.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {p.t(("理由（写进裁定）", "Reason (goes into the ruling)"))}
                    <textarea
                        name="reason"
                        required
                        minlength="4"
                        maxlength="200"
                        rows="2"
                        data-testid="procedure-reason"
                    ></textarea>
                </label>
                <label class="choice">
                    <input type="checkbox" name="agreed" value="1" data-testid="procedure-agreed" />
                    {p
                        .t((
                            "双方当事人同意适用简易程序（普通程序转简易程序时必须）",
                            "Both parties agreed to simplified procedure (needed for ordinary to simplified)",
                        ))}
                </label>
                <p class="hint">
                    {p
                        .t((
                            "转为普通程序：原告要在7日内补交另一半受理费。转为简易程序：受理费减半，多交的在判决生效后15日内退还（诉讼费用交纳办法第16、22、53条）。审限从立案之日起按新程序计算。",
                            "To ordinary: the plaintiff adds the other half of the fee within 7 days. To simplified: the fee halves; any overpayment is refunded within 15 days of the judgment taking effect (arts. 16, 22, 53). The trial limit counts from docketing under the new procedure.",
                        ))}
                </p>
                <button type="submit" class="btn primary" data-testid="procedure-submit">
                    {p.t(("确认转换", "Change it"))}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// 登记上诉, for the court's clerks and judges while a judgment is not yet in force.
fn appeal_form(p: Prefs, id: i64) -> AnyView {
    let action = format!("/cases/{id}/appeal");
    view! {
        <section class="card staff-action" data-testid="appeal-form">
            <h2>{p.t(("登记上诉", "Record an appeal"))}</h2>
            <p class="hint">
                {p
                    .t((
                        "当事人在上诉期内递交了上诉状，就在这里登记。登记后判决不会到期自动生效。",
                        "When a party lodged an appeal within the appeal period, record it here; the judgment then does not take effect at the end of the period.",
                    ))}
            </p>
            <form method="post" action=action>
                <label>
                    {p.t(("谁上诉、哪天递交", "Who appealed, and when"))}
                    <input
                        type="text"
                        name="note"
                        required
                        minlength="2"
                        maxlength="200"
                        data-testid="appeal-note"
                    />
                </label>
                <button type="submit" class="btn secondary" data-testid="appeal-submit">
                    {p.t(("登记上诉", "Record the appeal"))}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// The representations the caller may end: a party revokes its own agent's authority (it
/// needs no reason), the case's court ends any. A plain form: works without JavaScript.
fn agents_view(p: Prefs, case_id: i64, agents: Vec<AgentView>) -> Option<AnyView> {
    if agents.is_empty() {
        return None;
    }
    let items = agents
        .into_iter()
        .map(|a| {
            let action = format!("/cases/{case_id}/agents/{}/end", a.id);
            view! {
                <li data-testid="agent">
                    <p>{a.agent_name} " " {p.t(("代理", "acts for"))} " " {a.party_name}</p>
                    <form method="post" action=action class="inline-form">
                        <label>
                            {p.t(("原因（可以不填）", "Reason (optional)"))}
                            <input type="text" name="reason" maxlength="200" />
                        </label>
                        <button type="submit" class="btn secondary" data-testid="end-agent">
                            {p.t(("解除这份委托", "End this representation"))}
                        </button>
                    </form>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <section class="card">
                <h2>{p.t(("诉讼代理人", "Agents"))}</h2>
                <p class="hint">
                    {p
                        .t((
                            "解除后，代理人马上就不能再看这个案件了。法院会记下谁在什么时候解除的。",
                            "Once ended, the agent can no longer see this case. The court records who ended it and when.",
                        ))}
                </p>
                <ul class="plain">{items}</ul>
            </section>
        }
            .into_any(),
    )
}

/// What the case page says after the judge's or clerk's forms: `?closed=1`,
/// `?procedure=changed`, `?appeal=recorded`, or an `?error=` code.
fn close_note(p: Prefs, closed: bool, error: Option<&str>) -> Option<(bool, &'static str)> {
    if closed {
        return Some((false, p.t(("已结案。", "The case is closed."))));
    }
    let error = error?;
    Some((true, crate::api::Refusal::message_for_code(error, p.lang)))
}

pub(crate) fn node_view(p: Prefs, n: TimelineNodeView) -> impl IntoView {
    let class = match n.status {
        NodeStatus::Done => "node done",
        NodeStatus::Current => "node current",
        NodeStatus::Upcoming => "node upcoming",
        NodeStatus::Overdue => "node overdue",
    };
    let status = match n.status {
        NodeStatus::Done => p.t(("已完成", "done")),
        NodeStatus::Current => p.t(("进行中", "in progress")),
        NodeStatus::Upcoming => p.t(("未开始", "not yet")),
        NodeStatus::Overdue => p.t(("已超期", "overdue")),
    };
    view! {
        <li class=class>
            <p class="node-head">
                <strong>{n.label}</strong>
                <span class="node-status">{status}</span>
            </p>
            {n.reached.map(|r| view! { <p class="node-date">{r}</p> })}
            {n
                .deadline
                .map(|d| {
                    let note = d
                        .provisional
                        .then(|| view! { <p class="meta">{provisional_note(p.lang)}</p> });
                    view! {
                        <p class="node-deadline">{d.label} " " {d.due_date} " （" {d.source} "）"</p>
                        {note}
                    }
                })}
            <p class="node-explain">{n.explain}</p>
        </li>
    }
}

/// Court documents of a docketed case: staff serve them and follow each party's service;
/// parties find what was served on them in their inbox.
fn service_link(p: Prefs, case_id: i64) -> impl IntoView {
    let me = viewer().me;
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let staff = me.await.ok().flatten().is_some_and(|m| m.role.is_staff());
                if staff {
                    view! {
                        <a
                            class="btn secondary"
                            href=format!("/staff/cases/{case_id}/service")
                            data-testid="go-service"
                        >
                            {p.t(("文书送达", "Serve documents"))}
                        </a>
                    }
                        .into_any()
                } else {
                    view! {
                        <a class="btn secondary" href="/inbox" data-testid="go-inbox">
                            {p.t(("法院送达的文书", "Documents the court served"))}
                        </a>
                    }
                        .into_any()
                }
            })}
        </Suspense>
    }
}
