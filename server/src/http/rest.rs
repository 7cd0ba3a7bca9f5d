//! The public REST API, `/api/v1`, described by `openapi.json` beside this file. It calls
//! the same services as the server functions; callers authenticate with the session cookie
//! or `Authorization: Bearer <session token>`.

use crate::http::caller::{case_id, header_lang, ApiCaller, ApiError};
use crate::http::state::AppState;
use app::api::port::{Backend, Caller};
use app::api::AppError;
use app::rules::case_number::CaseNumber;
use app::rules::fees::{self, AdministrativeKind, FeeInput, FeeKind, Outcome, Procedure};
use app::rules::Lang;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/cases", get(cases))
        .route("/api/v1/cases/{id}/progress", get(progress))
        .route("/api/v1/case-numbers/parse", get(parse_case_number))
        .route("/api/v1/fees/quote", post(quote_fee))
        .route("/api/v1/cases/{id}/fees", get(case_fees))
        .route("/api/v1/cases/{id}/payments", post(start_payment))
        .route("/api/v1/cases/{id}/payments/{order}", get(payment_status))
        .route("/api/v1/payments/notify/{provider}", post(payment_notify))
        .route("/api/v1/filings", post(create_filing))
        .route("/api/v1/filings/{id}", get(filing_status).put(update_filing))
        .route("/api/v1/service-records/{id}", get(service_record))
        .route("/api/v1/log/tree-head", get(tree_head))
        .route("/api/v1/log/consistency", get(consistency))
}

/// A service record's receipt (送达回证) with the inclusion proof of each of its events in the
/// current signed tree head: for its recipient and the staff of its court.
async fn service_record(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || {
        ApiError(AppError::NotFound(
            app::i18n::t(
                c.lang,
                ("没有找到这份送达记录，或者您无权查看。", "No such service record among those you may see."),
            )
            .into(),
        ))
    };
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let (_, receipt) = s.services.receipt_of(&c, id).await?;
    Ok(Json(receipt).into_response())
}

/// The service log's current signed tree head, with the court's public key (public).
#[derive(Serialize)]
struct TreeHeadDoc {
    #[serde(flatten)]
    head: app::log::signed::SignedTreeHead,
    public_key: String,
    key_id: String,
}

fn log_failure(lang: Lang) -> impl Fn(crate::services::service_log::LogError) -> ApiError {
    move |e| match e {
        crate::services::service_log::LogError::NotSigned(_)
        | crate::services::service_log::LogError::Prove(_) => ApiError(AppError::NotFound(
            app::i18n::t(
                lang,
                (
                    "没有这两个大小的已签名树头（大小取自 /api/v1/log/tree-head）。",
                    "No signed tree heads of those sizes (take sizes from /api/v1/log/tree-head).",
                ),
            )
            .into(),
        )),
        crate::services::service_log::LogError::Store(e) => ApiError(crate::services::internal(lang)(e)),
    }
}

async fn tree_head(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Response, ApiError> {
    let head = s.services.log.current_head(&s.services.db).await.map_err(log_failure(c.lang))?;
    Ok(Json(TreeHeadDoc {
        head,
        public_key: app::log::hex::encode(s.services.log.public_key()),
        key_id: s.services.log.key_id().to_string(),
    })
    .into_response())
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct ConsistencyDoc {
    from: app::log::signed::SignedTreeHead,
    to: app::log::signed::SignedTreeHead,
    #[serde(with = "app::log::hex::serde_arrays")]
    proof: Vec<app::log::merkle::Hash>,
}

/// The consistency proof between two signed heads (RFC 9162 §2.1.4): the later tree is the
/// earlier one with entries appended.
async fn consistency(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Response, ApiError> {
    let size = |v: Option<String>| v.and_then(|v| v.trim().parse::<u64>().ok());
    let (Some(from), Some(to)) = (size(q.from), size(q.to)) else {
        return Err(ApiError(AppError::Invalid(
            app::i18n::t(
                c.lang,
                (
                    "请给出 from 和 to 两个树的大小（整数）。",
                    "Give from and to, two tree sizes (whole numbers).",
                ),
            )
            .into(),
        )));
    };
    if from > to {
        return Err(ApiError(AppError::Invalid(
            app::i18n::t(c.lang, ("from 不能大于 to。", "from cannot be larger than to.")).into(),
        )));
    }
    let (old, new, proof) =
        s.services.log.consistency(&s.services.db, from, to).await.map_err(log_failure(c.lang))?;
    Ok(Json(ConsistencyDoc { from: old, to: new, proof }).into_response())
}

/// A filing written by an API client: the whole draft, and whether to file it now.
#[derive(Deserialize)]
struct FilingBody {
    #[serde(default)]
    version: Option<i64>,
    draft: app::rules::filing::Draft,
    #[serde(default)]
    submit: bool,
}

/// A filing's status (the analogue of ECF GetFilingStatus): where it stands, what is left to
/// fix, what the court decided, and once docketed the case and its number.
#[derive(Serialize)]
struct FilingStatusDoc {
    id: i64,
    version: i64,
    /// `draft`, `submitted` or `correcting`.
    status: String,
    problems: Vec<app::rules::filing::Problem>,
    case_id: Option<i64>,
    case_number: Option<String>,
    /// The case's stage code (e.g. `under_review`, `docketed`), once filed.
    stage: Option<String>,
    stage_label: Option<String>,
    next_deadline: Option<app::api::types::DeadlineView>,
    decisions: Vec<app::api::types::DecisionView>,
    estimate: Option<app::rules::filing::Estimate>,
}

async fn filing_doc(s: &AppState, c: &Caller, id: i64) -> Result<FilingStatusDoc, ApiError> {
    let page = s.services.filing_page_of(c, id).await?;
    let progress = match page.case_id {
        Some(case) => Some(s.services.case_progress(c, case).await?),
        None => None,
    };
    let decisions = match page.case_id {
        Some(case) => crate::store::filings::decisions(&s.services.db, case)
            .await
            .map_err(crate::services::internal(c.lang))?
            .iter()
            .map(|d| crate::services::filing::decision_view(d, c.lang))
            .collect(),
        None => Vec::new(),
    };
    Ok(FilingStatusDoc {
        id: page.id,
        version: page.version,
        status: page.status,
        problems: page.problems,
        case_id: page.case_id,
        case_number: progress.as_ref().and_then(|p| p.case_number.clone()),
        stage: progress.as_ref().map(|p| p.stage.clone()),
        stage_label: progress.as_ref().map(|p| p.stage_label.clone()),
        next_deadline: progress.and_then(|p| p.next_deadline),
        decisions,
        estimate: page.estimate,
    })
}

fn filing_body(c: &Caller, body: &[u8]) -> Result<FilingBody, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(AppError::Invalid(match c.lang {
            Lang::Zh => format!("请求的格式不对：{e}"),
            Lang::En => format!("The request is not a filing: {e}"),
        }))
    })
}

/// Saves the client's draft over the filing at `version` and files it if asked.
/// On a new filing, parts the client leaves out (no plaintiffs, no agent, no court) keep what
/// the server filled in: the signed-in person as plaintiff (or agent), the court.
async fn write_filing(
    s: &AppState,
    c: &Caller,
    id: i64,
    version: i64,
    body: FilingBody,
    keep_prefilled: bool,
) -> Result<(), ApiError> {
    let mut draft = body.draft;
    let version = s
        .services
        .save_filing(c, id, version, move |d| {
            if keep_prefilled {
                if draft.plaintiffs.is_empty() {
                    draft.plaintiffs = std::mem::take(&mut d.plaintiffs);
                }
                if draft.agent.is_none() {
                    draft.agent = d.agent.take();
                }
                if draft.court_code.is_empty() {
                    draft.court_code = std::mem::take(&mut d.court_code);
                }
            }
            *d = draft
        })
        .await?;
    if body.submit {
        s.services.submit_filing(c, id, version).await?;
    }
    Ok(())
}

/// `POST /api/v1/filings`: a new filing with this draft; filed at once with `submit: true`
/// (evidence files are uploaded to a filing, so a filing with evidence is created first,
/// then its files uploaded, then filed with `PUT`).
async fn create_filing(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body = filing_body(&c, &body)?;
    let id = s.services.new_filing(&c).await?;
    write_filing(&s, &c, id, 1, body, true).await?;
    Ok((StatusCode::CREATED, Json(filing_doc(&s, &c, id).await?)).into_response())
}

/// `PUT /api/v1/filings/{id}`: replaces the draft read at `version`; files it with `submit`.
async fn update_filing(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    let body = filing_body(&c, &body)?;
    let version = body.version.unwrap_or(0);
    write_filing(&s, &c, id, version, body, false).await?;
    Ok(Json(filing_doc(&s, &c, id).await?).into_response())
}

/// `GET /api/v1/filings/{id}`: the filing's status, for its owner.
async fn filing_status(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    Ok(Json(filing_doc(&s, &c, id).await?).into_response())
}

async fn case_fees(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    Ok(Json(s.services.fee_account(&c, id).await?).into_response())
}

#[derive(Deserialize)]
struct StartPayment {
    idempotency_key: String,
}

async fn start_payment(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    let body: StartPayment = serde_json::from_slice(&body).map_err(|_| {
        ApiError(AppError::Invalid(
            app::i18n::t(c.lang, ("请求里缺少 idempotency_key。", "The request needs an idempotency_key."))
                .into(),
        ))
    })?;
    let url = s.services.start_payment(&c, id, &body.idempotency_key).await?;
    Ok(Json(serde_json::json!({ "checkout_url": url })).into_response())
}

async fn payment_status(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, order)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    let status = s.services.reconcile(&c, id, &order).await?;
    Ok(Json(serde_json::json!({ "status": status })).into_response())
}

/// The provider's callback. Answers `SUCCESS` once a notification is safely recorded (or was
/// already); anything else makes the provider retry, or refuses a forgery.
async fn payment_notify(
    State(s): State<AppState>,
    Path(provider): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    // Every header, by lower-case name: each provider signs with its own (WeChat Pay's four
    // `Wechatpay-*`, the sandbox's one).
    let headers: crate::adapters::payments::NotifyHeaders = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
        .collect();
    match s.services.payment_notification(&provider, &headers, &body).await {
        crate::services::fees::NotifyOutcome::Ack(_) => (StatusCode::OK, "SUCCESS").into_response(),
        crate::services::fees::NotifyOutcome::Refuse(status, reason) => {
            (StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), reason).into_response()
        }
    }
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}

async fn cases(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Result<Response, ApiError> {
    Ok(Json(s.services.my_cases(&c).await?).into_response())
}

async fn progress(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    Ok(Json(s.services.case_progress(&c, id).await?).into_response())
}

#[derive(Deserialize)]
struct ParseQuery {
    q: Option<String>,
}

async fn parse_case_number(
    headers: axum::http::HeaderMap,
    Query(q): Query<ParseQuery>,
) -> Result<Response, ApiError> {
    let lang = header_lang(&headers);
    let number = CaseNumber::parse(q.q.as_deref().unwrap_or(""))
        .map_err(|e| ApiError(AppError::Invalid(e.message(lang))))?;
    Ok(Json(serde_json::json!({
        "canonical": number.to_string(),
        "year": number.year(),
        "court_code": number.court_code(),
        "type_code": number.case_type().code(),
        "seq": number.seq(),
    }))
    .into_response())
}

/// An amount as the API accepts it: `"150000.00"` (preferred) or a JSON number.
#[derive(Deserialize)]
#[serde(untagged)]
enum YuanText {
    Text(String),
    Number(serde_json::Number),
}

impl YuanText {
    fn into_text(self) -> String {
        match self {
            YuanText::Text(t) => t,
            YuanText::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteBody {
    kind: FeeKind,
    amount_yuan: Option<YuanText>,
    damages_yuan: Option<YuanText>,
    #[serde(default)]
    procedure: Procedure,
    outcome: Option<Outcome>,
    administrative: Option<AdministrativeKind>,
}

/// `POST /api/v1/fees/quote`: the fee engine (`app::rules::fees`, 诉讼费用交纳办法) with this
/// court's configured per-case amounts — the same code the calculator page runs in the
/// browser. Public: a fee estimate is nobody's secret.
async fn quote_fee(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = header_lang(&headers);
    let zh = lang == Lang::Zh;
    let body: QuoteBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError(AppError::Invalid(if zh {
            format!("请求内容不对：{e}。kind 须是 property、divorce、personality、other_non_property、ip、labor、administrative、jurisdiction_objection、enforcement、preservation、payment_order、public_summons 之一，金额写成 \"150000.00\"。")
        } else {
            format!("The request could not be read: {e}. kind must be one of property, divorce, personality, other_non_property, ip, labor, administrative, jurisdiction_objection, enforcement, preservation, payment_order, public_summons; amounts like \"150000.00\".")
        }))
    })?;
    let input = FeeInput {
        kind: body.kind,
        amount_yuan: body.amount_yuan.map(YuanText::into_text).unwrap_or_default(),
        damages_yuan: body.damages_yuan.map(YuanText::into_text).unwrap_or_default(),
        procedure: body.procedure,
        outcome: body.outcome,
        administrative: body.administrative,
    };
    let quote = input
        .request()
        .and_then(|req| fees::quote(&req, &s.services.fee_settings))
        .map_err(|e| ApiError(AppError::Invalid(e.message(zh))))?;
    let lines = quote
        .lines
        .iter()
        .map(|l| QuoteLine {
            label: if zh { &l.label_zh } else { &l.label_en },
            fen: l.fen.as_fen(),
            source: &l.source,
        })
        .collect();
    let answer = QuoteAnswer {
        total_fen: quote.total.as_fen(),
        total_yuan: quote.total.format_yuan(),
        prepaid: quote.prepaid,
        lines,
    };
    Ok(Json(answer).into_response())
}

/// The quote's answer (OpenAPI `FeeQuote`), serialised straight from borrowed lines.
#[derive(Serialize)]
struct QuoteAnswer<'a> {
    total_fen: i64,
    total_yuan: String,
    prepaid: bool,
    lines: Vec<QuoteLine<'a>>,
}

#[derive(Serialize)]
struct QuoteLine<'a> {
    label: &'a str,
    fen: i64,
    source: &'a str,
}
