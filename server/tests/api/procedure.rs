//! 程序转换 and judgments taking effect: the judge changes a case's procedure and the fee
//! follows it (诉讼费用交纳办法 arts. 16, 22); a judgment served on every party takes effect
//! when the appeal period has run out, and only then is what was paid beyond the fee refunded
//! (art. 53); an appeal recorded in time stops it. Access and every wrong input.

use crate::both_backends;
use crate::helpers::*;
use crate::refunds::{paid_ordinary_case, refunds};
use crate::service::{serve, serve_form};
use serde_json::Value;

const DAY: i64 = 86_400;

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> String {
    let res = client.post(app.url(path)).form(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "{path} answers with a redirect");
    res.headers()["location"].to_str().unwrap().to_string()
}

fn node(progress: &Value, stage: &str) -> Value {
    progress["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["stage"] == stage)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Serves a judgment PDF on every party of the case and makes each service take effect: the
/// ones sent by post are signed for today (recorded by the clerk).
async fn serve_judgment_on_everyone(app: &TestApp, clerk: &reqwest::Client, id: i64) {
    let (key, parties) = serve_form(app, clerk, id).await;
    let mut fields = vec![("key", key), ("kind", "judgment".to_string())];
    for (_, party) in &parties {
        fields.push(("party", party.to_string()));
    }
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let to = serve(app, clerk, id, &fields, Some(("judgment.pdf", pdf))).await;
    assert!(to.contains("?served="), "{to}");
    let (_, page) = app.get_page(clerk, &format!("/staff/cases/{id}/service")).await;
    let today =
        app::rules::dates::CivilDate::from_unix_shanghai(pocket_court::adapters::clock::now()).to_string();
    for chunk in page.split("action=\"/staff/service/").skip(1) {
        let record = &chunk[..chunk.find('/').unwrap()];
        let res = clerk
            .post(app.url(&format!("/staff/service/{record}/outcome")))
            .form(&[("outcome", "signed"), ("date", today.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
    }
}

async fn a_paid_case_changed_to_simplified_refunds_half_when_its_judgment_takes_effect(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (id, paid) = paid_ordinary_case(&app, &wang).await;
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    let path = format!("/cases/{id}/procedure");

    // The judge is offered only what the law allows from ordinary procedure.
    let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["procedure_targets"][0][0], "simplified", "{p}");
    assert_eq!(p["procedure_targets"].as_array().unwrap().len(), 1);
    // Every wrong input is refused with its reason, and nothing changes.
    let reason = "案情简单，双方同意适用简易程序";
    assert!(post(&app, &judge, &path, &[("to", "simplified"), ("reason", reason)])
        .await
        .ends_with("error=conv_needs_agreement"));
    assert!(post(&app, &judge, &path, &[("to", "small_claims"), ("reason", reason), ("agreed", "1")])
        .await
        .ends_with("error=conv_not_allowed"));
    assert!(post(&app, &judge, &path, &[("to", "ordinary"), ("reason", reason)])
        .await
        .ends_with("error=conv_same"));
    assert!(post(&app, &judge, &path, &[("to", "fast"), ("reason", reason)])
        .await
        .ends_with("error=procedure"));
    assert!(post(&app, &judge, &path, &[("to", "simplified"), ("reason", "简"), ("agreed", "1")])
        .await
        .ends_with("error=reason"));
    // Not the judge: the plaintiff, a clerk, another court's clerk.
    assert!(post(&app, &wang, &path, &[("to", "simplified"), ("reason", reason), ("agreed", "1")])
        .await
        .ends_with("error=denied"));
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    assert!(post(&app, &clerk, &path, &[("to", "simplified"), ("reason", reason), ("agreed", "1")])
        .await
        .ends_with("error=denied"));
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    assert_eq!(
        post(&app, &other, &path, &[("to", "simplified"), ("reason", reason), ("agreed", "1")]).await,
        format!("/cases/{id}")
    );
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(acct["reduced_fen"], 0, "nothing changed yet: {acct}");

    // The change: the fee halves at once (art. 16); the overpayment waits for the judgment.
    let to = post(&app, &judge, &path, &[("to", "simplified"), ("reason", reason), ("agreed", "1")]).await;
    assert_eq!(to, format!("/cases/{id}?procedure=changed"));
    assert!(
        post(&app, &judge, &path, &[("to", "simplified"), ("reason", reason), ("agreed", "1")])
            .await
            .ends_with("error=conv_same"),
        "a double tap changes once"
    );
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["procedure"], "简易程序");
    let change = &p["procedure_changes"][0];
    assert_eq!(change["from"], "普通程序");
    assert!(change["source"].as_str().unwrap().contains("第160条"), "{change}");
    assert!(change["fee"].as_str().unwrap().contains("减半"), "{change}");
    // The trial limit now counts 3 months from docketing (CPL art. 164).
    assert_eq!(node(&p, "closed")["deadline"]["source"], "民事诉讼法 第164条", "{p}");
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(acct["reduced_fen"].as_i64().unwrap(), paid / 2, "{acct}");
    assert_eq!(acct["overpaid_fen"].as_i64().unwrap(), paid / 2, "{acct}");
    assert!(refunds(&acct).is_empty(), "no refund before the judgment takes effect: {acct}");
    // From simplified, only ordinary is offered now (CPL art. 170).
    let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["procedure_targets"], serde_json::json!([["ordinary", "普通程序"]]), "{p}");

    // Closed by judgment: still no refund, and an appeal may be recorded.
    let res = judge
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", "judgment")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert!(post(&app, &judge, &path, &[("to", "ordinary"), ("reason", reason)])
        .await
        .ends_with("error=conv_closed"));
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    assert!(refunds(&acct).is_empty(), "{acct}");
    let (_, p) = app.get_json(&clerk, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["can_record_appeal"], true);

    // The judgment is served on every party; the appeal period runs from the last service.
    serve_judgment_on_everyone(&app, &clerk, id).await;
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    let served = node(&p, "judgment_served");
    assert!(served["reached"].is_string(), "judgment served on everyone: {p}");
    assert_eq!(served["deadline"]["source"], "民事诉讼法 第171条", "{served}");
    let appeal_ends = served["deadline"]["due_at"].as_i64().unwrap();

    // Before the period runs out nothing happens; after it, once.
    let services = &app.running.services;
    assert_eq!(services.bring_judgments_into_force(appeal_ends - 1).await, 0);
    assert_eq!(services.bring_judgments_into_force(appeal_ends + DAY).await, 1);
    assert_eq!(services.bring_judgments_into_force(appeal_ends + 2 * DAY).await, 0, "once");
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert!(node(&p, "effective")["reached"].is_string(), "{p}");
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{id}/fees")).await;
    let list = refunds(&acct);
    assert_eq!(list.len(), 1, "{acct}");
    assert_eq!(list[0]["amount_fen"].as_i64().unwrap(), paid / 2);
    assert!(list[0]["channel"].as_str().unwrap().contains("原路退回"), "{list:?}");
    // Due 15 days from the day the judgment took effect (art. 53).
    let effective_day = app::rules::dates::CivilDate::from_unix_shanghai(appeal_ends);
    let due = app::rules::deadlines::refund_deadline(effective_day, &Default::default());
    assert_eq!(list[0]["deadline"]["due_at"].as_i64().unwrap(), due.due_at, "{list:?}");
    assert_eq!(acct["reduced_fen"].as_i64().unwrap(), paid / 2, "halved once, not twice");
    // Too late to record an appeal now.
    assert!(post(&app, &clerk, &format!("/cases/{id}/appeal"), &[("note", "李四 上诉")])
        .await
        .ends_with("error=appeal_done"));
}
both_backends!(a_paid_case_changed_to_simplified_refunds_half_when_its_judgment_takes_effect);

async fn an_appeal_recorded_in_time_stops_the_judgment_taking_effect(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (id, _) = paid_ordinary_case(&app, &wang).await;
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let appeal = format!("/cases/{id}/appeal");
    // Not closed by judgment yet: nothing to appeal; serving a judgment is refused too.
    assert!(post(&app, &clerk, &appeal, &[("note", "被告上诉")]).await.ends_with("error=not_judgment"));
    let (key, parties) = serve_form(&app, &clerk, id).await;
    let fields = vec![("key", key), ("kind", "judgment".to_string()), ("party", parties[0].1.to_string())];
    let pdf = b"%PDF-1.4\n%%EOF\n";
    assert!(serve(&app, &clerk, id, &fields, Some(("j.pdf", pdf))).await.ends_with("error=not_judged"));

    let res = judge
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", "judgment")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    serve_judgment_on_everyone(&app, &clerk, id).await;
    // Wrong callers and input.
    assert!(
        post(&app, &wang, &appeal, &[("note", "我要上诉")]).await.ends_with("error=denied"),
        "a litigant lodges appeals with the court, not here"
    );
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    assert_eq!(
        post(&app, &other, &appeal, &[("note", "被告上诉")]).await,
        format!("/cases/{id}"),
        "another court: not found"
    );
    assert!(post(&app, &clerk, &appeal, &[("note", " ")]).await.ends_with("error=appeal_note"));
    // Recorded once; the judgment then never takes effect here.
    assert_eq!(
        post(&app, &clerk, &appeal, &[("note", "被告李四于今日递交上诉状")]).await,
        format!("/cases/{id}?appeal=recorded")
    );
    assert!(post(&app, &judge, &appeal, &[("note", "又一次")]).await.ends_with("error=appeal_done"));
    assert_eq!(
        app.running
            .services
            .bring_judgments_into_force(pocket_court::adapters::clock::now() + 90 * DAY)
            .await,
        0
    );
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    assert!(p["appeal"].as_str().unwrap().contains("被告李四于今日递交上诉状"), "{p}");
    assert!(node(&p, "effective")["reached"].is_null(), "{p}");
    assert_eq!(p["can_record_appeal"], false);
}
both_backends!(an_appeal_recorded_in_time_stops_the_judgment_taking_effect);

async fn simplified_to_ordinary_asks_for_the_other_half_within_seven_days(b: Backend) {
    let app = TestApp::spawn(b).await;
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    // The judge's open, docketed simplified-procedure cases with a fee charged.
    let (_, cases) = app.get_json(&judge, "/api/v1/cases").await;
    let mut found = None;
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
        let (_, acct) = app.get_json(&judge, &format!("/api/v1/cases/{id}/fees")).await;
        let targets = p["procedure_targets"].as_array().cloned().unwrap_or_default();
        if p["procedure"] == "简易程序"
            && targets.iter().any(|t| t[0] == "ordinary")
            && acct["charged_fen"].as_i64().unwrap_or(0) > 0
            && acct["due_fen"].as_i64().unwrap_or(0) == 0
        {
            found = Some((id, acct["charged_fen"].as_i64().unwrap()));
            break;
        }
    }
    let (id, charged) = found.expect("a paid simplified-procedure case of the demo judge");
    let to = post(
        &app,
        &judge,
        &format!("/cases/{id}/procedure"),
        &[("to", "ordinary"), ("reason", "案情复杂，需要合议庭审理")],
    )
    .await;
    assert_eq!(to, format!("/cases/{id}?procedure=changed"));
    let (_, acct) = app.get_json(&judge, &format!("/api/v1/cases/{id}/fees")).await;
    let added = acct["charged_fen"].as_i64().unwrap() - charged;
    assert_eq!(added, charged, "the other half (art. 16 no longer applies): {acct}");
    assert_eq!(acct["due_fen"].as_i64().unwrap(), added);
    let (_, p) = app.get_json(&judge, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["procedure"], "普通程序");
    assert!(p["procedure_changes"][0]["fee"].as_str().unwrap().contains("补交"), "{p}");
    // The fee node is open again, due 7 days from the supplementary notice (art. 22), and
    // the trial limit is ordinary procedure's 6 months from docketing (CPL art. 152).
    let fee = node(&p, "fee_prepay");
    let today = app::rules::dates::CivilDate::from_unix_shanghai(pocket_court::adapters::clock::now());
    let due = app::rules::deadlines::fee_deadline(today, &Default::default());
    assert_eq!(fee["deadline"]["due_at"].as_i64().unwrap(), due.due_at, "{fee}");
    assert_eq!(node(&p, "closed")["deadline"]["source"], "民事诉讼法 第152条");
    // The plaintiff is texted what to add.
    let (_, inbox) = app.get_page(&app.client, "/dev/inbox").await;
    assert!(inbox.contains("补交诉讼费"), "{inbox}");
}
both_backends!(simplified_to_ordinary_asks_for_the_other_half_within_seven_days);
