//! The fee page of a case as a phone uses it: the pay form (a plain post, so it works
//! without JavaScript), the way back from the checkout page, the receipt and its download.

use crate::both_backends;
use crate::helpers::*;

/// The first of the signed-in person's cases whose page offers to pay, and the amount due.
async fn case_with_fee_due(app: &TestApp) -> (i64, i64) {
    let (_, cases) = app.get_json(&app.client, "/api/v1/cases").await;
    for c in cases.as_array().expect("cases") {
        let id = c["id"].as_i64().unwrap();
        let (_, progress) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/progress")).await;
        let due = progress["fee_due_fen"].as_i64().unwrap();
        if due > 0 {
            return (id, due);
        }
    }
    panic!("no demo case with a fee due");
}

/// The hidden idempotency key of the pay form on the fee page.
fn pay_key(page: &str) -> String {
    let at = page.find("name=\"key\"").expect("pay form on the page");
    let rest = &page[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..v + rest[v..].find('"').unwrap()].to_string()
}

async fn post_pay(app: &TestApp, client: &reqwest::Client, id: i64, key: &str) -> reqwest::Response {
    client.post(app.url(&format!("/cases/{id}/fees/pay"))).form(&[("key", key)]).send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn paying_from_the_fee_page_ends_with_a_receipt(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, due) = case_with_fee_due(&app).await;
    let yuan = app::rules::fees::Fen(due).format_yuan();

    let (status, page) = app.get_page(&app.client, &format!("/cases/{id}/fees")).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"fee-due\"") && page.contains(&yuan), "{page}");
    assert!(page.contains("data-testid=\"fee-deadline\""), "the prepayment deadline shows");
    let key = pay_key(&page);

    // A double tap posts the form twice: one order, the same checkout page.
    let first = post_pay(&app, &app.client, id, &key).await;
    assert_eq!(first.status().as_u16(), 303);
    let checkout = location(&first);
    assert!(checkout.contains("/sandbox-pay/checkout/"), "{checkout}");
    assert_eq!(location(&post_pay(&app, &app.client, id, &key).await), checkout);

    let res = app.client.post(&checkout).form(&[("action", "pay")]).send().await.unwrap();
    let back = location(&res);
    let order = back.split("order=").nth(1).unwrap().to_string();

    // Back on the fee page: the server asks the provider at once, so it is paid already.
    let (_, page) = app.get_page(&app.client, &back.replace(&app.base, "")).await;
    assert!(page.contains("data-testid=\"payment-paid\""), "{page}");
    assert!(page.contains("data-testid=\"fee-settled\""), "{page}");
    assert!(!page.contains("data-testid=\"pay-button\""));

    // The timeline has reached 预交诉讼费.
    let (_, progress) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(progress["fee_due_fen"], 0);
    let node = progress["timeline"].as_array().unwrap().iter().find(|n| n["stage"] == "fee_prepay").unwrap();
    assert!(node["reached"].is_string(), "{progress}");
    assert_eq!(progress["stage_label"], "交纳诉讼费");

    let receipt = format!("/cases/{id}/fees/receipt/{order}");
    let (status, page) = app.get_page(&app.client, &receipt).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"receipt\"") && page.contains(&yuan), "{page}");
    assert!(page.contains(&format!("人民币{}", app::rules::fees::Fen(due).in_capitals())), "{page}");

    let file = app.client.get(app.url(&format!("{receipt}/download"))).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    let disposition = file.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;") && disposition.contains(&order), "{disposition}");
    let body = file.text().await.unwrap();
    assert!(body.contains("诉讼费缴费凭证") && body.contains(&yuan) && !body.contains("<script"));

    // The same form again, now that nothing is due: a plain message, no second order.
    let again = post_pay(&app, &app.client, id, &key).await;
    assert_eq!(location(&again), format!("/cases/{id}/fees?error=fee_paid"));
    let (_, page) = app.get_page(&app.client, &format!("/cases/{id}/fees?error=fee_paid")).await;
    assert!(page.contains("已经交过了"), "{page}");
}
both_backends!(paying_from_the_fee_page_ends_with_a_receipt);

async fn the_pay_form_refuses_strangers_stale_pages_and_other_sites(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, _) = case_with_fee_due(&app).await;

    // Signed out: to sign-in, and back to the fee page afterwards.
    let anon = new_client();
    let res = post_pay(&app, &anon, id, "k-0123456789abcdef").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(location(&res).starts_with("/sign-in?next="), "{}", location(&res));

    // Not their case: back to the fee page, which says "not found" with a 404.
    let stranger = new_client();
    app.sign_in(&stranger, WANG).await;
    let (_, mine) = app.get_json(&stranger, "/api/v1/cases").await;
    assert!(mine.as_array().unwrap().iter().all(|c| c["id"] != id), "pick a case WANG is not in");
    let res = post_pay(&app, &stranger, id, "k-0123456789abcdef").await;
    assert_eq!(location(&res), format!("/cases/{id}/fees"));
    let (status, page) = app.get_page(&stranger, &format!("/cases/{id}/fees")).await;
    assert_eq!(status, 404);
    assert!(page.contains("data-testid=\"case-not-found\""));
    let (status, _) = app.get_page(&stranger, "/cases/abc/fees").await;
    assert_eq!(status, 404);

    // A missing or mangled key (an old page, a hand-made post): ask to tap again.
    for key in ["", "short", "has spaces in it 0123456789"] {
        let res = post_pay(&app, &app.client, id, key).await;
        assert_eq!(location(&res), format!("/cases/{id}/fees?error=stale"), "key {key:?}");
    }
    let res = app.client.post(app.url(&format!("/cases/{id}/fees/pay"))).send().await.unwrap();
    assert_eq!(location(&res), format!("/cases/{id}/fees?error=stale"));

    // Another site posting in the user's name.
    let res = app
        .client
        .post(app.url(&format!("/cases/{id}/fees/pay")))
        .header("origin", "https://evil.example")
        .form(&[("key", "k-0123456789abcdef")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    // Court staff see the account but have no pay button.
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let (status, page) = app.get_page(&clerk, &format!("/cases/{id}/fees")).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"fee-due\"") && !page.contains("data-testid=\"pay-button\""));

    // The address bar cannot put words on the page: an unknown code shows a fixed text.
    let (_, page) = app.get_page(&app.client, &format!("/cases/{id}/fees?error=<b>call+me</b>")).await;
    assert!(!page.contains("call me") && !page.contains("<b>call"));
}
both_backends!(the_pay_form_refuses_strangers_stale_pages_and_other_sites);

async fn receipts_are_for_the_payer_and_only_for_paid_orders(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, _) = case_with_fee_due(&app).await;
    let (_, page) = app.get_page(&app.client, &format!("/cases/{id}/fees")).await;
    let checkout = location(&post_pay(&app, &app.client, id, &pay_key(&page)).await);

    // Not paid yet: no receipt.
    let (_, acct) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/fees")).await;
    let our_order = acct["orders"][0]["out_trade_no"].as_str().unwrap().to_string();
    let (status, _) = app.get_page(&app.client, &format!("/cases/{id}/fees/receipt/{our_order}")).await;
    assert_eq!(status, 404);

    // Cancelled at the checkout: back on the page it says so, and offers to pay again.
    let res = app.client.post(&checkout).form(&[("action", "cancel")]).send().await.unwrap();
    let back = location(&res).replace(&app.base, "");
    let (_, page) = app.get_page(&app.client, &back).await;
    assert!(page.contains("data-testid=\"payment-closed\""), "{page}");
    assert!(page.contains("data-testid=\"pay-button\""));

    // Someone else's order number in the address: the page shows, without it.
    let (status, page) = app.get_page(&app.client, &format!("/cases/{id}/fees?order=PC999nothere")).await;
    assert_eq!(status, 200);
    assert!(!page.contains("data-testid=\"payment-"));
    // A receipt download for a made-up order: not found, as JSON error.
    let res =
        app.client.get(app.url(&format!("/cases/{id}/fees/receipt/PC1x/download"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
}
both_backends!(receipts_are_for_the_payer_and_only_for_paid_orders);

async fn a_fee_unpaid_past_its_deadline_is_flagged_for_the_judge_and_the_payer(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alert_of = |cases: &serde_json::Value, number: &str| {
        cases.as_array().unwrap().iter().find(|c| c["case_number"] == number).map(|c| c["alert"].clone())
    };
    app.sign_in(&app.client, ZHANG).await;
    let (_, mine) = app.get_json(&app.client, "/api/v1/cases").await;
    // The demo 买卖合同纠纷 docketed 11 days ago: its 7 days to pay have run out.
    let overdue = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["alert"].as_str().is_some_and(|a| a.contains("撤诉")))
        .unwrap_or_else(|| panic!("an overdue fee among {mine}"));
    assert!(overdue["alert"].as_str().unwrap().contains("按撤诉处理"), "{overdue}");
    let number = overdue["case_number"].as_str().unwrap().to_string();
    let overdue_alerts = |list: &serde_json::Value| {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["alert"].as_str().is_some_and(|a| a.contains("撤诉")))
            .count()
    };
    assert_eq!(overdue_alerts(&mine), 1);

    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let (_, court) = app.get_json(&clerk, "/api/v1/cases").await;
    let flag = alert_of(&court, &number).expect("the case in the court's list");
    assert!(flag.as_str().unwrap().contains("待裁定按撤诉处理"), "{flag}");

    // The defendant is not asked to pay, so not warned either.
    let li = new_client();
    app.sign_in(&li, LI).await;
    let (_, theirs) = app.get_json(&li, "/api/v1/cases").await;
    if let Some(a) = alert_of(&theirs, &number) {
        assert!(a.is_null(), "{a}");
    }
    // The page lists it with the warning.
    let (_, page) = app.get_page(&app.client, "/cases").await;
    assert!(page.contains("data-testid=\"case-alert\""));
}
both_backends!(a_fee_unpaid_past_its_deadline_is_flagged_for_the_judge_and_the_payer);
