//! `POST /api/v1/fees/quote`: the fee engine over HTTP (诉讼费用交纳办法).

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use serde_json::{json, Value};

async fn quote(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app.client.post(app.url("/api/v1/fees/quote")).json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_150000_yuan_claim_costs_3300_yuan_line_by_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, q) = quote(&app, json!({"kind": "property", "amount_yuan": "150000.00"})).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(q["total_fen"], 330_000);
    let lines = q["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{q}");
    let sum: i64 = lines.iter().map(|l| l["fen"].as_i64().unwrap()).sum();
    assert_eq!(sum, 330_000);
    assert!(lines.iter().all(|l| l["source"].as_str().unwrap().contains("第13条")), "{q}");
}
both_backends!(a_150000_yuan_claim_costs_3300_yuan_line_by_line);

async fn halving_and_fixed_fees_follow_the_statute(b: Backend) {
    let app = TestApp::spawn(b).await;
    let cases = [
        (json!({"kind": "property", "amount_yuan": "150000", "procedure": "simplified"}), 165_000),
        (
            json!({"kind": "property", "amount_yuan": 150000, "outcome": "mediated", "procedure": "simplified"}),
            165_000,
        ),
        (json!({"kind": "labor"}), 1_000),
        (json!({"kind": "labor", "outcome": "withdrawn"}), 500),
        (json!({"kind": "preservation", "amount_yuan": "100000000"}), 500_000),
        (json!({"kind": "administrative"}), 5_000),
        (json!({"kind": "administrative", "administrative": "trademark_patent_maritime"}), 10_000),
        (json!({"kind": "public_summons"}), 10_000),
        (json!({"kind": "special_procedure"}), 0),
    ];
    for (body, fen) in cases {
        let (status, q) = quote(&app, body.clone()).await;
        assert_eq!(status, 200, "{body} -> {q}");
        assert_eq!(q["total_fen"], fen, "{body} -> {q}");
    }
}
both_backends!(halving_and_fixed_fees_follow_the_statute);

async fn a_request_that_cannot_be_quoted_gets_422_with_a_reason(b: Backend) {
    let app = TestApp::spawn(b).await;
    let bad = [
        (json!({"kind": "property"}), "金额"),
        (json!({"kind": "property", "amount_yuan": "12.345"}), "两位小数"),
        (json!({"kind": "property", "amount_yuan": "-1"}), "负数"),
        (json!({"kind": "property", "amount_yuan": "十万"}), "数字"),
        (json!({"kind": "labor", "amount_yuan": "100"}), "不按金额"),
        (json!({"kind": "spaceship"}), "kind"),
        (json!({"kind": "property", "amount_yuan": "1", "colour": "red"}), "colour"),
    ];
    for (body, reason) in bad {
        let (status, e) = quote(&app, body.clone()).await;
        assert_eq!(status, 422, "{body} -> {e}");
        assert!(e["error"].as_str().unwrap().contains(reason), "{body} -> {e}");
    }
    let res = app.client.post(app.url("/api/v1/fees/quote")).body("not json").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let e: Value = res.json().await.unwrap();
    assert!(e["error"].is_string());
    // English when asked.
    let res = app
        .client
        .post(app.url("/api/v1/fees/quote"))
        .header("Accept-Language", "en")
        .json(&json!({"kind": "property"}))
        .send()
        .await
        .unwrap();
    let e: Value = res.json().await.unwrap();
    assert!(e["error"].as_str().unwrap().contains("amount"), "{e}");
}
both_backends!(a_request_that_cannot_be_quoted_gets_422_with_a_reason);

async fn the_court_sets_its_amounts_within_the_statutory_ranges(b: Backend) {
    // Hunan's standard, say: divorce 300 yuan per case (art. 13(2)1 allows 50–300).
    let app = TestApp::spawn_with(b.clone(), |a| a.fees.divorce = Some(300)).await.expect("a lawful amount");
    let (status, q) = quote(&app, json!({"kind": "divorce"})).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(q["total_fen"], 30_000);
    // Outside the range the server refuses to start, and says which setting and why.
    let err = TestApp::spawn_with(b, |a| a.fees.divorce = Some(400)).await.err().expect("refused");
    let text = err.to_string();
    assert!(text.contains("fee settings") && text.contains("50") && text.contains("300"), "{text}");
}
both_backends!(the_court_sets_its_amounts_within_the_statutory_ranges);
