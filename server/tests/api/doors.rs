//! One origin check in front of every door: a write from another site's page is refused —
//! form posts, server functions (sign-in included: no login CSRF), the REST API with a session
//! cookie, tus uploads — before any use case runs; an API client with a bearer token, and a
//! request with no browser headers at all, pass. And the refusals of a form post come back as
//! codes from the one table (`app::api::Refusal`), which the page shows in the reader's words.

use crate::both_backends;
use crate::helpers::*;
use serde_json::json;

const EVIL: &str = "http://evil.example";

async fn drafts(app: &TestApp, client: &reqwest::Client) -> usize {
    let (status, list) = app.call(client, "my_filings", &[]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().len()
}

async fn a_write_from_another_site_is_refused_at_every_door(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let before = drafts(&app, &zhang).await;

    // The attack that was seen: a cross-site text/plain POST creating a filing in her name.
    let res = zhang
        .post(app.url("/filings/new"))
        .header("Origin", EVIL)
        .header("Content-Type", "text/plain")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "forbidden");
    assert!(body["error"].as_str().unwrap().contains("本站"), "{body}");
    // `Origin: null` (a sandboxed frame) is never this site either.
    let res = zhang.post(app.url("/filings/new")).header("Origin", "null").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // No Origin, but the browser says the page was another site's.
    let res =
        zhang.post(app.url("/filings/new")).header("Sec-Fetch-Site", "cross-site").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(drafts(&app, &zhang).await, before, "nothing was created");

    // A server function: signing a victim's browser into someone else's account (login CSRF)
    // starts with asking for a code; refused.
    let stranger = new_client();
    let res = stranger
        .post(app.url("/sf/send_code"))
        .header("Origin", EVIL)
        .form(&[("phone", LI)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = stranger
        .post(app.url("/sf/verify_code"))
        .header("Origin", EVIL)
        .form(&[("phone", LI), ("request_id", "x"), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    // The REST API with the session cookie, and a tus upload.
    let draft = json!({"draft": {"cause": "private_lending"}});
    let res =
        zhang.post(app.url("/api/v1/filings")).header("Origin", EVIL).json(&draft).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = zhang
        .post(app.url("/api/v1/uploads"))
        .header("Origin", EVIL)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(drafts(&app, &zhang).await, before, "nothing was created");

    // This site's own page: passes (and makes a draft).
    let res = zhang.post(app.url("/filings/new")).header("Origin", &app.base).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(drafts(&app, &zhang).await, before + 1);
    // Reading is never refused for its origin: a link from anywhere opens the page.
    let res = zhang.get(app.url("/filings")).header("Origin", EVIL).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
both_backends!(a_write_from_another_site_is_refused_at_every_door);

/// An API client authenticates with a bearer token, which no browser adds across sites: it is
/// exempt from the origin check, whatever `Origin` it sends.
async fn an_api_client_with_a_bearer_token_is_not_asked_for_an_origin(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = new_client();
    let (_, sent) = app.call(&client, "send_code", &[("phone", ZHANG)]).await;
    let code = app.last_code_for(ZHANG).await;
    let res = client
        .post(app.url("/sf/verify_code"))
        .form(&[("phone", ZHANG), ("request_id", sent["request_id"].as_str().unwrap()), ("code", &code)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    let token = cookie.split(';').next().unwrap().trim_start_matches("pc_session=").to_string();
    let api = new_client();
    let res = api
        .post(app.url("/api/v1/filings"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Origin", EVIL)
        .json(&json!({"draft": {"cause": "private_lending"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
}
both_backends!(an_api_client_with_a_bearer_token_is_not_asked_for_an_origin);

/// A refused form post carries a code from the one table, and the page shows that table's
/// words for it — never words from the address bar.
async fn a_refused_form_post_comes_back_as_a_code_the_page_puts_in_words(b: Backend) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let (_, cases) = app.get_json(&zhang, "/api/v1/cases").await;
    let id = cases[0]["id"].as_i64().unwrap();
    // A litigant cannot close a case: the judge-only refusal, by its code.
    let res = zhang
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", "mediated")])
        .send()
        .await
        .unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/cases/{id}?error=denied"));
    let (_, page) = app.get_page(&zhang, &to).await;
    assert!(page.contains(app::api::Refusal::JudgeOnly.message(app::rules::Lang::Zh)), "the table's words");
    // Words in the address bar are never shown: an unknown code reads as the plain "try again".
    let (_, page) = app.get_page(&zhang, &format!("/cases/{id}?error=%E6%81%B6%E6%84%8F")).await;
    assert!(!page.contains("恶意"));
    assert!(page.contains(app::api::Refusal::Unavailable.message(app::rules::Lang::Zh)));
    // The API answers refusals with their codes in JSON: a request key that is no key, on a
    // case she pays for; paying on a case where she is the defendant.
    let mut codes = Vec::new();
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let res = zhang
            .post(app.url(&format!("/api/v1/cases/{id}/payments")))
            .json(&json!({"idempotency_key": "short"}))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap();
        let code = body["code"].as_str().unwrap().to_string();
        match code.as_str() {
            "stale" => assert_eq!(status, 422),
            "pay_denied" => assert_eq!(status, 403),
            other => panic!("{other}: {body}"),
        }
        codes.push(code);
    }
    assert!(codes.iter().any(|c| c == "stale") && codes.iter().any(|c| c == "pay_denied"), "{codes:?}");
}
both_backends!(a_refused_form_post_comes_back_as_a_code_the_page_puts_in_words);

/// One address cannot take every connection (about 1,000 idle ones locked everyone out): past
/// `MAX_PER_PEER` its next connection is closed at once, and when it lets go the site answers.
async fn one_address_cannot_hold_every_connection(b: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(b).await;
    let addr = app.running.addr;
    let mut held = Vec::new();
    for _ in 0..pocket_court::http::listener::MAX_PER_PEER {
        held.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut extra = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = extra.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    let mut buf = [0u8; 64];
    let answer = tokio::time::timeout(std::time::Duration::from_secs(5), extra.read(&mut buf)).await;
    match answer {
        Ok(Ok(0)) | Ok(Err(_)) => {} // closed at once
        other => panic!("the extra connection was served: {other:?}"),
    }
    drop(held);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let res = new_client().get(app.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
both_backends!(one_address_cannot_hold_every_connection);
