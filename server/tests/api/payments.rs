//! Paying fees: the sandbox provider end to end, and every bad notification refused.

use crate::both_backends;
use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A case of `who`'s with a fee to pay, and its account.
async fn case_with_fee_due(app: &TestApp, client: &reqwest::Client) -> (i64, Value) {
    let (_, cases) = app.get_json(client, "/api/v1/cases").await;
    for c in cases.as_array().expect("cases") {
        let id = c["id"].as_i64().unwrap();
        let (status, acct) = app.get_json(client, &format!("/api/v1/cases/{id}/fees")).await;
        assert_eq!(status, 200, "{acct}");
        if acct["due_fen"].as_i64().unwrap() > 0 {
            return (id, acct);
        }
    }
    panic!("no demo case with a fee due");
}

pub async fn start(app: &TestApp, client: &reqwest::Client, id: i64, key: &str) -> (u16, Value) {
    let res = client
        .post(app.url(&format!("/api/v1/cases/{id}/payments")))
        .json(&json!({ "idempotency_key": key }))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

pub async fn wait_for_paid(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    for _ in 0..100 {
        let (_, acct) = app.get_json(client, &format!("/api/v1/cases/{id}/fees")).await;
        if acct["due_fen"] == 0 {
            return acct;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the payment never arrived");
}

fn payments(acct: &Value) -> usize {
    acct["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "payment").count()
}

async fn paying_through_the_sandbox_checkout_credits_the_fee_exactly_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, before) = case_with_fee_due(&app, &app.client).await;
    let due = before["due_fen"].as_i64().unwrap();

    // A double tap: the same key gives the same order and checkout page.
    let (status, first) = start(&app, &app.client, id, "tap-0123456789abcdef").await;
    assert_eq!(status, 200, "{first}");
    let (_, again) = start(&app, &app.client, id, "tap-0123456789abcdef").await;
    assert_eq!(first["checkout_url"], again["checkout_url"]);
    let checkout = first["checkout_url"].as_str().unwrap().to_string();

    let page = app.client.get(&checkout).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&app::rules::fees::Fen(due).format_yuan()), "{page}");
    let res = app.client.post(&checkout).form(&[("action", "pay")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains(&format!("/cases/{id}/fees?order=")), "{back}");

    let acct = wait_for_paid(&app, &app.client, id).await;
    assert_eq!(acct["paid_fen"], due);
    // Retries and duplicates keep coming for a while: still one payment.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 1, "{acct}");
    assert_eq!(acct["paid_fen"], due);

    // Nothing left to pay: a new tap says so.
    let (status, e) = start(&app, &app.client, id, "tap-another-key-000000").await;
    assert_eq!(status, 409, "{e}");
    assert_eq!(e["code"], "fee_paid");
    assert!(e["error"].as_str().unwrap().contains("已经交过了"), "{e}");
}
both_backends!(paying_through_the_sandbox_checkout_credits_the_fee_exactly_once);

pub async fn notify(app: &TestApp, body: &Value, signature: Option<String>) -> u16 {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut req = app
        .client
        .post(app.url("/api/v1/payments/notify/sandbox"))
        .header("content-type", "application/json")
        .body(bytes.clone());
    if let Some(sig) = signature {
        req = req.header("x-sandbox-signature", sig);
    }
    req.send().await.unwrap().status().as_u16()
}

pub fn signed(app: &TestApp, body: &Value) -> Option<String> {
    let key = app.running.services.sandbox.as_ref().unwrap().key().to_vec();
    Some(pocket_court::adapters::payments::sign(&key, &serde_json::to_vec(body).unwrap()))
}

async fn forged_stale_wrong_and_replayed_notifications_never_credit_twice(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, before) = case_with_fee_due(&app, &app.client).await;
    let due = before["due_fen"].as_i64().unwrap();
    let (_, started) = start(&app, &app.client, id, "notify-test-key-00001").await;
    assert!(started["checkout_url"].is_string(), "{started}");
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    let out_trade_no = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();
    let now = pocket_court::adapters::clock::now();
    let note = |notify_id: &str, amount: i64, status: &str, ts: i64| json!({"notify_id": notify_id, "out_trade_no": out_trade_no, "trade_no": "SBXtest", "amount_fen": amount, "status": status, "timestamp": ts});

    let good = note("n-1", due, "SUCCESS", now);
    assert_eq!(notify(&app, &good, None).await, 401, "unsigned");
    assert_eq!(notify(&app, &good, Some("00".repeat(32))).await, 401, "forged signature");
    let stale = note("n-2", due, "SUCCESS", now - 3600);
    assert_eq!(notify(&app, &stale, signed(&app, &stale)).await, 400, "stale");
    let wrong = note("n-3", due - 1, "SUCCESS", now);
    assert_eq!(notify(&app, &wrong, signed(&app, &wrong)).await, 400, "wrong amount");
    let mut unknown = note("n-4", due, "SUCCESS", now);
    unknown["out_trade_no"] = json!("PC-no-such-order");
    assert_eq!(notify(&app, &unknown, signed(&app, &unknown)).await, 404, "unknown order");
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 0, "nothing forged accepted: {acct}");

    // The same notification ten times.
    for _ in 0..10 {
        assert_eq!(notify(&app, &good, signed(&app, &good)).await, 200);
    }
    // A hundred at once, each under its own id; then a late FAILED, out of order.
    let mut tasks = Vec::new();
    for i in 0..100 {
        let body = note(&format!("dup-{i}"), due, "SUCCESS", now);
        let sig = signed(&app, &body);
        let client = app.client.clone();
        let url = app.url("/api/v1/payments/notify/sandbox");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", "application/json")
                .header("x-sandbox-signature", sig.unwrap())
                .body(serde_json::to_vec(&body).unwrap())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let late = note("n-late", due, "FAILED", now);
    assert_eq!(notify(&app, &late, signed(&app, &late)).await, 200);

    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 1, "exactly one credit: {acct}");
    assert_eq!(acct["paid_fen"], due);
    assert_eq!(acct["due_fen"], 0);
    assert_eq!(acct["orders"][0]["status"], "paid");
}
both_backends!(forged_stale_wrong_and_replayed_notifications_never_credit_twice);

async fn a_late_notification_is_made_up_for_by_asking_the_provider(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, _) = case_with_fee_due(&app, &app.client).await;
    let (_, started) = start(&app, &app.client, id, "reconcile-key-0000001").await;
    let checkout = started["checkout_url"].as_str().unwrap().to_string();
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    let order = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();
    let (_, s) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/payments/{order}")).await;
    assert_eq!(s["status"], "pending");
    // The provider records the payment; we ask before any notification could matter.
    let trade_no = checkout.rsplit('/').next().unwrap();
    assert!(pocket_court::store::fees::sandbox_finish(&app.running.services.db, trade_no, "paid", 0)
        .await
        .unwrap());
    let (_, s) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/payments/{order}")).await;
    assert_eq!(s["status"], "paid");
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 1);
    assert_eq!(acct["due_fen"], 0);
}
both_backends!(a_late_notification_is_made_up_for_by_asking_the_provider);

async fn fees_of_someone_elses_case_are_not_found_and_staff_cannot_pay(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (id, _) = case_with_fee_due(&app, &wang).await;
    app.sign_in(&app.client, ZHANG).await;
    let (status, _) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(status, 404);
    let (status, _) = start(&app, &app.client, id, "not-mine-key-00000001").await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&app.client, "/api/v1/cases/abc/fees").await;
    assert_eq!(status, 404);
    // A bad idempotency key is refused with a reason.
    let (status, e) = start(&app, &wang, id, "short").await;
    assert_eq!(status, 422, "{e}");
    let staff = new_client();
    app.staff_sign_in(&staff, CLERK).await;
    let (status, _) = app.get_json(&staff, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(status, 200, "staff of the court see the fee account");
    let (status, _) = start(&app, &staff, id, "staff-key-0000000001").await;
    assert_eq!(status, 403);
}
both_backends!(fees_of_someone_elses_case_are_not_found_and_staff_cannot_pay);

/// `make bench`: how fast notifications are processed — 100 concurrent duplicates of one
/// payment (each under its own id), then 1,000 replays of one id, on SQLite. Prints figures;
/// asserts only that exactly one credit was made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by `make bench`"]
async fn bench_notification_processing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, before) = case_with_fee_due(&app, &app.client).await;
    let due = before["due_fen"].as_i64().unwrap();
    start(&app, &app.client, id, "bench-key-000000000001").await;
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    let out_trade_no = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();
    let now = pocket_court::adapters::clock::now();
    let key = app.running.services.sandbox.as_ref().unwrap().key().to_vec();
    let signed_body = |notify_id: String| {
        let body = serde_json::to_vec(&json!({"notify_id": notify_id, "out_trade_no": out_trade_no, "trade_no": "SBXbench", "amount_fen": due, "status": "SUCCESS", "timestamp": now})).unwrap();
        let sig = pocket_court::adapters::payments::sign(&key, &body);
        (body, sig)
    };
    let fire = |bodies: Vec<(Vec<u8>, String)>| {
        let client = app.client.clone();
        let url = app.url("/api/v1/payments/notify/sandbox");
        async move {
            let started = std::time::Instant::now();
            let tasks: Vec<_> = bodies
                .into_iter()
                .map(|(body, sig)| {
                    let (client, url) = (client.clone(), url.clone());
                    tokio::spawn(async move {
                        let res = client
                            .post(url)
                            .header("content-type", "application/json")
                            .header("x-sandbox-signature", sig)
                            .body(body)
                            .send()
                            .await
                            .unwrap();
                        res.status().as_u16()
                    })
                })
                .collect();
            for t in tasks {
                assert_eq!(t.await.unwrap(), 200);
            }
            started.elapsed()
        }
    };
    let n = 100;
    let dup = fire((0..n).map(|i| signed_body(format!("bench-dup-{i}"))).collect()).await;
    // A thousand replays in waves of 100 at once: one address may hold at most
    // `http::listener::MAX_PER_PEER` connections (a provider sends from a few addresses).
    let replays = 1000;
    let mut rep = std::time::Duration::ZERO;
    for _ in 0..replays / 100 {
        rep += fire((0..100).map(|_| signed_body("bench-dup-0".into())).collect()).await;
    }
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 1, "exactly one credit: {acct}");
    println!(
        "BENCH notifications: {n} concurrent duplicates in {:.1} ms ({:.0}/s); {replays} replays of one id in {:.1} ms ({:.0}/s); credits: 1",
        dup.as_secs_f64() * 1e3,
        n as f64 / dup.as_secs_f64(),
        rep.as_secs_f64() * 1e3,
        replays as f64 / rep.as_secs_f64()
    );
}

/// Without `--demo` there is no sandbox: its pages do not exist, nothing can "pay" a fee by
/// pressing a button, and the fee page says where to pay at the court instead (issue: the
/// sandbox was the payment provider in production).
async fn without_demo_there_is_no_fake_provider_and_fees_are_paid_at_the_court(b: Backend) {
    let app = TestApp::spawn_with(b, |a| a.demo = false).await.expect("server starts");
    assert!(app.running.services.payments.is_none() && app.running.services.sandbox.is_none());
    for path in ["/sandbox-pay/refunds", "/sandbox-pay/checkout/PC1"] {
        assert_eq!(app.client.get(app.url(path)).send().await.unwrap().status().as_u16(), 404, "{path}");
    }
    // People and cases to try it with (the demo's, loaded straight into this database).
    pocket_court::demo::load_if_empty(&app.running.services.db, 8).await.unwrap();
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let (_, cases) = app.get_json(&zhang, "/api/v1/cases").await;
    let mut refused = 0;
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let (_, acct) = app.get_json(&zhang, &format!("/api/v1/cases/{id}/fees")).await;
        if acct["due_fen"].as_i64().unwrap() == 0 {
            continue;
        }
        let (status, body) = start(&app, &zhang, id, "no-provider-key-000001").await;
        if body["code"] == "pay_denied" {
            continue; // her case as defendant: she does not pay it
        }
        assert_eq!((status, body["code"].as_str()), (409, Some("online_payment_unavailable")), "{body}");
        let (_, page) = app.get_page(&zhang, &format!("/cases/{id}/fees")).await;
        assert!(page.contains("data-testid=\"pay-counter\""), "the page says where to pay");
        assert!(!page.contains("data-testid=\"pay-button\""), "and offers no button that pays nothing");
        let res = zhang
            .post(app.url(&format!("/cases/{id}/fees/pay")))
            .form(&[("key", "no-provider-key-000002")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["location"],
            format!("/cases/{id}/fees?error=online_payment_unavailable").as_str()
        );
        let (_, acct) = app.get_json(&zhang, &format!("/api/v1/cases/{id}/fees")).await;
        assert_eq!(acct["paid_fen"], 0, "nothing was paid");
        refused += 1;
    }
    assert!(refused > 0, "a case of hers with a fee due");
}
both_backends!(without_demo_there_is_no_fake_provider_and_fees_are_paid_at_the_court);

/// Two tabs (or a tap, then another with a new key) never pay one fee twice: the first order
/// is closed at the provider before the second is made, so it can no longer be paid. And money
/// that arrives all the same for a closed order is credited, flagged for staff, and what it
/// overpays goes back by itself.
async fn two_tabs_never_pay_one_fee_twice_and_money_after_closing_is_flagged(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, before) = case_with_fee_due(&app, &app.client).await;
    let due = before["due_fen"].as_i64().unwrap();
    let (_, tab_a) = start(&app, &app.client, id, "tab-a-0123456789abcd").await;
    let (_, tab_b) = start(&app, &app.client, id, "tab-b-0123456789abcd").await;
    let (checkout_a, checkout_b) = (
        tab_a["checkout_url"].as_str().unwrap().to_string(),
        tab_b["checkout_url"].as_str().unwrap().to_string(),
    );
    assert_ne!(checkout_a, checkout_b);
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    let status_of = |acct: &Value, n: usize| acct["orders"][n]["status"].as_str().unwrap().to_string();
    assert_eq!((status_of(&acct, 0), status_of(&acct, 1)), ("closed".into(), "pending".into()), "{acct}");
    let order_a = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();

    // Tab A's checkout can no longer take the money; tab B's does, once.
    app.client.post(&checkout_a).form(&[("action", "pay")]).send().await.unwrap();
    app.client.post(&checkout_b).form(&[("action", "pay")]).send().await.unwrap();
    let acct = wait_for_paid(&app, &app.client, id).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, acct2) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct2), 1, "one fee, paid once: {acct}");

    // The provider reports order A paid after all (a bank's late answer): credited, flagged,
    // and the overpayment is on its way back to that payment.
    let now = pocket_court::adapters::clock::now();
    let late = json!({"notify_id": "late-a", "out_trade_no": order_a, "trade_no": "SBXlate", "amount_fen": due, "status": "SUCCESS", "timestamp": now});
    assert_eq!(notify(&app, &late, signed(&app, &late)).await, 200);
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(payments(&acct), 2, "{acct}");
    let refunds = acct["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 1, "{acct}");
    assert_eq!(refunds[0]["amount_fen"], due);
    assert!(refunds[0]["reason"].as_str().unwrap().contains("多交"), "{acct}");
    let flags = pocket_court::store::fees::flags_of_case(&app.running.services.db, id).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].kind, "paid_after_close");
    // Replayed: nothing more.
    assert_eq!(notify(&app, &late, signed(&app, &late)).await, 200);
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!((payments(&acct), acct["refunds"].as_array().unwrap().len()), (2, 1));
    // Staff see it on the fee page.
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let (_, page) = app.get_page(&clerk, &format!("/cases/{id}/fees")).await;
    assert!(page.contains("data-testid=\"payment-flag\""), "staff see the flag");
    let (_, page) = app.get_page(&app.client, &format!("/cases/{id}/fees")).await;
    assert!(!page.contains("data-testid=\"payment-flag\""), "the payer sees the refund, not staff notes");
}
both_backends!(two_tabs_never_pay_one_fee_twice_and_money_after_closing_is_flagged);

/// A payment whose notification never came is credited by the reconciling job, without the
/// payer coming back to the page (its 7-day deadline was running meanwhile).
async fn a_payment_whose_notification_was_lost_is_credited_by_the_reconciling_job(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, _) = case_with_fee_due(&app, &app.client).await;
    let (_, started) = start(&app, &app.client, id, "lost-note-0123456789").await;
    let trade_no = started["checkout_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    // The provider has the money; its notification is lost.
    assert!(pocket_court::store::fees::sandbox_finish(&app.running.services.db, &trade_no, "paid", 0)
        .await
        .unwrap());
    let services = &app.running.services;
    assert_eq!(services.reconcile_open_orders().await, 0, "not asked within five minutes of the order");
    app.clock.advance(301);
    assert_eq!(services.reconcile_open_orders().await, 1);
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!((payments(&acct), acct["due_fen"].as_i64().unwrap()), (1, 0), "{acct}");
    assert_eq!(services.reconcile_open_orders().await, 0, "once");
}
both_backends!(a_payment_whose_notification_was_lost_is_credited_by_the_reconciling_job);
