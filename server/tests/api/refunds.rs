//! Closing a case and refunding the fee: the judge's 结案 form, halving for mediation
//! (诉讼费用交纳办法 art. 15), the refund back to the original payment with its 15-day
//! deadline (art. 53), the sandbox's refund notifications applied exactly once.

use crate::both_backends;
use crate::helpers::*;
use crate::payments::{notify, signed, start, wait_for_paid};
use app::rules::dates::CivilDate;
use app::rules::deadlines::refund_deadline;
use app::rules::holidays;
use serde_json::{json, Value};
use std::time::Duration;

async fn close(app: &TestApp, client: &reqwest::Client, id: i64, outcome: &str) -> String {
    let res = client
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", outcome)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "close answers with a redirect");
    res.headers()["location"].to_str().unwrap().to_string()
}

/// 王五's ordinary-procedure case docketed yesterday (demo case 20), paid in full online.
pub(crate) async fn paid_ordinary_case(app: &TestApp, wang: &reqwest::Client) -> (i64, i64) {
    let (_, cases) = app.get_json(wang, "/api/v1/cases").await;
    let mut found = None;
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let (_, p) = app.get_json(wang, &format!("/api/v1/cases/{id}/progress")).await;
        if p["fee_due_fen"].as_i64().unwrap() > 0 && p["procedure"].as_str().unwrap().contains("普通") {
            found = Some((id, p["fee_due_fen"].as_i64().unwrap()));
        }
    }
    let (id, due) = found.expect("an ordinary-procedure case with a fee due");
    let (status, order) = start(app, wang, id, "refund-test-key-0000001").await;
    assert_eq!(status, 200, "{order}");
    let checkout = order["checkout_url"].as_str().unwrap().to_string();
    wang.post(&checkout).form(&[("action", "pay")]).send().await.unwrap();
    wait_for_paid(app, wang, id).await;
    (id, due)
}

pub(crate) fn refunds(acct: &Value) -> Vec<Value> {
    acct["refunds"].as_array().unwrap().clone()
}

fn refund_entries(acct: &Value) -> usize {
    acct["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == "refund").count()
}

async fn a_mediated_case_refunds_half_the_fee_to_the_payment_exactly_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (id, paid) = paid_ordinary_case(&app, &wang).await;

    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["can_close"], true, "the case's judge may close it");
    assert_eq!(close(&app, &judge, id, "mediated").await, format!("/cases/{id}?closed=1"));

    // Half is owed (art. 15); the other half goes back to the payment it came from.
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(acct["reduced_fen"].as_i64().unwrap(), paid - (paid + 1) / 2, "{acct}");
    let list = refunds(&acct);
    assert_eq!(list.len(), 1, "{acct}");
    let refund = &list[0];
    let amount = refund["amount_fen"].as_i64().unwrap();
    assert_eq!(amount, paid - (paid + 1) / 2);
    assert!(refund["reason"].as_str().unwrap().contains("第15条"), "{refund}");
    assert_eq!(refund["status"], "processing", "sent to the provider at once: {refund}");
    assert!(refund["channel"].as_str().unwrap().contains("原路退回"), "{refund}");
    // Due 15 days after the mediation statement took effect (today), at 24:00 China time.
    let deadline = &refund["deadline"];
    assert_eq!(deadline["source"], "诉讼费用交纳办法 第53条");
    let today = app::rules::dates::CivilDate::from_unix_shanghai(pocket_court::adapters::clock::now());
    let expected = app::rules::deadlines::refund_deadline(today, &Default::default());
    assert_eq!(deadline["due_at"].as_i64().unwrap(), expected.due_at);
    // The payer sees it on the case page; the defendant (李四) does not.
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["refund_open_fen"].as_i64().unwrap(), amount);
    assert_eq!(p["outcome"], "调解结案");
    let (_, page) = app.get_page(&wang, &format!("/cases/{id}")).await;
    assert!(page.contains("data-testid=\"refund-deadline\""), "{page}");
    let li = new_client();
    app.sign_in(&li, LI).await;
    let (_, p) = app.get_json(&li, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["refund_open_fen"], 0);

    // The bank pays it back (the sandbox console); notifications come, some twice.
    // The console is the demo administrator's alone: for anyone else it does not exist.
    assert_eq!(app.client.get(app.url("/sandbox-pay/refunds")).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(wang.get(app.url("/sandbox-pay/refunds")).send().await.unwrap().status().as_u16(), 404);
    let admin = new_client();
    app.staff_sign_in(&admin, ADMIN).await;
    let console = admin.get(app.url("/sandbox-pay/refunds")).send().await.unwrap().text().await.unwrap();
    let out_trade_no = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();
    let at = console.find(&format!("data-order=\"{out_trade_no}\"")).expect("the refund on the console");
    let action = &console[at..];
    let start_at = action.find("action=\"").unwrap() + 8;
    let path = &action[start_at..start_at + action[start_at..].find('"').unwrap()];
    let res = wang.post(app.url(path)).form(&[("action", "success")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404, "a payer cannot settle a refund on the bank's console");
    let res = admin.post(app.url(path)).form(&[("action", "success")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let mut done = Value::Null;
    for _ in 0..100 {
        let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
        if refunds(&acct)[0]["status"] == "refunded" {
            done = acct;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refunds(&done)[0]["deadline"], Value::Null, "no deadline once it is back: {done}");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Replays and forgeries change nothing: one refund entry, the account balanced.
    let refund_no = refunds(&done)[0]["out_refund_no"].as_str().unwrap().to_string();
    let note = |id: &str, amount: i64| {
        json!({ "notify_id": id, "out_trade_no": out_trade_no, "trade_no": "SBRforged", "amount_fen": amount,
                "status": "SUCCESS", "timestamp": pocket_court::adapters::clock::now(), "out_refund_no": refund_no })
    };
    let again = note("a-second-id", amount);
    assert_eq!(notify(&app, &again, signed(&app, &again)).await, 200, "acknowledged, not applied");
    let wrong = note("wrong-amount", amount + 1);
    assert_eq!(notify(&app, &wrong, signed(&app, &wrong)).await, 400);
    let forged = note("forged", amount);
    assert_eq!(notify(&app, &forged, Some("00".repeat(32))).await, 401);
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(refund_entries(&acct), 1, "{acct}");
    assert_eq!(acct["refunded_fen"].as_i64().unwrap(), amount);
    assert_eq!(acct["due_fen"], 0);
    assert_eq!(acct["overpaid_fen"], 0);
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["refund_open_fen"], 0);
}
both_backends!(a_mediated_case_refunds_half_the_fee_to_the_payment_exactly_once);

async fn only_the_cases_judge_closes_it_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (id, _) = paid_ordinary_case(&app, &wang).await;
    let events = |c: Value| {
        c["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["stage"] == "closed" && n["reached"] != Value::Null)
            .count()
    };

    // Signed out: to the staff sign-in, nothing changes.
    let res = new_client()
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", "mediated")])
        .send()
        .await
        .unwrap();
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/staff/sign-in?next="));
    // The plaintiff and a clerk may not; a clerk of another court does not even see it.
    assert_eq!(close(&app, &wang, id, "mediated").await, format!("/cases/{id}?error=denied"));
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    assert_eq!(close(&app, &clerk, id, "mediated").await, format!("/cases/{id}?error=denied"));
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    assert_eq!(close(&app, &other, id, "mediated").await, format!("/cases/{id}"));
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["outcome"], Value::Null, "nobody closed it: {p}");

    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    // A made-up outcome, an empty form, a post from another site.
    assert_eq!(close(&app, &judge, id, "settled-by-magic").await, format!("/cases/{id}?error=outcome"));
    assert_eq!(close(&app, &judge, id, "").await, format!("/cases/{id}?error=outcome"));
    let res = judge
        .post(app.url(&format!("/cases/{id}/close")))
        .header("Origin", "http://evil.example")
        .form(&[("outcome", "judgment")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // Not a number, or no such case: the same as someone else's.
    assert_eq!(close(&app, &judge, 999_999, "judgment").await, "/cases/999999");

    // A double tap closes it once.
    let (a, b) = tokio::join!(close(&app, &judge, id, "withdrawn"), close(&app, &judge, id, "withdrawn"));
    let mut answers = [a, b];
    answers.sort();
    assert_eq!(answers, [format!("/cases/{id}?closed=1"), format!("/cases/{id}?error=done")]);
    let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["outcome"], "撤诉结案");
    assert_eq!(p["can_close"], false);
    assert_eq!(events(p), 1);
    let (_, acct) = app.get_json(&judge, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(refunds(&acct).len(), 1, "one refund: {acct}");
    assert!(refunds(&acct)[0]["reason"].as_str().unwrap().contains("撤诉"));
}
both_backends!(only_the_cases_judge_closes_it_once);

async fn the_demo_mediated_case_shows_its_refund_and_deadline(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.running.services.chase_refunds().await;
    app.sign_in(&app.client, ZHANG).await;
    let (_, cases) = app.get_json(&app.client, "/api/v1/cases").await;
    let mut seen = 0;
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let (_, p) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/progress")).await;
        if p["refund_open_fen"].as_i64().unwrap() == 0 {
            continue;
        }
        seen += 1;
        // Closed by mediation 4 days ago: 15 days from that day (art. 53), the last day moved
        // past a weekend — so the days left depend on today's date (the demo was seeded a
        // moment ago: it may have been the day before, just before midnight in Shanghai).
        assert_eq!(p["outcome"], "调解结案");
        let due_at = p["refund_deadline"]["due_at"].as_i64().unwrap();
        let closed = pocket_court::adapters::clock::now() - 4 * 86_400;
        let due =
            |at: i64| refund_deadline(CivilDate::from_unix_shanghai(at), &holidays::state_council()).due_at;
        assert!(due_at == due(closed) || due_at == due(closed - 60), "{p}");
        let left = due_at - pocket_court::adapters::clock::now();
        assert!(left > 10 * 86_400, "{p}");
        let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
        assert_eq!(refunds(&acct)[0]["status"], "processing", "the refund job sent it: {acct}");
        assert_eq!(refunds(&acct)[0]["amount_fen"], 90_000, "half of 1,800 yuan: {acct}");
    }
    assert_eq!(seen, 1, "one demo case of 张三's owes a refund");
    // The lists say so too: news for the payer, a task with its date for the court.
    let owed = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["alert"].as_str().map(str::to_string))
            .filter(|a| a.contains("退"))
            .collect::<Vec<_>>()
    };
    let (_, mine) = app.get_json(&app.client, "/api/v1/cases").await;
    assert_eq!(owed(&mine).len(), 1, "{mine}");
    assert!(owed(&mine)[0].contains("法院要退还您"), "{mine}");
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    let (_, court) = app.get_json(&judge, "/api/v1/cases").await;
    let tasks = owed(&court);
    assert_eq!(tasks.len(), 1, "{court}");
    assert!(tasks[0].starts_with("退费待办") && tasks[0].contains("第53条"), "{tasks:?}");
}
both_backends!(the_demo_mediated_case_shows_its_refund_and_deadline);

async fn a_fee_paid_at_the_counter_is_refunded_by_transfer_recorded_by_staff(b: Backend) {
    let app = TestApp::spawn(b).await;
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    // An ordinary-procedure case paid at the court's counter (no online payment to go back to).
    let (_, cases) = app.get_json(&judge, "/api/v1/cases").await;
    let mut id = 0;
    for c in cases.as_array().unwrap() {
        let cid = c["id"].as_i64().unwrap();
        let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{cid}/progress")).await;
        let (_, acct) = app.get_json(&judge, &format!("/api/v1/cases/{cid}/fees")).await;
        if p["can_close"] == true
            && p["procedure"].as_str().unwrap().contains("普通")
            && acct["paid_fen"].as_i64().unwrap() > 0
            && acct["orders"].as_array().unwrap().is_empty()
        {
            id = cid;
            break;
        }
    }
    assert!(id > 0, "a counter-paid ordinary case");
    assert_eq!(close(&app, &judge, id, "mediated").await, format!("/cases/{id}?closed=1"));
    app.running.services.chase_refunds().await;
    let (_, acct) = app.get_json(&judge, &format!("/api/v1/cases/{id}/fees")).await;
    let refund = &refunds(&acct)[0];
    assert_eq!(refund["status"], "due", "nothing to send it back through: {refund}");
    assert_eq!(refund["by_transfer"], true);
    assert!(refund["channel"].as_str().unwrap().contains("银行账户"), "{refund}");
    let no = refund["out_refund_no"].as_str().unwrap().to_string();
    let path = format!("/cases/{id}/fees/refunds/{no}/transfer");
    let post = |client: &reqwest::Client, reference: &'static str| {
        let req = client.post(app.url(&path)).form(&[("reference", reference)]);
        async move { req.send().await.unwrap().headers()["location"].to_str().unwrap().to_string() }
    };

    // A reference is required; then it is recorded once.
    let (_, parties) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert!(parties["parties"].as_array().unwrap().len() >= 2);
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    assert_eq!(post(&clerk, "12").await, format!("/cases/{id}/fees?error=refund_reference"));
    assert_eq!(post(&clerk, "ICBC-20261124-0001").await, format!("/cases/{id}/fees?refund=recorded"));
    assert_eq!(post(&clerk, "ICBC-20261124-0001").await, format!("/cases/{id}/fees?error=refund_done"));
    let (_, acct) = app.get_json(&clerk, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(refunds(&acct)[0]["status"], "refunded");
    assert_eq!(refund_entries(&acct), 1, "{acct}");
    assert_eq!(acct["overpaid_fen"], 0);
    let entry = acct["entries"].as_array().unwrap().iter().find(|e| e["kind"] == "refund").unwrap().clone();
    assert!(entry["source"].as_str().unwrap().contains("ICBC-20261124-0001"), "{entry}");
    // A party cannot record one; another court's clerk does not even see the case.
    let names: Vec<String> = parties["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let phone = if names.iter().any(|n| n == "张三") { ZHANG } else { LI };
    let party = new_client();
    app.sign_in(&party, phone).await;
    assert_eq!(post(&party, "FAKE-0001").await, format!("/cases/{id}/fees?error=refund_denied"));
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    assert_eq!(post(&other, "FAKE-0001").await, format!("/cases/{id}/fees"));
}
both_backends!(a_fee_paid_at_the_counter_is_refunded_by_transfer_recorded_by_staff);
