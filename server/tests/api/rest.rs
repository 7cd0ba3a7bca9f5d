//! The public REST API and the plain-HTTP routes.

use crate::both_backends;
use crate::helpers::*;

async fn health_answers_ok_and_the_openapi_document_lists_every_route(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, h) = app.get_json(&app.client, "/api/v1/health").await;
    assert_eq!((status, h), (200, serde_json::json!({"status": "ok"})));
    let (status, doc) = app.get_json(&app.client, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/health",
        "/api/v1/cases",
        "/api/v1/cases/{id}/progress",
        "/api/v1/case-numbers/parse",
        "/api/v1/fees/quote",
        "/api/v1/service-records/{id}",
        "/api/v1/log/tree-head",
        "/api/v1/log/consistency",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}
both_backends!(health_answers_ok_and_the_openapi_document_lists_every_route);

async fn case_numbers_parse_to_their_canonical_form_or_say_what_is_wrong(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, n) = app
        .get_json(
            &app.client,
            "/api/v1/case-numbers/parse?q=(2021)%E6%B9%980181%E6%B0%91%E5%88%9D1234%E5%8F%B7",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(n["canonical"], "（2021）湘0181民初1234号");
    assert_eq!(n["year"], 2021);
    assert_eq!(n["court_code"], "湘0181");
    assert_eq!(n["type_code"], "民初");
    assert_eq!(n["seq"], 1234);
    let (status, e) = app.get_json(&app.client, "/api/v1/case-numbers/parse?q=hello").await;
    assert_eq!(status, 422);
    assert!(!e["error"].as_str().unwrap().is_empty());
    let (status, _) = app.get_json(&app.client, "/api/v1/case-numbers/parse").await;
    assert_eq!(status, 422);
}
both_backends!(case_numbers_parse_to_their_canonical_form_or_say_what_is_wrong);

async fn a_bearer_token_works_like_the_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, sent) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    let rid = sent["request_id"].as_str().unwrap().to_string();
    let code = app.last_code_for(ZHANG).await;
    let res = app
        .client
        .post(app.url("/sf/verify_code"))
        .header("Accept", "application/json")
        .form(&[("phone", ZHANG), ("request_id", &rid), ("code", &code)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    let token = cookie.split(';').next().unwrap().trim_start_matches("pc_session=");
    let plain = reqwest::Client::new();
    let res = plain.get(app.url("/api/v1/cases")).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = plain.get(app.url("/api/v1/cases")).bearer_auth("0".repeat(64)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
}
both_backends!(a_bearer_token_works_like_the_cookie);

async fn the_reading_switches_set_cookies_and_never_redirect_off_site(b: Backend) {
    let app = TestApp::spawn(b).await;
    let res = app.client.get(app.url("/prefs?lang=en&elder=1&next=/query")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/query");
    let (_, html) = app.get_page(&app.client, "/query").await;
    assert!(html.contains("Case progress lookup"));
    assert!(html.contains("class=\"elder\""), "elder mode on the body");
    let res = app.client.get(app.url("/prefs?lang=zh&next=//evil.example")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/");
}
both_backends!(the_reading_switches_set_cookies_and_never_redirect_off_site);

async fn the_demo_inbox_exists_only_in_demo_mode(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    let (status, list) = app.call(&app.client, "dev_inbox", &[]).await;
    assert_eq!(status, 200);
    assert!(list[0]["body"].as_str().unwrap().contains("验证码"));
}
both_backends!(the_demo_inbox_exists_only_in_demo_mode);
