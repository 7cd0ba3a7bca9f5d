//! Online mediation (在线调解): its periods, how it ends, the agreement's versions and
//! signatures, and the window for judicial confirmation (DOMAIN-2 §1).
//!
//! Sources (article by article, DOMAIN-2 §1.1): 人民法院在线调解规则 (OMR) arts. 10, 12, 15, 19,
//! 24, 25; 电子签名法 (ESL) art. 13; 民事诉讼法 2023 (CPL) arts. 85, 205; 人民调解法 (PML)
//! arts. 31–33; 最高法关于人民法院民事调解工作若干问题的规定 (MED20) art. 8.

use super::dates::CivilDate;
use super::deadlines::Calendar;
use super::holidays::{party_period_end, working_days_after, NotCovered};
use super::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Pre-filing (诉前, a 民诉前调 matter) or in a docketed case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediationKind {
    PreFiling,
    /// After docketing; `simplified` when the case is under the simplified procedure.
    InLitigation {
        simplified: bool,
    },
}

impl MediationKind {
    /// The mediation period in days, from the mediator's acceptance (OMR art. 24: 30 days
    /// pre-filing; 15 ordinary, 7 simplified after docketing). Extendable by all parties.
    pub fn period_days(self) -> u32 {
        match self {
            MediationKind::PreFiling => 30,
            MediationKind::InLitigation { simplified: false } => 15,
            MediationKind::InLitigation { simplified: true } => 7,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MediationKind::PreFiling => "pre_filing",
            MediationKind::InLitigation { .. } => "in_litigation",
        }
    }

    /// Mediation in a docketed case tried under `procedure` (its code): 7 days under the
    /// simplified procedure — small claims are tried under it (CPL 2023 art. 165) — and 15
    /// under the ordinary one (OMR art. 24).
    pub fn in_case(procedure: &str) -> MediationKind {
        MediationKind::InLitigation { simplified: procedure != "ordinary" }
    }

    /// As stored: the kind's code and the period fixed when it began.
    pub fn from_stored(code: &str, period_days: i64) -> MediationKind {
        match code {
            "in_litigation" => MediationKind::InLitigation { simplified: period_days < 15 },
            _ => MediationKind::PreFiling,
        }
    }

    /// The article a page cites for the period.
    pub fn period_source(self) -> &'static str {
        match self {
            MediationKind::PreFiling => "在线调解规则 第24条（诉前调解30日）",
            MediationKind::InLitigation { simplified: false } => "在线调解规则 第24条（立案后普通程序15日）",
            MediationKind::InLitigation { simplified: true } => "在线调解规则 第24条（立案后简易程序7日）",
        }
    }
}

/// Which cases a judge may mediate: never a special-procedure case (so never a 民特), nor a
/// 督促 or 公示催告 case (民诉解释 art. 143). Of the case types this court handles online,
/// the civil first instance (民初) is mediable.
pub fn mediable(case_type: crate::rules::case_number::CaseType) -> bool {
    matches!(case_type, crate::rules::case_number::CaseType::CivilFirstInstance)
}

/// The 调解书 takes effect when every party has signed for it (签收, CPL 2023 art. 100), on
/// the day the **last** one did (民诉解释 art. 149): `received` holds (party, when) of those
/// who have; `None` while anyone in `required` has not.
pub fn statement_in_force_at(required: &[i64], received: &[(i64, i64)]) -> Option<i64> {
    effective_at(required, received)
}

/// Most days one proposal may add to the period. OMR art. 24 sets no limit when all parties
/// agree; this is the product's own bound, so that a mistyped number cannot stretch a
/// mediation for months (a further proposal can follow).
pub const EXTENSION_MAX_DAYS: u32 = 30;

/// The court designates a mediator within 3 working days of the application (OMR art. 10);
/// the mediator accepts or declines within 3 (art. 12); the other side is asked within 3 of
/// acceptance (art. 15). All three are 3 working days.
pub const WORKING_DAYS_TO_ACT: u32 = 3;

/// The last day for a 3-working-day step that began on `start`.
pub fn step_due(start: CivilDate, calendar: &Calendar) -> Result<CivilDate, NotCovered> {
    working_days_after(start, WORKING_DAYS_TO_ACT, calendar)
}

/// The last day of the mediation period begun on `accepted` (the court's own period: not
/// moved past holidays, like a trial limit — `deadlines` says why).
pub fn period_end(kind: MediationKind, accepted: CivilDate, extension_days: u32) -> CivilDate {
    accepted.add_days(i64::from(kind.period_days() + extension_days))
}

/// Judicial confirmation must be applied for jointly within 30 days of the agreement taking
/// effect (CPL 2023 art. 205; PML art. 33); the last day moves past a holiday (art. 85).
/// `provisional` when that day is in a year whose holidays are not entered yet.
pub fn confirmation_window_end(effective: CivilDate, calendar: &Calendar) -> (CivilDate, bool) {
    party_period_end(effective, 30, calendar)
}

/// A video session of a mediation (OMR art. 16: simultaneous audio and video, on the court's
/// configured meeting service). The join link is offered from this long before the start...
pub const SESSION_JOIN_EARLY_SECS: i64 = 15 * 60;
/// ...until this long after it.
pub const SESSION_JOIN_LATE_SECS: i64 = 3 * 3600;

/// Where a session stands at `now`, for the join link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinWindow {
    /// Too early: the link opens at `SESSION_JOIN_EARLY_SECS` before the start.
    Early,
    Open,
    Over,
}

pub fn join_window(starts_at: i64, now: i64) -> JoinWindow {
    if now < starts_at - SESSION_JOIN_EARLY_SECS {
        JoinWindow::Early
    } else if now <= starts_at + SESSION_JOIN_LATE_SECS {
        JoinWindow::Open
    } else {
        JoinWindow::Over
    }
}

/// The start of a session typed as a date (`2026-12-10`) and a time (`14:30`), China time,
/// as Unix seconds; `None` if either is not a real date or time.
pub fn session_start(date: &str, time: &str) -> Option<i64> {
    let day = CivilDate::parse(date)?;
    // A time field sends "HH:MM" (or "HH:MM:SS"; the seconds are dropped).
    let parts: Vec<&str> = time.trim().split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, m): (i64, i64) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m))
        .then(|| crate::rules::dates::start_of_day_shanghai(day) + h * 3600 + m * 60)
}

/// A meeting link parties may be sent: on the court's own meeting service (`base`, https), so
/// that a link in a court's message can never lead elsewhere.
pub fn meeting_link_ok(link: &str, base: &str) -> bool {
    let link = link.trim();
    base.starts_with("https://")
        && link.starts_with(base)
        && link.len() > base.len()
        && link.len() <= 500
        && !link.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// Why an online mediation ended (OMR art. 25, the eight grounds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndGround {
    /// (1) agreement reached.
    Agreed,
    /// (2) the parties settled themselves and withdrew.
    SettledAndWithdrew,
    /// (3) a party could not be reached within the period.
    Unreachable,
    /// (4) a party expressly refused to go on (also: the other side refused to mediate, art. 15).
    Refused,
    /// (5) positions too far apart.
    TooFarApart,
    /// (6) the period ran out with no agreed extension.
    Expired,
    /// (7) a party refused to sign the agreement.
    RefusedToSign,
    /// (8) mediation cannot otherwise go on.
    Other,
}

impl EndGround {
    pub const ALL: [EndGround; 8] = [
        EndGround::Agreed,
        EndGround::SettledAndWithdrew,
        EndGround::Unreachable,
        EndGround::Refused,
        EndGround::TooFarApart,
        EndGround::Expired,
        EndGround::RefusedToSign,
        EndGround::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EndGround::Agreed => "agreed",
            EndGround::SettledAndWithdrew => "settled",
            EndGround::Unreachable => "unreachable",
            EndGround::Refused => "refused",
            EndGround::TooFarApart => "too_far_apart",
            EndGround::Expired => "expired",
            EndGround::RefusedToSign => "refused_to_sign",
            EndGround::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<EndGround> {
        EndGround::ALL.into_iter().find(|g| g.code() == code)
    }

    /// The item of OMR art. 25.
    pub fn item(self) -> u8 {
        EndGround::ALL.iter().position(|g| *g == self).map_or(8, |i| i as u8 + 1)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EndGround::Agreed => lang.pick("达成调解协议", "Agreement reached"),
            EndGround::SettledAndWithdrew => {
                lang.pick("双方自行和解，撤回申请", "Settled by themselves and withdrew")
            }
            EndGround::Unreachable => {
                lang.pick("在规定期限内无法联系到当事人", "A party could not be reached in time")
            }
            EndGround::Refused => lang.pick("当事人明确拒绝继续调解", "A party refused to go on"),
            EndGround::TooFarApart => lang.pick("双方意见分歧太大，难以达成协议", "Positions too far apart"),
            EndGround::Expired => lang.pick("调解期限届满，没有同意延长", "The period ran out, not extended"),
            EndGround::RefusedToSign => {
                lang.pick("当事人拒绝在调解协议上签名", "A party refused to sign the agreement")
            }
            EndGround::Other => lang.pick("其他导致调解无法进行的情形", "Mediation cannot otherwise go on"),
        }
    }

    /// The grounds a mediator may pick when ending it by hand; (1) and (7) come from the
    /// parties' own acts (the last signature, a refusal to sign).
    pub fn chosen_by_mediator(self) -> bool {
        !matches!(self, EndGround::Agreed | EndGround::RefusedToSign)
    }
}

/// Longest clause, and most clauses, an agreement may hold (a page people sign on a phone).
pub const CLAUSE_MAX_CHARS: usize = 500;
pub const CLAUSES_MAX: usize = 20;

/// Why an agreement's text cannot be offered for signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreementProblem {
    Empty,
    TooManyClauses,
    ClauseTooLong,
    /// "If one side does not perform, the court will judge the case": not permitted (MED20 art. 8).
    CourtJudgesOnBreach,
}

impl AgreementProblem {
    pub fn message(self, lang: Lang) -> String {
        match self {
            AgreementProblem::Empty => lang.pick("协议至少要有一条内容。", "The agreement needs at least one clause.").into(),
            AgreementProblem::TooManyClauses => match lang {
                Lang::Zh => format!("协议最多{CLAUSES_MAX}条。"),
                Lang::En => format!("At most {CLAUSES_MAX} clauses."),
            },
            AgreementProblem::ClauseTooLong => match lang {
                Lang::Zh => format!("每一条最多{CLAUSE_MAX_CHARS}个字，请分成几条写。"),
                Lang::En => format!("Each clause at most {CLAUSE_MAX_CHARS} characters; split it."),
            },
            AgreementProblem::CourtJudgesOnBreach => lang
                .pick(
                    "协议不能约定“一方不履行，法院就对案件作出判决”（最高法民事调解规定第8条）。不履行的，可以申请强制执行或另行起诉。",
                    "An agreement may not say the court will judge the case if one side does not perform (MED20 art. 8). Enforcement or a new suit is the remedy.",
                )
                .into(),
        }
    }
}

/// The clauses of an agreement as a mediator typed them: one per line, numbering such as
/// "1." or "一、" taken off (the page numbers them), blank lines dropped.
pub fn clauses_from_text(text: &str) -> Vec<String> {
    text.lines().map(|l| strip_number(l.trim()).trim().to_string()).filter(|l| !l.is_empty()).collect()
}

fn strip_number(line: &str) -> &str {
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    if rest.len() == line.len() {
        return line;
    }
    match rest.chars().next() {
        Some(c) if ".、．)）".contains(c) => &rest[c.len_utf8()..],
        _ => line,
    }
}

/// Checks an agreement's clauses before they are offered for signature.
pub fn check_agreement(clauses: &[String]) -> Result<(), AgreementProblem> {
    if clauses.is_empty() {
        return Err(AgreementProblem::Empty);
    }
    if clauses.len() > CLAUSES_MAX {
        return Err(AgreementProblem::TooManyClauses);
    }
    if clauses.iter().any(|c| c.chars().count() > CLAUSE_MAX_CHARS) {
        return Err(AgreementProblem::ClauseTooLong);
    }
    // MED20 art. 8: a clause letting the court judge the case on breach is not permitted.
    let court_judges = |c: &String| {
        c.contains("不履行") && (c.contains("法院") && (c.contains("判决") || c.contains("裁判")))
    };
    if clauses.iter().any(court_judges) {
        return Err(AgreementProblem::CourtJudgesOnBreach);
    }
    Ok(())
}

/// The exact bytes a signature covers: the matter's number, the version and its clauses as
/// canonical JSON. Any change to a clause changes the hash (ESL art. 13: a later change must be
/// detectable), so every signature binds the text the signer read.
pub fn agreement_bytes(matter_number: &str, version: i64, clauses: &[String]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "matter": matter_number,
        "version": version,
        "clauses": clauses,
    }))
    .unwrap_or_default()
}

/// SHA-256 of [`agreement_bytes`], lower-case hex.
pub fn agreement_sha256(matter_number: &str, version: i64, clauses: &[String]) -> String {
    let digest = Sha256::digest(agreement_bytes(matter_number, version, clauses));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line of "what changed since the version you saw".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClauseChange {
    Same(String),
    Added(String),
    Removed(String),
    /// A clause rewritten in place: the old and the new text.
    Changed {
        old: String,
        new: String,
    },
}

/// Clause-by-clause differences from `old` to `new` (longest common subsequence of clauses;
/// a removal directly followed by an addition reads as one clause changed).
pub fn diff_clauses(old: &[String], new: &[String]) -> Vec<ClauseChange> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] =
                if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut raw = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            raw.push(ClauseChange::Same(new[j].clone()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removals first: an old clause and its rewrite then read as one change.
            raw.push(ClauseChange::Removed(old[i].clone()));
            i += 1;
        } else {
            raw.push(ClauseChange::Added(new[j].clone()));
            j += 1;
        }
    }
    // Pair a run of removals with the additions right after it: "changed".
    let mut out = Vec::with_capacity(raw.len());
    let mut k = 0;
    while k < raw.len() {
        let removed_end =
            (k..raw.len()).find(|&x| !matches!(raw[x], ClauseChange::Removed(_))).unwrap_or(raw.len());
        let added_end = (removed_end..raw.len())
            .find(|&x| !matches!(raw[x], ClauseChange::Added(_)))
            .unwrap_or(raw.len());
        let (removed, added) = (removed_end - k, added_end - removed_end);
        if removed > 0 && added > 0 {
            let pairs = removed.min(added);
            for p in 0..pairs {
                if let (ClauseChange::Removed(o), ClauseChange::Added(a)) =
                    (&raw[k + p], &raw[removed_end + p])
                {
                    out.push(ClauseChange::Changed { old: o.clone(), new: a.clone() });
                }
            }
            out.extend(raw[k + pairs..removed_end].iter().cloned());
            out.extend(raw[removed_end + pairs..added_end].iter().cloned());
            k = added_end;
        } else if removed > 0 {
            out.extend(raw[k..removed_end].iter().cloned());
            k = removed_end;
        } else {
            out.push(raw[k].clone());
            k += 1;
        }
    }
    out
}

/// Who must sign an agreement for it to take effect: every party and the mediator (OMR
/// art. 19). Returns the moment it takes effect — the **last** signature — once every required
/// signer has signed the current version; signatures on older versions do not count.
pub fn effective_at(required: &[i64], signed: &[(i64, i64)]) -> Option<i64> {
    let mut last = i64::MIN;
    for who in required {
        let at = signed.iter().filter(|(s, _)| s == who).map(|(_, at)| *at).max()?;
        last = last.max(at);
    }
    (!required.is_empty()).then_some(last)
}

/// A drawn signature: a PNG image, as the signing pad sends it (`data:image/png;base64,...`).
/// At most this many bytes of base64 are accepted (a finger signature at phone resolution is
/// 5–40 KB).
pub const SIGNATURE_MAX_CHARS: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::holidays::state_council;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn a_session_link_opens_a_quarter_hour_early_and_closes_three_hours_late() {
        let start = session_start("2026-12-10", "14:30").unwrap();
        assert_eq!(
            start,
            crate::rules::dates::start_of_day_shanghai(CivilDate::new(2026, 12, 10).unwrap())
                + 14 * 3600
                + 1800
        );
        assert_eq!(join_window(start, start - 16 * 60), JoinWindow::Early);
        assert_eq!(join_window(start, start - 15 * 60), JoinWindow::Open);
        assert_eq!(join_window(start, start + 3 * 3600), JoinWindow::Open);
        assert_eq!(join_window(start, start + 3 * 3600 + 1), JoinWindow::Over);
        for (d, t) in [
            ("2026-02-30", "10:00"),
            ("2026-12-10", "24:00"),
            ("2026-12-10", "9"),
            ("", "10:00"),
            ("2026-12-10", "10:60"),
            ("2026-12-10", "10:305"),
        ] {
            assert_eq!(session_start(d, t), None, "{d} {t}");
        }
        assert!(session_start("2026-12-10", "09:05").is_some());
    }

    #[test]
    fn only_links_on_the_courts_own_meeting_service_are_sent() {
        let base = "https://meet.court.example/j/";
        assert!(meeting_link_ok("https://meet.court.example/j/8812345", base));
        for bad in [
            "https://meet.court.example/j/",
            "https://meet.court.example.evil.cn/j/1",
            "http://meet.court.example/j/1",
            "https://meet.court.example/j/1 <script>",
            "https://other.example/j/1",
        ] {
            assert!(!meeting_link_ok(bad, base), "{bad}");
        }
        assert!(!meeting_link_ok("http://x/j/1", "http://x/j/"), "the service itself must be https");
    }

    #[test]
    fn a_case_is_mediated_for_15_days_ordinary_and_7_simplified() {
        // OMR art. 24; small claims are tried under the simplified procedure.
        assert_eq!(MediationKind::in_case("ordinary").period_days(), 15);
        assert_eq!(MediationKind::in_case("simplified").period_days(), 7);
        assert_eq!(MediationKind::in_case("small_claims").period_days(), 7);
        for kind in [
            MediationKind::PreFiling,
            MediationKind::in_case("ordinary"),
            MediationKind::in_case("simplified"),
        ] {
            assert_eq!(MediationKind::from_stored(kind.code(), i64::from(kind.period_days())), kind);
        }
        assert_eq!(period_end(MediationKind::in_case("ordinary"), d(2026, 9, 28), 0), d(2026, 10, 13));
    }

    #[test]
    fn only_a_civil_first_instance_case_is_mediated_in_court() {
        use crate::rules::case_number::CaseType;
        assert!(mediable(CaseType::CivilFirstInstance));
        for t in CaseType::ALL.into_iter().filter(|t| *t != CaseType::CivilFirstInstance) {
            assert!(!mediable(t), "{t:?}");
        }
    }

    #[test]
    fn the_statement_is_in_force_at_the_last_signature_for_it() {
        // CPL 2023 art. 100; JI22 art. 149: the last party's 签收.
        assert_eq!(statement_in_force_at(&[1, 2], &[(1, 100)]), None);
        assert_eq!(statement_in_force_at(&[1, 2], &[(2, 300), (1, 100)]), Some(300));
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn periods_follow_omr_article_24() {
        assert_eq!(MediationKind::PreFiling.period_days(), 30);
        assert_eq!(MediationKind::InLitigation { simplified: false }.period_days(), 15);
        assert_eq!(MediationKind::InLitigation { simplified: true }.period_days(), 7);
        assert_eq!(period_end(MediationKind::PreFiling, d(2026, 3, 2), 0), d(2026, 4, 1));
        assert_eq!(period_end(MediationKind::PreFiling, d(2026, 3, 2), 10), d(2026, 4, 11));
    }

    #[test]
    fn the_confirmation_window_is_thirty_days_moved_past_a_holiday() {
        let c = state_council();
        assert_eq!(confirmation_window_end(d(2025, 1, 10), &c), (d(2025, 2, 10), false));
        assert_eq!(step_due(d(2026, 2, 13), &c), Ok(d(2026, 2, 25)));
    }

    #[test]
    fn every_ground_of_article_25_has_a_code_and_its_item() {
        for (i, g) in EndGround::ALL.into_iter().enumerate() {
            assert_eq!(EndGround::from_code(g.code()), Some(g));
            assert_eq!(g.item() as usize, i + 1);
        }
        assert_eq!(EndGround::RefusedToSign.item(), 7);
        assert!(!EndGround::RefusedToSign.chosen_by_mediator());
        assert!(EndGround::TooFarApart.chosen_by_mediator());
        assert_eq!(EndGround::from_code("x"), None);
    }

    #[test]
    fn clauses_are_read_one_a_line_with_their_numbers_taken_off() {
        let text = "1. 被告于2026年12月31日前归还借款50000元。\n\n二、原告放弃利息。\n  案件受理费525元由被告负担。 ";
        assert_eq!(
            clauses_from_text(text),
            s(&["被告于2026年12月31日前归还借款50000元。", "原告放弃利息。", "案件受理费525元由被告负担。"])
        );
        // A number that is part of the sentence stays.
        assert_eq!(clauses_from_text("2026年起分期付款"), s(&["2026年起分期付款"]));
    }

    #[test]
    fn an_agreement_is_checked_before_anyone_signs() {
        assert_eq!(check_agreement(&[]), Err(AgreementProblem::Empty));
        assert_eq!(check_agreement(&s(&["归还借款5万元"])), Ok(()));
        assert_eq!(
            check_agreement(&s(&["被告不履行上述义务的，原告可以请求法院对本案作出判决"])),
            Err(AgreementProblem::CourtJudgesOnBreach)
        );
        assert_eq!(
            check_agreement(&["x".repeat(CLAUSE_MAX_CHARS + 1)]),
            Err(AgreementProblem::ClauseTooLong)
        );
        assert_eq!(
            check_agreement(&vec!["x".to_string(); CLAUSES_MAX + 1]),
            Err(AgreementProblem::TooManyClauses)
        );
    }

    #[test]
    fn the_hash_binds_every_character_and_the_version() {
        let a = agreement_sha256("（2026）湘0181民诉前调1号", 1, &s(&["归还50000元"]));
        assert_eq!(a.len(), 64);
        assert_ne!(a, agreement_sha256("（2026）湘0181民诉前调1号", 1, &s(&["归还50001元"])));
        assert_ne!(a, agreement_sha256("（2026）湘0181民诉前调1号", 2, &s(&["归还50000元"])));
        assert_eq!(a, agreement_sha256("（2026）湘0181民诉前调1号", 1, &s(&["归还50000元"])));
    }

    #[test]
    fn the_diff_says_which_clause_changed_and_how() {
        let old = s(&["被告归还借款50000元", "于2026年12月31日前付清", "受理费由被告负担"]);
        let new = s(&["被告归还借款45000元", "于2026年12月31日前付清", "受理费由被告负担", "原告放弃利息"]);
        assert_eq!(
            diff_clauses(&old, &new),
            vec![
                ClauseChange::Changed { old: old[0].clone(), new: new[0].clone() },
                ClauseChange::Same(old[1].clone()),
                ClauseChange::Same(old[2].clone()),
                ClauseChange::Added(new[3].clone()),
            ]
        );
        assert_eq!(
            diff_clauses(&old, &old[1..]),
            vec![
                ClauseChange::Removed(old[0].clone()),
                ClauseChange::Same(old[1].clone()),
                ClauseChange::Same(old[2].clone()),
            ]
        );
        assert!(diff_clauses(&[], &[]).is_empty());
    }

    #[test]
    fn the_agreement_takes_effect_at_the_last_required_signature() {
        let required = [1, 2, 9];
        assert_eq!(effective_at(&required, &[(1, 100), (9, 300)]), None);
        assert_eq!(effective_at(&required, &[(1, 100), (9, 300), (2, 200)]), Some(300));
        // Someone else's signature does not stand in for a party's.
        assert_eq!(effective_at(&required, &[(1, 100), (9, 300), (5, 400)]), None);
        assert_eq!(effective_at(&[], &[(1, 1)]), None);
    }
}
