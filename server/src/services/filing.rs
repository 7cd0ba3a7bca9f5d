//! Online filing (网上立案) and cross-region filing (跨域立案): drafts, submission, the court's
//! review (补正 / 不予受理 / 登记立案) and the case number. The rules are in
//! `app::rules::filing` (what a complaint must contain), `app::rules::case_number` and
//! `app::rules::deadlines` (the 7-day review); this file applies them and checks who may act.

use crate::services::{internal, unavailable, Services};
use crate::store::{self, filings::FilingRow};
use app::api::port::Caller;
use app::api::types::*;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::case_number::{CaseNumber, CaseType};
use app::rules::dates::{format_shanghai, CivilDate};
use app::rules::fees::Fen;
use app::rules::filing::{self, Draft, Side};
use app::rules::lifecycle::{Procedure, Stage, HUNAN_SMALL_CLAIMS_LIMIT_FEN};
use app::rules::Lang;

/// A stored file for a door to send: its checked type, the name it was uploaded with, and its
/// bytes as a stream.
pub struct StoredDocument {
    pub content_type: String,
    pub file_name: String,
    pub blob: crate::adapters::blob_store::Blob,
}

/// A draft's JSON may not grow past this (10,000 characters of facts fit many times).
const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// What staff decide on a filing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilingDecision {
    /// 登记立案, under this procedure.
    Docket { procedure: Procedure },
    /// 补正: every missing item at once (登记立案规定 art. 5), and a note.
    Correction { items: Vec<String>, note: String },
    /// 不予受理, with the written reason (民事诉讼法 art. 126).
    Reject { reason: String },
    /// 跨域立案: the receiving court checked identity and materials and forwards.
    Forward { note: String },
}

fn filing_not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(lang, ("没有找到这份立案材料，或者它不是您的。", "No such filing among yours.")).into(),
    )
}

fn procedure_code(p: Procedure) -> &'static str {
    match p {
        Procedure::SmallClaims => "small_claims",
        Procedure::Simplified => "simplified",
        Procedure::Ordinary => "ordinary",
    }
}

pub fn procedure_from_code(code: &str) -> Option<Procedure> {
    match code {
        "small_claims" => Some(Procedure::SmallClaims),
        "simplified" => Some(Procedure::Simplified),
        "ordinary" => Some(Procedure::Ordinary),
        _ => None,
    }
}

fn decision_label(kind: &str, lang: Lang) -> String {
    match kind {
        "forward" => t(lang, ("已核验并转交受理法院", "Checked and forwarded to the court")),
        "correction" => t(lang, ("需要补正材料", "Materials to add")),
        "docket" => t(lang, ("登记立案", "Docketed")),
        _ => t(lang, ("不予受理", "Not accepted")),
    }
    .into()
}

pub fn decision_view(d: &store::filings::DecisionRow, lang: Lang) -> DecisionView {
    let codes: Vec<String> = serde_json::from_str(&d.items).unwrap_or_default();
    DecisionView {
        kind: d.kind.clone(),
        label: decision_label(&d.kind, lang),
        items: codes.iter().map(|c| filing::correction_item_label(c, lang)).collect(),
        note: d.note.clone(),
        court: match lang {
            Lang::Zh => d.court_name_zh.clone(),
            Lang::En => d.court_name_en.clone(),
        },
        at: format_shanghai(d.decided_at, lang),
    }
}

impl Services {
    /// Litigants and agents file; staff do not (they file at the counter, another flow).
    fn filer<'a>(&self, caller: &'a Caller) -> Result<&'a Me, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        if me.role.is_staff() {
            return Err(Refusal::StaffFileElsewhere.in_lang(lang));
        }
        Ok(me)
    }

    async fn own_filing(&self, caller: &Caller, id: i64) -> Result<(Me, FilingRow, Draft), AppError> {
        let lang = caller.lang;
        let me = self.filer(caller)?.clone();
        let row = store::filings::by_id(&self.db, id)
            .await
            .map_err(internal(lang))?
            .filter(|f| f.owner_user_id == me.id)
            .ok_or_else(|| filing_not_found(lang))?;
        let draft: Draft = serde_json::from_str(&row.body).unwrap_or_default();
        Ok((me, row, draft))
    }

    /// Starts a filing, filled in with what the court already knows about the person filing
    /// (their verified name, ID and phone as the first plaintiff, or as the agent).
    pub async fn new_filing(&self, caller: &Caller) -> Result<i64, AppError> {
        let lang = caller.lang;
        let me = self.filer(caller)?;
        let user = store::people::user_by_id(&self.db, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| filing_not_found(lang))?;
        let (Some(name), Some(resident_id)) = (user.name.clone(), user.resident_id.clone()) else {
            return Err(Refusal::ProfileFirst.in_lang(lang));
        };
        let courts = store::filings::courts(&self.db).await.map_err(internal(lang))?;
        let mut draft = Draft {
            court_code: courts.first().map(|c| c.0.clone()).unwrap_or_default(),
            ..Default::default()
        };
        draft.service.sms_phone = user.phone.clone();
        if me.role == Role::Agent {
            draft.agent = Some(filing::AgentDraft { name, phone: user.phone.clone(), ..Default::default() });
        } else {
            draft.plaintiffs.push(filing::PartyDraft {
                name,
                id_number: resident_id,
                phone: user.phone.clone(),
                ..Default::default()
            });
        }
        let body = serde_json::to_string(&draft).unwrap_or_default();
        store::filings::create(&self.db, me.id, &body, self.now()).await.map_err(internal(lang))
    }

    /// Saves one screen of the draft: `edit` changes the draft read at `version`. A draft
    /// saved since (on another phone) is not overwritten unseen; a filed one is not changed.
    pub async fn save_filing(
        &self,
        caller: &Caller,
        id: i64,
        version: i64,
        edit: impl FnOnce(&mut Draft),
    ) -> Result<i64, AppError> {
        let lang = caller.lang;
        let (me, row, mut draft) = self.own_filing(caller, id).await?;
        if row.status == "submitted" {
            return Err(Refusal::Filed.in_lang(lang));
        }
        if row.version != version {
            return Err(stale(lang));
        }
        edit(&mut draft);
        sync_evidence(&mut draft, &self.uploads_of(id, lang).await?);
        let body = serde_json::to_string(&draft).unwrap_or_default();
        if body.len() > MAX_DRAFT_BYTES {
            return Err(Refusal::Incomplete.with_message(
                t(
                    lang,
                    ("内容太多了，请把事实和理由写得简短一些。", "Too much text: please shorten the facts."),
                )
                .into(),
            ));
        }
        store::filings::save(&self.db, id, me.id, version, &body, self.now())
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| stale(lang))
    }

    /// Takes an uploaded file out of a filing that may still be edited (the litigant chose
    /// "不用这份"): the upload is deleted, so the evidence list no longer shows it.
    pub async fn remove_filing_upload(
        &self,
        caller: &Caller,
        id: i64,
        upload_id: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (_, row, _) = self.own_filing(caller, id).await?;
        let upload = store::uploads::get(&self.db, upload_id).await.map_err(internal(lang))?;
        if row.status != "submitted" && upload.is_some_and(|u| u.filing_id == id) {
            store::uploads::delete(&self.db, upload_id).await.map_err(internal(lang))?;
        }
        Ok(())
    }

    /// Deletes a draft never filed.
    pub async fn delete_filing(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let lang = caller.lang;
        let (me, row, _) = self.own_filing(caller, id).await?;
        if row.status != "draft"
            || !store::filings::delete_draft(&self.db, id, me.id).await.map_err(internal(lang))?
        {
            return Err(Refusal::Filed.in_lang(lang));
        }
        Ok(())
    }

    /// The uploads of a filing, complete and checked (evidence and power of attorney).
    async fn uploads_of(&self, filing_id: i64, lang: Lang) -> Result<Vec<UploadView>, AppError> {
        let rows = store::uploads::complete_of_filing(&self.db, filing_id).await.map_err(internal(lang))?;
        Ok(rows
            .into_iter()
            .map(|u| UploadView {
                id: u.id,
                file_name: u.file_name,
                content_type: u.content_type.unwrap_or_default(),
                size_bytes: u.length,
                sha256: u.blob_sha256.unwrap_or_default(),
            })
            .collect())
    }

    fn estimate(&self, draft: &Draft) -> Option<filing::Estimate> {
        filing::estimate(draft, &self.fee_settings, Fen(HUNAN_SMALL_CLAIMS_LIMIT_FEN))
    }

    /// Every problem of the draft, including those only the server can see: courts that do
    /// not exist, evidence files that are not (or no longer) this filing's.
    async fn problems(
        &self,
        me: &Me,
        draft: &Draft,
        uploads: &[UploadView],
        lang: Lang,
    ) -> Vec<filing::Problem> {
        let today = CivilDate::from_unix_shanghai(self.now());
        let mut problems = filing::check(draft, me.role == Role::Agent, today, lang);
        let courts = store::filings::courts(&self.db).await.unwrap_or_default();
        let known = |code: &str| courts.iter().any(|c| c.0 == code);
        if !draft.court_code.is_empty() && !known(&draft.court_code) {
            problems.push(filing::Problem {
                step: filing::Step::Court,
                field: "court_code".into(),
                message: t(lang, ("请从列表中选择受理法院。", "Choose the court from the list.")).into(),
            });
        }
        if !draft.receiving_court_code.is_empty() && !known(&draft.receiving_court_code) {
            problems.push(filing::Problem {
                step: filing::Step::Court,
                field: "receiving_court_code".into(),
                message: t(
                    lang,
                    ("请从列表中选择递交材料的法院。", "Choose the court you hand in at from the list."),
                )
                .into(),
            });
        }
        let have = |id: &str| uploads.iter().any(|u| u.id == id);
        for (i, e) in draft.evidence.iter().enumerate() {
            if !have(&e.upload_id) {
                problems.push(filing::Problem {
                    step: filing::Step::Evidence,
                    field: format!("evidence.{i}.upload_id"),
                    message: t(
                        lang,
                        (
                            "这份证据的文件没有上传完，请重新上传。",
                            "This evidence file did not finish uploading; upload it again.",
                        ),
                    )
                    .into(),
                });
            }
        }
        if let Some(agent) = &draft.agent {
            if !agent.poa_upload.is_empty() && !have(&agent.poa_upload) {
                problems.push(filing::Problem {
                    step: filing::Step::Parties,
                    field: "agent.poa_upload".into(),
                    message: t(
                        lang,
                        (
                            "授权委托书没有上传完，请重新上传。",
                            "The power of attorney did not finish uploading; upload it again.",
                        ),
                    )
                    .into(),
                });
            }
        }
        problems.sort_by_key(|p| p.step);
        problems
    }

    pub async fn filing_page_of(&self, caller: &Caller, id: i64) -> Result<FilingPage, AppError> {
        let lang = caller.lang;
        let (me, row, draft) = self.own_filing(caller, id).await?;
        let uploads = self.uploads_of(id, lang).await?;
        let problems = self.problems(&me, &draft, &uploads, lang).await;
        let courts = store::filings::courts(&self.db)
            .await
            .map_err(internal(lang))?
            .into_iter()
            .map(|(code, zh, en)| CourtOption { code, name: if lang == Lang::Zh { zh } else { en } })
            .collect();
        let correction = match (row.status.as_str(), row.case_id) {
            ("correcting", Some(case_id)) => store::filings::decisions(&self.db, case_id)
                .await
                .map_err(internal(lang))?
                .iter()
                .rev()
                .find(|d| d.kind == "correction")
                .map(|d| decision_view(d, lang)),
            _ => None,
        };
        Ok(FilingPage {
            id,
            version: row.version,
            status: row.status,
            case_id: row.case_id,
            estimate: self.estimate(&draft),
            draft,
            problems,
            courts,
            uploads,
            is_agent: me.role == Role::Agent,
            correction,
            max_file_mb: self.uploads.max_file_bytes / (1024 * 1024),
            max_filing_mb: self.uploads.max_filing_bytes / (1024 * 1024),
        })
    }

    pub async fn my_filings_of(&self, caller: &Caller) -> Result<Vec<FilingSummary>, AppError> {
        let lang = caller.lang;
        let me = self.filer(caller)?;
        let rows = store::filings::open_of_owner(&self.db, me.id).await.map_err(internal(lang))?;
        Ok(rows
            .into_iter()
            .map(|f| {
                let draft: Draft = serde_json::from_str(&f.body).unwrap_or_default();
                let cause = draft.cause.map(|c| c.label(lang).to_string());
                let against =
                    draft.defendants.first().map(|d| d.name.trim().to_string()).filter(|n| !n.is_empty());
                let title = match (cause, against, lang) {
                    (Some(c), Some(d), Lang::Zh) => format!("{c}（被告：{d}）"),
                    (Some(c), Some(d), Lang::En) => format!("{c} (against {d})"),
                    (Some(c), None, _) => c,
                    (None, _, _) => t(lang, ("还没有选择案由的立案", "A filing not yet described")).into(),
                };
                FilingSummary {
                    id: f.id,
                    title,
                    status: f.status,
                    updated: format_shanghai(f.updated_at, lang),
                }
            })
            .collect())
    }

    /// Files the draft the litigant reviewed (`version`). A double tap or a replay files once
    /// and answers with the same case.
    pub async fn submit_filing(&self, caller: &Caller, id: i64, version: i64) -> Result<i64, AppError> {
        let lang = caller.lang;
        let (me, row, draft) = self.own_filing(caller, id).await?;
        if row.status == "submitted" {
            // Already filed: the same answer as the first time.
            return row.case_id.ok_or_else(|| stale(lang));
        }
        if row.version != version {
            return Err(stale(lang));
        }
        let uploads = self.uploads_of(id, lang).await?;
        let problems = self.problems(&me, &draft, &uploads, lang).await;
        if let Some(first) = problems.first() {
            return Err(Refusal::Incomplete.with_message(match lang {
                Lang::Zh => format!("还有{}处需要补充或改正。第一处：{}", problems.len(), first.message),
                Lang::En => format!("{} things still need fixing. First: {}", problems.len(), first.message),
            }));
        }
        let court_id = store::people::court_id_by_code(&self.db, &draft.court_code)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| filing_not_found(lang))?;
        let receiving_court_id = match draft.receiving_court_code.as_str() {
            "" => None,
            code => store::people::court_id_by_code(&self.db, code).await.map_err(internal(lang))?,
        };
        let user = store::people::user_by_id(&self.db, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| filing_not_found(lang))?;
        // A litigant files for themself: one plaintiff must be them (their verified ID). An
        // agent acts for the plaintiffs under the power of attorney.
        let is_agent = me.role == Role::Agent;
        let mine = |p: &filing::PartyDraft| {
            !is_agent
                && user.resident_id.as_deref().is_some_and(|id| p.id_number.trim().eq_ignore_ascii_case(id))
        };
        if !is_agent && !draft.plaintiffs.iter().any(mine) {
            return Err(Refusal::Incomplete.with_message(
                t(
                    lang,
                    (
                        "原告中没有您本人。替别人起诉，需要以代理人身份登录并上传授权委托书。",
                        "You are not among the plaintiffs. To sue for someone else, sign in as their agent with a power of attorney.",
                    ),
                )
                .into(),
            ));
        }
        let mut parties = Vec::new();
        for p in &draft.plaintiffs {
            parties.push(store::filings::NewParty {
                side: Side::Plaintiff.code(),
                name: p.name.trim().to_string(),
                user_id: mine(p).then_some(me.id),
                agent_user_id: is_agent.then_some(me.id),
            });
        }
        for p in &draft.defendants {
            parties.push(store::filings::NewParty {
                side: Side::Defendant.code(),
                name: p.name.trim().to_string(),
                user_id: None,
                agent_user_id: None,
            });
        }
        let estimate = self.estimate(&draft);
        let procedure = estimate.as_ref().map(|e| e.procedure).unwrap_or(Procedure::Ordinary);
        let claim = filing::claim_total(&draft).as_fen();
        let cause = draft.cause;
        let case_id_before = row.case_id;
        // The target court reviews at once, unless a receiving court must check it first
        // (and has not yet forwarded it: a correction after forwarding goes straight back).
        let forwarded = match case_id_before {
            Some(case_id) => store::filings::decisions(&self.db, case_id)
                .await
                .map_err(internal(lang))?
                .iter()
                .any(|d| d.kind == "forward"),
            None => false,
        };
        let stages: &[&str] = if receiving_court_id.is_some() && !forwarded {
            &["submitted"]
        } else {
            &["submitted", "under_review"]
        };
        let query_code = crate::adapters::crypto::query_code();
        // The consent to electronic service given on the filing's last screen becomes the
        // filer's consent record (在线诉讼规则 art. 29), checked now and written with the
        // submission in one transaction: a bad address refuses the submission with its reason
        // instead of being dropped after it, and a crash keeps both or neither.
        let consent = match draft.service.consent {
            Some(given) => Some(crate::services::e_service::checked_consent(
                given,
                given,
                &draft.service.sms_phone,
                &draft.service.email,
                lang,
            )?),
            None => None,
        };
        let now = self.now();
        let submitted = store::filings::submit(
            &self.db,
            store::filings::Submission {
                filing_id: id,
                owner: me.id,
                version,
                court_id,
                receiving_court_id,
                cause,
                procedure: procedure_code(procedure),
                claim_fen: (claim > 0).then_some(claim),
                channel: if receiving_court_id.is_some() { "cross_region" } else { "online" },
                query_code: &query_code,
                parties,
                stages,
                consent: consent.as_ref().map(|c| c.record(me.id, "filing", now)),
                now,
            },
        )
        .await
        .map_err(internal(lang))?;
        match submitted {
            store::filings::Submitted::Filed(case_id) => {
                let text = if receiving_court_id.is_some() && !forwarded {
                    "您的跨域立案申请已提交，递交法院核验后转交受理法院。进度请看掌上法庭“我的案件”。"
                } else {
                    "您的立案申请已提交，法院将在7日内审查。进度请看掌上法庭“我的案件”。"
                };
                self.notify(&user.phone, court_id, case_id, text).await;
                Ok(case_id)
            }
            store::filings::Submitted::Already(case_id) => Ok(case_id),
            store::filings::Submitted::Stale => Err(stale(lang)),
        }
    }

    /// An SMS to a litigant about their filing, signed with the court's name. A failed SMS is
    /// logged (and kept in the outbox); the decision it reports stands.
    pub(crate) async fn notify(&self, phone: &str, court_id: i64, case_id: i64, text: &str) {
        let court = store::filings::court_of(&self.db, court_id)
            .await
            .ok()
            .flatten()
            .map(|c| c.1)
            .unwrap_or_default();
        let body = format!("【{court}】{text}");
        let sms = crate::adapters::sms::Outgoing {
            phone,
            text: &body,
            secret: None,
            purpose: "filing",
            case_id: Some(case_id),
            court_id: Some(court_id),
            now: self.now(),
        };
        if let Err(e) = crate::adapters::sms::send(&self.db, self.sms.as_ref(), sms).await {
            tracing::warn!(error = %e, "filing SMS not sent");
        }
    }

    /// Staff who may review for their court: clerks and judges (and the admin).
    fn reviewer<'a>(&self, caller: &'a Caller) -> Result<(&'a Me, i64), AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        match (me.role, me.court_id) {
            (Role::Clerk | Role::Judge | Role::Admin, Some(court)) => Ok((me, court)),
            _ => Err(Refusal::ReviewStaffOnly.in_lang(lang)),
        }
    }

    pub async fn review_queue_of(&self, caller: &Caller) -> Result<Vec<ReviewItem>, AppError> {
        let lang = caller.lang;
        let (_, court) = self.reviewer(caller)?;
        let rows = store::filings::queue(&self.db, court).await.map_err(internal(lang))?;
        let mut out = Vec::new();
        let at = self.now();
        for r in rows {
            let Some(case) = store::cases::case_by_id(&self.db, r.case_id).await.map_err(internal(lang))?
            else {
                continue;
            };
            let events = store::cases::events(&self.db, r.case_id).await.map_err(internal(lang))?;
            let draft: Draft = match r.filing_id {
                Some(fid) => store::filings::by_id(&self.db, fid)
                    .await
                    .map_err(internal(lang))?
                    .and_then(|f| serde_json::from_str(&f.body).ok())
                    .unwrap_or_default(),
                None => Draft::default(),
            };
            let names = |ps: &[filing::PartyDraft]| {
                ps.iter().map(|p| p.name.trim().to_string()).collect::<Vec<_>>().join("、")
            };
            let submitted_at = events
                .iter()
                .filter(|e| e.stage == "submitted")
                .map(|e| e.at)
                .max()
                .unwrap_or(case.created_at);
            out.push(ReviewItem {
                case_id: case.id,
                cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
                parties: match lang {
                    Lang::Zh => format!("{} 诉 {}", names(&draft.plaintiffs), names(&draft.defendants)),
                    Lang::En => format!("{} v. {}", names(&draft.plaintiffs), names(&draft.defendants)),
                },
                receiving: case.court_id != court,
                channel: channel_label(&case.channel, lang),
                submitted: format_shanghai(submitted_at, lang),
                deadline: crate::services::progress::review_deadline(&case, &events, lang, at),
            });
        }
        // The oldest deadline first; filings waiting at a receiving court (no clock yet) after.
        out.sort_by_key(|i| (i.deadline.as_ref().map(|d| d.due_at).unwrap_or(i64::MAX), i.case_id));
        Ok(out)
    }

    pub async fn filing_review_of(&self, caller: &Caller, case_id: i64) -> Result<FilingReview, AppError> {
        let lang = caller.lang;
        let (_, court) = self.reviewer(caller)?;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let filing = store::filings::by_case(&self.db, case_id).await.map_err(internal(lang))?;
        let draft: Draft =
            filing.as_ref().and_then(|f| serde_json::from_str(&f.body).ok()).unwrap_or_default();
        let uploads = match &filing {
            Some(f) => self.uploads_of(f.id, lang).await?,
            None => Vec::new(),
        };
        let find = |id: &str| uploads.iter().find(|u| u.id == id).cloned();
        let events = store::cases::events(&self.db, case_id).await.map_err(internal(lang))?;
        let decisions = store::filings::decisions(&self.db, case_id).await.map_err(internal(lang))?;
        let receiving = case.court_id != court;
        let stage_ok = if receiving { case.stage == "submitted" } else { case.stage == "under_review" };
        let estimate = self.estimate(&draft);
        Ok(FilingReview {
            case_id,
            stage: case.stage.clone(),
            stage_label: Stage::from_code(&case.stage).map(|s| s.label(lang).to_string()).unwrap_or_default(),
            court: if lang == Lang::Zh { case.court_name_zh.clone() } else { case.court_name_en.clone() },
            receiving_court: if lang == Lang::Zh {
                case.receiving_court_name_zh.clone()
            } else {
                case.receiving_court_name_en.clone()
            },
            receiving,
            evidence: draft.evidence.iter().map(|e| (e.clone(), find(&e.upload_id))).collect(),
            poa: draft.agent.as_ref().and_then(|a| find(&a.poa_upload)),
            decisions: decisions.iter().map(|d| decision_view(d, lang)).collect(),
            deadline: crate::services::progress::review_deadline(&case, &events, lang, self.now()),
            suggested_procedure: procedure_code(
                estimate.as_ref().map(|e| e.procedure).unwrap_or(Procedure::Ordinary),
            )
            .into(),
            estimate,
            case_number: case.case_number.clone(),
            can_decide: stage_ok && filing.is_some() && case.case_number.is_none(),
            draft,
        })
    }

    /// A clerk's (or judge's) decision on a filing. The target court dockets, asks for a
    /// correction or refuses; a cross-region receiving court forwards or asks for a correction.
    pub async fn decide_filing(
        &self,
        caller: &Caller,
        case_id: i64,
        decision: FilingDecision,
    ) -> Result<String, AppError> {
        let lang = caller.lang;
        let (me, court) = self.reviewer(caller)?;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let receiving = case.court_id != court;
        let from_stage = if receiving { "submitted" } else { "under_review" };
        let done = || Refusal::Decided.in_lang(lang);
        if case.stage != from_stage || case.case_number.is_some() {
            return Err(done());
        }
        let filing =
            store::filings::by_case(&self.db, case_id).await.map_err(internal(lang))?.ok_or_else(done)?;
        let owner =
            store::people::user_by_id(&self.db, filing.owner_user_id).await.map_err(internal(lang))?;
        let at = self.now();
        let (kind, to_stage, stages, note, sms): (&str, &str, &[&str], String, String) = match &decision {
            FilingDecision::Docket { .. } | FilingDecision::Reject { .. } if receiving => {
                return Err(Refusal::ForwardOnly.in_lang(lang))
            }
            FilingDecision::Forward { .. } if !receiving => return Err(Refusal::NoForward.in_lang(lang)),
            FilingDecision::Forward { note } => (
                "forward",
                "under_review",
                &["under_review"],
                note.trim().to_string(),
                "您的跨域立案材料已核验，已转交受理法院审查，法院将在7日内决定是否立案。".to_string(),
            ),
            FilingDecision::Correction { items, note } => {
                let known: Vec<&String> = items
                    .iter()
                    .filter(|c| filing::CORRECTION_ITEMS.iter().any(|i| i.0 == c.as_str()))
                    .collect();
                if known.is_empty() && note.trim().chars().count() < 4 {
                    return Err(Refusal::CorrectionItems.in_lang(lang));
                }
                (
                    "correction",
                    "correction_requested",
                    &["correction_requested"],
                    note.trim().to_string(),
                    "法院审查了您的立案材料，需要补充一些内容。请打开掌上法庭查看并补正，补正后法院重新计算7日审查期。".to_string(),
                )
            }
            FilingDecision::Reject { reason } => {
                if reason.trim().chars().count() < 4 {
                    return Err(Refusal::DecisionReason.in_lang(lang));
                }
                (
                    "reject",
                    "not_accepted",
                    &["not_accepted"],
                    reason.trim().to_string(),
                    "法院决定对您的起诉不予受理，理由请在掌上法庭查看。对裁定不服的，可以在10日内上诉。"
                        .to_string(),
                )
            }
            FilingDecision::Docket { .. } => {
                ("docket", "docketed", &["docketed"], String::new(), String::new())
            }
        };
        if note.chars().count() > 2000 {
            return Err(Refusal::NoteTooLong.in_lang(lang));
        }
        let items_json = match &decision {
            FilingDecision::Correction { items, .. } => serde_json::to_string(
                &items
                    .iter()
                    .filter(|c| filing::CORRECTION_ITEMS.iter().any(|i| i.0 == c.as_str()))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_else(|_| "[]".into()),
            _ => "[]".into(),
        };
        let d = store::filings::Decision {
            case_id,
            kind,
            from_stage,
            to_stage,
            stages,
            items: &items_json,
            note: &note,
            decided_by: me.id,
            court_id: court,
            reopen_filing: kind == "correction",
            now: at,
        };
        let (message, sms) = if let FilingDecision::Docket { procedure } = decision {
            let year = CivilDate::from_unix_shanghai(at).year();
            let court_code = self.court_code(court, lang).await?;
            // The fee notice (交费通知书): the acceptance fee under the procedure chosen
            // (诉讼费用交纳办法 arts. 13, 16), when there is one to prepay (art. 20).
            let charge = crate::services::fees::charge_for(
                case.cause,
                case.claim_fen,
                procedure_code(procedure),
                None,
                &self.fee_settings,
            )
            .ok()
            .filter(|q| q.prepaid && q.total.as_fen() > 0)
            .map(|q| {
                (
                    q.total.as_fen(),
                    q.lines.first().map(|l| l.source.clone()).unwrap_or_else(|| "诉讼费用交纳办法".into()),
                )
            });
            let docketed = store::filings::docket(
                &self.db,
                store::filings::Docketing {
                    decision: d,
                    year: i64::from(year),
                    type_code: CaseType::CivilFirstInstance.code(),
                    procedure: procedure_code(procedure),
                    charge: charge.clone(),
                },
                |seq| {
                    CaseNumber::new(year as u16, &court_code, CaseType::CivilFirstInstance, seq as u32)
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                },
            )
            .await
            .map_err(internal(lang))?
            .ok_or_else(done)?;
            let fee = match charge {
                Some((fen, _)) => format!("请在收到通知次日起7日内交纳诉讼费{}元。", Fen(fen).format_yuan()),
                None => String::new(),
            };
            (docketed.1.clone(), format!("您的案件已立案，案号{}。{fee}详情请看掌上法庭。", docketed.1))
        } else {
            if !store::filings::decide(&self.db, d).await.map_err(internal(lang))? {
                return Err(done());
            }
            (kind.to_string(), sms)
        };
        if let Some(owner) = owner {
            self.notify(&owner.phone, case.court_id, case.id, &sms).await;
        }
        Ok(message)
    }

    /// An uploaded file of a filing: for its owner (`staff` false, `id` the filing) or for
    /// the staff of the courts it is with (`staff` true, `id` the case). Anyone else, and any
    /// file not of this filing, is "not found". Served as uploaded, never sniffed as HTML.
    pub async fn filing_file(
        &self,
        caller: &Caller,
        id: i64,
        upload_id: &str,
        staff: bool,
    ) -> Result<StoredDocument, AppError> {
        let lang = caller.lang;
        let filing_id = if staff {
            self.reviewer(caller)?;
            self.visible_case(caller, id).await?;
            store::filings::by_case(&self.db, id).await.map_err(internal(lang))?.map(|f| f.id)
        } else {
            Some(self.own_filing(caller, id).await?.1.id)
        };
        let not_found = || AppError::NotFound(t(lang, ("没有找到这个文件。", "No such file.")).into());
        let upload = store::uploads::get(&self.db, upload_id)
            .await
            .map_err(internal(lang))?
            .filter(|u| Some(u.filing_id) == filing_id && u.is_complete())
            .ok_or_else(not_found)?;
        let sha = upload.blob_sha256.clone().ok_or_else(not_found)?;
        let blob = self
            .uploads
            .blobs
            .open(&sha)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "opening an evidence file");
                unavailable(lang)
            })?
            .ok_or_else(not_found)?;
        let content_type = upload.content_type.clone().unwrap_or_else(|| "application/octet-stream".into());
        Ok(StoredDocument { content_type, file_name: upload.file_name, blob })
    }

    /// The review of an online filing, for its case page: only while it is not docketed
    /// (afterwards the case number and the notices say it all), so the page's one-query read
    /// stays one query for every docketed case.
    pub async fn filing_status(
        &self,
        me: &Me,
        case: &store::cases::CaseRow,
        lang: Lang,
    ) -> Result<Option<FilingStatus>, AppError> {
        if case.case_number.is_some() || !matches!(case.channel.as_str(), "online" | "cross_region") {
            return Ok(None);
        }
        let Some(filing) = store::filings::by_case(&self.db, case.id).await.map_err(internal(lang))? else {
            return Ok(None);
        };
        let decisions = store::filings::decisions(&self.db, case.id).await.map_err(internal(lang))?;
        let mine = filing.owner_user_id == me.id;
        Ok(Some(FilingStatus {
            filing_id: mine.then_some(filing.id),
            correcting: filing.status == "correcting",
            decisions: decisions.iter().map(|d| decision_view(d, lang)).collect(),
        }))
    }

    async fn court_code(&self, court_id: i64, lang: Lang) -> Result<String, AppError> {
        store::filings::court_of(&self.db, court_id)
            .await
            .map_err(internal(lang))?
            .map(|c| c.0)
            .ok_or_else(|| unavailable(lang))
    }
}

/// The evidence list follows the filing's uploads: a file that finished uploading joins it
/// (its name, without the extension, as the title until the litigant says what it is); one
/// that is gone leaves it. The power of attorney is the agent's, not evidence.
pub fn sync_evidence(draft: &mut Draft, uploads: &[UploadView]) {
    let poa = draft.agent.as_ref().map(|a| a.poa_upload.clone()).unwrap_or_default();
    draft.evidence.retain(|e| uploads.iter().any(|u| u.id == e.upload_id) && e.upload_id != poa);
    for u in uploads {
        if u.id != poa && !draft.evidence.iter().any(|e| e.upload_id == u.id) {
            let title = u.file_name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(&u.file_name);
            draft.evidence.push(filing::EvidenceDraft {
                upload_id: u.id.clone(),
                title: title.chars().take(100).collect(),
                purpose: String::new(),
            });
        }
    }
    if let Some(agent) = draft.agent.as_mut() {
        if !agent.poa_upload.is_empty() && !uploads.iter().any(|u| u.id == agent.poa_upload) {
            agent.poa_upload.clear();
        }
    }
}

fn stale(lang: Lang) -> AppError {
    Refusal::FilingChanged.in_lang(lang)
}

fn channel_label(channel: &str, lang: Lang) -> String {
    match channel {
        "cross_region" => t(lang, ("跨域立案", "Cross-region")),
        "counter" => t(lang, ("窗口立案", "At the counter")),
        _ => t(lang, ("网上立案", "Online")),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(id: &str, name: &str) -> UploadView {
        UploadView {
            id: id.into(),
            file_name: name.into(),
            content_type: "application/pdf".into(),
            size_bytes: 1,
            sha256: String::new(),
        }
    }

    #[test]
    fn the_evidence_list_follows_the_uploads_and_keeps_what_was_typed() {
        let mut d = Draft {
            evidence: vec![
                filing::EvidenceDraft {
                    upload_id: "a".into(),
                    title: "借条原件".into(),
                    purpose: "借款事实".into(),
                },
                filing::EvidenceDraft { upload_id: "gone".into(), title: "x".into(), purpose: String::new() },
            ],
            agent: Some(filing::AgentDraft { poa_upload: "p".into(), ..Default::default() }),
            ..Default::default()
        };
        sync_evidence(
            &mut d,
            &[upload("a", "a.pdf"), upload("b", "转账记录.png"), upload("p", "委托书.pdf")],
        );
        let got: Vec<(&str, &str)> =
            d.evidence.iter().map(|e| (e.upload_id.as_str(), e.title.as_str())).collect();
        assert_eq!(got, vec![("a", "借条原件"), ("b", "转账记录")]);
        sync_evidence(&mut d, &[upload("b", "转账记录.png")]);
        assert_eq!(d.evidence.len(), 1);
        assert_eq!(
            d.agent.as_ref().map(|a| a.poa_upload.as_str()),
            Some(""),
            "the power of attorney was removed"
        );
    }
}
