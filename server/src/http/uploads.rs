//! Evidence for a filing draft, uploaded resumably: the tus 1.0.0 protocol
//! (<https://tus.io/protocols/resumable-upload>) at `/api/v1/uploads`, with its creation,
//! checksum, termination and expiration extensions. A cheap phone on a weak network sends a
//! 200 MB video in pieces; a dropped connection costs only the piece in flight.
//!
//! - `OPTIONS /api/v1/uploads[/{id}]`: `Tus-Version`, `Tus-Extension`, `Tus-Max-Size`,
//!   `Tus-Checksum-Algorithm` (public: fixed facts about this server, no data).
//! - `POST /api/v1/uploads`: `Upload-Length`, `Upload-Metadata` with `filing` (the filing's
//!   id), `sha256` (hex of the whole file, required) and `filename` → 201, `Location`.
//! - `HEAD /api/v1/uploads/{id}`: `Upload-Offset`, `Upload-Length`, `Upload-Metadata`,
//!   `Upload-Expires` (partial), `Cache-Control: no-store`.
//! - `PATCH /api/v1/uploads/{id}`: `Content-Type: application/offset+octet-stream`,
//!   `Upload-Offset` (the stored one, else 409), optional `Upload-Checksum` (460 on a
//!   mismatch: the piece is dropped) → 204 with the new `Upload-Offset`. The body is streamed
//!   to disk. With the last byte the file is checked whole (`finish`).
//! - `DELETE /api/v1/uploads/{id}` → 204: the upload and its partial bytes are gone.
//!
//! Every answer carries `Tus-Resumable: 1.0.0`; every request but OPTIONS must too (412). A
//! refusal is `{"error": "..."}` in the caller's language, saying what to do. Only the
//! signed-in owner sees an upload: anyone else gets the 404 of a missing one. Writes from
//! another site's page are refused (`Origin`, as `forms::same_origin`).
//!
//! Partial bytes live in `DATA_DIR/uploads/partial/<id>`; a finished file moves into the
//! blob store (`blob_store`), once per content. A partial upload expires 24 hours after its
//! last bytes arrived; `remove_expired` (every minute, from `startup`) deletes it.

use crate::adapters::blob_store;
use crate::adapters::file_check::{self, Problem};
use crate::http::caller::ApiCaller;
use crate::http::state::AppState;
use crate::services::uploads::{remove_partial, PARTIAL_TTL_SECS};
use crate::services::Services;
use crate::store;
use app::api::port::Caller;
use app::api::types::Me;
use app::api::AppError;
use app::i18n::t;
use app::rules::Lang;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use futures_util::StreamExt;
use sha2::Digest;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tower_http::set_header::SetResponseHeaderLayer;

pub const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,checksum,termination,expiration";
const CHECKSUM_ALGORITHMS: &str = "sha1,sha256";
/// A PATCH whose bytes stop coming for this long keeps what came and ends: a phone that lost
/// its network may hold the connection half-open for much longer.
const IDLE_READ: Duration = Duration::from_secs(60);
/// How long a request waits for an older transfer of the same upload to stop.
const TAKE_OVER_WAIT: Duration = Duration::from_secs(5);
/// Bytes gathered before each write to disk (two such buffers per transfer: one filling from
/// the network while the other is written).
const WRITE_BUFFER: usize = 1024 * 1024;
use crate::services::uploads::MB;

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION_H: HeaderName = HeaderName::from_static("tus-version");
const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
const TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
/// tus's status for a checksum that does not match.
const CHECKSUM_MISMATCH: u16 = 460;

pub fn routes() -> Router<AppState> {
    // No DefaultBodyLimit here: PATCH reads its body as a stream (never buffered whole, so
    // that limit does not apply), bounded by what is left of the upload's length; a client
    // may send 8 MB pieces or the whole rest at once.
    Router::new()
        .route("/api/v1/uploads", post(create).options(options))
        .route(
            "/api/v1/uploads/{id}",
            axum::routing::head(status).patch(append).delete(terminate).options(options),
        )
        .layer(SetResponseHeaderLayer::overriding(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION)))
}

/// A refused request: its status, `{"error": ...}` in the caller's language, and the
/// protocol headers that go with it.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
    headers: Vec<(HeaderName, String)>,
}

impl Refusal {
    fn new(status: u16, message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            message: message.into(),
            headers: Vec::new(),
        }
    }

    fn with(mut self, name: HeaderName, value: impl ToString) -> Refusal {
        self.headers.push((name, value.to_string()));
        self
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(serde_json::json!({ "error": self.message }))).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().insert(name, v);
            }
        }
        res
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        Refusal::new(e.status(), e.message())
    }
}

fn say(status: u16, lang: Lang, pair: (&'static str, &'static str)) -> Refusal {
    Refusal::new(status, t(lang, pair))
}

fn saved_failed(lang: Lang) -> impl Fn(std::io::Error) -> Refusal {
    move |e| {
        tracing::error!(error = %e, "upload: file system failure");
        say(500, lang, ("文件没能保存，请稍后再试。", "The file could not be saved. Please try again later."))
    }
}

fn db_failed(lang: Lang) -> impl Fn(sqlx::Error) -> Refusal {
    move |e| Refusal::from(crate::services::internal(lang)(e))
}

/// The same words for a missing upload and someone else's.
fn no_upload(lang: Lang) -> Refusal {
    say(
        404,
        lang,
        (
            "没有找到这个上传，可能已经过期或被删除。请重新上传这个文件。",
            "No such upload: it may have expired or been removed. Upload the file again.",
        ),
    )
}

fn expired(lang: Lang) -> Refusal {
    say(
        410,
        lang,
        (
            "这个上传超过24小时没有继续，已经失效。请重新上传这个文件。",
            "This upload was not continued for 24 hours and has expired. Upload the file again.",
        ),
    )
}

fn filing_closed(lang: Lang) -> Refusal {
    say(
        409,
        lang,
        (
            "这份立案材料已经提交，现在不能添加或删除证据。需要补充时，法院会通知您补正。",
            "This filing has been handed in: evidence cannot be added or removed now. If more is needed, the court will ask for it.",
        ),
    )
}

fn bad_header(lang: Lang, name: &HeaderName) -> Refusal {
    Refusal::new(
        400,
        match lang {
            Lang::Zh => format!("上传请求不完整：缺少或看不懂 {name}。请刷新页面后重试。"),
            Lang::En => format!("The upload request is incomplete: {name} is missing or unreadable. Reload the page and try again."),
        },
    )
}

const ACCEPTED: (&str, &str) = (
    "可以上传PDF文件、照片（JPG、PNG、HEIC）、录音（MP3、M4A）或视频（MP4、MOV）。",
    "PDF files, photos (JPG, PNG, HEIC), recordings (MP3, M4A) and videos (MP4, MOV) can be uploaded.",
);

/// Why a finished (or empty) file is refused, and what is accepted.
fn refused_file(lang: Lang, problem: Problem) -> Refusal {
    let (status, why) = match problem {
        Problem::Empty => (422, ("这个文件是空的（0字节），请重新选择文件。", "This file is empty (0 bytes): choose the file again.")),
        Problem::Unknown => (415, ("这个文件不是可以上传的类型。", "This kind of file cannot be uploaded.")),
        Problem::Incomplete => (
            422,
            (
                "这个文件不完整（可能没有拍完、录完或下载完）。请在手机上打开确认能正常查看后再上传。",
                "This file is incomplete (its recording or download may not have finished). Check that it opens on your phone, then upload it again.",
            ),
        ),
    };
    let gap = if lang == Lang::Zh { "" } else { " " };
    Refusal::new(status, format!("{}{gap}{}", t(lang, why), t(lang, ACCEPTED)))
}

fn in_mb(bytes: i64) -> String {
    let mb = bytes as f64 / MB as f64;
    if bytes % MB == 0 {
        format!("{mb:.0}")
    } else {
        format!("{mb:.1}")
    }
}

/// Every request but OPTIONS states the protocol version it speaks.
fn check_version(headers: &HeaderMap, lang: Lang) -> Result<(), Refusal> {
    if headers.get(TUS_RESUMABLE).and_then(|v| v.to_str().ok()) == Some(TUS_VERSION) {
        return Ok(());
    }
    Err(say(
        412,
        lang,
        (
            "请用tus 1.0.0协议上传（Tus-Resumable: 1.0.0）。",
            "Uploads speak tus 1.0.0 (Tus-Resumable: 1.0.0).",
        ),
    )
    .with(TUS_VERSION_H, TUS_VERSION))
}

fn signed_in(c: &Caller) -> Result<&Me, Refusal> {
    c.me.as_ref().ok_or_else(|| say(401, c.lang, ("请先登录。", "Please sign in first.")))
}

fn check_origin(headers: &HeaderMap, lang: Lang) -> Result<(), Refusal> {
    if crate::http::caller::same_origin(headers) {
        Ok(())
    } else {
        Err(say(403, lang, ("请从本站页面操作。", "Please use this site's own page.")))
    }
}

/// The version, a signed-in caller, and — for writes — this site's own page.
fn check_request<'a>(c: &'a Caller, headers: &HeaderMap, write: bool) -> Result<&'a Me, Refusal> {
    check_version(headers, c.lang)?;
    let me = signed_in(c)?;
    if write {
        check_origin(headers, c.lang)?;
    }
    Ok(me)
}

fn header_i64(headers: &HeaderMap, name: &HeaderName, lang: Lang) -> Result<i64, Refusal> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| bad_header(lang, name))
}

fn http_date(unix: i64) -> String {
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64))
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone has no value).
fn parse_metadata(header: &str) -> Option<HashMap<String, Vec<u8>>> {
    use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let mut out = HashMap::new();
    for pair in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        out.insert(key.to_string(), LENIENT.decode(value.trim()).ok()?);
    }
    Some(out)
}

fn metadata_header(row: &store::uploads::UploadRow) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    format!(
        "filename {},filing {},sha256 {}",
        b64(&row.file_name),
        b64(&row.filing_id.to_string()),
        b64(&row.sha256_expected)
    )
}

/// 128 random bits from the OS CSPRNG, base64url: the upload's URL cannot be guessed.
fn new_id() -> String {
    use rand::Rng;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 16]>())
}

/// The caller's upload, or the 404 of a missing one.
async fn owned(s: &Services, c: &Caller, me: &Me, id: &str) -> Result<store::uploads::UploadRow, Refusal> {
    store::uploads::get(&s.db, id)
        .await
        .map_err(db_failed(c.lang))?
        .filter(|u| u.owner_user_id == me.id)
        .ok_or_else(|| no_upload(c.lang))
}

fn is_expired(row: &store::uploads::UploadRow, at: i64) -> bool {
    !row.is_complete() && row.expires_at.is_some_and(|e| e <= at)
}

/// The headers describing where an upload stands.
fn progress_headers(res: &mut Response, row: &store::uploads::UploadRow) {
    let h = res.headers_mut();
    h.insert(UPLOAD_OFFSET, HeaderValue::from(row.offset));
    if let (false, Some(at)) = (row.is_complete(), row.expires_at) {
        if let Ok(v) = HeaderValue::from_str(&http_date(at)) {
            h.insert(UPLOAD_EXPIRES, v);
        }
    }
}

async fn options(State(s): State<AppState>) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    h.insert(TUS_VERSION_H, HeaderValue::from_static(TUS_VERSION));
    h.insert(TUS_EXTENSION, HeaderValue::from_static(EXTENSIONS));
    h.insert(TUS_MAX_SIZE, HeaderValue::from(s.services.uploads.max_file_bytes));
    h.insert(TUS_CHECKSUM_ALGORITHM, HeaderValue::from_static(CHECKSUM_ALGORITHMS));
    res
}

/// POST: a new upload into one of the caller's open filings.
async fn create(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let lang = c.lang;
    let me = check_request(&c, &headers, true)?;
    let limits = &s.services.uploads;
    if headers.contains_key(UPLOAD_DEFER_LENGTH) {
        return Err(bad_header(lang, &UPLOAD_LENGTH));
    }
    let length = header_i64(&headers, &UPLOAD_LENGTH, lang)?;
    if length == 0 {
        return Err(refused_file(lang, Problem::Empty));
    }
    if length > limits.max_file_bytes {
        let (size, limit) = (in_mb(length), in_mb(limits.max_file_bytes));
        return Err(Refusal::new(413, match lang {
            Lang::Zh => format!("这个文件有{size}MB，超过了每个文件{limit}MB的上限。视频可以分成几段或压缩后再传；也可以带着原件到法院立案窗口提交。"),
            Lang::En => format!("This file is {size} MB, over the limit of {limit} MB per file. Split a video into parts or compress it and upload again, or hand the original in at the court's filing counter."),
        }));
    }
    let metadata = headers
        .get(UPLOAD_METADATA)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_metadata)
        .ok_or_else(|| bad_header(lang, &UPLOAD_METADATA))?;
    let text = |key: &str| metadata.get(key).and_then(|v| std::str::from_utf8(v).ok()).map(str::trim);
    let sha256 = text("sha256")
        .map(str::to_ascii_lowercase)
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            say(
                400,
                lang,
                (
                    "上传前要先算出整个文件的SHA-256（元数据 sha256），请刷新页面后重试。",
                    "The upload needs the SHA-256 of the whole file first (metadata sha256): reload the page and try again.",
                ),
            )
        })?;
    let no_filing =
        || say(404, lang, ("没有找到这份立案材料，或者您无权查看。", "No such filing among yours."));
    let filing_id = text("filing").and_then(|f| f.parse::<i64>().ok()).ok_or_else(no_filing)?;
    let file_name = crate::services::relief::clean_name(text("filename").unwrap_or(""));
    let id = new_id();
    let at = s.services.now();
    let created = store::uploads::create(
        &s.services.db,
        &store::uploads::NewUpload {
            id: &id,
            owner_user_id: me.id,
            filing_id,
            file_name: &file_name,
            length,
            sha256_expected: &sha256,
            now: at,
            expires_at: at + PARTIAL_TTL_SECS,
        },
        limits.max_filing_bytes,
    )
    .await
    .map_err(db_failed(lang))?;
    match created {
        store::uploads::Created::Created => {}
        store::uploads::Created::NoFiling => return Err(no_filing()),
        store::uploads::Created::FilingClosed => return Err(filing_closed(lang)),
        store::uploads::Created::OverFilingLimit { used } => {
            let (used, size, limit) = (in_mb(used), in_mb(length), in_mb(limits.max_filing_bytes));
            return Err(Refusal::new(413, match lang {
                Lang::Zh => format!("这份立案材料的证据已有{used}MB，加上这个文件（{size}MB）会超过每份立案{limit}MB的上限。可以压缩文件或删去用不上的文件后再传，也可以带着原件到法院立案窗口提交。"),
                Lang::En => format!("The evidence of this filing already takes {used} MB; with this file ({size} MB) it would pass the limit of {limit} MB per filing. Compress files or remove ones you do not need, or hand the originals in at the court's filing counter."),
            }));
        }
    }
    let mut res = StatusCode::CREATED.into_response();
    let h = res.headers_mut();
    h.insert(LOCATION, HeaderValue::from_str(&format!("/api/v1/uploads/{id}")).map_err(|_| no_upload(lang))?);
    h.insert(UPLOAD_OFFSET, HeaderValue::from(0));
    if let Ok(v) = HeaderValue::from_str(&http_date(at + PARTIAL_TTL_SECS)) {
        h.insert(UPLOAD_EXPIRES, v);
    }
    Ok(res)
}

/// HEAD: how far an upload has come. A transfer still running here is asked to stop first,
/// so the offset given is the one to continue from.
async fn status(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let me = check_request(&c, &headers, false)?;
    let mut row = owned(&s.services, &c, me, &id).await?;
    if is_expired(&row, s.services.now()) {
        return Err(expired(c.lang));
    }
    let uploads = &s.services.uploads;
    if uploads.kick(&id) {
        let until = tokio::time::Instant::now() + TAKE_OVER_WAIT;
        while uploads.busy(&id) && tokio::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        row = owned(&s.services, &c, me, &id).await?;
    }
    let mut res = StatusCode::OK.into_response();
    progress_headers(&mut res, &row);
    let h = res.headers_mut();
    h.insert(UPLOAD_LENGTH, HeaderValue::from(row.length));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&metadata_header(&row)) {
        h.insert(UPLOAD_METADATA, v);
    }
    Ok(res)
}

/// DELETE: the upload is given up; its partial bytes are removed. A finished file can be
/// taken out of a filing still being written, not out of one handed in.
async fn terminate(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let lang = c.lang;
    let me = check_request(&c, &headers, true)?;
    owned(&s.services, &c, me, &id).await?;
    match store::uploads::delete(&s.services.db, &id).await.map_err(db_failed(lang))? {
        store::uploads::Deleted::Deleted => {}
        store::uploads::Deleted::FilingClosed => return Err(filing_closed(lang)),
        store::uploads::Deleted::Gone => return Err(no_upload(lang)),
    }
    // A transfer still running finds its upload gone when it records its bytes.
    s.services.uploads.kick(&id);
    remove_partial(&s.services.uploads, &id).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A `Upload-Checksum` being computed over a PATCH's bytes.
enum Checksum {
    Sha1(sha1::Sha1, Vec<u8>),
    Sha256(sha2::Sha256, Vec<u8>),
}

impl Checksum {
    fn parse(header: &str) -> Option<Checksum> {
        let (algorithm, digest) = header.trim().split_once(' ')?;
        let digest = base64::engine::general_purpose::STANDARD.decode(digest.trim()).ok()?;
        match (algorithm, digest.len()) {
            ("sha1", 20) => Some(Checksum::Sha1(sha1::Sha1::new(), digest)),
            ("sha256", 32) => Some(Checksum::Sha256(sha2::Sha256::new(), digest)),
            _ => None,
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Checksum::Sha1(h, _) => h.update(bytes),
            Checksum::Sha256(h, _) => h.update(bytes),
        }
    }

    fn matches(self) -> bool {
        match self {
            Checksum::Sha1(h, want) => h.finalize().as_slice() == want.as_slice(),
            Checksum::Sha256(h, want) => h.finalize().as_slice() == want.as_slice(),
        }
    }
}

/// PATCH: the next bytes of an upload, from the offset stored.
async fn append(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let lang = c.lang;
    let me = check_request(&c, &headers, true)?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some("application/offset+octet-stream") {
        return Err(say(
            415,
            lang,
            (
                "每一段数据要以 application/offset+octet-stream 发送。",
                "Each piece is sent as application/offset+octet-stream.",
            ),
        ));
    }
    let claimed = header_i64(&headers, &UPLOAD_OFFSET, lang)?;
    let checksum = match headers.get(UPLOAD_CHECKSUM) {
        None => None,
        Some(v) => Some(
            v.to_str().ok().and_then(Checksum::parse).ok_or_else(|| bad_header(lang, &UPLOAD_CHECKSUM))?,
        ),
    };
    let sent = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    let row = owned(&s.services, &c, me, &id).await?;
    check_position(&row, claimed, sent, lang, s.services.now())?;
    if row.is_complete() {
        let mut res = StatusCode::NO_CONTENT.into_response();
        progress_headers(&mut res, &row);
        return Ok(res);
    }
    if !store::uploads::filing_open(&s.services.db, row.filing_id).await.map_err(db_failed(lang))? {
        return Err(filing_closed(lang));
    }
    // The transfer runs as a task of its own: if the phone goes away mid-piece the bytes that
    // came are still kept and recorded, whatever happens to this request.
    let services = s.services.clone();
    let transfer = Transfer { services, id, owner: me.id, claimed, lang, checksum, sent };
    match tokio::spawn(transfer.run(body)).await {
        Ok(answer) => answer,
        Err(e) => {
            tracing::error!(error = %e, "upload: a transfer failed");
            Err(saved_failed(lang)(std::io::Error::other("transfer task failed")))
        }
    }
}

/// The checks of a PATCH against the stored upload: not expired, at its offset, not past
/// its length.
fn check_position(
    row: &store::uploads::UploadRow,
    claimed: i64,
    sent: Option<i64>,
    lang: Lang,
    at: i64,
) -> Result<(), Refusal> {
    if is_expired(row, at) {
        return Err(expired(lang));
    }
    if claimed != row.offset {
        let at = row.offset;
        return Err(Refusal::new(409, match lang {
            Lang::Zh => format!("上传进度对不上：已经收到{at}字节。请先查询进度（HEAD），再从那里继续。"),
            Lang::En => format!("The upload is at byte {at}, not where this piece starts: ask for the offset (HEAD) and continue from there."),
        })
        .with(UPLOAD_OFFSET, at));
    }
    if sent.is_some_and(|n| claimed.saturating_add(n) > row.length) {
        return Err(beyond_length(lang));
    }
    Ok(())
}

fn beyond_length(lang: Lang) -> Refusal {
    say(
        413,
        lang,
        (
            "发送的数据比文件本身还长，没有保存。请刷新页面后重新上传。",
            "More bytes were sent than the file has; they were not kept. Reload the page and upload it again.",
        ),
    )
}

/// One PATCH's bytes on their way to the partial file.
struct Transfer {
    services: Arc<Services>,
    id: String,
    owner: i64,
    claimed: i64,
    lang: Lang,
    checksum: Option<Checksum>,
    /// Content-Length, if the client gave one.
    sent: Option<i64>,
}

/// How reading a PATCH's body ended.
enum Ended {
    /// All of it arrived.
    Whole,
    /// The connection dropped, went quiet, or a newer request took over: keep what came.
    Cut { taken_over: bool },
    /// More bytes than the upload has left.
    TooLong,
}

/// Marks a transfer as running here while it lives (so a newer request can ask it to stop).
struct Running {
    services: Arc<Services>,
    id: String,
    stop: Arc<Notify>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut active = self.services.uploads.active.lock().unwrap_or_else(|e| e.into_inner());
        if active.get(&self.id).is_some_and(|n| Arc::ptr_eq(n, &self.stop)) {
            active.remove(&self.id);
        }
    }
}

impl Transfer {
    async fn run(self, body: Body) -> Result<Response, Refusal> {
        let lang = self.lang;
        let uploads = &self.services.uploads;
        let (file, running) = self.take_over().await?;
        // Under the lock, the stored upload is the truth: check again.
        let row = store::uploads::get(&self.services.db, &self.id)
            .await
            .map_err(db_failed(lang))?
            .filter(|u| u.owner_user_id == self.owner && !u.is_complete());
        let Some(row) = row else {
            remove_partial(uploads, &self.id).await; // deleted meanwhile: opening made the file again
            return Err(no_upload(lang));
        };
        check_position(&row, self.claimed, self.sent, lang, self.services.now())?;
        let offset = row.offset as u64;
        // Bytes past the offset were never acknowledged (a transfer cut before it recorded
        // them): they go. Fewer bytes than the offset: the partial file was lost.
        let (file, len) = blob_store::blocking(move || {
            use std::io::Seek;
            let mut file = file;
            let len = file.metadata()?.len();
            if len >= offset {
                file.set_len(offset)?;
                file.seek(std::io::SeekFrom::Start(offset))?;
            }
            Ok((file, len))
        })
        .await
        .map_err(saved_failed(lang))?;
        if len < offset {
            tracing::error!(id = %self.id, "upload: the partial file is shorter than its offset");
            store::uploads::delete(&self.services.db, &self.id).await.map_err(db_failed(lang))?;
            remove_partial(uploads, &self.id).await;
            return Err(say(
                410,
                lang,
                (
                    "已收到的部分丢失了，请重新上传这个文件。",
                    "The part already sent was lost. Upload the file again.",
                ),
            ));
        }
        let remaining = (row.length - row.offset) as u64;
        let mut sink = Sink::new(file, self.checksum);
        let ended = sink.receive(body, remaining, &running.stop).await.map_err(saved_failed(lang))?;
        let (file, checksum, written) = sink.settle().await.map_err(saved_failed(lang))?;
        let ended = match ended {
            // The stream ended before Content-Length: the connection went away.
            Ended::Whole if self.sent.is_some_and(|n| (written as i64) < n) => {
                Ended::Cut { taken_over: false }
            }
            ended => ended,
        };
        let keep = match ended {
            Ended::TooLong => false,
            // A piece with a checksum is kept whole or not at all.
            Ended::Cut { .. } => checksum.is_none(),
            Ended::Whole => checksum.map(Checksum::matches).unwrap_or(true),
        };
        // The file (and with it the lock) stays open until this transfer is done.
        let file = if keep {
            blob_store::blocking(move || file.sync_data().map(|_| file)).await
        } else {
            blob_store::blocking(move || file.set_len(offset).and_then(|_| file.sync_data()).map(|_| file))
                .await
        }
        .map_err(saved_failed(lang))?;
        if !keep {
            return Err(match ended {
                Ended::TooLong => beyond_length(lang),
                Ended::Cut { .. } => cut(lang, row.offset),
                Ended::Whole => say(
                    CHECKSUM_MISMATCH,
                    lang,
                    (
                        "这一段数据在传输中损坏了，没有保存。请重新发送这一段。",
                        "This piece was damaged on the way and was not kept. Send it again.",
                    ),
                )
                .with(UPLOAD_OFFSET, row.offset),
            });
        }
        // Bytes are on disk (synced above) before the offset says so: a crash never leaves an
        // offset past them.
        let at = self.services.now();
        let to = row.offset + written as i64;
        let advanced =
            store::uploads::advance(&self.services.db, &self.id, row.offset, to, at + PARTIAL_TTL_SECS, at)
                .await
                .map_err(db_failed(lang))?;
        if !advanced {
            return Err(no_upload(lang)); // deleted (or expired and removed) meanwhile
        }
        let row = store::uploads::UploadRow { offset: to, expires_at: Some(at + PARTIAL_TTL_SECS), ..row };
        if let Ended::Cut { taken_over } = ended {
            return Err(if taken_over {
                say(409, lang, ("另一次传输接手了这个上传。", "Another transfer of this upload took over."))
                    .with(UPLOAD_OFFSET, to)
            } else {
                cut(lang, to)
            });
        }
        let answer = if to == row.length {
            finish(&self.services, row, lang).await
        } else {
            let mut res = StatusCode::NO_CONTENT.into_response();
            progress_headers(&mut res, &row);
            Ok(res)
        };
        drop((file, running));
        answer
    }

    /// The partial file, opened and locked for this transfer alone (an advisory lock, so
    /// two server processes sharing DATA_DIR also take turns). A transfer already holding it
    /// here is asked to stop; after `TAKE_OVER_WAIT` the answer is 423.
    async fn take_over(&self) -> Result<(std::fs::File, Running), Refusal> {
        let lang = self.lang;
        let uploads = &self.services.uploads;
        let path = uploads.partial_path(&self.id);
        let dir = uploads.partial_dir.clone();
        let file = blob_store::blocking(move || {
            blob_store::create_dir_durably(&dir)?;
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
        })
        .await
        .map_err(saved_failed(lang))?;
        let until = tokio::time::Instant::now() + TAKE_OVER_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    uploads.kick(&self.id);
                    if tokio::time::Instant::now() >= until {
                        return Err(say(
                            423,
                            lang,
                            (
                                "这个文件正在另一处上传，请稍后再试。",
                                "This file is being uploaded from elsewhere right now; try again in a moment.",
                            ),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(saved_failed(lang)(e)),
            }
        }
        let stop = Arc::new(Notify::new());
        uploads.active.lock().unwrap_or_else(|e| e.into_inner()).insert(self.id.clone(), stop.clone());
        Ok((file, Running { services: self.services.clone(), id: self.id.clone(), stop }))
    }
}

fn cut(lang: Lang, at: i64) -> Refusal {
    Refusal::new(
        400,
        match lang {
            Lang::Zh => format!("传输中断了。已收到{at}字节，可以从那里继续。"),
            Lang::En => {
                format!("The transfer was interrupted. {at} bytes have arrived; continue from there.")
            }
        },
    )
    .with(UPLOAD_OFFSET, at)
}

/// Writes a PATCH's bytes to the partial file (appending at its end) in large pieces off the
/// async threads: one buffer fills from the network while the other is written.
struct Sink {
    state: SinkState,
    filling: Vec<u8>,
    written: u64,
}

type Parts = (std::fs::File, Option<Checksum>, Vec<u8>);

enum SinkState {
    Idle(Parts),
    Writing(tokio::task::JoinHandle<std::io::Result<Parts>>),
    Broken,
}

impl Sink {
    fn new(file: std::fs::File, checksum: Option<Checksum>) -> Sink {
        Sink {
            state: SinkState::Idle((file, checksum, Vec::with_capacity(WRITE_BUFFER))),
            filling: Vec::with_capacity(WRITE_BUFFER),
            written: 0,
        }
    }

    /// Reads the body to its end, or until it breaks, goes quiet or is told to stop.
    async fn receive(&mut self, body: Body, remaining: u64, stop: &Notify) -> std::io::Result<Ended> {
        let mut stream = body.into_data_stream();
        let mut received = 0u64;
        loop {
            let next = tokio::select! {
                next = tokio::time::timeout(IDLE_READ, stream.next()) => next,
                _ = stop.notified() => return Ok(Ended::Cut { taken_over: true }),
            };
            let bytes = match next {
                Ok(Some(Ok(bytes))) => bytes,
                Ok(None) => return Ok(Ended::Whole),
                Ok(Some(Err(_))) | Err(_) => return Ok(Ended::Cut { taken_over: false }),
            };
            received += bytes.len() as u64;
            if received > remaining {
                return Ok(Ended::TooLong);
            }
            self.filling.extend_from_slice(&bytes);
            if self.filling.len() >= WRITE_BUFFER {
                self.flush().await?;
            }
        }
    }

    /// Hands the filled buffer to a blocking write, after the previous one finished.
    async fn flush(&mut self) -> std::io::Result<()> {
        let (mut file, mut checksum, spare) = self.idle().await?;
        let data = std::mem::replace(&mut self.filling, spare);
        self.written += data.len() as u64;
        self.state = SinkState::Writing(tokio::task::spawn_blocking(move || {
            let mut data = data;
            file.write_all(&data)?;
            if let Some(c) = checksum.as_mut() {
                c.update(&data);
            }
            data.clear();
            Ok((file, checksum, data))
        }));
        Ok(())
    }

    async fn idle(&mut self) -> std::io::Result<Parts> {
        match std::mem::replace(&mut self.state, SinkState::Broken) {
            SinkState::Idle(parts) => Ok(parts),
            SinkState::Writing(task) => task.await.map_err(|e| std::io::Error::other(e.to_string()))?,
            SinkState::Broken => Err(std::io::Error::other("an earlier write failed")),
        }
    }

    /// Writes what is left; the file, the checksum over everything written, and the count.
    async fn settle(mut self) -> std::io::Result<(std::fs::File, Option<Checksum>, u64)> {
        if !self.filling.is_empty() {
            self.flush().await?;
        }
        let (file, checksum, _) = self.idle().await?;
        Ok((file, checksum, self.written))
    }
}

/// The last byte is in: the whole file is hashed and compared with the phone's SHA-256, its
/// kind and wholeness checked by its bytes, and it moves into the blob store (once per
/// content). A refused file is removed with its upload: the phone starts again.
async fn finish(
    services: &Services,
    row: store::uploads::UploadRow,
    lang: Lang,
) -> Result<Response, Refusal> {
    let uploads = &services.uploads;
    let path = uploads.partial_path(&row.id);
    let checked = blob_store::blocking({
        let path = path.clone();
        move || file_check::check(&path)
    })
    .await
    .map_err(saved_failed(lang))?;
    let refuse = |refusal: Refusal| async {
        store::uploads::delete(&services.db, &row.id).await.map_err(db_failed(lang))?;
        remove_partial(uploads, &row.id).await;
        Err::<Response, Refusal>(refusal)
    };
    if checked.size != row.length as u64 {
        tracing::error!(id = %row.id, size = checked.size, "upload: the partial file has another length");
        return refuse(saved_failed(lang)(std::io::Error::other("length"))).await;
    }
    if checked.sha256 != row.sha256_expected {
        return refuse(say(
            CHECKSUM_MISMATCH,
            lang,
            (
                "收到的文件和手机上的不一致（传输中出了错），没有保存。请重新上传这个文件。",
                "The file that arrived differs from the one on your phone (it was damaged on the way) and was not kept. Upload it again.",
            ),
        ))
        .await;
    }
    let content_type = match checked.verdict {
        Ok(content_type) => content_type,
        Err(problem) => return refuse(refused_file(lang, problem)).await,
    };
    let stored = uploads.blobs.put(&checked.sha256, &path).await.map_err(saved_failed(lang))?;
    let blob = store::uploads::NewBlob {
        sha256: &checked.sha256,
        size: row.length,
        content_type,
        stored_path: &stored.stored_path,
        now: services.now(),
    };
    match store::uploads::complete(&services.db, &row.id, &blob).await.map_err(db_failed(lang))? {
        store::uploads::Completed::Completed => {
            let mut res = StatusCode::NO_CONTENT.into_response();
            res.headers_mut().insert(UPLOAD_OFFSET, HeaderValue::from(row.length));
            Ok(res)
        }
        store::uploads::Completed::FilingClosed => refuse(filing_closed(lang)).await,
        store::uploads::Completed::Gone => Err(no_upload(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_pairs_of_keys_and_base64_values() {
        let m = parse_metadata("filename 6K+B5o2uLmpwZw==,filing MTI,sha256 YWJj, flag").unwrap();
        assert_eq!(m["filename"], "证据.jpg".as_bytes());
        assert_eq!(m["filing"], b"12", "padding may be left out");
        assert_eq!(m["sha256"], b"abc");
        assert_eq!(m["flag"], b"");
        assert!(parse_metadata("filename !!!").is_none());
    }

    #[test]
    fn checksums_name_a_known_algorithm_and_a_digest_of_its_length() {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut c = Checksum::parse(&format!("sha1 {}", b64(&sha1::Sha1::digest(b"abc")))).unwrap();
        c.update(b"a");
        c.update(b"bc");
        assert!(c.matches());
        let mut c = Checksum::parse(&format!("sha256 {}", b64(&sha2::Sha256::digest(b"abc")))).unwrap();
        c.update(b"abd");
        assert!(!c.matches());
        assert!(Checksum::parse(&format!("md5 {}", b64(&[0; 16]))).is_none());
        assert!(Checksum::parse(&format!("sha256 {}", b64(&[0; 20]))).is_none());
    }

    #[test]
    fn ids_are_128_random_bits_safe_in_a_url() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn sizes_read_in_mb() {
        assert_eq!(in_mb(200 * MB), "200");
        assert_eq!(in_mb(MB + MB / 2), "1.5");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
