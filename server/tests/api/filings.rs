//! Online filing (网上立案) and cross-region filing (跨域立案), end to end over HTTP: the
//! guided filing's form posts, an evidence upload, submission exactly once, the clerk's
//! correction request and docketing with the next case number, and every wrong input and
//! wrong caller refused.

use crate::both_backends;
use crate::helpers::*;
use app::api::port::Caller;
use app::api::types::{Me, Role};
use pocket_court::services::filing::FilingDecision;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A scanned IOU, as a (small, complete) PDF.
const DOC: &[u8] = b"%PDF-1.7\n% an IOU, scanned\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
/// ZHANG's resident ID in the demo data.
async fn zhang_id(app: &TestApp) -> String {
    pocket_court::store::people::user_by_phone(&app.running.services.db, ZHANG)
        .await
        .unwrap()
        .unwrap()
        .resident_id
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.expect("request")
}

async fn new_filing(app: &TestApp, client: &reqwest::Client) -> i64 {
    let res = post(app, client, "/filings/new", &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let to = location(&res);
    let id = to.trim_start_matches("/filings/").trim_end_matches("/court");
    id.parse().unwrap_or_else(|_| panic!("redirected to {to}"))
}

async fn filing(app: &TestApp, client: &reqwest::Client, id: i64) -> (u16, Value) {
    app.call(client, "filing", &[("id", &id.to_string())]).await
}

async fn version(app: &TestApp, client: &reqwest::Client, id: i64) -> String {
    filing(app, client, id).await.1["version"].as_i64().expect("version").to_string()
}

/// Saves one screen (`op` next) at the current version; returns where it went.
async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    step: &str,
    fields: &[(&str, &str)],
) -> String {
    let v = version(app, client, id).await;
    let mut form = vec![("step", step), ("version", v.as_str()), ("op", "next")];
    form.extend_from_slice(fields);
    let res = post(app, client, &format!("/filings/{id}/save"), &form).await;
    assert_eq!(res.status().as_u16(), 303);
    location(&res)
}

async fn op(app: &TestApp, client: &reqwest::Client, id: i64, step: &str, op: &str) {
    let v = version(app, client, id).await;
    post(app, client, &format!("/filings/{id}/save"), &[("step", step), ("version", &v), ("op", op)]).await;
}

/// Uploads `bytes` to the filing over tus (create, then one PATCH); returns the upload id.
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    filing: i64,
    name: &str,
    bytes: &[u8],
) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let sha = hex::encode(Sha256::digest(bytes));
    let res = client
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header(
            "Upload-Metadata",
            format!("filename {},filing {},sha256 {}", b64(name), b64(&filing.to_string()), b64(&sha)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "create: {}", res.text().await.unwrap_or_default());
    let url = location(&res);
    let res = client
        .patch(app.url(&url))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204, "patch: {}", res.text().await.unwrap_or_default());
    url.rsplit('/').next().unwrap().to_string()
}

/// Fills in a complete 民间借贷 filing for ZHANG against LI, to `court` (and handed in at
/// `receiving`, if any).
async fn complete_filing(app: &TestApp, client: &reqwest::Client, court: &str, receiving: &str) -> i64 {
    let id = new_filing(app, client).await;
    let cross = if receiving.is_empty() { "no" } else { "yes" };
    let to = save(
        app,
        client,
        id,
        "court",
        &[
            ("cause", "private_lending"),
            ("court_code", court),
            ("cross", cross),
            ("receiving_court_code", receiving),
        ],
    )
    .await;
    assert_eq!(to, format!("/filings/{id}/parties"));
    op(app, client, id, "parties", "add_defendant_person").await;
    let me = zhang_id(app).await;
    save(
        app,
        client,
        id,
        "parties",
        &[
            ("plaintiffs.0.name", "张三"),
            ("plaintiffs.0.id_number", &me),
            ("plaintiffs.0.phone", ZHANG),
            ("plaintiffs.0.address", "浏阳市集里街道1号"),
            ("defendants.0.name", "李四"),
            ("defendants.0.address", "浏阳市淮川街道2号"),
        ],
    )
    .await;
    op(app, client, id, "claims", "add_claim").await;
    save(
        app,
        client,
        id,
        "claims",
        &[
            ("claims.0.text", "判令被告归还借款"),
            ("claims.0.amount_yuan", "50,000"),
            ("facts", "2025年3月借给被告5万元，约定半年归还，到期未还。"),
        ],
    )
    .await;
    let upload_id = upload(app, client, id, "借条.pdf", DOC).await;
    save(app, client, id, "evidence", &[("evidence.0.upload_id", &upload_id), ("evidence.0.title", "借条")])
        .await;
    save(app, client, id, "service", &[("consent", "yes"), ("sms_phone", ZHANG)]).await;
    id
}

async fn submit(app: &TestApp, client: &reqwest::Client, id: i64) -> String {
    let v = version(app, client, id).await;
    location(&post(app, client, &format!("/filings/{id}/submit"), &[("version", &v)]).await)
}

fn case_of(location: &str) -> i64 {
    location
        .trim_start_matches("/cases/")
        .trim_end_matches("?filed=1")
        .parse()
        .unwrap_or_else(|_| panic!("not a case page: {location}"))
}

async fn decide(app: &TestApp, client: &reqwest::Client, case: i64, form: &[(&str, &str)]) -> String {
    location(&post(app, client, &format!("/staff/filings/{case}/decide"), form).await)
}

async fn litigant_sms(app: &TestApp, phone: &str) -> Vec<String> {
    let rows = pocket_court::store::sms::latest(&app.running.services.db, 50).await.unwrap();
    rows.into_iter().filter(|r| r.phone == phone).map(|r| r.body).collect()
}

async fn filed_online_corrected_and_docketed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let id = complete_filing(&app, &zhang, "湘0181", "").await;
    let (_, page) = filing(&app, &zhang, id).await;
    assert_eq!(page["problems"], Value::Array(vec![]), "{page}");
    // 50,000 yuan: not a small claim; the full rate, 50 + 40,000 × 2.5 % = 1,050 yuan.
    assert_eq!(page["estimate"]["fee"]["total"], 105_000);

    // Filed once, however often the button is tapped.
    let first = submit(&app, &zhang, id).await;
    let case = case_of(&first);
    let v = page["version"].as_i64().unwrap().to_string();
    let again = location(&post(&app, &zhang, &format!("/filings/{id}/submit"), &[("version", &v)]).await);
    assert_eq!(again, first, "a replayed submit answers with the same case");
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    assert_eq!(progress["stage"], "under_review", "{progress}");
    assert!(litigant_sms(&app, ZHANG).await.iter().any(|m| m.contains("7日内审查")));
    // No more edits while under review.
    let to = save(&app, &zhang, id, "claims", &[("facts", "changed")]).await;
    assert!(to.ends_with("?error=filed"), "{to}");

    // The clerk asks for everything missing at once.
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let (status, queue) = app.call(&clerk, "review_queue", &[]).await;
    assert_eq!(status, 200);
    let item = queue.as_array().unwrap().iter().find(|i| i["case_id"] == case).expect("in the queue").clone();
    assert!(item["deadline"]["label"].as_str().unwrap().contains("审查"), "{item}");
    let to = decide(&app, &clerk, case, &[("decision", "correction")]).await;
    assert!(to.ends_with("?error=items"), "a correction must say what is missing: {to}");
    let to = decide(
        &app,
        &clerk,
        case,
        &[
            ("decision", "correction"),
            ("item", "evidence_unclear"),
            ("item", "defendant_details"),
            ("note", "借条照片看不清"),
        ],
    )
    .await;
    assert!(to.ends_with("?decided=correction"), "{to}");
    let to = decide(&app, &clerk, case, &[("decision", "docket"), ("procedure", "ordinary")]).await;
    assert!(to.ends_with("?error=decided"), "no docketing while the litigant corrects: {to}");

    // The litigant sees every item, corrects, and files again: the review restarts.
    let (_, page) = filing(&app, &zhang, id).await;
    assert_eq!(page["status"], "correcting");
    assert_eq!(page["correction"]["items"].as_array().unwrap().len(), 2, "{page}");
    assert!(litigant_sms(&app, ZHANG).await.iter().any(|m| m.contains("补正")));
    save(
        &app,
        &zhang,
        id,
        "parties",
        &[
            ("plaintiffs.0.name", "张三"),
            ("plaintiffs.0.id_number", &zhang_id(&app).await),
            ("plaintiffs.0.phone", ZHANG),
            ("plaintiffs.0.address", "浏阳市集里街道1号"),
            ("defendants.0.name", "李四"),
            ("defendants.0.phone", LI),
            ("defendants.0.address", "浏阳市淮川街道2号3栋101"),
        ],
    )
    .await;
    assert_eq!(case_of(&submit(&app, &zhang, id).await), case);

    // Docketing: the next number of the court's 民初 series this year, and the fee notice.
    let before: i64 = {
        let pool = &app.running.services.db.pool;
        let year =
            app::rules::dates::CivilDate::from_unix_shanghai(pocket_court::adapters::clock::now()).year();
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(seq), 0) FROM cases WHERE court_id = 1 AND year = $1 AND type_code = '民初'",
        )
        .bind(i64::from(year))
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let to = decide(&app, &clerk, case, &[("decision", "docket"), ("procedure", "ordinary")]).await;
    assert!(to.ends_with("?decided=docket"), "{to}");
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    let number = progress["case_number"].as_str().expect("a case number").to_string();
    assert!(number.ends_with(&format!("湘0181民初{}号", before + 1)), "{number} after {before}");
    assert_eq!(progress["fee_due_fen"], 105_000, "the fee notice: {progress}");
    assert!(litigant_sms(&app, ZHANG).await.iter().any(|m| m.contains(&number)));
    // Decided once: a second docketing is refused.
    let to = decide(&app, &clerk, case, &[("decision", "docket"), ("procedure", "ordinary")]).await;
    assert!(to.ends_with("?error=decided"), "{to}");
}
both_backends!(filed_online_corrected_and_docketed);

async fn wrong_input_is_answered_and_nothing_is_lost(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let id = new_filing(&app, &zhang).await;
    op(&app, &zhang, id, "parties", "add_defendant_org").await;
    save(
        &app,
        &zhang,
        id,
        "parties",
        &[
            ("plaintiffs.0.name", "张三"),
            ("plaintiffs.0.id_number", "110105194912310021"),
            ("plaintiffs.0.phone", ZHANG),
            ("plaintiffs.0.address", "浏阳"),
            ("defendants.0.name", "某公司"),
            ("defendants.0.id_number", "91430181MA4L0000X0"),
            ("defendants.0.address", "长沙"),
        ],
    )
    .await;
    let (_, page) = filing(&app, &zhang, id).await;
    let fields: Vec<&str> =
        page["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    for f in [
        "plaintiffs.0.id_number",
        "defendants.0.id_number",
        "defendants.0.representative",
        "claims",
        "evidence",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    // What was typed is kept, wrong or not.
    assert_eq!(page["draft"]["plaintiffs"][0]["id_number"], "110105194912310021");
    let message =
        page["problems"].as_array().unwrap().iter().find(|p| p["field"] == "plaintiffs.0.id_number").unwrap()
            ["message"]
            .as_str()
            .unwrap()
            .to_string();
    assert!(message.contains("身份证号码"), "{message}");

    // Filing with problems is refused with a code the page explains.
    let to = submit(&app, &zhang, id).await;
    assert!(to.ends_with("/review?error=incomplete"), "{to}");
    // A screen saved from a stale page (another phone saved since) is not applied.
    let res = post(
        &app,
        &zhang,
        &format!("/filings/{id}/save"),
        &[("step", "claims"), ("version", "1"), ("op", "next"), ("facts", "old")],
    )
    .await;
    assert!(location(&res).ends_with("?error=filing_changed"));
    assert_ne!(filing(&app, &zhang, id).await.1["draft"]["facts"], "old");
    // An upload that is not a document we accept is refused by its bytes.
    let res = zhang
        .post(app.url("/api/v1/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "0")
        .header("Upload-Metadata", "filename YS5wZGY=,filing MA==,sha256 eA==")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
}
both_backends!(wrong_input_is_answered_and_nothing_is_lost);

async fn nobody_else_touches_a_filing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let id = complete_filing(&app, &zhang, "湘0181", "").await;
    let upload_id = filing(&app, &zhang, id).await.1["uploads"][0]["id"].as_str().unwrap().to_string();
    let li = new_client();
    app.sign_in(&li, LI).await;
    // Another litigant: "not found" for reading, saving, submitting and the files.
    assert_eq!(filing(&app, &li, id).await.0, 404);
    let v = version(&app, &zhang, id).await;
    let form = [("step", "claims"), ("version", v.as_str()), ("op", "next"), ("facts", "hijacked")];
    post(&app, &li, &format!("/filings/{id}/save"), &form).await;
    assert_ne!(filing(&app, &zhang, id).await.1["draft"]["facts"], "hijacked");
    let v = version(&app, &zhang, id).await;
    let res = post(&app, &li, &format!("/filings/{id}/submit"), &[("version", &v)]).await;
    assert!(!location(&res).starts_with("/cases/"));
    let res = li.get(app.url(&format!("/filings/{id}/files/{upload_id}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let res = zhang.get(app.url(&format!("/filings/{id}/files/{upload_id}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), DOC);
    // A litigant is no reviewer; staff cannot file.
    assert_eq!(app.call(&li, "review_queue", &[]).await.0, 403);
    let case = case_of(&submit(&app, &zhang, id).await);
    // (Refused as a litigant, before the case is even looked up.)
    assert!(decide(&app, &li, case, &[("decision", "docket"), ("procedure", "ordinary")])
        .await
        .ends_with("?error=review_staff_only"));
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    assert_eq!(location(&post(&app, &clerk, "/filings/new", &[]).await), "/filings?error=staff");
    // Another court's clerk: the case is not theirs (not handed in there either).
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    assert_eq!(app.call(&other, "filing_review", &[("case_id", &case.to_string())]).await.0, 404);
    let res = other.get(app.url(&format!("/staff/filings/{case}/files/{upload_id}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(
        decide(&app, &other, case, &[("decision", "docket"), ("procedure", "ordinary")]).await,
        format!("/staff/filings/{case}")
    );
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    assert_eq!(progress["stage"], "under_review");
    // The case's own clerk opens the file.
    let res = clerk.get(app.url(&format!("/staff/filings/{case}/files/{upload_id}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
both_backends!(nobody_else_touches_a_filing);

async fn a_cross_region_filing_is_checked_forwarded_and_docketed_by_the_target_court(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    // Handed in at the Tianxin court (湘0103) for the Liuyang court (湘0181).
    let id = complete_filing(&app, &zhang, "湘0181", "湘0103").await;
    let case = case_of(&submit(&app, &zhang, id).await);
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    assert_eq!(progress["stage"], "submitted");

    let target = new_client();
    app.staff_sign_in(&target, CLERK).await;
    let receiving = new_client();
    app.staff_sign_in(&receiving, OTHER_COURT_CLERK).await;
    let in_queue = |q: &Value| q.as_array().unwrap().iter().any(|i| i["case_id"] == case);
    assert!(
        !in_queue(&app.call(&target, "review_queue", &[]).await.1),
        "not at the target court before forwarding"
    );
    assert!(in_queue(&app.call(&receiving, "review_queue", &[]).await.1));
    // The receiving court cannot docket; the target court cannot act before it is forwarded.
    assert!(decide(&app, &receiving, case, &[("decision", "docket"), ("procedure", "ordinary")])
        .await
        .ends_with("?error=forward_only"));
    assert!(decide(&app, &target, case, &[("decision", "docket"), ("procedure", "ordinary")])
        .await
        .ends_with("?error=decided"));
    assert!(decide(&app, &receiving, case, &[("decision", "forward"), ("note", "已核对身份证原件")])
        .await
        .ends_with("?decided=forward"));
    assert!(!in_queue(&app.call(&receiving, "review_queue", &[]).await.1));
    assert!(in_queue(&app.call(&target, "review_queue", &[]).await.1));
    assert!(decide(&app, &target, case, &[("decision", "docket"), ("procedure", "small_claims")])
        .await
        .ends_with("?decided=docket"));
    // One status for all three: the litigant, the target court and the receiving court.
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    assert_eq!(progress["stage"], "docketed");
    let (_, seen) = app.call(&receiving, "filing_review", &[("case_id", &case.to_string())]).await;
    assert_eq!(seen["stage"], "docketed");
    assert_eq!(seen["case_number"], progress["case_number"]);
    assert_eq!(seen["decisions"].as_array().unwrap().len(), 2);
}
both_backends!(a_cross_region_filing_is_checked_forwarded_and_docketed_by_the_target_court);

/// `n` filed cases waiting for review at the Liuyang court, and its clerk as a caller.
async fn cases_under_review(app: &TestApp, n: i64) -> (Vec<i64>, Caller) {
    let db = &app.running.services.db;
    let zhang = pocket_court::store::people::user_by_phone(db, ZHANG).await.unwrap().unwrap();
    let clerk = pocket_court::store::people::user_by_phone(db, CLERK).await.unwrap().unwrap();
    let mut cases = Vec::new();
    for i in 0..n {
        let fid = pocket_court::store::filings::create(db, zhang.id, "{}", 0).await.unwrap();
        let filed = pocket_court::store::filings::submit(
            db,
            pocket_court::store::filings::Submission {
                filing_id: fid,
                owner: zhang.id,
                version: 1,
                court_id: clerk.court_id.unwrap(),
                receiving_court_id: None,
                cause: Some(app::rules::filing::Cause::PrivateLending),
                procedure: "ordinary",
                claim_fen: Some(100_000 + i),
                channel: "online",
                query_code: &format!("Q{i:07}"),
                parties: vec![],
                stages: &["submitted", "under_review"],
                consent: None,
                now: pocket_court::adapters::clock::now(),
            },
        )
        .await
        .unwrap();
        match filed {
            pocket_court::store::filings::Submitted::Filed(case) => cases.push(case),
            other => panic!("{other:?}"),
        }
    }
    let caller = Caller {
        me: Some(Me {
            id: clerk.id,
            role: Role::Clerk,
            phone_masked: String::new(),
            name: clerk.name.clone(),
            resident_id_masked: None,
            court_id: clerk.court_id,
            court_name: None,
        }),
        lang: app::rules::Lang::Zh,
        ip: "127.0.0.1".parse().unwrap(),
        session: None,
    };
    (cases, caller)
}

/// Dockets `cases` with `clerks` concurrent clerks (each takes the next case from a shared
/// queue); returns the case numbers given.
async fn docket_all(app: &TestApp, cases: Vec<i64>, caller: &Caller, clerks: usize) -> Vec<String> {
    let queue = std::sync::Arc::new(std::sync::Mutex::new(cases));
    let tasks: Vec<_> = (0..clerks)
        .map(|_| {
            let (services, caller, queue) = (app.running.services.clone(), caller.clone(), queue.clone());
            tokio::spawn(async move {
                let mut numbers = Vec::new();
                loop {
                    let Some(case) = queue.lock().unwrap().pop() else { break };
                    let procedure = app::rules::lifecycle::Procedure::Ordinary;
                    numbers.push(
                        services
                            .decide_filing(&caller, case, FilingDecision::Docket { procedure })
                            .await
                            .expect("docketed"),
                    );
                }
                numbers
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.extend(t.await.unwrap());
    }
    numbers
}

/// 64 clerks docket at once at one court, in one year, one type: 64 distinct, consecutive
/// numbers (DOMAIN.md §2: no gaps, no duplicates).
async fn sixty_four_parallel_dockets_get_consecutive_numbers(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (cases, caller) = cases_under_review(&app, 64).await;
    let numbers = docket_all(&app, cases, &caller, 64).await;
    let mut seqs: Vec<u32> = numbers
        .iter()
        .map(|n| {
            let tail = n.split("民初").nth(1).unwrap().trim_end_matches('号');
            tail.parse().unwrap()
        })
        .collect();
    seqs.sort_unstable();
    let first = seqs[0];
    assert_eq!(seqs, (first..first + 64).collect::<Vec<_>>(), "{numbers:?}");
}
both_backends!(sixty_four_parallel_dockets_get_consecutive_numbers);

/// The API: `POST /api/v1/filings` starts one, evidence is uploaded to it, `PUT` files it
/// (once), `GET` tells its status — to its owner only.
async fn the_api_files_and_reports_status(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let me = zhang_id(&app).await;
    let mut draft = serde_json::json!({
        "cause": "sales_contract",
        "court_code": "湘0181",
        "plaintiffs": [{"kind": "person", "name": "张三", "id_number": me, "phone": ZHANG, "address": "浏阳市"}],
        "defendants": [{"kind": "organisation", "name": "浏阳某贸易有限公司", "id_number": "91350100M000100Y43",
                        "representative": "王五", "address": "浏阳市工业园"}],
        "claims": [{"text": "判令被告支付货款", "amount_yuan": "8000"}],
        "facts": "2025年供货，对方未付款。",
        "service": {"consent": false}
    });
    let res = zhang
        .post(app.url("/api/v1/filings"))
        .json(&serde_json::json!({"draft": draft}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let doc: Value = res.json().await.unwrap();
    let id = doc["id"].as_i64().unwrap();
    assert_eq!(doc["status"], "draft");
    assert_eq!(doc["problems"][0]["field"], "evidence", "{doc}");
    // 8,000 yuan is a small claim: half of the 50 yuan flat fee (arts. 13, 16).
    assert_eq!(doc["estimate"]["procedure"], "SmallClaims");
    assert_eq!(doc["estimate"]["fee"]["total"], 2_500);

    let upload_id = upload(&app, &zhang, id, "送货单.pdf", DOC).await;
    draft["evidence"] = serde_json::json!([{"upload_id": upload_id, "title": "送货单"}]);
    let put = |version: i64| serde_json::json!({"version": version, "draft": draft, "submit": true});
    let version = doc["version"].as_i64().unwrap();
    let res = zhang.put(app.url(&format!("/api/v1/filings/{id}"))).json(&put(version)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap_or_default());
    let (_, doc) = app.get_json(&zhang, &format!("/api/v1/filings/{id}")).await;
    assert_eq!(doc["status"], "submitted");
    assert_eq!(doc["stage"], "under_review");
    assert!(doc["next_deadline"]["due_at"].as_i64().is_some(), "{doc}");
    // Replayed: no second case, and no edit after filing.
    let res =
        zhang.put(app.url(&format!("/api/v1/filings/{id}"))).json(&put(version + 1)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // Malformed, and someone else's.
    let res = zhang.post(app.url("/api/v1/filings")).body("{not json").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let li = new_client();
    app.sign_in(&li, LI).await;
    assert_eq!(app.get_json(&li, &format!("/api/v1/filings/{id}")).await.0, 404);
    assert_eq!(app.get_json(&li, "/api/v1/filings/abc").await.0, 404);
}
both_backends!(the_api_files_and_reports_status);

/// `make bench`: docketing throughput with 64 concurrent clerks on SQLite (each docketing is
/// one durable transaction: number, events, decision, fee notice, and an SMS to the outbox).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by scripts/bench.sh"]
async fn bench_docketing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let n = 2_000;
    let (cases, caller) = cases_under_review(&app, n).await;
    let started = std::time::Instant::now();
    let numbers = docket_all(&app, cases, &caller, 64).await;
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(numbers.len() as i64, n);
    println!(
        "BENCH docketing, 64 clerks at once, SQLite: {:.0} per second ({n} cases in {secs:.2} s)",
        n as f64 / secs
    );
}

/// A full disk: a draft save that cannot be written is an error the person sees, never a
/// "saved" for something that is not stored (sqlx drops the commit error of a lone UPDATE …
/// RETURNING; every such write is now in a transaction whose commit is checked). SQLite only:
/// the disk is "filled" by capping the database at its current size on every pool connection.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_save_on_a_full_disk_is_an_error_not_a_silent_success() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let res = zhang
        .post(app.url("/api/v1/filings"))
        .json(&serde_json::json!({"draft": {"cause": "private_lending", "facts": "借款"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let doc: Value = res.json().await.unwrap();
    let id = doc["id"].as_i64().unwrap();
    // The disk is full: no connection may grow the database any more.
    let pool = &app.running.services.db.pool;
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut conn = pool.acquire().await.unwrap();
        let pages: i64 =
            sqlx::Row::get(&sqlx::query("PRAGMA page_count").fetch_one(&mut *conn).await.unwrap(), 0);
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA max_page_count = {pages}")))
            .execute(&mut *conn)
            .await
            .unwrap();
        held.push(conn);
    }
    drop(held);
    let long = "对方借款后一直没有归还。".repeat(700); // ~25 KB: new pages needed
    let body =
        serde_json::json!({"version": doc["version"], "draft": {"cause": "private_lending", "facts": long}});
    let res = zhang.put(app.url(&format!("/api/v1/filings/{id}"))).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    assert_eq!(
        status,
        500,
        "a save that was not stored is not answered as saved: {}",
        res.text().await.unwrap_or_default()
    );
    let (_, now) = app.get_json(&zhang, &format!("/api/v1/filings/{id}")).await;
    assert_eq!(now["version"], doc["version"], "nothing half-saved");
}
