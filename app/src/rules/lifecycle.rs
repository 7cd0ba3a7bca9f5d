//! The civil first-instance case lifecycle as a litigant sees it (DOMAIN.md §3): the
//! procedure that applies, the stages in order, and a progress timeline with the deadline of
//! each stage.

use serde::{Deserialize, Serialize};

use super::dates::CivilDate;
use super::deadlines::{
    answer_deadline, appeal_deadline, enforcement_deadline, fee_deadline, review_deadline, trial_limit,
    Calendar, Deadline,
};
use super::Lang;

/// The first-instance procedure a case is tried under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Procedure {
    /// 小额诉讼程序: simple money claims up to half the provincial average wage; one instance
    /// only, no appeal (Civil Procedure Law art. 165).
    SmallClaims,
    /// 简易程序: simple cases, one judge (art. 160).
    Simplified,
    /// 普通程序.
    Ordinary,
}

impl Procedure {
    pub const ALL: [Procedure; 3] = [Procedure::SmallClaims, Procedure::Simplified, Procedure::Ordinary];

    /// The stored code: `small_claims`, `simplified`, `ordinary`.
    pub fn code(self) -> &'static str {
        match self {
            Procedure::SmallClaims => "small_claims",
            Procedure::Simplified => "simplified",
            Procedure::Ordinary => "ordinary",
        }
    }

    pub fn from_code(code: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Name of the procedure.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Procedure::SmallClaims => lang.pick("小额诉讼程序", "Small claims procedure"),
            Procedure::Simplified => lang.pick("简易程序", "Simplified procedure"),
            Procedure::Ordinary => lang.pick("普通程序", "Ordinary procedure"),
        }
    }

    /// The trial time limit in months, counted from docketing (Civil Procedure Law arts. 152,
    /// 164, 168).
    pub fn trial_limit_months(self) -> u32 {
        match self {
            Procedure::SmallClaims => 2,
            Procedure::Simplified => 3,
            Procedure::Ordinary => 6,
        }
    }
}

/// Hunan's published average annual wage for 2023, 45,707 yuan, in fen (DOMAIN.md §3).
pub const HUNAN_AVERAGE_ANNUAL_WAGE_FEN: i64 = 45_707 * 100;

/// The small-claims ceiling: 50 % of the province's average annual wage of the previous year
/// (Civil Procedure Law art. 165). For Hunan, 4,570,700 / 2 = 2,285,350 fen = 22,853.50 yuan.
/// Configurable: a court sets its province's current figure.
pub const HUNAN_SMALL_CLAIMS_LIMIT_FEN: i64 = HUNAN_AVERAGE_ANNUAL_WAGE_FEN / 2;

/// The procedure the law points to for a new case; the judge makes the final decision.
///
/// - `claim_fen`: the money claimed, in fen; 0 or less for a claim that is not for money.
/// - `small_claims_limit_fen`: the province's ceiling, e.g. [`HUNAN_SMALL_CLAIMS_LIMIT_FEN`].
/// - `simple_case`: facts clear, rights and duties clear, little dispute (art. 160), and none
///   of the exclusions of art. 166 (personal status, foreign elements, appraisal needed ...).
/// - `parties_agree_small_claims`: both parties chose small claims.
///
/// Civil Procedure Law art. 165: a simple money claim up to 50 % of the average wage is a
/// small claim; up to twice that, the parties may agree to small claims. Other simple cases
/// use the simplified procedure (art. 160); the rest the ordinary procedure.
pub fn procedure_for(
    claim_fen: i64,
    small_claims_limit_fen: i64,
    simple_case: bool,
    parties_agree_small_claims: bool,
) -> Procedure {
    if !simple_case {
        return Procedure::Ordinary;
    }
    let money_claim = claim_fen > 0;
    let within_limit = claim_fen <= small_claims_limit_fen;
    let within_agreed_limit =
        parties_agree_small_claims && claim_fen <= small_claims_limit_fen.saturating_mul(2);
    if money_claim && (within_limit || within_agreed_limit) {
        Procedure::SmallClaims
    } else {
        Procedure::Simplified
    }
}

/// A stage of a civil first-instance case, in timeline order (DOMAIN.md §3).
///
/// `CorrectionRequested`, `NotAccepted` and `Mediation` are side branches: they appear on a
/// timeline only once they have happened. Record a resubmission after a correction request
/// as a new `Submitted` event: the review period restarts from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// 提交立案申请.
    Submitted,
    /// 立案审查.
    UnderReview,
    /// 补正: the court asked for missing materials.
    CorrectionRequested,
    /// 不予受理: the court refused to accept the case.
    NotAccepted,
    /// 登记立案: accepted, case number assigned.
    Docketed,
    /// 预交诉讼费: the acceptance fee has been paid.
    FeePrepay,
    /// 分案: a judge has been assigned.
    Assigned,
    /// 送达: the complaint was served on the defendant.
    Served,
    /// 调解.
    Mediation,
    /// 开庭: hearing held (or scheduled).
    Hearing,
    /// 结案: closed by judgment, mediation or withdrawal.
    Closed,
    /// 裁判文书送达: the judgment or ruling was served.
    JudgmentServed,
    /// 生效: the decision is in force.
    Effective,
    /// 归档.
    Archived,
}

impl Stage {
    /// Every stage, in timeline order.
    pub const ALL: [Stage; 14] = [
        Stage::Submitted,
        Stage::UnderReview,
        Stage::CorrectionRequested,
        Stage::NotAccepted,
        Stage::Docketed,
        Stage::FeePrepay,
        Stage::Assigned,
        Stage::Served,
        Stage::Mediation,
        Stage::Hearing,
        Stage::Closed,
        Stage::JudgmentServed,
        Stage::Effective,
        Stage::Archived,
    ];

    /// The stable name stored in the database and used on the wire, e.g. `fee_prepay`.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Submitted => "submitted",
            Stage::UnderReview => "under_review",
            Stage::CorrectionRequested => "correction_requested",
            Stage::NotAccepted => "not_accepted",
            Stage::Docketed => "docketed",
            Stage::FeePrepay => "fee_prepay",
            Stage::Assigned => "assigned",
            Stage::Served => "served",
            Stage::Mediation => "mediation",
            Stage::Hearing => "hearing",
            Stage::Closed => "closed",
            Stage::JudgmentServed => "judgment_served",
            Stage::Effective => "effective",
            Stage::Archived => "archived",
        }
    }

    /// The stage stored as `code`, if there is one.
    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Position in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A side branch, shown only once it happened.
    pub fn is_optional(self) -> bool {
        matches!(self, Stage::CorrectionRequested | Stage::NotAccepted | Stage::Mediation)
    }

    /// Short name for the timeline.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Submitted => lang.pick("提交立案申请", "Case filed"),
            Stage::UnderReview => lang.pick("立案审查", "Being checked"),
            Stage::CorrectionRequested => lang.pick("补正材料", "Papers missing"),
            Stage::NotAccepted => lang.pick("不予受理", "Not accepted"),
            Stage::Docketed => lang.pick("登记立案", "Case accepted"),
            Stage::FeePrepay => lang.pick("交纳诉讼费", "Court fee paid"),
            Stage::Assigned => lang.pick("分案", "Judge assigned"),
            Stage::Served => lang.pick("送达被告", "Defendant notified"),
            Stage::Mediation => lang.pick("调解", "Mediation"),
            Stage::Hearing => lang.pick("开庭", "Hearing"),
            Stage::Closed => lang.pick("结案", "Case closed"),
            Stage::JudgmentServed => lang.pick("裁判文书送达", "Decision delivered"),
            Stage::Effective => lang.pick("生效", "Decision in force"),
            Stage::Archived => lang.pick("归档", "File archived"),
        }
    }

    /// One plain sentence for litigants on what this stage means.
    pub fn explanation(self, lang: Lang) -> &'static str {
        match self {
            Stage::Submitted => lang.pick(
                "您已把起诉材料交给法院（网上提交，或在就近法院跨域立案），法院从收到这天开始处理。",
                "You have given your complaint to the court (online, or at a nearby court that passes it on), and the court starts from the day it received it.",
            ),
            Stage::UnderReview => lang.pick(
                "法院正在看您的起诉是否符合条件，应在7天内决定是否立案，到期还判断不了的要先立案。",
                "The court is checking whether your complaint can be accepted; it must decide within 7 days, and if it cannot tell by then it must accept the case first.",
            ),
            Stage::CorrectionRequested => lang.pick(
                "材料不全，法院已一次写明所缺的全部材料，您补齐交来后，7天审查期重新计算。",
                "Some papers are missing; the court has listed everything missing at once, and the 7-day check starts again when you hand them in.",
            ),
            Stage::NotAccepted => lang.pick(
                "法院决定不受理并写明了理由，您不服的，可在收到裁定书后10天内上诉。",
                "The court decided not to accept the case and gave written reasons; if you disagree, you can appeal within 10 days of receiving the decision.",
            ),
            Stage::Docketed => lang.pick(
                "法院已受理案件并编了案号，以后查询和交材料都用这个案号。",
                "The court has accepted the case and given it a case number; use this number whenever you ask about the case or hand in papers.",
            ),
            Stage::FeePrepay => lang.pick(
                "请从收到交费通知的第二天起7天内交诉讼费，不交又没获准缓交、减交或免交的，按撤诉处理。",
                "Pay the court fee within 7 days from the day after you get the payment notice; if you do not pay and have no permission to pay later, less or nothing, the case is treated as withdrawn.",
            ),
            Stage::Assigned => lang.pick(
                "案件已交给一位法官负责办理。",
                "A judge has been put in charge of your case.",
            ),
            Stage::Served => lang.pick(
                "法院已把起诉状副本交给被告，被告可在收到后15天内（在中国没有住所的30天内）写答辩状回应。",
                "The court has given the defendant a copy of the complaint; the defendant may answer in writing within 15 days of receiving it (30 days if they do not live in China).",
            ),
            Stage::Mediation => lang.pick(
                "法院帮双方商量解决办法，谈成并签字的协议有法律效力，谈不成就继续审理。",
                "The court helps both sides try to agree; an agreement everyone signs is binding, and if there is none the case goes on.",
            ),
            Stage::Hearing => lang.pick(
                "法官听双方讲理由、看证据，可以在法庭，也可以在网上的“云上法庭”进行。",
                "The judge hears both sides and looks at the evidence, in the courtroom or online in a video hearing.",
            ),
            Stage::Closed => lang.pick(
                "案件以判决、调解或撤诉结束，法院必须在审限内结案（审限是法律给法院办案的最长时间，从立案算起：普通程序6个月，简易程序3个月，小额诉讼2个月）。",
                "The case ends with a judgment, an agreement or a withdrawal, within the trial time limit (the longest time the law gives the court, counted from acceptance: 6 months ordinary, 3 months simplified, 2 months small claims).",
            ),
            Stage::JudgmentServed => lang.pick(
                "判决书或裁定书已送到，不服判决的可在收到后15天内上诉（裁定10天），小额诉讼一审终审，不能上诉。",
                "You have received the judgment or ruling; you can appeal a judgment within 15 days of receiving it (a ruling within 10 days), except in small claims, which cannot be appealed.",
            ),
            Stage::Effective => lang.pick(
                "裁判已经生效，必须履行，对方不履行的，您可在2年内申请法院强制执行。",
                "The decision is now in force and must be obeyed; if the other side does not comply, you can ask the court to enforce it within 2 years.",
            ),
            Stage::Archived => lang.pick(
                "案件材料已整理存档，您仍可在网上查看电子卷宗。",
                "The case file has been put in the archive; you can still read the electronic file online.",
            ),
        }
    }
}

/// Where a timeline node stands at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeStatus {
    /// Happened, or passed over.
    Done,
    /// Where the case is now.
    Current,
    /// Still to come.
    Upcoming,
    /// A duty deadline of this node has passed without being met.
    Overdue,
}

/// The facts a timeline needs besides the recorded events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineFacts {
    pub procedure: Procedure,
    /// Whether the party concerned has a domicile in China: the defendant for the answer
    /// period, the appellant for the appeal period (Civil Procedure Law arts. 285, 286).
    pub domiciled_in_china: bool,
    /// Whether the decision served at `JudgmentServed` is a ruling (裁定) rather than a
    /// judgment (判决).
    pub is_ruling: bool,
    /// Whether the plaintiff must prepay the acceptance fee: false for unpaid-labour-pay
    /// claims (诉讼费用交纳办法 art. 20) or when deferral, reduction or waiver was granted.
    pub prepay_required: bool,
    /// The latest supplementary fee notice (补交诉讼费通知, after a change to ordinary
    /// procedure), Unix seconds: the prepayment period runs again from it (诉讼费用交纳办法
    /// art. 22) until a payment after it settles the account.
    pub fee_notice_at: Option<i64>,
    pub calendar: Calendar,
}

impl Default for TimelineFacts {
    fn default() -> Self {
        TimelineFacts {
            procedure: Procedure::Ordinary,
            domiciled_in_china: true,
            is_ruling: false,
            prepay_required: true,
            fee_notice_at: None,
            calendar: Calendar::weekends_only(),
        }
    }
}

/// One node of the progress timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineNode {
    pub stage: Stage,
    /// When the stage was (last) reached, Unix seconds; `None` if not recorded.
    pub reached_at: Option<i64>,
    /// The deadline that governs this node, once its period has begun. Duties (review, fee,
    /// trial limit) are due *by* this node; rights (answer, appeal, enforcement) run *from*
    /// it.
    pub deadline: Option<Deadline>,
    /// Whether `deadline` still matters: a duty not yet met, or a right not yet overtaken by
    /// a later stage.
    pub deadline_open: bool,
    pub status: NodeStatus,
}

/// The progress timeline of one case at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// The stage the case is at now; `None` before anything was recorded.
    pub current: Option<Stage>,
    pub nodes: Vec<TimelineNode>,
}

/// The recorded events, reduced to what the timeline needs.
struct Record {
    events: Vec<(Stage, i64)>,
    reached: [Option<i64>; Stage::ALL.len()],
}

impl Record {
    fn new(events: &[(Stage, i64)]) -> Record {
        let last_submitted =
            events.iter().filter(|(stage, _)| *stage == Stage::Submitted).map(|&(_, at)| at).max();
        // A resubmission after a correction request starts a new review round (登记立案规定
        // art. 7): review events of an earlier round no longer count.
        let events: Vec<(Stage, i64)> = events
            .iter()
            .copied()
            .filter(|&(stage, at)| stage != Stage::UnderReview || last_submitted.is_none_or(|s| at >= s))
            .collect();
        let mut reached = [None; Stage::ALL.len()];
        for &(stage, at) in &events {
            let slot: &mut Option<i64> = &mut reached[stage.index()];
            *slot = Some(slot.map_or(at, |earlier| earlier.max(at)));
        }
        Record { events, reached }
    }

    fn at(&self, stage: Stage) -> Option<i64> {
        self.reached[stage.index()]
    }

    /// Whether the case reached `stage` or any later main-line stage.
    fn reached_from(&self, stage: Stage) -> bool {
        Stage::ALL[stage.index()..].iter().any(|&s| !s.is_optional() && self.at(s).is_some())
    }

    /// The furthest main-line stage reached.
    fn progress(&self) -> Option<Stage> {
        Stage::ALL.iter().rev().copied().find(|&s| !s.is_optional() && self.at(s).is_some())
    }

    /// The stage of the latest event if it is a side branch, else the furthest main-line
    /// stage (mediation can happen at any point without moving the case forward).
    fn current(&self) -> Option<Stage> {
        let (latest, _) = self.events.iter().copied().max_by_key(|&(stage, at)| (at, stage.index()))?;
        if latest.is_optional() {
            Some(latest)
        } else {
            self.progress()
        }
    }

    /// Whether the court decided on the filing made at `since`: docketed (or later), asked
    /// for corrections, or refused.
    fn decided_since(&self, since: i64) -> bool {
        self.events.iter().any(|&(stage, at)| {
            at >= since
                && (matches!(stage, Stage::CorrectionRequested | Stage::NotAccepted)
                    || (!stage.is_optional() && stage >= Stage::Docketed))
        })
    }

    /// The deadline of `stage`'s node and whether it is still open.
    fn deadline(&self, stage: Stage, facts: &TimelineFacts) -> Option<(Deadline, bool)> {
        let day = CivilDate::from_unix_shanghai;
        let calendar = &facts.calendar;
        match stage {
            Stage::UnderReview => {
                // Civil Procedure Law art. 126; 登记立案规定 arts. 7-8.
                let start = self.at(Stage::Submitted)?;
                let deadline = review_deadline(day(start), calendar);
                Some((deadline, !self.decided_since(start)))
            }
            Stage::FeePrepay if facts.prepay_required => {
                // The fee notice is served with the acceptance notice on docketing
                // (诉讼费用交纳办法 art. 22). Once the case is closed (e.g. treated as
                // withdrawn for non-payment), the fee no longer blocks anything.
                // A supplementary notice (程序转换) starts the period again for what it adds;
                // only a payment on or after it meets it.
                let docketed = self.at(Stage::Docketed)?;
                let notice = facts.fee_notice_at.map_or(docketed, |n| n.max(docketed));
                let paid_since = self.at(Stage::FeePrepay).is_some_and(|paid| paid >= notice);
                let open = !paid_since && !self.reached_from(Stage::Closed);
                Some((fee_deadline(day(notice), calendar), open))
            }
            Stage::Served => {
                let served = self.at(Stage::Served)?;
                let deadline = answer_deadline(day(served), facts.domiciled_in_china, calendar);
                Some((deadline, true))
            }
            Stage::Closed => {
                let docketed = self.at(Stage::Docketed)?;
                let deadline = trial_limit(day(docketed), facts.procedure);
                Some((deadline, !self.reached_from(Stage::Closed)))
            }
            // Small-claims decisions are final: no appeal (Civil Procedure Law art. 165).
            Stage::JudgmentServed if facts.procedure != Procedure::SmallClaims => {
                let served = self.at(Stage::JudgmentServed)?;
                let deadline =
                    appeal_deadline(day(served), facts.is_ruling, facts.domiciled_in_china, calendar);
                Some((deadline, !self.reached_from(Stage::Effective)))
            }
            Stage::Effective => {
                let effective = self.at(Stage::Effective)?;
                Some((enforcement_deadline(day(effective), calendar), true))
            }
            Stage::NotAccepted => {
                // A refusal to accept is a ruling: 10 days to appeal (art. 171).
                let refused = self.at(Stage::NotAccepted)?;
                let deadline = appeal_deadline(day(refused), true, facts.domiciled_in_china, calendar);
                Some((deadline, !self.reached_from(Stage::Docketed)))
            }
            _ => None,
        }
    }
}

impl Timeline {
    /// The timeline at the instant `now` (Unix seconds), from the recorded `(stage, at)`
    /// events in any order.
    ///
    /// A node's status is `Overdue` when its duty deadline has passed unmet; otherwise
    /// `Current` for the stage the case is at, `Upcoming` for a duty still unmet or a stage
    /// not yet reached, and `Done` for stages reached or passed over.
    pub fn build(events: &[(Stage, i64)], facts: &TimelineFacts, now: i64) -> Timeline {
        let record = Record::new(events);
        let current = record.current();
        let progress = record.progress();
        let refused = current == Some(Stage::NotAccepted);

        let nodes = Stage::ALL
            .into_iter()
            .filter_map(|stage| {
                let reached_at = record.at(stage);
                let shown = reached_at.is_some()
                    || !(stage.is_optional()
                        || (stage == Stage::FeePrepay && !facts.prepay_required)
                        // A refused filing ends the case: nothing after it is to come.
                        || (refused && stage > Stage::NotAccepted));
                if !shown {
                    return None;
                }
                let (deadline, deadline_open) = match record.deadline(stage, facts) {
                    Some((deadline, open)) => (Some(deadline), open),
                    None => (None, false),
                };
                let unmet_duty = deadline_open && deadline.as_ref().is_some_and(|d| d.kind.is_duty());
                let status = if unmet_duty && deadline.as_ref().is_some_and(|d| d.is_past(now)) {
                    NodeStatus::Overdue
                } else if current == Some(stage) {
                    NodeStatus::Current
                } else if unmet_duty {
                    NodeStatus::Upcoming
                } else if reached_at.is_some() || progress.is_some_and(|p| stage < p) {
                    NodeStatus::Done
                } else {
                    NodeStatus::Upcoming
                };
                Some(TimelineNode { stage, reached_at, deadline, deadline_open, status })
            })
            .collect();
        Timeline { current, nodes }
    }

    /// The node of `stage`, if shown.
    pub fn node(&self, stage: Stage) -> Option<&TimelineNode> {
        self.nodes.iter().find(|node| node.stage == stage)
    }

    /// The earliest open deadline that has not yet passed at `now`.
    pub fn next_deadline(&self, now: i64) -> Option<Deadline> {
        self.nodes
            .iter()
            .filter(|node| node.deadline_open)
            .filter_map(|node| node.deadline.as_ref())
            .filter(|deadline| !deadline.is_past(now))
            .min_by_key(|deadline| deadline.due_at)
            .cloned()
    }
}

/// How a case ended (结案方式), as the judge records it; its fee consequence is
/// 诉讼费用交纳办法 art. 15 (mediation and withdrawal halve the fee, a judgment does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOutcome {
    /// 判决: in force when the last party's appeal period has run out (`rules::procedure::judgment_in_force_at`).
    Judgment,
    /// 调解: the mediation statement is in force once the parties sign for it (Civil
    /// Procedure Law art. 100).
    Mediated,
    /// 撤诉: the ruling allowing withdrawal cannot be appealed and is in force at once.
    Withdrawn,
}

impl CaseOutcome {
    pub fn parse(s: &str) -> Option<CaseOutcome> {
        match s {
            "judgment" => Some(CaseOutcome::Judgment),
            "mediated" => Some(CaseOutcome::Mediated),
            "withdrawn" => Some(CaseOutcome::Withdrawn),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CaseOutcome::Judgment => "judgment",
            CaseOutcome::Mediated => "mediated",
            CaseOutcome::Withdrawn => "withdrawn",
        }
    }

    pub fn label(code: &str, lang: Lang) -> &'static str {
        match code {
            "mediated" => lang.pick("调解结案", "Closed by mediation"),
            "withdrawn" => lang.pick("撤诉结案", "Withdrawn"),
            _ => lang.pick("判决结案", "Closed by judgment"),
        }
    }

    /// The fee rule's view of it: only mediation and withdrawal halve the fee (art. 15).
    pub fn fee_outcome(self) -> Option<super::fees::Outcome> {
        match self {
            CaseOutcome::Judgment => None,
            CaseOutcome::Mediated => Some(super::fees::Outcome::Mediated),
            CaseOutcome::Withdrawn => Some(super::fees::Outcome::Withdrawn),
        }
    }

    /// Whether the decision is in force as soon as the case closes.
    pub fn in_force_at_once(self) -> bool {
        self != CaseOutcome::Judgment
    }
}

#[cfg(test)]
mod stage_code_tests {
    use super::*;

    #[test]
    fn every_stage_code_round_trips() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_code(s.code()), Some(s));
        }
        assert_eq!(Stage::from_code("nonsense"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::dates::start_of_day_shanghai;
    use super::super::deadlines::DeadlineKind;
    use super::super::wire;
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).expect("valid test date")
    }

    /// Unix seconds at `hour`:00 China time on the given day.
    fn at(y: i32, m: u8, day: u8, hour: i64) -> i64 {
        start_of_day_shanghai(d(y, m, day)) + hour * 3600
    }

    fn build(events: &[(Stage, i64)], now: i64) -> Timeline {
        Timeline::build(events, &TimelineFacts::default(), now)
    }

    fn status(timeline: &Timeline, stage: Stage) -> NodeStatus {
        timeline.node(stage).expect("node shown").status
    }

    fn stages(timeline: &Timeline) -> Vec<Stage> {
        timeline.nodes.iter().map(|node| node.stage).collect()
    }

    /// Filed Monday 4 March 2024, docketed Wednesday 6 March.
    fn docketed_case() -> Vec<(Stage, i64)> {
        vec![
            (Stage::Submitted, at(2024, 3, 4, 9)),
            (Stage::UnderReview, at(2024, 3, 4, 10)),
            (Stage::Docketed, at(2024, 3, 6, 15)),
        ]
    }

    #[test]
    fn the_hunan_small_claims_limit_is_half_the_average_wage_in_fen() {
        assert_eq!(HUNAN_AVERAGE_ANNUAL_WAGE_FEN, 4_570_700);
        assert_eq!(HUNAN_SMALL_CLAIMS_LIMIT_FEN, 2_285_350);
    }

    #[test]
    fn a_simple_money_claim_up_to_the_limit_is_a_small_claim() {
        let limit = HUNAN_SMALL_CLAIMS_LIMIT_FEN;
        assert_eq!(procedure_for(limit, limit, true, false), Procedure::SmallClaims);
        assert_eq!(procedure_for(100, limit, true, false), Procedure::SmallClaims);
        assert_eq!(procedure_for(limit + 1, limit, true, false), Procedure::Simplified);
    }

    #[test]
    fn up_to_twice_the_limit_the_parties_may_agree_to_small_claims() {
        let limit = HUNAN_SMALL_CLAIMS_LIMIT_FEN;
        assert_eq!(procedure_for(2 * limit, limit, true, true), Procedure::SmallClaims);
        assert_eq!(procedure_for(2 * limit + 1, limit, true, true), Procedure::Simplified);
    }

    #[test]
    fn complex_cases_and_non_money_claims_are_not_small_claims() {
        let limit = HUNAN_SMALL_CLAIMS_LIMIT_FEN;
        assert_eq!(procedure_for(100, limit, false, true), Procedure::Ordinary);
        assert_eq!(procedure_for(0, limit, true, true), Procedure::Simplified);
        assert_eq!(procedure_for(-5, limit, true, false), Procedure::Simplified);
    }

    #[test]
    fn procedures_have_labels_and_trial_limits() {
        assert_eq!(Procedure::SmallClaims.trial_limit_months(), 2);
        assert_eq!(Procedure::Simplified.trial_limit_months(), 3);
        assert_eq!(Procedure::Ordinary.trial_limit_months(), 6);
        assert_eq!(Procedure::Simplified.label(Lang::Zh), "简易程序");
    }

    #[test]
    fn stages_are_listed_in_timeline_order_with_labels_and_explanations() {
        for (i, stage) in Stage::ALL.into_iter().enumerate() {
            assert_eq!(stage.index(), i);
            assert!(!stage.label(Lang::Zh).is_empty());
            assert!(!stage.label(Lang::En).is_empty());
            assert!(stage.explanation(Lang::Zh).ends_with('。'), "{stage:?}");
            assert!(stage.explanation(Lang::En).ends_with('.'), "{stage:?}");
        }
        assert!(Stage::Closed.explanation(Lang::Zh).contains("审限是"));
    }

    #[test]
    fn an_empty_case_shows_the_main_line_as_upcoming() {
        let timeline = build(&[], at(2024, 3, 1, 9));
        assert_eq!(timeline.current, None);
        assert_eq!(
            stages(&timeline),
            vec![
                Stage::Submitted,
                Stage::UnderReview,
                Stage::Docketed,
                Stage::FeePrepay,
                Stage::Assigned,
                Stage::Served,
                Stage::Hearing,
                Stage::Closed,
                Stage::JudgmentServed,
                Stage::Effective,
                Stage::Archived,
            ]
        );
        assert!(timeline
            .nodes
            .iter()
            .all(|node| node.status == NodeStatus::Upcoming && node.deadline.is_none()));
        assert_eq!(timeline.next_deadline(at(2024, 3, 1, 9)), None);
    }

    #[test]
    fn a_new_filing_waits_for_review_within_seven_days() {
        let events = [(Stage::Submitted, at(2024, 3, 4, 9))];
        let timeline = build(&events, at(2024, 3, 5, 9));
        assert_eq!(timeline.current, Some(Stage::Submitted));
        assert_eq!(status(&timeline, Stage::Submitted), NodeStatus::Current);
        let review = timeline.node(Stage::UnderReview).expect("shown");
        assert_eq!(review.status, NodeStatus::Upcoming);
        assert!(review.deadline_open);
        let next = timeline.next_deadline(at(2024, 3, 5, 9)).expect("review");
        assert_eq!(next.kind, DeadlineKind::Review);
        assert_eq!(next.due_date, d(2024, 3, 11));
    }

    #[test]
    fn a_review_not_decided_in_time_is_overdue() {
        let events = [(Stage::Submitted, at(2024, 3, 4, 9)), (Stage::UnderReview, at(2024, 3, 4, 10))];
        // Due on 11 March: still current on its last day, overdue the next morning.
        let timeline = build(&events, at(2024, 3, 11, 23));
        assert_eq!(status(&timeline, Stage::UnderReview), NodeStatus::Current);
        let timeline = build(&events, at(2024, 3, 12, 0));
        assert_eq!(status(&timeline, Stage::UnderReview), NodeStatus::Overdue);
        assert_eq!(timeline.current, Some(Stage::UnderReview));
        assert_eq!(status(&timeline, Stage::Submitted), NodeStatus::Done);
    }

    #[test]
    fn corrected_materials_restart_the_review_period() {
        let events = [
            (Stage::Submitted, at(2024, 3, 4, 9)),
            (Stage::UnderReview, at(2024, 3, 4, 10)),
            (Stage::CorrectionRequested, at(2024, 3, 5, 10)),
            (Stage::Submitted, at(2024, 3, 20, 9)),
        ];
        // While waiting for the corrections the review deadline is met.
        let waiting = build(&events[..3], at(2024, 3, 15, 9));
        assert_eq!(waiting.current, Some(Stage::CorrectionRequested));
        assert_eq!(status(&waiting, Stage::CorrectionRequested), NodeStatus::Current);
        assert_eq!(status(&waiting, Stage::UnderReview), NodeStatus::Done);
        assert_eq!(waiting.next_deadline(at(2024, 3, 15, 9)), None);

        // After resubmission the 7 days run again from 20 March.
        let timeline = build(&events, at(2024, 3, 21, 9));
        assert_eq!(timeline.current, Some(Stage::Submitted));
        assert_eq!(status(&timeline, Stage::CorrectionRequested), NodeStatus::Done);
        let review = timeline.node(Stage::UnderReview).expect("shown");
        assert_eq!(review.reached_at, None);
        assert_eq!(review.status, NodeStatus::Upcoming);
        assert_eq!(review.deadline.as_ref().map(|d| d.due_date), Some(d(2024, 3, 27)));
        let overdue = build(&events, at(2024, 3, 28, 9));
        assert_eq!(status(&overdue, Stage::UnderReview), NodeStatus::Overdue);
    }

    #[test]
    fn docketing_starts_the_fee_deadline_and_the_trial_limit() {
        let timeline = build(&docketed_case(), at(2024, 3, 7, 9));
        assert_eq!(timeline.current, Some(Stage::Docketed));
        assert_eq!(status(&timeline, Stage::UnderReview), NodeStatus::Done);
        let fee = timeline.node(Stage::FeePrepay).expect("shown");
        assert_eq!(fee.status, NodeStatus::Upcoming);
        let fee_deadline = fee.deadline.as_ref().expect("fee deadline");
        assert_eq!(fee_deadline.due_date, d(2024, 3, 13));
        assert_eq!(fee_deadline.source, "诉讼费用交纳办法 第22条");
        let closed = timeline.node(Stage::Closed).expect("shown");
        assert_eq!(
            closed.deadline.as_ref().map(|d| (d.kind, d.due_date)),
            Some((DeadlineKind::TrialLimit, d(2024, 9, 6)))
        );
        assert_eq!(timeline.next_deadline(at(2024, 3, 7, 9)).map(|d| d.kind), Some(DeadlineKind::Fee));
    }

    #[test]
    fn an_unpaid_fee_is_overdue_even_after_the_case_moves_on() {
        let mut events = docketed_case();
        events.push((Stage::Assigned, at(2024, 3, 8, 9)));
        let timeline = build(&events, at(2024, 3, 10, 9));
        assert_eq!(timeline.current, Some(Stage::Assigned));
        assert_eq!(status(&timeline, Stage::FeePrepay), NodeStatus::Upcoming);
        let timeline = build(&events, at(2024, 3, 14, 9));
        assert_eq!(status(&timeline, Stage::FeePrepay), NodeStatus::Overdue);
    }

    #[test]
    fn a_paid_fee_is_done_and_no_longer_the_next_deadline() {
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 8, 9)));
        let timeline = build(&events, at(2024, 3, 20, 9));
        assert_eq!(timeline.current, Some(Stage::FeePrepay));
        assert_eq!(status(&timeline, Stage::FeePrepay), NodeStatus::Current);
        let next = timeline.next_deadline(at(2024, 3, 20, 9)).expect("trial limit");
        assert_eq!(next.kind, DeadlineKind::TrialLimit);
    }

    #[test]
    fn a_supplementary_fee_notice_opens_the_fee_again_for_seven_days() {
        // Paid on 8 March; converted to ordinary procedure on 12 March (Tuesday): the other
        // half is due by 19 March (诉讼费用交纳办法 art. 22), and only a later payment meets it.
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 8, 9)));
        let facts = TimelineFacts { fee_notice_at: Some(at(2024, 3, 12, 10)), ..TimelineFacts::default() };
        let timeline = Timeline::build(&events, &facts, at(2024, 3, 13, 9));
        let fee = timeline.node(Stage::FeePrepay).expect("shown");
        assert!(fee.deadline_open);
        assert_eq!(fee.deadline.as_ref().map(|d| d.due_date), Some(d(2024, 3, 19)));
        // The case is at this stage again: current, not done.
        assert_eq!(fee.status, NodeStatus::Current);
        let late = Timeline::build(&events, &facts, at(2024, 3, 20, 9));
        assert_eq!(status(&late, Stage::FeePrepay), NodeStatus::Overdue);
        events.push((Stage::FeePrepay, at(2024, 3, 14, 9)));
        let paid = Timeline::build(&events, &facts, at(2024, 3, 20, 9));
        let fee = paid.node(Stage::FeePrepay).expect("shown");
        assert!(!fee.deadline_open);
        assert_eq!(fee.reached_at, Some(at(2024, 3, 14, 9)));
    }

    #[test]
    fn a_case_exempt_from_prepayment_shows_no_fee_node() {
        let facts = TimelineFacts { prepay_required: false, ..TimelineFacts::default() };
        let timeline = Timeline::build(&docketed_case(), &facts, at(2024, 3, 20, 9));
        assert!(timeline.node(Stage::FeePrepay).is_none());
    }

    #[test]
    fn stages_passed_over_without_a_record_are_done() {
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 8, 9)));
        events.push((Stage::Served, at(2024, 3, 12, 9)));
        let timeline = build(&events, at(2024, 3, 13, 9));
        let assigned = timeline.node(Stage::Assigned).expect("shown");
        assert_eq!(assigned.reached_at, None);
        assert_eq!(assigned.status, NodeStatus::Done);
        assert_eq!(status(&timeline, Stage::Served), NodeStatus::Current);
        assert_eq!(status(&timeline, Stage::Hearing), NodeStatus::Upcoming);
        // The defendant's 15 days run from service and are the next deadline.
        let next = timeline.next_deadline(at(2024, 3, 13, 9)).expect("answer");
        assert_eq!(next.kind, DeadlineKind::Answer);
        assert_eq!(next.due_date, d(2024, 3, 27));
    }

    #[test]
    fn mediation_at_any_point_becomes_current_without_skipping_stages() {
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 8, 9)));
        events.push((Stage::Mediation, at(2024, 3, 9, 9)));
        let timeline = build(&events, at(2024, 3, 10, 9));
        assert_eq!(timeline.current, Some(Stage::Mediation));
        assert_eq!(status(&timeline, Stage::Mediation), NodeStatus::Current);
        assert_eq!(status(&timeline, Stage::FeePrepay), NodeStatus::Done);
        assert_eq!(status(&timeline, Stage::Assigned), NodeStatus::Upcoming);
        assert_eq!(status(&timeline, Stage::Served), NodeStatus::Upcoming);
    }

    #[test]
    fn a_case_past_its_trial_limit_is_overdue_until_closed() {
        let facts = TimelineFacts { procedure: Procedure::Simplified, ..TimelineFacts::default() };
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 7, 9)));
        events.push((Stage::Hearing, at(2024, 5, 20, 9)));
        // Docketed 6 March + 3 months = 6 June.
        let timeline = Timeline::build(&events, &facts, at(2024, 6, 6, 20));
        assert_eq!(status(&timeline, Stage::Closed), NodeStatus::Upcoming);
        let timeline = Timeline::build(&events, &facts, at(2024, 6, 7, 9));
        assert_eq!(status(&timeline, Stage::Closed), NodeStatus::Overdue);
        assert_eq!(status(&timeline, Stage::Hearing), NodeStatus::Current);
        // The same case under the ordinary procedure has until 6 September.
        let timeline = build(&events, at(2024, 6, 7, 9));
        assert_eq!(status(&timeline, Stage::Closed), NodeStatus::Upcoming);

        events.push((Stage::Closed, at(2024, 6, 10, 9)));
        let timeline = Timeline::build(&events, &facts, at(2024, 6, 11, 9));
        let closed = timeline.node(Stage::Closed).expect("shown");
        assert_eq!(closed.status, NodeStatus::Current);
        assert!(!closed.deadline_open);
    }

    #[test]
    fn a_served_judgment_opens_the_appeal_period() {
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 7, 9)));
        events.push((Stage::Closed, at(2024, 5, 6, 9)));
        events.push((Stage::JudgmentServed, at(2024, 5, 6, 15)));
        let timeline = build(&events, at(2024, 5, 7, 9));
        let node = timeline.node(Stage::JudgmentServed).expect("shown");
        assert_eq!(node.status, NodeStatus::Current);
        let appeal = node.deadline.as_ref().expect("appeal");
        assert_eq!((appeal.kind, appeal.due_date), (DeadlineKind::Appeal, d(2024, 5, 21)));
        assert_eq!(timeline.next_deadline(at(2024, 5, 7, 9)).map(|d| d.kind), Some(DeadlineKind::Appeal));
        // An expired appeal period is a lapsed right, not an overdue duty.
        let later = build(&events, at(2024, 6, 1, 9));
        assert_eq!(status(&later, Stage::JudgmentServed), NodeStatus::Current);

        let ruling = TimelineFacts { is_ruling: true, ..TimelineFacts::default() };
        let timeline = Timeline::build(&events, &ruling, at(2024, 5, 7, 9));
        let appeal = timeline.node(Stage::JudgmentServed).and_then(|n| n.deadline.as_ref()).expect("appeal");
        assert_eq!(appeal.due_date, d(2024, 5, 16));
    }

    #[test]
    fn an_appeal_period_ending_in_the_national_day_week_runs_to_the_first_working_day() {
        // Served Monday 21 September 2026: day 15 is Tuesday 6 October, inside the 1–7
        // October holiday, so the period runs to Thursday 8 October (CPL art. 85).
        let events = [
            (Stage::Submitted, at(2026, 8, 3, 9)),
            (Stage::Docketed, at(2026, 8, 5, 9)),
            (Stage::FeePrepay, at(2026, 8, 6, 9)),
            (Stage::Closed, at(2026, 9, 21, 9)),
            (Stage::JudgmentServed, at(2026, 9, 21, 15)),
        ];
        let facts =
            TimelineFacts { calendar: super::super::holidays::state_council(), ..TimelineFacts::default() };
        let timeline = Timeline::build(&events, &facts, at(2026, 9, 22, 9));
        let appeal = timeline.node(Stage::JudgmentServed).and_then(|n| n.deadline.as_ref()).expect("appeal");
        assert_eq!(appeal.due_date, d(2026, 10, 8));
        // Weekends alone would have ended it on the holiday itself.
        let weekends = build(&events, at(2026, 9, 22, 9));
        let appeal = weekends.node(Stage::JudgmentServed).and_then(|n| n.deadline.as_ref()).expect("appeal");
        assert_eq!(appeal.due_date, d(2026, 10, 6));
    }

    #[test]
    fn a_small_claims_judgment_cannot_be_appealed() {
        let facts = TimelineFacts { procedure: Procedure::SmallClaims, ..TimelineFacts::default() };
        let mut events = docketed_case();
        events.push((Stage::JudgmentServed, at(2024, 4, 1, 9)));
        let timeline = Timeline::build(&events, &facts, at(2024, 4, 2, 9));
        let node = timeline.node(Stage::JudgmentServed).expect("shown");
        assert_eq!(node.deadline, None);
    }

    #[test]
    fn an_effective_decision_leaves_two_years_to_apply_for_enforcement() {
        let mut events = docketed_case();
        events.push((Stage::FeePrepay, at(2024, 3, 7, 9)));
        events.push((Stage::Closed, at(2024, 5, 6, 9)));
        events.push((Stage::JudgmentServed, at(2024, 5, 6, 15)));
        events.push((Stage::Effective, at(2024, 5, 22, 9)));
        events.push((Stage::Archived, at(2024, 6, 1, 9)));
        let now = at(2024, 6, 2, 9);
        let timeline = build(&events, now);
        assert_eq!(timeline.current, Some(Stage::Archived));
        assert_eq!(status(&timeline, Stage::Effective), NodeStatus::Done);
        assert!(!timeline.node(Stage::JudgmentServed).expect("shown").deadline_open);
        let next = timeline.next_deadline(now).expect("enforcement");
        assert_eq!(next.kind, DeadlineKind::Enforcement);
        assert_eq!(next.due_date, d(2026, 5, 22));
        assert!(timeline.nodes.iter().all(|node| node.status != NodeStatus::Overdue));
    }

    #[test]
    fn a_refused_filing_ends_the_timeline_with_ten_days_to_appeal() {
        let events = [
            (Stage::Submitted, at(2024, 3, 4, 9)),
            (Stage::UnderReview, at(2024, 3, 4, 10)),
            (Stage::NotAccepted, at(2024, 3, 8, 10)),
        ];
        let timeline = build(&events, at(2024, 3, 9, 9));
        assert_eq!(timeline.current, Some(Stage::NotAccepted));
        assert_eq!(stages(&timeline), vec![Stage::Submitted, Stage::UnderReview, Stage::NotAccepted]);
        assert_eq!(status(&timeline, Stage::UnderReview), NodeStatus::Done);
        let appeal = timeline.next_deadline(at(2024, 3, 9, 9)).expect("appeal");
        assert_eq!(appeal.kind, DeadlineKind::Appeal);
        assert_eq!(appeal.due_date, d(2024, 3, 18));
        let later = build(&events, at(2024, 4, 1, 9));
        assert_eq!(status(&later, Stage::NotAccepted), NodeStatus::Current);
    }

    #[test]
    fn events_may_arrive_in_any_order() {
        let mut events = docketed_case();
        events.reverse();
        assert_eq!(build(&events, at(2024, 3, 7, 9)), build(&docketed_case(), at(2024, 3, 7, 9)));
    }

    #[test]
    fn timelines_and_their_facts_can_cross_the_wire() {
        wire::assert_wire::<Timeline>();
        wire::assert_wire::<TimelineFacts>();
        assert_eq!(wire::from_str::<Stage>("Docketed").ok(), Some(Stage::Docketed));
        assert_eq!(wire::from_str::<Procedure>("SmallClaims").ok(), Some(Procedure::SmallClaims));
    }
}
