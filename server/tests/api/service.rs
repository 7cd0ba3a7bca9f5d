//! Electronic service (电子送达, DOMAIN.md §5): serving a notice on a case's parties (with and
//! without consent), the SMS check code, reading, the receipt and its proofs checked with the
//! phone's own code, post / in-person outcomes, figures, access, wrong input, and a log
//! changed by hand, forged or truncated being found.

use crate::both_backends;
use crate::helpers::*;
use app::log::service::{verify_service_receipt, EventKind, ServiceReceipt, ServiceReceiptError};
use app::log::signed::{verify_heads, ReceiptError, SignedTreeHead};
use app::rules::service::EffectiveRule;
use serde_json::Value;

/// A docketed case where ZHANG (consented: inbox + SMS) is the defendant and LI (no consent)
/// the plaintiff, and ZHANG signed in (a number gets one sign-in code a minute).
async fn zhang_defends(app: &TestApp) -> (i64, reqwest::Client) {
    let c = new_client();
    app.sign_in(&c, ZHANG).await;
    let (_, cases) = app.get_json(&c, "/api/v1/cases").await;
    cases
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["case_number"].is_string() && k["my_side"] == "被告")
        .and_then(|k| k["id"].as_i64())
        .map(|id| (id, c.clone()))
        .expect("a demo case where 张三 defends")
}

/// The serve form's key and the party ids by name, from the staff page.
pub(crate) async fn serve_form(
    app: &TestApp,
    staff: &reqwest::Client,
    case: i64,
) -> (String, Vec<(String, i64)>) {
    let (status, page) = app.get_page(staff, &format!("/staff/cases/{case}/service")).await;
    assert_eq!(status, 200, "{page}");
    let at = page.find("name=\"key\" value=\"").expect("the serve form") + 18;
    let key = page[at..at + page[at..].find('"').unwrap()].to_string();
    let mut parties = Vec::new();
    for chunk in page.split("name=\"party\" value=\"").skip(1) {
        let id: i64 = chunk[..chunk.find('"').unwrap()].parse().unwrap();
        let name_at = chunk.find("<strong>").unwrap() + 8;
        let name = chunk[name_at..name_at + chunk[name_at..].find("</strong>").unwrap()].to_string();
        parties.push((name, id));
    }
    (key, parties)
}

fn party(parties: &[(String, i64)], name: &str) -> i64 {
    parties
        .iter()
        .find(|(n, _)| n.contains(name))
        .map(|p| p.1)
        .unwrap_or_else(|| panic!("{name} in {parties:?}"))
}

fn multipart(fields: &[(&str, String)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----pocketcourtServe0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n")
                .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn serve(
    app: &TestApp,
    staff: &reqwest::Client,
    case: i64,
    fields: &[(&str, String)],
    file: Option<(&str, &[u8])>,
) -> String {
    let (content_type, body) = multipart(fields, file);
    let res = staff
        .post(app.url(&format!("/staff/cases/{case}/serve")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "serve answers with a redirect");
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn court_key(app: &TestApp) -> [u8; 32] {
    let (status, head) = app.get_json(&new_client(), "/api/v1/log/tree-head").await;
    assert_eq!(status, 200, "{head}");
    app::log::hex::decode_array::<32>(head["public_key"].as_str().unwrap()).unwrap()
}

async fn receipt(app: &TestApp, client: &reqwest::Client, record: i64) -> ServiceReceipt {
    let (status, json) = app.get_json(client, &format!("/api/v1/service-records/{record}")).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).expect("a receipt")
}

/// ZHANG's newest inbox record id.
async fn newest_record(app: &TestApp, client: &reqwest::Client) -> i64 {
    let (_, page) = app.get_page(client, "/inbox").await;
    let at = page.find("href=\"/service/").expect("an inbox item") + 15;
    page[at..at + page[at..].find('"').unwrap()].parse().unwrap()
}

async fn serving_an_answer_notice_end_to_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, zhang) = zhang_defends(&app).await;
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (key, parties) = serve_form(&app, &staff, case).await;
    let (zhang_party, li_party) = (party(&parties, "张三").to_string(), party(&parties, "李四").to_string());
    // An 应诉通知书 goes to defendants only: nothing is served if a plaintiff is ticked too.
    let both = vec![
        ("key", key.clone()),
        ("kind", "answer".to_string()),
        ("party", zhang_party.clone()),
        ("party", li_party.clone()),
    ];
    assert!(serve(&app, &staff, case, &both, None).await.ends_with("?error=wrong_recipient"));
    let fields = vec![("key", key.clone()), ("kind", "answer".to_string()), ("party", zhang_party)];
    let to = serve(&app, &staff, case, &fields, None).await;
    assert!(to.ends_with("?served=1-0"), "served electronically: {to}");
    // A double tap (the same key) serves nothing more.
    let again = serve(&app, &staff, case, &fields, None).await;
    assert!(again.ends_with("?served=again"), "{again}");
    // The plaintiff has not consented: the 举证通知书 goes by post.
    let (key, _) = serve_form(&app, &staff, case).await;
    let fields = vec![("key", key), ("kind", "evidence".to_string()), ("party", li_party)];
    assert!(serve(&app, &staff, case, &fields, None).await.ends_with("?served=0-1"));

    // The SMS alert carries a check code that the public page recognises.
    let sms = pocket_court::store::sms::latest(&app.running.services.db, 20).await.unwrap();
    let alert =
        sms.iter().find(|m| m.phone == ZHANG && m.body.contains("应诉通知书")).expect("the SMS alert");
    assert_eq!(sms.iter().filter(|m| m.body.contains("应诉通知书")).count(), 1, "one alert, not two");
    let code = alert.body.split("查验码").nth(1).unwrap().chars().take(8).collect::<String>();
    let anyone = new_client();
    let (status, checked) = app.call(&anyone, "check_message", &[("code", &code.to_lowercase())]).await;
    assert_eq!(status, 200, "{checked}");
    assert_eq!(checked["court"], "浏阳市人民法院");
    assert!(checked["case_number"].as_str().unwrap().contains("湘0181民初"));

    // The defendant finds it in the inbox; its receipt checks with the phone's code.
    let record = newest_record(&app, &zhang).await;
    let key = court_key(&app).await;
    let r = receipt(&app, &zhang, record).await;
    let v = verify_service_receipt(&r, &key).expect("the receipt verifies");
    assert_eq!(
        v.events.iter().map(|e| e.event).collect::<Vec<_>>(),
        vec![EventKind::Sent, EventKind::Arrived, EventKind::SmsArrived]
    );
    let effect = v.effective().expect("effective on arrival: the inbox is a designated address");
    assert_eq!(effect.rule, EffectiveRule::ArrivalAtDesignatedAddress);
    assert_eq!(v.read_at(), None);
    // The case reached 送达被告 (the answer period runs from it).
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case}/progress")).await;
    assert!(progress.to_string().contains("答辩"), "the answer deadline shows: {progress}");

    // Fetching the document by its address: the exact bytes fingerprinted, and nothing
    // recorded (any site can make a browser follow a link; reading must be her own act).
    let res = zhang.get(app.url(&format!("/service/{record}/document"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let sha = pocket_court::adapters::crypto::sha256_hex(&bytes);
    assert_eq!(v.head_event().document_sha256, sha, "the receipt fingerprints exactly the bytes served");
    let v = verify_service_receipt(&receipt(&app, &zhang, record).await, &key).unwrap();
    assert_eq!(v.read_at(), None, "a GET records nothing");
    // Another site's page cannot open it in her name.
    let res = zhang
        .post(app.url(&format!("/service/{record}/open")))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // Her own tap on the receipt page, twice: read, logged once, and on to the document.
    for _ in 0..2 {
        let res = zhang.post(app.url(&format!("/service/{record}/open"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(res.headers()["location"], format!("/service/{record}/document").as_str());
    }
    let v = verify_service_receipt(&receipt(&app, &zhang, record).await, &key).unwrap();
    assert_eq!(v.events.iter().filter(|e| e.event == EventKind::Read).count(), 1, "read is logged once");
    assert!(v.read_at().is_some());
    assert_eq!(
        v.effective().unwrap().rule,
        EffectiveRule::ArrivalAtDesignatedAddress,
        "reading does not move it"
    );

    // The receipt page and its PDF.
    let (status, page) = app.get_page(&zhang, &format!("/service/{record}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("服务器核验：通过") && page.contains(&sha), "{page}");
    let pdf = zhang.get(app.url(&format!("/service/{record}/receipt.pdf"))).send().await.unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // Staff see it read, and record the plaintiff's postal service.
    let (_, page) = app.get_page(&staff, &format!("/staff/cases/{case}/service")).await;
    assert!(page.contains("已阅读"), "the clerk sees it read");
    let post_record: i64 = {
        let at = page.find("action=\"/staff/service/").expect("an outcome form for the post") + 23;
        page[at..at + page[at..].find('/').unwrap()].parse().unwrap()
    };
    let outcome = |form: Vec<(&'static str, String)>| {
        let staff = staff.clone();
        let url = app.url(&format!("/staff/service/{post_record}/outcome"));
        async move {
            let res = staff.post(url).form(&form).send().await.unwrap();
            res.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let today =
        app::rules::dates::CivilDate::from_unix_shanghai(pocket_court::adapters::clock::now()).to_string();
    assert!(outcome(vec![("outcome", "failed".into()), ("date", today.clone())])
        .await
        .contains("error=failure_reason"));
    assert!(outcome(vec![("outcome", "signed".into()), ("date", "2099-01-01".into())])
        .await
        .contains("error=date_range"));
    assert!(outcome(vec![("outcome", "signed".into()), ("date", "yesterday".into())])
        .await
        .contains("error=date"));
    assert!(outcome(vec![("outcome", "lost".into()), ("date", today.clone())])
        .await
        .contains("error=service_outcome"));
    assert!(outcome(vec![("outcome", "signed".into()), ("date", today.clone())]).await.contains("recorded="));
    assert!(outcome(vec![("outcome", "failed".into()), ("date", today.clone()), ("note", "拒收".into())])
        .await
        .contains("error=outcome_recorded"));
    let v = verify_service_receipt(&receipt(&app, &staff, post_record).await, &key).unwrap();
    assert_eq!(
        v.events.iter().map(|e| e.event).collect::<Vec<_>>(),
        vec![EventKind::Fallback, EventKind::SignedFor]
    );
    assert_eq!(v.effective().unwrap().rule, EffectiveRule::SignedFor);
    assert!(v.events[0].note.as_deref().unwrap().contains("未同意电子送达"));

    // The court's figures.
    let (status, f) = app.call(&staff, "service_figures", &[]).await;
    assert_eq!(status, 200, "{f}");
    assert_eq!(
        (f["documents"].as_i64(), f["electronic"].as_i64(), f["read"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (f["offline"].as_i64(), f["offline_served"].as_i64(), f["success_permille"].as_i64()),
        (Some(1), Some(1), Some(1000))
    );
    let (status, _) = app.call(&staff, "service_figures", &[("from", "2026-13-01")]).await;
    assert_eq!(status, 422, "a wrong date is refused");
}
both_backends!(serving_an_answer_notice_end_to_end);

async fn someone_elses_service_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, zhang) = zhang_defends(&app).await;
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (key, parties) = serve_form(&app, &staff, case).await;
    let fields =
        vec![("key", key), ("kind", "evidence".to_string()), ("party", party(&parties, "张三").to_string())];
    assert!(serve(&app, &staff, case, &fields, None).await.ends_with("?served=1-0"));
    let record = newest_record(&app, &zhang).await;

    // Another litigant, another court's clerk, and nobody: nothing to see.
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    for c in [&wang, &other] {
        for path in [
            format!("/api/v1/service-records/{record}"),
            format!("/service/{record}/document"),
            format!("/service/{record}/receipt.pdf"),
            format!("/service/{record}/receipt.json"),
        ] {
            let res = c.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status().as_u16(), 404, "{path}");
        }
        let (status, _) = app.get_page(c, &format!("/service/{record}")).await;
        assert_eq!(status, 404);
    }
    let (status, _) = app.get_json(&new_client(), &format!("/api/v1/service-records/{record}")).await;
    assert_eq!(status, 401);
    // Another court's clerk cannot see or serve on this case; a litigant cannot serve at all.
    let (status, _) = app.get_page(&other, &format!("/staff/cases/{case}/service")).await;
    assert_eq!(status, 404);
    let fields = vec![
        ("key", "k".repeat(32)),
        ("kind", "answer".to_string()),
        ("party", party(&parties, "张三").to_string()),
    ];
    let to = serve(&app, &other, case, &fields, None).await;
    assert!(!to.contains("served="), "{to}");
    let to = serve(&app, &zhang, case, &fields, None).await;
    assert!(to.contains("error=staff_only"), "{to}");
    let (status, _) = app.call(&zhang, "service_figures", &[]).await;
    assert_eq!(status, 403);
    // The document was opened by no one but staff: not read.
    let (_, page) = app.get_page(&staff, &format!("/staff/cases/{case}/service")).await;
    assert!(!page.contains("已阅读"));
}
both_backends!(someone_elses_service_is_not_found);

async fn every_wrong_serve_is_refused_with_its_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, zhang) = zhang_defends(&app).await;
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (key, parties) = serve_form(&app, &staff, case).await;
    let zhang_id = party(&parties, "张三").to_string();
    // (form fields, the file, the error code expected)
    type Case<'a> = (Vec<(&'a str, String)>, Option<(&'a str, &'a [u8])>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("key", key.clone()), ("kind", "answer".into())], None, "recipients"),
        (
            vec![("key", key.clone()), ("kind", "answer".into()), ("party", "999999".into())],
            None,
            "not_party",
        ),
        (vec![("key", key.clone()), ("kind", "nonsense".into()), ("party", zhang_id.clone())], None, "kind"),
        (
            vec![("key", "short".into()), ("kind", "answer".into()), ("party", zhang_id.clone())],
            None,
            "stale",
        ),
        (
            vec![("key", key.clone()), ("kind", "summons".into()), ("party", zhang_id.clone())],
            None,
            "hearing_date",
        ),
        (
            vec![
                ("key", key.clone()),
                ("kind", "summons".into()),
                ("party", zhang_id.clone()),
                ("hearing_date", "2020-01-01".into()),
                ("hearing_time", "09:30".into()),
                ("hearing_place", "第一法庭".into()),
            ],
            None,
            "hearing_past",
        ),
        (
            vec![
                ("key", key.clone()),
                ("kind", "summons".into()),
                ("party", zhang_id.clone()),
                ("hearing_date", "2099-01-01".into()),
                ("hearing_time", "25:00".into()),
            ],
            None,
            "hearing_time",
        ),
        (
            vec![("key", key.clone()), ("kind", "upload".into()), ("party", zhang_id.clone())],
            None,
            "pdf_missing",
        ),
        (
            vec![
                ("key", key.clone()),
                ("kind", "upload".into()),
                ("party", zhang_id.clone()),
                ("title", "判决书".into()),
            ],
            Some(("a.pdf", b"\x89PNG\r\n\x1a\nnot a pdf")),
            "not_pdf",
        ),
        (
            vec![
                ("key", key.clone()),
                ("kind", "upload".into()),
                ("party", zhang_id.clone()),
                ("title", "判".into()),
            ],
            Some(("a.pdf", b"%PDF-1.4\n%%EOF")),
            "title",
        ),
    ];
    for (fields, file, code) in cases {
        let to = serve(&app, &staff, case, &fields, file).await;
        assert!(to.ends_with(&format!("?error={code}")), "{code}: {to}");
    }
    let (_, page) = app.get_page(&staff, &format!("/staff/cases/{case}/service")).await;
    assert!(page.contains("no-records"), "nothing was served by a refused request");

    // A real PDF is served as it is: the same bytes come back.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let fields =
        vec![("key", key), ("kind", "upload".into()), ("party", zhang_id), ("title", "民事判决书".into())];
    assert!(serve(&app, &staff, case, &fields, Some(("judgment.pdf", pdf))).await.ends_with("?served=1-0"));
    let record = newest_record(&app, &zhang).await;
    let got = zhang
        .get(app.url(&format!("/service/{record}/document")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&got[..], &pdf[..]);
}
both_backends!(every_wrong_serve_is_refused_with_its_reason);

async fn consent_decides_the_method_and_is_dated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, zhang) = zhang_defends(&app).await;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let zhang = zhang.clone();
        let url = app.url("/profile/consent");
        async move {
            zhang.post(url).form(&form).send().await.unwrap().headers()["location"]
                .to_str()
                .unwrap()
                .to_string()
        }
    };
    assert!(post(vec![("consent", "yes"), ("sms_phone", "12345")]).await.contains("consent_error=phone"));
    assert!(post(vec![("consent", "yes"), ("inbox", "1"), ("email", "not-an-email")])
        .await
        .contains("consent_error=email"));
    assert!(post(vec![("consent", "yes")]).await.contains("consent_error=address"));
    assert!(post(vec![("consent", "maybe")]).await.contains("consent_error=choice"));
    assert!(post(vec![("consent", "no")]).await.contains("consent=saved"));
    let (_, page) = app.get_page(&zhang, "/profile").await;
    assert!(
        page.contains("撤回电子送达同意") && page.contains("同意电子送达："),
        "the history keeps both records"
    );

    // Withdrawn: the next document goes by post, with the reason.
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (key, parties) = serve_form(&app, &staff, case).await;
    let fields =
        vec![("key", key), ("kind", "evidence".to_string()), ("party", party(&parties, "张三").to_string())];
    assert!(serve(&app, &staff, case, &fields, None).await.ends_with("?served=0-1"));
    let (_, page) = app.get_page(&staff, &format!("/staff/cases/{case}/service")).await;
    assert!(page.contains("已撤回电子送达同意"));
    let (_, inbox) = app.get_page(&zhang, "/inbox").await;
    assert!(inbox.contains("inbox-empty"), "nothing in the inbox without consent");

    // Consent again with only a text-message number: the inbox is not designated, so the
    // service takes effect when the SMS arrives (the dev gateway confirms delivery).
    assert!(post(vec![("consent", "yes"), ("sms_phone", "13800000001")]).await.contains("consent=saved"));
    let (key, _) = serve_form(&app, &staff, case).await;
    let fields =
        vec![("key", key), ("kind", "answer".to_string()), ("party", party(&parties, "张三").to_string())];
    assert!(serve(&app, &staff, case, &fields, None).await.ends_with("?served=1-0"));
    let record = newest_record(&app, &zhang).await;
    let v = verify_service_receipt(&receipt(&app, &zhang, record).await, &court_key(&app).await).unwrap();
    assert!(v.events.iter().any(|e| e.event == EventKind::SmsArrived));
    let e = v.effective().unwrap();
    assert_eq!(
        (e.rule, e.channel),
        (EffectiveRule::ArrivalAtDesignatedAddress, app::rules::service::Channel::Sms)
    );
}
both_backends!(consent_decides_the_method_and_is_dated);

async fn check_codes_answer_only_for_real_messages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anyone = new_client();
    let (status, body) = app.call(&anyone, "check_message", &[("code", "ABCD")]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app.call(&anyone, "check_message", &[("code", "ABCDEFGH")]).await;
    assert_eq!(status, 404);
    assert!(body.to_string().contains("查无此码"), "{body}");
    // A sign-in SMS carries a code too.
    app.sign_in(&new_client(), WANG).await;
    let sms = pocket_court::store::sms::latest(&app.running.services.db, 5).await.unwrap();
    let code: String = sms[0].body.split("查验码").nth(1).unwrap().chars().take(8).collect();
    let (status, body) = app.call(&anyone, "check_message", &[("code", &code)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["case_number"], Value::Null);
    // Guessing is limited per address.
    for _ in 0..20 {
        app.call(&anyone, "check_message", &[("code", "ZZZZZZZZ")]).await;
    }
    let (status, _) = app.call(&anyone, "check_message", &[("code", &code)]).await;
    assert_eq!(status, 429);
    let (status, page) = app.get_page(&anyone, &format!("/check?code={code}")).await;
    assert_eq!(status, 429, "{page}");
}
both_backends!(check_codes_answer_only_for_real_messages);

async fn a_log_changed_by_hand_forged_or_truncated_is_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, zhang) = zhang_defends(&app).await;
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let anyone = new_client();
    let (_, empty) = app.get_json(&anyone, "/api/v1/log/tree-head").await;
    let mut sizes = vec![empty["head"]["size"].as_u64().unwrap()];
    for kind in ["evidence", "summons", "evidence"] {
        let (key, parties) = serve_form(&app, &staff, case).await;
        let fields = vec![
            ("key", key),
            ("kind", kind.to_string()),
            ("party", party(&parties, "张三").to_string()),
            ("party", party(&parties, "李四").to_string()),
            ("hearing_date", "2099-03-01".to_string()),
            ("hearing_time", "09:30".to_string()),
            ("hearing_place", "第三法庭".to_string()),
        ];
        assert!(serve(&app, &staff, case, &fields, None).await.contains("served="), "{kind}");
        let (_, head) = app.get_json(&anyone, "/api/v1/log/tree-head").await;
        sizes.push(head["head"]["size"].as_u64().unwrap());
    }
    assert_eq!(sizes, vec![0, 4, 8, 12], "sent + arrived for 张三, fallback for 李四, SMS arrival");
    let key = court_key(&app).await;
    // Each later head is consistent with each earlier one.
    for (i, &from) in sizes.iter().enumerate() {
        for &to in &sizes[i..] {
            let (status, doc) =
                app.get_json(&anyone, &format!("/api/v1/log/consistency?from={from}&to={to}")).await;
            assert_eq!(status, 200, "{doc}");
            let old: SignedTreeHead = serde_json::from_value(doc["from"].clone()).unwrap();
            let new: SignedTreeHead = serde_json::from_value(doc["to"].clone()).unwrap();
            let proof: Vec<[u8; 32]> = doc["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| app::log::hex::decode_array::<32>(h.as_str().unwrap()).unwrap())
                .collect();
            verify_heads(&old, &new, &proof, &key).unwrap_or_else(|e| panic!("{from}→{to}: {e}"));
        }
    }
    for (q, status) in [("from=8&to=4", 422), ("from=1&to=4", 404), ("to=4", 422), ("from=x&to=4", 422)] {
        let (got, _) = app.get_json(&anyone, &format!("/api/v1/log/consistency?{q}")).await;
        assert_eq!(got, status, "{q}");
    }
    let services = &app.running.services;
    assert_eq!(services.log.audit(&services.db).await.unwrap().map(|r| r.entries), Ok(12));

    // One stored event changed by hand: the receipt and the audit both say so.
    let record = newest_record(&app, &zhang).await;
    let good = receipt(&app, &zhang, record).await;
    let idx = good.events[0].leaf_index as i64;
    let original: String = sqlx::query_scalar("SELECT entry FROM log_entries WHERE idx = $1")
        .bind(idx)
        .fetch_one(&services.db.pool)
        .await
        .unwrap();
    let forged = original.replace("张三", "张二");
    sqlx::query("UPDATE log_entries SET entry = $1 WHERE idx = $2")
        .bind(&forged)
        .bind(idx)
        .execute(&services.db.pool)
        .await
        .unwrap();
    let bad = receipt(&app, &zhang, record).await;
    assert!(matches!(
        verify_service_receipt(&bad, &key),
        Err(ServiceReceiptError::Event { n: 1, error: ReceiptError::Inclusion(_) })
    ));
    let (_, page) = app.get_page(&zhang, &format!("/service/{record}")).await;
    assert!(page.contains("服务器核验未通过"), "the page says it did not verify");
    assert_eq!(
        services.log.audit(&services.db).await.unwrap(),
        Err(pocket_court::services::service_log::AuditError::EntryChanged { index: idx as u64 })
    );
    sqlx::query("UPDATE log_entries SET entry = $1 WHERE idx = $2")
        .bind(&original)
        .bind(idx)
        .execute(&services.db.pool)
        .await
        .unwrap();
    assert!(services.log.audit(&services.db).await.unwrap().is_ok());

    // A tampered receipt file: the verifier names the first failure.
    let mut tampered = good.clone();
    tampered.events[0].head.signature[0] ^= 1;
    assert!(matches!(
        verify_service_receipt(&tampered, &key),
        Err(ServiceReceiptError::Event { n: 1, error: ReceiptError::Signature(_) })
    ));

    // A forged head signature in the database, then a truncated log.
    sqlx::query("UPDATE log_heads SET signature = $1 WHERE size = 4")
        .bind("00".repeat(64))
        .execute(&services.db.pool)
        .await
        .unwrap();
    assert_eq!(
        services.log.audit(&services.db).await.unwrap(),
        Err(pocket_court::services::service_log::AuditError::BadSignature { size: 4 })
    );
    sqlx::query("DELETE FROM log_heads WHERE size = 4").execute(&services.db.pool).await.unwrap();
    sqlx::query("DELETE FROM log_entries WHERE idx >= 10").execute(&services.db.pool).await.unwrap();
    assert_eq!(
        services.log.audit(&services.db).await.unwrap(),
        Err(pocket_court::services::service_log::AuditError::FrontierMismatch)
    );
    // Even with the right edge rewritten to match the shorter log, the head the court signed
    // at 12 entries gives it away.
    let mut shorter = app::log::merkle::MemoryLog::new();
    for i in 0..10i64 {
        let e: String = sqlx::query_scalar("SELECT entry FROM log_entries WHERE idx = $1")
            .bind(i)
            .fetch_one(&services.db.pool)
            .await
            .unwrap();
        shorter.append(e.as_bytes());
    }
    sqlx::query("UPDATE log_state SET size = 10, frontier = $1 WHERE id = 1")
        .bind(serde_json::to_string(shorter.frontier()).unwrap())
        .execute(&services.db.pool)
        .await
        .unwrap();
    assert_eq!(
        services.log.audit(&services.db).await.unwrap(),
        Err(pocket_court::services::service_log::AuditError::Truncated { found: 10, signed: 12 })
    );
}
both_backends!(a_log_changed_by_hand_forged_or_truncated_is_found);

/// `make bench`: the service log in the database (SQLite, durable commits).
/// - appends per second: one event per transaction (each one fsync'd), and 100 per
///   transaction (a notice served on many parties, or a busy minute's events together);
/// - at `BENCH_LOG_ENTRIES` entries (default 1,000,000): inclusion proofs read from the stored
///   subtree roots (one query) and built — time and size — and a whole receipt over HTTP.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by scripts/bench.sh"]
async fn bench_service_log() {
    use pocket_court::store::log::{append, nodes, NewEntry};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = &app.running.services.db;
    let entry = |i: u64| NewEntry { entry: format!("{{\"v\":1,\"bench\":{i}}}"), record_id: None };

    let single = 2_000u64;
    let started = std::time::Instant::now();
    for i in 0..single {
        let mut tx = db.pool.begin().await.unwrap();
        append(&mut tx, &[entry(i)], 0).await.unwrap();
        tx.commit().await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "BENCH service log appends, one per durable transaction, SQLite: {:.0} per second",
        single as f64 / secs
    );

    let target: u64 =
        std::env::var("BENCH_LOG_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let started = std::time::Instant::now();
    let mut done = single;
    let mut batched = 0u64;
    while done < target {
        let n = 100.min(target - done);
        let batch: Vec<NewEntry> = (done..done + n).map(entry).collect();
        let mut tx = db.pool.begin().await.unwrap();
        append(&mut tx, &batch, 0).await.unwrap();
        tx.commit().await.unwrap();
        done += n;
        batched += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "BENCH service log appends, 100 per durable transaction, SQLite: {:.0} per second ({batched} entries in {secs:.1} s)",
        batched as f64 / secs
    );

    // Proofs at this size, from the database.
    let size = done;
    let mut worst = std::time::Duration::ZERO;
    let mut total = std::time::Duration::ZERO;
    let mut longest = 0;
    let tries = 1_000u64;
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..tries {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let index = x % size;
        let t = std::time::Instant::now();
        let wanted = app::log::merkle::nodes_for_inclusion(index, size).unwrap();
        let map = app::log::merkle::NodeMap::new(size, nodes(db, &wanted).await.unwrap());
        let proof = app::log::merkle::prove_inclusion(&map, index, size).unwrap();
        let took = t.elapsed();
        total += took;
        worst = worst.max(took);
        longest = longest.max(proof.len());
    }
    println!(
        "BENCH inclusion proof at {size} entries, from the database: {:.3} ms average, {:.3} ms worst, at most {longest} hashes",
        total.as_secs_f64() * 1000.0 / tries as f64,
        worst.as_secs_f64() * 1000.0
    );
    let t = std::time::Instant::now();
    let head = app.running.services.log.current_head(db).await.unwrap();
    println!(
        "BENCH signing a tree head at {} entries: {:.2} ms",
        head.head.size,
        t.elapsed().as_secs_f64() * 1000.0
    );
}

/// `pocket-court verify-receipt FILE`: the phone's check, offline, on a downloaded proof file:
/// exit 0 for the real receipt with the court's key, 1 for a tampered file or another key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verify_receipt_command_checks_a_downloaded_file() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (case, zhang) = zhang_defends(&app).await;
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (key, parties) = serve_form(&app, &staff, case).await;
    let fields =
        vec![("key", key), ("kind", "answer".to_string()), ("party", party(&parties, "张三").to_string())];
    assert!(serve(&app, &staff, case, &fields, None).await.ends_with("?served=1-0"));
    let record = newest_record(&app, &zhang).await;
    let file = zhang.get(app.url(&format!("/service/{record}/receipt.json"))).send().await.unwrap();
    assert!(file.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let text = file.text().await.unwrap();
    let dir = std::env::temp_dir().join(format!("pc-receipt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("receipt.json");
    std::fs::write(&good, &text).unwrap();
    let court = app::log::hex::encode(&court_key(&app).await);
    let run = |path: &std::path::Path, key: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pocket-court"))
            .args(["verify-receipt", path.to_str().unwrap(), "--public-key", key])
            .output()
            .expect("run pocket-court")
    };
    let ok = run(&good, &court);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("核验通过"));
    // The recipient's name changed in the file: not verified, and it says why.
    let mut receipt: ServiceReceipt = serde_json::from_str(&text).unwrap();
    let entry = String::from_utf8(receipt.events[0].entry.clone().unwrap()).unwrap().replace("张三", "张二");
    receipt.events[0].entry = Some(entry.into_bytes());
    let bad = dir.join("tampered.json");
    std::fs::write(&bad, serde_json::to_string(&receipt).unwrap()).unwrap();
    let out = run(&bad, &court);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("送达内容被改动过"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another key: not this court's receipt.
    let out = run(&good, &"11".repeat(32));
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}
