//! The guided filing and the clerk's review as plain HTML form posts (Post/Redirect/Get):
//! every screen works before and without any script, and each post saves on the server, so
//! a filing resumes on any device.
//!
//! - `POST /filings/new`: starts a filing; on to its first screen.
//! - `POST /filings/{id}/save` (`step`, `version`, `op`, the screen's fields): saves the
//!   screen, then does `op` (`next`, `back`, `save`, `add_plaintiff_person`, `remove_claim.2`
//!   ...); back to a screen, or with `?error=stale` when it changed elsewhere.
//! - `POST /filings/{id}/submit` (`version`): files it; on to the case page (`?filed=1`).
//! - `POST /filings/{id}/delete`: deletes a draft never filed.
//! - `POST /staff/filings/{case}/decide` (`decision`, `procedure`, `item`..., `note`): the
//!   review decision; back to the review page.
//! - `GET /filings/{id}/files/{upload}`, `GET /staff/filings/{case}/files/{upload}`: an
//!   uploaded file, for its owner and for the staff of the courts the filing is with.
//!
//! Errors come back as fixed codes (`?error=...`), never as text from the address bar.

use crate::http::caller::{back_with, check, same_origin, ApiCaller, ApiError, Checked};
use crate::http::state::AppState;
use crate::services::filing::{procedure_from_code, FilingDecision};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::filing::{
    AgentDraft, AgentKind, ClaimDraft, Draft, EvidenceDraft, PartyDraft, PartyKind, Step,
};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

type Fields = Vec<(String, String)>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/filings/new", post(new_filing))
        .route("/filings/{id}/save", post(save))
        .route("/filings/{id}/submit", post(submit))
        .route("/filings/{id}/delete", post(delete))
        .route("/staff/filings/{id}/decide", post(decide))
        .route("/filings/{id}/files/{upload}", get(owner_file))
        .route("/staff/filings/{id}/files/{upload}", get(staff_file))
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn text(fields: &Fields, name: &str) -> String {
    field(fields, name).unwrap_or("").to_string()
}

fn filing_step(id: i64, step: Step) -> String {
    format!("/filings/{id}/{}", step.code())
}

async fn new_filing(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if c.me.is_none() {
        return Ok(Redirect::to("/sign-in?next=%2Ffilings").into_response());
    }
    if !same_origin(&headers) {
        return Err(ApiError(AppError::Forbidden(
            t(c.lang, ("请从本站页面操作。", "Please use this site's own page.")).into(),
        )));
    }
    match s.services.new_filing(&c).await {
        Ok(id) => Ok(Redirect::to(&filing_step(id, Step::Court)).into_response()),
        Err(e) => Ok(back_with("/filings", &e)),
    }
}

/// A party's fields, `prefix` like `plaintiffs.0`.
fn party_from(fields: &Fields, prefix: &str, kind: PartyKind) -> PartyDraft {
    let f = |name: &str| text(fields, &format!("{prefix}.{name}"));
    PartyDraft {
        kind,
        name: f("name"),
        id_number: f("id_number"),
        phone: f("phone"),
        address: f("address"),
        representative: f("representative"),
    }
}

/// Applies one screen's fields to the draft (only that screen's: the others keep what was
/// saved), then the operation the litigant tapped.
pub fn apply(draft: &mut Draft, step: Step, fields: &Fields, op: &str) {
    match step {
        Step::Court => {
            draft.cause =
                field(fields, "cause").and_then(app::rules::filing::Cause::from_code).or(draft.cause);
            if let Some(code) = field(fields, "court_code") {
                draft.court_code = code.to_string();
            }
            draft.receiving_court_code = match field(fields, "cross") {
                Some("yes") => text(fields, "receiving_court_code"),
                _ => String::new(),
            };
        }
        Step::Parties => {
            for (list, name) in [(&mut draft.plaintiffs, "plaintiffs"), (&mut draft.defendants, "defendants")]
            {
                for (i, p) in list.iter_mut().enumerate() {
                    let prefix = format!("{name}.{i}");
                    if field(fields, &format!("{prefix}.name")).is_some() {
                        *p = party_from(fields, &prefix, p.kind);
                    }
                }
            }
            if let Some(agent) = draft.agent.as_mut() {
                if field(fields, "agent.name").is_some() {
                    agent.name = text(fields, "agent.name");
                    agent.phone = text(fields, "agent.phone");
                    agent.licence = text(fields, "agent.licence");
                    agent.kind =
                        field(fields, "agent.kind").and_then(AgentKind::from_code).unwrap_or(agent.kind);
                }
            }
        }
        Step::Claims => {
            // The screen shows every claim (and one empty row when there is none yet): the
            // claims are what it posts.
            if field(fields, "claims.0.text").is_some() {
                draft.claims = (0..app::rules::filing::MAX_CLAIMS)
                    .map_while(|i| {
                        field(fields, &format!("claims.{i}.text")).map(|t| ClaimDraft {
                            text: t.to_string(),
                            amount_yuan: text(fields, &format!("claims.{i}.amount_yuan")),
                        })
                    })
                    .collect();
            }
            if let Some(facts) = field(fields, "facts") {
                draft.facts = facts.to_string();
            }
        }
        Step::Evidence => {
            // Every upload listed on the screen, with what the litigant said it is; a file
            // marked as the power of attorney goes to the agent.
            let mut evidence = Vec::new();
            for i in 0.. {
                let Some(upload_id) = field(fields, &format!("evidence.{i}.upload_id")) else {
                    break;
                };
                let is_poa = field(fields, &format!("evidence.{i}.kind")) == Some("poa");
                if is_poa {
                    if let Some(agent) = draft.agent.as_mut() {
                        agent.poa_upload = upload_id.to_string();
                        continue;
                    }
                }
                if draft.agent.as_ref().is_some_and(|a| a.poa_upload == upload_id) {
                    if let Some(agent) = draft.agent.as_mut() {
                        agent.poa_upload.clear();
                    }
                }
                evidence.push(EvidenceDraft {
                    upload_id: upload_id.to_string(),
                    title: text(fields, &format!("evidence.{i}.title")),
                    purpose: text(fields, &format!("evidence.{i}.purpose")),
                });
            }
            draft.evidence = evidence;
        }
        Step::Service => {
            draft.service.consent = match field(fields, "consent") {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => draft.service.consent,
            };
            draft.service.sms_phone = text(fields, "sms_phone");
            draft.service.email = text(fields, "email");
        }
        Step::Review => {}
    }
    let limit = app::rules::filing::MAX_PARTIES_PER_SIDE;
    match op.split_once('.') {
        Some((what, index)) => {
            let Ok(i) = index.parse::<usize>() else { return };
            match what {
                "remove_plaintiff" => remove_at(&mut draft.plaintiffs, i),
                "remove_defendant" => remove_at(&mut draft.defendants, i),
                "remove_claim" => remove_at(&mut draft.claims, i),
                "remove_evidence" => remove_at(&mut draft.evidence, i),
                _ => {}
            }
        }
        None => match op {
            "add_plaintiff_person" | "add_plaintiff_org" if draft.plaintiffs.len() < limit => {
                draft.plaintiffs.push(PartyDraft { kind: kind_of(op), ..Default::default() })
            }
            "add_defendant_person" | "add_defendant_org" if draft.defendants.len() < limit => {
                draft.defendants.push(PartyDraft { kind: kind_of(op), ..Default::default() })
            }
            "add_agent" if draft.agent.is_none() => draft.agent = Some(AgentDraft::default()),
            "remove_agent" => draft.agent = None,
            "add_claim" if draft.claims.len() < app::rules::filing::MAX_CLAIMS => {
                draft.claims.push(ClaimDraft::default())
            }
            _ => {}
        },
    }
}

fn remove_at<T>(list: &mut Vec<T>, i: usize) {
    if i < list.len() {
        list.remove(i);
    }
}

fn kind_of(op: &str) -> PartyKind {
    if op.ends_with("_org") {
        PartyKind::Organisation
    } else {
        PartyKind::Person
    }
}

fn parse_id(c: &app::api::port::Caller, id: &str) -> Result<i64, ApiError> {
    crate::http::caller::case_id(c, id)
}

async fn save(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let fields = form.map(|f| f.0).unwrap_or_default();
    let step = field(&fields, "step").and_then(Step::from_code).unwrap_or(Step::Court);
    let (id, back) = match check(&c, &id, &headers, |id| filing_step(id, step), "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let version = field(&fields, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let op = text(&fields, "op");
    // "不用这份": the file itself goes, so it does not come back on the list.
    if let Some(upload) =
        op.strip_prefix("remove_evidence.").and_then(|i| field(&fields, &format!("evidence.{i}.upload_id")))
    {
        if let Err(e) = s.services.remove_filing_upload(&c, id, upload).await {
            return Ok(back_with(&back, &e));
        }
    }
    let result = s.services.save_filing(&c, id, version, |d| apply(d, step, &fields, &op)).await;
    let to = match (result, op.as_str()) {
        (Ok(_), "next") => filing_step(id, step.next()),
        (Ok(_), "back") => {
            let i = Step::ALL.iter().position(|s| *s == step).unwrap_or(0);
            filing_step(id, Step::ALL[i.saturating_sub(1)])
        }
        (Ok(_), "save") => format!("{back}?saved=1"),
        (Ok(_), op) if op.starts_with("add_") => format!("{back}#last"),
        (Ok(_), _) => back,
        (Err(e), _) => return Ok(back_with(&back, &e)),
    };
    Ok(Redirect::to(&to).into_response())
}

async fn submit(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, |id| filing_step(id, Step::Review), "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let fields = form.map(|f| f.0).unwrap_or_default();
    let version = field(&fields, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    match s.services.submit_filing(&c, id, version).await {
        Ok(case_id) => Ok(Redirect::to(&format!("/cases/{case_id}?filed=1")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

async fn delete(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = match check(&c, &id, &headers, |_| "/filings".into(), "/sign-in")? {
        Checked::Go(id, _) => id,
        Checked::SignIn(to) => return Ok(to),
    };
    match s.services.delete_filing(&c, id).await {
        Ok(()) => Ok(Redirect::to("/filings?deleted=1").into_response()),
        Err(e) => Ok(back_with("/filings", &e)),
    }
}

async fn decide(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, |id| format!("/staff/filings/{id}"), "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let fields = form.map(|f| f.0).unwrap_or_default();
    let note = text(&fields, "note");
    let decision = match field(&fields, "decision") {
        Some("docket") => match field(&fields, "procedure").and_then(procedure_from_code) {
            Some(procedure) => FilingDecision::Docket { procedure },
            None => return Ok(back_with(&back, &Refusal::DocketProcedure.in_lang(c.lang))),
        },
        Some("correction") => FilingDecision::Correction {
            items: fields.iter().filter(|(k, _)| k == "item").map(|(_, v)| v.clone()).collect(),
            note,
        },
        Some("reject") => FilingDecision::Reject { reason: note },
        Some("forward") => FilingDecision::Forward { note },
        _ => return Ok(back_with(&back, &Refusal::Decision.in_lang(c.lang))),
    };
    let kind = match &decision {
        FilingDecision::Docket { .. } => "docket",
        FilingDecision::Correction { .. } => "correction",
        FilingDecision::Reject { .. } => "reject",
        FilingDecision::Forward { .. } => "forward",
    };
    match s.services.decide_filing(&c, id, decision).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}?decided={kind}")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

async fn owner_file(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, upload)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    s.services
        .filing_file(&c, id, &upload, false)
        .await
        .map(crate::http::documents::document)
        .map_err(ApiError)
}

async fn staff_file(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, upload)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    s.services
        .filing_file(&c, id, &upload, true)
        .await
        .map(crate::http::documents::document)
        .map_err(ApiError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_screen_changes_only_its_own_fields_then_the_operation() {
        let mut d = Draft { facts: "kept".into(), ..Default::default() };
        apply(&mut d, Step::Parties, &f(&[]), "add_plaintiff_person");
        apply(&mut d, Step::Parties, &f(&[]), "add_defendant_org");
        assert_eq!(d.defendants[0].kind, PartyKind::Organisation);
        apply(
            &mut d,
            Step::Parties,
            &f(&[
                ("plaintiffs.0.name", "张三"),
                ("plaintiffs.0.address", "浏阳"),
                ("defendants.0.name", "某公司"),
            ]),
            "next",
        );
        assert_eq!(d.plaintiffs[0].name, "张三");
        assert_eq!(d.defendants[0].name, "某公司");
        assert_eq!(d.defendants[0].kind, PartyKind::Organisation, "the kind is the row's, not the form's");
        assert_eq!(d.facts, "kept");
        apply(&mut d, Step::Parties, &f(&[]), "remove_plaintiff.0");
        assert!(d.plaintiffs.is_empty());
        apply(&mut d, Step::Parties, &f(&[]), "remove_plaintiff.7");
    }

    #[test]
    fn the_court_screen_clears_the_receiving_court_unless_cross_region_is_chosen() {
        let mut d = Draft::default();
        let form = f(&[
            ("cause", "private_lending"),
            ("court_code", "湘0181"),
            ("cross", "yes"),
            ("receiving_court_code", "湘0102"),
        ]);
        apply(&mut d, Step::Court, &form, "next");
        assert_eq!(d.receiving_court_code, "湘0102");
        apply(
            &mut d,
            Step::Court,
            &f(&[("court_code", "湘0181"), ("cross", "no"), ("receiving_court_code", "湘0102")]),
            "next",
        );
        assert_eq!(d.receiving_court_code, "");
        assert_eq!(d.cause, Some(app::rules::filing::Cause::PrivateLending));
    }

    #[test]
    fn evidence_marked_as_power_of_attorney_goes_to_the_agent() {
        let mut d = Draft { agent: Some(AgentDraft::default()), ..Default::default() };
        let form = f(&[
            ("evidence.0.upload_id", "a"),
            ("evidence.0.title", "借条"),
            ("evidence.1.upload_id", "b"),
            ("evidence.1.kind", "poa"),
        ]);
        apply(&mut d, Step::Evidence, &form, "next");
        assert_eq!(d.evidence.len(), 1);
        assert_eq!(d.agent.as_ref().map(|a| a.poa_upload.as_str()), Some("b"));
    }

    #[test]
    fn the_claims_screen_posts_its_rows_even_the_first_empty_one() {
        let mut d = Draft::default();
        apply(
            &mut d,
            Step::Claims,
            &f(&[("claims.0.text", "还钱"), ("claims.0.amount_yuan", "100")]),
            "next",
        );
        assert_eq!(d.claims, vec![ClaimDraft { text: "还钱".into(), amount_yuan: "100".into() }]);
        apply(
            &mut d,
            Step::Claims,
            &f(&[("claims.0.text", "还钱"), ("claims.0.amount_yuan", "100")]),
            "add_claim",
        );
        assert_eq!(d.claims.len(), 2);
    }

    #[test]
    fn no_more_parties_than_the_limit() {
        let mut d = Draft::default();
        for _ in 0..20 {
            apply(&mut d, Step::Parties, &f(&[]), "add_defendant_person");
        }
        assert_eq!(d.defendants.len(), app::rules::filing::MAX_PARTIES_PER_SIDE);
    }
}
