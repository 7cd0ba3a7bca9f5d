//! Evidence uploads over tus 1.0 (`/api/v1/uploads`): a file sent in pieces and resumed
//! after a dropped connection arrives whole and is stored once; every wrong piece, file,
//! size or caller is refused with a status a tus client understands and words a person can
//! act on.

use crate::both_backends;
use crate::helpers::*;
use base64::Engine;
use pocket_court::store::uploads::UploadRow;
use reqwest::cookie::CookieStore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

const TUS: &str = "1.0.0";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PDF of about `size` bytes, different for each `seed`.
fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n% evidence\n".to_vec();
    v.extend((0..size.saturating_sub(30)).map(|i| b'a' + ((i as u8).wrapping_add(seed)) % 26));
    v.extend(b"\n%%EOF\n");
    v
}

/// A signed-in litigant whose session cookie can also be sent by hand (raw connections).
struct Person {
    client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    id: i64,
}

impl Person {
    fn cookie(&self, app: &TestApp) -> String {
        let url = app.base.parse().unwrap();
        self.jar.cookies(&url).expect("a session cookie").to_str().unwrap().to_string()
    }
}

async fn person(app: &TestApp, phone: &str) -> Person {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    let me = app.sign_in(&client, phone).await;
    Person { client, jar, id: me["id"].as_i64().expect("my id") }
}

/// A filing of `owner` in `status` ('draft', 'correcting', 'submitted'), as the filing pages
/// will make them.
async fn filing(app: &TestApp, owner: i64, status: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(
        "INSERT INTO filings (owner_user_id, body, status, created_at, updated_at) \
         VALUES ($1, '{}', $2, 0, 0) RETURNING id",
    )
    .bind(owner)
    .bind(status)
    .fetch_one(&app.running.services.db.pool)
    .await
    .expect("a filing")
    .get::<i64, _>("id")
}

/// POST with the metadata a phone sends.
async fn create_raw(
    app: &TestApp,
    client: &reqwest::Client,
    length: usize,
    metadata: &[(&str, &str)],
) -> reqwest::Response {
    let metadata: Vec<String> = metadata.iter().map(|(k, v)| format!("{k} {}", b64(v.as_bytes()))).collect();
    client
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", TUS)
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", metadata.join(","))
        .send()
        .await
        .unwrap()
}

/// Starts an upload of `bytes` into `filing`; its URL.
async fn create(app: &TestApp, client: &reqwest::Client, filing: i64, bytes: &[u8], name: &str) -> String {
    let res = create_raw(
        app,
        client,
        bytes.len(),
        &[("filename", name), ("filing", &filing.to_string()), ("sha256", &sha256_hex(bytes))],
    )
    .await;
    assert_eq!(res.status().as_u16(), 201, "{:?}", res.text().await);
    location(&res)
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

async fn patch(
    app: &TestApp,
    client: &reqwest::Client,
    url: &str,
    offset: usize,
    piece: &[u8],
    checksum: Option<String>,
) -> reqwest::Response {
    let mut req = client
        .patch(app.url(url))
        .header("Tus-Resumable", TUS)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string())
        .body(piece.to_vec());
    if let Some(c) = checksum {
        req = req.header("Upload-Checksum", c);
    }
    req.send().await.unwrap()
}

/// HEAD: the status and the offset.
async fn head(app: &TestApp, client: &reqwest::Client, url: &str) -> (u16, Option<usize>) {
    let res = client.head(app.url(url)).header("Tus-Resumable", TUS).send().await.unwrap();
    (res.status().as_u16(), header(&res, "upload-offset").map(|o| o.parse().unwrap()))
}

async fn delete(app: &TestApp, client: &reqwest::Client, url: &str) -> reqwest::Response {
    client.delete(app.url(url)).header("Tus-Resumable", TUS).send().await.unwrap()
}

async fn error_of(res: reqwest::Response) -> String {
    let v: serde_json::Value = res.json().await.expect("a JSON error");
    v["error"].as_str().expect("an error message").to_string()
}

/// Sends `bytes` in pieces of `piece` bytes; the last answer.
async fn send_all(
    app: &TestApp,
    client: &reqwest::Client,
    url: &str,
    bytes: &[u8],
    piece: usize,
) -> reqwest::Response {
    let mut offset = 0;
    loop {
        let end = (offset + piece).min(bytes.len());
        let res = patch(app, client, url, offset, &bytes[offset..end], None).await;
        if res.status().as_u16() != 204 || end == bytes.len() {
            return res;
        }
        assert_eq!(header(&res, "upload-offset"), Some(end.to_string()));
        offset = end;
    }
}

async fn row(app: &TestApp, url: &str) -> Option<UploadRow> {
    let id = url.rsplit('/').next().unwrap();
    pocket_court::store::uploads::get(&app.running.services.db, id).await.unwrap()
}

fn partial_path(app: &TestApp, url: &str) -> std::path::PathBuf {
    app.running.services.uploads.partial_path(url.rsplit('/').next().unwrap())
}

/// Files under DATA_DIR/blobs.
fn blobs_on_disk(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out)
            } else {
                out.push(e.path())
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.running.services.data_dir.join("blobs"), &mut out);
    out
}

async fn a_file_sent_in_three_pieces_arrives_whole(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;

    let (_, doc) = app.get_json(&app.client, "/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/uploads"]["post"].is_object(), "documented");
    assert!(doc["paths"]["/api/v1/uploads/{id}"]["patch"]["responses"]["460"].is_object());

    // What the server speaks, to anyone asking.
    let res = app.client.request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(header(&res, "tus-resumable").as_deref(), Some(TUS));
    assert_eq!(header(&res, "tus-version").as_deref(), Some(TUS));
    assert_eq!(header(&res, "tus-extension").as_deref(), Some("creation,checksum,termination,expiration"));
    assert_eq!(header(&res, "tus-max-size").as_deref(), Some("209715200"), "200 MB by default");
    assert_eq!(header(&res, "tus-checksum-algorithm").as_deref(), Some("sha1,sha256"));

    let file = pdf(300_000, 1);
    let res = create_raw(
        &app,
        &zhang.client,
        file.len(),
        &[("filename", "借条.pdf"), ("filing", &draft.to_string()), ("sha256", &sha256_hex(&file))],
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(header(&res, "tus-resumable").as_deref(), Some(TUS));
    assert!(header(&res, "upload-expires").unwrap().ends_with(" GMT"), "an HTTP date");
    let url = location(&res);
    assert!(url.starts_with("/api/v1/uploads/") && url.len() == "/api/v1/uploads/".len() + 22, "{url}");

    let res = zhang.client.head(app.url(&url)).header("Tus-Resumable", TUS).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, "upload-offset").as_deref(), Some("0"));
    assert_eq!(header(&res, "upload-length"), Some(file.len().to_string()));
    assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
    assert!(header(&res, "upload-metadata")
        .unwrap()
        .contains(&format!("filename {}", b64("借条.pdf".as_bytes()))));
    assert!(header(&res, "upload-expires").is_some());

    // Three pieces, the first two with checksums of either kind.
    let (a, b) = (100_000, 200_000);
    let sha1 = b64(&sha1::Sha1::digest(&file[..a]));
    let res = patch(&app, &zhang.client, &url, 0, &file[..a], Some(format!("sha1 {sha1}"))).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(header(&res, "upload-offset"), Some(a.to_string()));
    assert_eq!(header(&res, "tus-resumable").as_deref(), Some(TUS));
    let sha = b64(&Sha256::digest(&file[a..b]));
    let res = patch(&app, &zhang.client, &url, a, &file[a..b], Some(format!("sha256 {sha}"))).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(head(&app, &zhang.client, &url).await, (200, Some(b)));
    let res = patch(&app, &zhang.client, &url, b, &file[b..], None).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(header(&res, "upload-offset"), Some(file.len().to_string()));
    assert!(header(&res, "upload-expires").is_none(), "a complete upload does not expire");

    // Complete: typed by its bytes, stored under its hash, listed with the filing.
    let res = zhang.client.head(app.url(&url)).header("Tus-Resumable", TUS).send().await.unwrap();
    assert_eq!(header(&res, "upload-offset"), Some(file.len().to_string()));
    assert!(header(&res, "upload-expires").is_none());
    let db = &app.running.services.db;
    let listed = pocket_court::store::uploads::complete_of_filing(db, draft).await.unwrap();
    assert_eq!(listed.len(), 1);
    let done = &listed[0];
    assert_eq!(done.file_name, "借条.pdf");
    assert_eq!(done.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(done.blob_sha256.as_deref(), Some(sha256_hex(&file).as_str()));
    assert_eq!(
        (done.offset, done.length, done.status.as_str()),
        (file.len() as i64, file.len() as i64, "complete")
    );
    assert_eq!(pocket_court::store::uploads::bytes_of_filing(db, draft, 0).await.unwrap(), file.len() as i64);
    let blob = pocket_court::store::uploads::blob(db, &sha256_hex(&file)).await.unwrap().unwrap();
    assert_eq!(std::fs::read(app.running.services.data_dir.join(&blob.stored_path)).unwrap(), file);
    assert!(!partial_path(&app, &url).exists(), "the partial file moved into the store");
    let mut stored = app.running.services.uploads.blobs.open(&sha256_hex(&file)).await.unwrap().unwrap();
    assert_eq!(stored.size, file.len() as u64);
    let mut body = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stored.reader, &mut body).await.unwrap();
    assert_eq!(body.as_slice(), file.as_slice(), "read back as a stream");

    // A piece more for a complete upload: it is done.
    let res = patch(&app, &zhang.client, &url, file.len(), b"", None).await;
    assert_eq!(res.status().as_u16(), 204);

    // The protocol, a signed-in caller and this site's own page are required.
    let res = zhang.client.head(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 412);
    assert_eq!(header(&res, "tus-version").as_deref(), Some(TUS));
    let res = create_raw(&app, &new_client(), 10, &[("filing", &draft.to_string())]).await;
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(error_of(res).await, "请先登录。");
    let res = zhang
        .client
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", TUS)
        .header("Origin", "http://evil.example")
        .header("Upload-Length", "10")
        .header(
            "Upload-Metadata",
            format!(
                "filing {},sha256 {}",
                b64(draft.to_string().as_bytes()),
                b64(sha256_hex(b"x").as_bytes())
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = create_raw(&app, &zhang.client, 10, &[("filing", &draft.to_string())]).await;
    assert_eq!(res.status().as_u16(), 400, "no sha256");
    assert!(error_of(res).await.contains("SHA-256"));
}
both_backends!(a_file_sent_in_three_pieces_arrives_whole);

/// Sends a PATCH's headers and the first `send` of `total` bytes over a raw connection, as
/// a phone does before its network drops; the connection is left open.
async fn raw_patch(
    app: &TestApp,
    who: &Person,
    url: &str,
    offset: usize,
    total: usize,
    send: &[u8],
) -> tokio::net::TcpStream {
    let mut tcp = tokio::net::TcpStream::connect(app.running.addr).await.unwrap();
    let head = format!(
        "PATCH {url} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nTus-Resumable: 1.0.0\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\nContent-Length: {total}\r\n\r\n",
        app.running.addr,
        who.cookie(app)
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(send).await.unwrap();
    tcp.flush().await.unwrap();
    tcp
}

/// HEAD until the offset is `want` (the server notices a dropped connection on its own time).
async fn offset_becomes(app: &TestApp, client: &reqwest::Client, url: &str, want: usize) {
    for _ in 0..100 {
        if head(app, client, url).await == (200, Some(want)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("offset never became {want}: {:?}", head(app, client, url).await);
}

async fn a_dropped_connection_costs_only_the_bytes_that_never_came(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let file = pdf(400_000, 2);
    let url = create(&app, &zhang.client, draft, &file, "录音转写.pdf").await;

    // The network goes away mid-piece with the connection left half-open: when the phone
    // comes back and asks, the old transfer keeps what it got and steps aside.
    let first = 120_000;
    let stalled = raw_patch(&app, &zhang, &url, 0, 200_000, &file[..first]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    offset_becomes(&app, &zhang.client, &url, first).await;
    drop(stalled);

    // The connection is cut mid-piece: the server notices by itself (nobody asks) and
    // keeps what arrived.
    let second = 50_000;
    let cut = raw_patch(&app, &zhang, &url, first, 250_000, &file[first..first + second]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(cut);
    let mut kept = 0;
    for _ in 0..100 {
        kept = row(&app, &url).await.unwrap().offset;
        if kept == (first + second) as i64 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(kept, (first + second) as i64);
    assert_eq!(head(&app, &zhang.client, &url).await, (200, Some(first + second)));

    // From there on, the rest completes the file, hash and all.
    let at = first + second;
    let res = patch(&app, &zhang.client, &url, at, &file[at..], None).await;
    assert_eq!(res.status().as_u16(), 204, "{:?}", res.text().await);
    let done = row(&app, &url).await.unwrap();
    assert_eq!(done.status, "complete");
    assert_eq!(done.blob_sha256, Some(sha256_hex(&file)));
    let stored = app.running.services.uploads.blobs.open(&sha256_hex(&file)).await.unwrap().unwrap();
    assert_eq!(stored.size, file.len() as u64);
}
both_backends!(a_dropped_connection_costs_only_the_bytes_that_never_came);

async fn a_piece_at_the_wrong_offset_or_damaged_on_the_way_is_not_kept(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let file = pdf(30_000, 3);
    let url = create(&app, &zhang.client, draft, &file, "a.pdf").await;
    assert_eq!(patch(&app, &zhang.client, &url, 0, &file[..10_000], None).await.status().as_u16(), 204);

    // Wrong offset: 409, with where the upload really is.
    let res = patch(&app, &zhang.client, &url, 5_000, &file[5_000..15_000], None).await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(header(&res, "upload-offset").as_deref(), Some("10000"));
    assert!(error_of(res).await.contains("10000"));
    let res = patch(&app, &zhang.client, &url, 20_000, &file[20_000..], None).await;
    assert_eq!(res.status().as_u16(), 409);

    // A checksum that does not match: 460, the piece dropped, the offset unchanged.
    let wrong = b64(&Sha256::digest(b"something else"));
    let res =
        patch(&app, &zhang.client, &url, 10_000, &file[10_000..20_000], Some(format!("sha256 {wrong}")))
            .await;
    assert_eq!(res.status().as_u16(), 460);
    assert!(error_of(res).await.contains("损坏"));
    assert_eq!(head(&app, &zhang.client, &url).await, (200, Some(10_000)));
    let res =
        patch(&app, &zhang.client, &url, 10_000, &file[10_000..20_000], Some(format!("md5 {wrong}"))).await;
    assert_eq!(res.status().as_u16(), 400, "an algorithm not offered");
    let res = zhang
        .client
        .patch(app.url(&url))
        .header("Tus-Resumable", TUS)
        .header("Content-Type", "application/octet-stream")
        .header("Upload-Offset", "10000")
        .body(file[10_000..20_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 415);

    // More than the file has left: refused, nothing kept.
    let mut long = file[10_000..].to_vec();
    long.extend(b"extra");
    let res = patch(&app, &zhang.client, &url, 10_000, &long, None).await;
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(head(&app, &zhang.client, &url).await, (200, Some(10_000)));

    // The right piece, then the rest.
    let sha1 = b64(&sha1::Sha1::digest(&file[10_000..20_000]));
    let res =
        patch(&app, &zhang.client, &url, 10_000, &file[10_000..20_000], Some(format!("sha1 {sha1}"))).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(patch(&app, &zhang.client, &url, 20_000, &file[20_000..], None).await.status().as_u16(), 204);
    assert_eq!(row(&app, &url).await.unwrap().status, "complete");
}
both_backends!(a_piece_at_the_wrong_offset_or_damaged_on_the_way_is_not_kept);

async fn a_file_that_is_not_what_the_phone_sent_or_not_evidence_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;

    // The whole file's hash differs from the phone's: refused, and the upload is gone.
    let file = pdf(20_000, 4);
    let res = create_raw(
        &app,
        &zhang.client,
        file.len(),
        &[("filename", "a.pdf"), ("filing", &draft.to_string()), ("sha256", &sha256_hex(b"another file"))],
    )
    .await;
    let url = location(&res);
    let res = send_all(&app, &zhang.client, &url, &file, 8_000).await;
    assert_eq!(res.status().as_u16(), 460);
    assert!(error_of(res).await.contains("重新上传"));
    assert_eq!(head(&app, &zhang.client, &url).await.0, 404);
    assert!(!partial_path(&app, &url).exists());

    // Notes renamed to .pdf: refused by their bytes, saying what is accepted.
    let notes = b"These are my notes, not a PDF at all.\n".repeat(100);
    let url = create(&app, &zhang.client, draft, &notes, "notes.pdf").await;
    let res = send_all(&app, &zhang.client, &url, &notes, 1_000_000).await;
    assert_eq!(res.status().as_u16(), 415);
    let msg = error_of(res).await;
    assert!(msg.contains("PDF") && msg.contains("HEIC") && msg.contains("MP4"), "{msg}");
    assert_eq!(head(&app, &zhang.client, &url).await.0, 404);

    // A PDF cut off before its end.
    let cut = &pdf(5_000, 5)[..4_000];
    let url = create(&app, &zhang.client, draft, cut, "cut.pdf").await;
    let res = send_all(&app, &zhang.client, &url, cut, 1_000_000).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(error_of(res).await.contains("不完整"));

    // An empty file, in English.
    let res = zhang
        .client
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", TUS)
        .header("Accept-Language", "en")
        .header("Upload-Length", "0")
        .header(
            "Upload-Metadata",
            format!(
                "filing {},sha256 {}",
                b64(draft.to_string().as_bytes()),
                b64(sha256_hex(b"").as_bytes())
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let msg = error_of(res).await;
    assert!(
        msg.starts_with("This file is empty") && msg.contains("PDF files, photos (JPG, PNG, HEIC)"),
        "{msg}"
    );

    assert!(pocket_court::store::uploads::complete_of_filing(&app.running.services.db, draft)
        .await
        .unwrap()
        .is_empty());
    assert!(blobs_on_disk(&app).is_empty(), "nothing refused was stored");
}
both_backends!(a_file_that_is_not_what_the_phone_sent_or_not_evidence_is_refused);

async fn files_over_the_limits_are_refused_before_a_byte_is_sent(b: Backend) {
    let app = TestApp::spawn_with(b, |a| {
        a.uploads.max_file_mb = 1;
        a.uploads.max_filing_mb = 2;
    })
    .await
    .unwrap();
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let meta = |sha: &str| {
        vec![
            ("filename", "video.mp4".to_string()),
            ("filing", draft.to_string()),
            ("sha256", sha.to_string()),
        ]
    };
    let sha = sha256_hex(b"x");
    let m = meta(&sha);
    let m: Vec<(&str, &str)> = m.iter().map(|(k, v)| (*k, v.as_str())).collect();
    const MB: usize = 1024 * 1024;

    let res = create_raw(&app, &zhang.client, MB + MB / 2, &m).await;
    assert_eq!(res.status().as_u16(), 413);
    let msg = error_of(res).await;
    assert!(msg.contains("1.5MB") && msg.contains("每个文件1MB") && msg.contains("法院立案窗口"), "{msg}");
    let res = zhang
        .client
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", TUS)
        .header("Accept-Language", "en")
        .header("Upload-Length", (5 * MB).to_string())
        .header(
            "Upload-Metadata",
            format!("filing {},sha256 {}", b64(draft.to_string().as_bytes()), b64(sha.as_bytes())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let msg = error_of(res).await;
    assert!(
        msg.contains("limit of 1 MB per file") && msg.contains("Split") && msg.contains("compress"),
        "{msg}"
    );

    // The filing: partial uploads hold their length until they expire.
    assert_eq!(create_raw(&app, &zhang.client, MB, &m).await.status().as_u16(), 201);
    assert_eq!(create_raw(&app, &zhang.client, MB, &m).await.status().as_u16(), 201);
    let res = create_raw(&app, &zhang.client, 1, &m).await;
    assert_eq!(res.status().as_u16(), 413);
    let msg = error_of(res).await;
    assert!(msg.contains("已有2MB") && msg.contains("每份立案2MB"), "{msg}");
    assert_eq!(header_of_options(&app).await, (MB).to_string());
}
both_backends!(files_over_the_limits_are_refused_before_a_byte_is_sent);

async fn header_of_options(app: &TestApp) -> String {
    let res = app.client.request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads")).send().await.unwrap();
    header(&res, "tus-max-size").unwrap()
}

async fn uploads_and_filings_are_their_owners_alone(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let li = person(&app, LI).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let file = pdf(10_000, 6);
    let url = create(&app, &zhang.client, draft, &file, "a.pdf").await;
    assert_eq!(patch(&app, &zhang.client, &url, 0, &file[..5_000], None).await.status().as_u16(), 204);

    // Someone else's upload answers exactly like one that does not exist.
    let missing = "/api/v1/uploads/AAAAAAAAAAAAAAAAAAAAAA";
    let res = patch(&app, &li.client, missing, 0, b"x", None).await;
    assert_eq!(res.status().as_u16(), 404);
    let nothing = error_of(res).await;
    let res = patch(&app, &li.client, &url, 5_000, &file[5_000..], None).await;
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(error_of(res).await, nothing);
    assert_eq!(head(&app, &li.client, &url).await, (404, None));
    let res = delete(&app, &li.client, &url).await;
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(error_of(res).await, nothing);
    assert_eq!(head(&app, &zhang.client, &url).await, (200, Some(5_000)), "untouched");

    // Someone else's filing: 404 like a missing one; a filing handed in takes no more.
    let sha = sha256_hex(&file);
    let res = create_raw(&app, &li.client, 10, &[("filing", &draft.to_string()), ("sha256", &sha)]).await;
    assert_eq!(res.status().as_u16(), 404);
    let other = error_of(res).await;
    let res = create_raw(&app, &li.client, 10, &[("filing", "999999"), ("sha256", &sha)]).await;
    assert_eq!((res.status().as_u16(), error_of(res).await), (404, other));
    let correcting = filing(&app, li.id, "correcting").await;
    let res =
        create_raw(&app, &li.client, 10, &[("filing", &correcting.to_string()), ("sha256", &sha)]).await;
    assert_eq!(res.status().as_u16(), 201, "a filing sent back for correction takes evidence");
    let submitted = filing(&app, li.id, "submitted").await;
    let res = create_raw(&app, &li.client, 10, &[("filing", &submitted.to_string()), ("sha256", &sha)]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(error_of(res).await.contains("已经提交"));
}
both_backends!(uploads_and_filings_are_their_owners_alone);

async fn a_terminated_upload_is_gone_with_its_bytes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let file = pdf(10_000, 7);
    let url = create(&app, &zhang.client, draft, &file, "a.pdf").await;
    assert_eq!(patch(&app, &zhang.client, &url, 0, &file[..4_000], None).await.status().as_u16(), 204);
    assert!(partial_path(&app, &url).exists());
    let res = delete(&app, &zhang.client, &url).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(header(&res, "tus-resumable").as_deref(), Some(TUS));
    assert!(!partial_path(&app, &url).exists());
    assert_eq!(head(&app, &zhang.client, &url).await.0, 404);
    assert_eq!(patch(&app, &zhang.client, &url, 4_000, &file[4_000..], None).await.status().as_u16(), 404);
    assert_eq!(delete(&app, &zhang.client, &url).await.status().as_u16(), 404);
    assert_eq!(
        pocket_court::store::uploads::bytes_of_filing(&app.running.services.db, draft, 0).await.unwrap(),
        0
    );

    // A finished file leaves a draft the same way, but stays with a filing handed in.
    let url = create(&app, &zhang.client, draft, &file, "a.pdf").await;
    assert_eq!(send_all(&app, &zhang.client, &url, &file, 1_000_000).await.status().as_u16(), 204);
    sqlx::query("UPDATE filings SET status = 'submitted' WHERE id = $1")
        .bind(draft)
        .execute(&app.running.services.db.pool)
        .await
        .unwrap();
    let res = delete(&app, &zhang.client, &url).await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(row(&app, &url).await.unwrap().status, "complete");
    sqlx::query("UPDATE filings SET status = 'correcting' WHERE id = $1")
        .bind(draft)
        .execute(&app.running.services.db.pool)
        .await
        .unwrap();
    assert_eq!(delete(&app, &zhang.client, &url).await.status().as_u16(), 204);
    assert!(row(&app, &url).await.is_none());
}
both_backends!(a_terminated_upload_is_gone_with_its_bytes);

async fn the_same_file_twice_is_stored_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let (first, second) = (filing(&app, zhang.id, "draft").await, filing(&app, zhang.id, "draft").await);
    let file = pdf(50_000, 8);
    let a = create(&app, &zhang.client, first, &file, "合同.pdf").await;
    let b = create(&app, &zhang.client, second, &file, "合同(1).pdf").await;
    assert_eq!(send_all(&app, &zhang.client, &a, &file, 20_000).await.status().as_u16(), 204);
    assert_eq!(send_all(&app, &zhang.client, &b, &file, 30_000).await.status().as_u16(), 204);
    let (a, b) = (row(&app, &a).await.unwrap(), row(&app, &b).await.unwrap());
    assert_eq!((a.status.as_str(), b.status.as_str()), ("complete", "complete"));
    assert_eq!(a.blob_sha256, b.blob_sha256);
    assert_eq!((a.file_name.as_str(), b.file_name.as_str()), ("合同.pdf", "合同(1).pdf"));
    let on_disk = blobs_on_disk(&app);
    assert_eq!(on_disk.len(), 1, "{on_disk:?}");
    assert_eq!(std::fs::read(&on_disk[0]).unwrap(), file);
}
both_backends!(the_same_file_twice_is_stored_once);

async fn partial_uploads_not_continued_for_a_day_are_removed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = person(&app, ZHANG).await;
    let draft = filing(&app, zhang.id, "draft").await;
    let file = pdf(10_000, 9);
    let stale = create(&app, &zhang.client, draft, &file, "a.pdf").await;
    assert_eq!(patch(&app, &zhang.client, &stale, 0, &file[..3_000], None).await.status().as_u16(), 204);
    let done = create(&app, &zhang.client, draft, &file, "b.pdf").await;
    assert_eq!(send_all(&app, &zhang.client, &done, &file, 1_000_000).await.status().as_u16(), 204);
    let services = &app.running.services;
    let now = pocket_court::adapters::clock::now();

    assert_eq!(
        pocket_court::services::uploads::remove_expired(&services.db, &services.uploads, now).await,
        0,
        "nothing is due yet"
    );
    assert_eq!(head(&app, &zhang.client, &stale).await, (200, Some(3_000)));
    let day = pocket_court::services::uploads::PARTIAL_TTL_SECS;
    assert_eq!(
        pocket_court::services::uploads::remove_expired(&services.db, &services.uploads, now + day + 60)
            .await,
        1
    );
    assert_eq!(head(&app, &zhang.client, &stale).await.0, 404);
    assert!(!partial_path(&app, &stale).exists());
    assert_eq!(row(&app, &done).await.unwrap().status, "complete", "finished files never expire");
    assert_eq!(blobs_on_disk(&app).len(), 1);
}
both_backends!(partial_uploads_not_continued_for_a_day_are_removed);
