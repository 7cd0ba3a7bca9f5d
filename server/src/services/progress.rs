//! Case progress: stored rows and events, through the court's lifecycle rules
//! (`app::rules::lifecycle`), into what the pages and the API show. Deadlines are computed
//! here, on the server, by the domain code — never by a page.

use crate::store::cases::{CaseRow, EventRow, PartyRow};
use app::api::types::*;
use app::i18n::t;
use app::rules::deadlines::Deadline;
use app::rules::holidays;
use app::rules::lifecycle::{self, Procedure, Stage, Timeline, TimelineFacts};
use app::rules::Lang;

pub fn procedure(code: &str) -> Procedure {
    Procedure::from_code(code).unwrap_or(Procedure::Ordinary)
}

/// The facts the timeline needs besides the events.
fn facts(case: &CaseRow, events: &[EventRow]) -> TimelineFacts {
    TimelineFacts {
        procedure: procedure(&case.procedure),
        domiciled_in_china: !case.defendant_abroad,
        is_ruling: false,
        // Claims for unpaid labour pay need not prepay (诉讼费用交纳办法 art. 20), nor does a
        // plaintiff granted a deferral or waiver (arts. 45, 47); a reduction leaves the rest
        // to prepay by the same deadline.
        prepay_required: !case.cause.is_some_and(app::rules::filing::Cause::claims_unpaid_wages)
            && !matches!(case.fee_relief.as_deref(), Some("defer" | "waive")),
        // A supplementary fee notice after a change of procedure (程序转换) restarts the
        // prepayment period for what it adds (art. 22).
        fee_notice_at: events.iter().filter(|e| e.stage == "fee_notice").map(|e| e.at).max(),
        calendar: holidays::state_council(),
    }
}

fn timeline(case: &CaseRow, events: &[EventRow], now: i64) -> Timeline {
    let stages: Vec<(Stage, i64)> =
        events.iter().filter_map(|e| Stage::from_code(&e.stage).map(|s| (s, e.at))).collect();
    Timeline::build(&stages, &facts(case, events), now)
}

fn deadline_view(d: &Deadline, lang: Lang, now: i64) -> DeadlineView {
    DeadlineView::new(d.kind.label(lang), d.due_date, d.source.to_string(), lang, now)
        .moved_past_holidays(d.kind.moves_past_holidays())
}

/// What matters next: a duty already missed (overdue) first, else the nearest open deadline.
fn next_deadline(tl: &Timeline, lang: Lang, now: i64) -> Option<DeadlineView> {
    let overdue = tl
        .nodes
        .iter()
        .filter(|n| n.status == lifecycle::NodeStatus::Overdue)
        .filter_map(|n| n.deadline.as_ref())
        .min_by_key(|d| d.due_at);
    overdue.cloned().or_else(|| tl.next_deadline(now)).map(|d| deadline_view(&d, lang, now))
}

fn nodes(tl: &Timeline, lang: Lang, now: i64) -> Vec<TimelineNodeView> {
    tl.nodes
        .iter()
        .map(|n| TimelineNodeView {
            stage: n.stage.code().to_string(),
            label: n.stage.label(lang).to_string(),
            explain: n.stage.explanation(lang).to_string(),
            status: match n.status {
                lifecycle::NodeStatus::Done => NodeStatus::Done,
                lifecycle::NodeStatus::Current => NodeStatus::Current,
                lifecycle::NodeStatus::Upcoming => NodeStatus::Upcoming,
                lifecycle::NodeStatus::Overdue => NodeStatus::Overdue,
            },
            reached: n.reached_at.map(|at| app::rules::dates::format_shanghai(at, lang)),
            deadline: n.deadline.as_ref().filter(|_| n.deadline_open).map(|d| deadline_view(d, lang, now)),
        })
        .collect()
}

fn stage_label(tl: &Timeline, lang: Lang) -> String {
    tl.current.map(|s| s.label(lang)).unwrap_or_else(|| t(lang, ("待提交", "Not filed"))).to_string()
}

fn court_name(case: &CaseRow, lang: Lang) -> String {
    match lang {
        Lang::Zh => case.court_name_zh.clone(),
        Lang::En => case.court_name_en.clone(),
    }
}

/// 原告 / 被告 / 第三人, and "代理" when the person acts as agent for that side.
pub fn side_label(side: &str, as_agent: bool, lang: Lang) -> String {
    let s = t(
        lang,
        match side {
            "plaintiff" => ("原告", "Plaintiff"),
            "defendant" => ("被告", "Defendant"),
            _ => ("第三人", "Third party"),
        },
    );
    if as_agent {
        match lang {
            Lang::Zh => format!("{s}的代理人"),
            Lang::En => format!("Agent for the {}", s.to_lowercase()),
        }
    } else {
        s.to_string()
    }
}

/// The prepayment deadline (诉讼费用交纳办法 art. 22) while it is open: from the day after
/// the fee notice (given at docketing) was received.
pub fn fee_deadline(case: &CaseRow, events: &[EventRow], lang: Lang, now: i64) -> Option<DeadlineView> {
    let tl = timeline(case, events, now);
    tl.nodes
        .iter()
        .find(|n| n.stage == Stage::FeePrepay && n.deadline_open)
        .and_then(|n| n.deadline.as_ref())
        .map(|d| deadline_view(d, lang, now))
}

/// The 7-day review period (民事诉讼法 art. 126) of a filing under review, if it is open.
pub fn review_deadline(case: &CaseRow, events: &[EventRow], lang: Lang, now: i64) -> Option<DeadlineView> {
    let tl = timeline(case, events, now);
    tl.nodes
        .iter()
        .find(|n| n.stage == Stage::UnderReview && n.deadline_open)
        .and_then(|n| n.deadline.as_ref())
        .map(|d| deadline_view(d, lang, now))
}

/// The fee is unpaid past its prepayment deadline. No relief (缓/减/免交) is recorded, so the
/// court is to rule the case treated as withdrawn (按撤诉处理, 民诉解释 art. 213; DOMAIN.md
/// §3): staff see it as a task for the judge, the litigant as a warning.
fn fee_alert(tl: &Timeline, who: Audience, lang: Lang) -> Option<String> {
    let overdue =
        tl.nodes.iter().any(|n| n.stage == Stage::FeePrepay && n.status == lifecycle::NodeStatus::Overdue);
    (overdue && who != Audience::Other).then(|| {
        if who == Audience::Staff {
            t(lang, ("逾期未交诉讼费：待裁定按撤诉处理（民诉解释第213条）", "Fee unpaid past its deadline: to be ruled withdrawn (SPC Interpretation art. 213)"))
        } else {
            t(lang, ("交费已超期：法院可能按撤诉处理。请马上交费或联系法院。", "The fee is overdue: the court may treat the case as withdrawn. Pay now or call the court."))
        }
        .to_string()
    })
}

/// Who reads a case list, as far as its alerts go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Court staff: alerts are tasks.
    Staff,
    /// The side that prepays the fee (the plaintiff, or their agent).
    Payer,
    Other,
}

pub fn summary(
    case: &CaseRow,
    events: &[EventRow],
    my_side: String,
    who: Audience,
    lang: Lang,
    now: i64,
) -> CaseSummary {
    let tl = timeline(case, events, now);
    CaseSummary {
        id: case.id,
        case_number: case.case_number.clone(),
        cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
        court_name: court_name(case, lang),
        stage_label: stage_label(&tl, lang),
        my_side,
        next_deadline: next_deadline(&tl, lang, now),
        alert: fee_alert(&tl, who, lang).or_else(|| refund_alert(case, who, lang, now)),
    }
}

/// A refund still owed (诉讼费用交纳办法 art. 53): a task for staff (red once its 15 days are
/// over), news for the side that paid.
fn refund_alert(case: &CaseRow, who: Audience, lang: Lang, now: i64) -> Option<String> {
    let due_at = case.refund_due_at?;
    let day = app::rules::dates::CivilDate::from_unix_shanghai(due_at - 1).format(lang);
    match (who, now >= due_at) {
        (Audience::Staff, true) => Some(match lang {
            Lang::Zh => format!("退费已超期：应在{day}前退还（诉讼费用交纳办法第53条）"),
            Lang::En => format!("Refund overdue: it was due by {day} (art. 53)"),
        }),
        (Audience::Staff, false) => Some(match lang {
            Lang::Zh => format!("退费待办：{day}前退还（诉讼费用交纳办法第53条）"),
            Lang::En => format!("Refund to pay back by {day} (art. 53)"),
        }),
        (Audience::Payer, _) => Some(match lang {
            Lang::Zh => format!("法院要退还您一部分诉讼费，{day}前退还。"),
            Lang::En => format!("The court owes you part of the fee back, by {day}."),
        }),
        (Audience::Other, _) => None,
    }
}

/// The case page. `fee_balance_fen`: charged less paid plus refunded (see `store::cases::case_sheet`).
pub fn full(
    case: &CaseRow,
    parties: &[PartyRow],
    events: &[EventRow],
    fee_balance_fen: i64,
    lang: Lang,
    now: i64,
) -> CaseProgress {
    let tl = timeline(case, events, now);
    let mut contacts = Vec::new();
    if let (Some(name), Some(phone)) = (&case.judge_name, &case.judge_phone) {
        contacts.push(Contact {
            role: t(lang, ("承办法官", "Judge")).into(),
            name: name.clone(),
            phone: phone.clone(),
        });
    }
    if let (Some(name), Some(phone)) = (&case.clerk_name, &case.clerk_phone) {
        contacts.push(Contact {
            role: t(lang, ("书记员", "Clerk")).into(),
            name: name.clone(),
            phone: phone.clone(),
        });
    }
    CaseProgress {
        id: case.id,
        case_number: case.case_number.clone(),
        cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
        court_name: court_name(case, lang),
        receiving_court_name: match lang {
            Lang::Zh => case.receiving_court_name_zh.clone(),
            Lang::En => case.receiving_court_name_en.clone(),
        },
        procedure: procedure(&case.procedure).label(lang).to_string(),
        stage: case.stage.clone(),
        stage_label: stage_label(&tl, lang),
        parties: parties
            .iter()
            .map(|p| PartyView { side: side_label(&p.side, false, lang), name: p.name.clone() })
            .collect(),
        timeline: nodes(&tl, lang, now),
        next_deadline: next_deadline(&tl, lang, now),
        contacts,
        agents: Vec::new(),
        query_code: case.case_number.as_ref().map(|_| case.query_code.clone()),
        fee_due_fen: fee_balance_fen.max(0),
        outcome: case
            .outcome
            .as_deref()
            .map(|o| app::rules::lifecycle::CaseOutcome::label(o, lang).to_string()),
        // Set by the caller, who knows who is asking.
        refund_open_fen: 0,
        refund_deadline: None,
        can_close: false,
        mediation: None,
        mediation_start: None,
        procedure_targets: Vec::new(),
        procedure_changes: Vec::new(),
        can_record_appeal: false,
        appeal: None,
        filing: None,
    }
}

/// The anonymous view: no names, no contacts, no query code.
pub fn public(case: &CaseRow, events: &[EventRow], lang: Lang, now: i64) -> PublicProgress {
    let tl = timeline(case, events, now);
    PublicProgress {
        case_number: case.case_number.clone().unwrap_or_default(),
        court_name: court_name(case, lang),
        cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
        stage_label: stage_label(&tl, lang),
        timeline: nodes(&tl, lang, now),
    }
}
