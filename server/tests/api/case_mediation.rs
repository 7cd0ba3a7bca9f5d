//! Mediation in a docketed case (诉中调解, DOMAIN-2 §1.1 rules 14, 18–21), through its form
//! doors as a phone does: the judge opens it, both parties consent, the agreement is signed,
//! the judge issues the 调解书, each party signs for it after an identity check, and the last
//! 签收 closes the case by mediation with half the fee refunded — and every wrong door: a
//! non-judge, a second start, a 签收 without code or confirmation, a replay, a non-party, a
//! party backing out after its 签收; backing out before it; the 15-day period running out.

use crate::both_backends;
use crate::helpers::*;
use crate::mediation::{code_for, page, pdf_text, post, sign, PNG};
use crate::refunds::{paid_ordinary_case, refunds};
use serde_json::Value;

/// The mediation's id from the redirect after starting it.
fn started(to: &str) -> i64 {
    to.strip_prefix("/mediations/")
        .and_then(|r| r.split('?').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("to the new mediation: {to}"))
}

async fn progress(app: &TestApp, client: &reqwest::Client, case: i64) -> Value {
    app.get_json(client, &format!("/api/v1/cases/{case}/progress")).await.1
}

/// 王五's paid ordinary case (defendant 李四): mediation opened by the judge, both consented,
/// an agreement drafted and signed by the two parties and the judge. Returns (case, mediation).
async fn signed_in_case(
    app: &TestApp,
    wang: &reqwest::Client,
    li: &reqwest::Client,
    judge: &reqwest::Client,
) -> (i64, i64) {
    let (case, _) = paid_ordinary_case(app, wang).await;
    let id = started(&post(app, judge, &format!("/cases/{case}/mediation"), &[]).await);
    for (who, phone) in [(wang, WANG), (li, LI)] {
        let to =
            post(app, who, &format!("/mediations/{id}/answer"), &[("answer", "yes"), ("warned", "1")]).await;
        assert_eq!(to, format!("/mediations/{id}?answered=1"), "{phone}");
    }
    post(
        app,
        judge,
        &format!("/staff/mediations/{id}/agreement"),
        &[
            ("based_on", "0"),
            ("text", "李四于2027年1月31日前支付王五货款30000元。\n案件受理费减半收取，由李四负担。"),
        ],
    )
    .await;
    let (_, v) = page(app, wang, id).await;
    assert!(sign(app, wang, id, WANG, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(app, li, id, LI, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(app, judge, id, JUDGE, &v, None).await.contains("effective=1"));
    (case, id)
}

async fn receive(app: &TestApp, client: &reqwest::Client, id: i64, phone: &str, confirmed: bool) -> String {
    let (req, code) = code_for(app, client, id, phone).await;
    let mut form = vec![("request_id", req.as_str()), ("code", code.as_str())];
    if confirmed {
        form.push(("confirmed", "1"));
    }
    post(app, client, &format!("/mediations/{id}/receive"), &form).await
}

async fn a_case_is_mediated_and_closed_when_both_parties_sign_for_the_statement(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (wang, li, zhang, judge, clerk, other_court) =
        (new_client(), new_client(), new_client(), new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&zhang, ZHANG).await;
    app.staff_sign_in(&judge, JUDGE).await;
    app.staff_sign_in(&clerk, CLERK).await;
    app.staff_sign_in(&other_court, OTHER_COURT_CLERK).await;
    let (case, paid) = paid_ordinary_case(&app, &wang).await;

    // Only the case's judge opens mediation; the judge is offered the form.
    let p = progress(&app, &judge, case).await;
    assert_eq!(p["mediation_start"], serde_json::json!([]), "both parties have accounts: {p}");
    assert!(p["mediation"].is_null());
    assert!(progress(&app, &wang, case).await["mediation_start"].is_null(), "not for a party");
    for who in [&li, &clerk] {
        let to = post(&app, who, &format!("/cases/{case}/mediation"), &[]).await;
        assert!(to.contains("error=case_mediation_judge_only"), "{to}");
    }
    let to = post(&app, &other_court, &format!("/cases/{case}/mediation"), &[]).await;
    assert!(!to.starts_with("/mediations/"), "another court's clerk starts nothing: {to}");

    let id = started(&post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await);
    // A double tap makes one.
    let to = post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await;
    assert!(to.contains("error=case_mediation_open"), "{to}");
    let p = progress(&app, &wang, case).await;
    assert_eq!(p["mediation"]["id"], id, "{p}");
    assert_eq!(p["mediation"]["state"], "inviting");
    let told = pocket_court::store::sms::latest(&app.running.services.db, 10).await.unwrap();
    assert!(told.iter().any(|m| m.phone == LI && m.body.contains("组织调解")), "李四 texted");

    // Both parties are asked; the clock waits for both (OMR art. 24).
    let (status, v) = page(&app, &wang, id).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["case_id"], case);
    assert_eq!(v["invited"], true);
    assert!(v["deadline"].is_null(), "{v}");
    assert_eq!(page(&app, &zhang, id).await.0, 404, "not a party: not found");
    let to = post(&app, &wang, &format!("/mediations/{id}/answer"), &[("answer", "yes")]).await;
    assert!(to.contains("error=mediation_warning"), "{to}");
    post(&app, &wang, &format!("/mediations/{id}/answer"), &[("answer", "yes"), ("warned", "1")]).await;
    assert_eq!(page(&app, &wang, id).await.1["state"], "inviting");
    post(&app, &li, &format!("/mediations/{id}/answer"), &[("answer", "yes"), ("warned", "1")]).await;
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["state"], "mediating");
    assert!(v["deadline"]["source"].as_str().unwrap().contains("普通程序15日"), "{v}");
    let today = app::rules::dates::CivilDate::from_unix_shanghai(app.running.services.now());
    assert_eq!(v["deadline"]["due_date"], today.add_days(15).format(app::rules::Lang::Zh));

    post(
        &app,
        &judge,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "0"), ("text", "李四于2027年1月31日前支付王五货款30000元。")],
    )
    .await;
    let (_, v) = page(&app, &wang, id).await;
    assert!(sign(&app, &wang, id, WANG, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(&app, &li, id, LI, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(&app, &judge, id, JUDGE, &v, None).await.contains("effective=1"));

    // An agreement in a case leads to the 调解书, not to judicial confirmation.
    let to = post(&app, &wang, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("error=confirmation_in_litigation"), "{to}");
    let (_, v) = page(&app, &wang, id).await;
    assert!(v["window"].is_null() && v["may_apply"] == false, "{v}");
    // Nothing to sign for yet.
    let to = post(&app, &wang, &format!("/mediations/{id}/receive"), &[("confirmed", "1")]).await;
    assert!(to.contains("error=statement_not_out"), "{to}");

    // The judge issues it, once.
    let to = post(&app, &li, &format!("/staff/mediations/{id}/statement"), &[]).await;
    assert!(to.contains("error=case_mediation_judge_only"), "{to}");
    assert!(post(&app, &judge, &format!("/staff/mediations/{id}/statement"), &[]).await.contains("issued=1"));
    let to = post(&app, &judge, &format!("/staff/mediations/{id}/statement"), &[]).await;
    assert!(to.contains("error=statement_not_ready"), "{to}");
    let (_, v) = page(&app, &wang, id).await;
    assert_eq!(v["state"], "issued");
    assert_eq!(v["statement"]["may_receive"], true);
    let res = wang.get(app.url(&format!("/mediations/{id}/statement.pdf"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = pdf_text(&res.bytes().await.unwrap());
    for expected in ["民事调解书", "王五", "李四", "支付王五货款30000元", "尚未签收", "陈法官"]
    {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert_eq!(
        zhang.get(app.url(&format!("/mediations/{id}/statement.pdf"))).send().await.unwrap().status(),
        404
    );

    // 签收: an explicit act after the identity check; arrival or reading does not count.
    let to = receive(&app, &wang, id, WANG, false).await;
    assert!(to.contains("error=receive_confirm"), "{to}");
    let to = post(
        &app,
        &wang,
        &format!("/mediations/{id}/receive"),
        &[("request_id", "nope"), ("code", "123456"), ("confirmed", "1")],
    )
    .await;
    assert!(to.contains("error="), "a wrong code: {to}");
    let to =
        post(&app, &judge, &format!("/mediations/{id}/receive"), &[("code", "000000"), ("confirmed", "1")])
            .await;
    assert!(to.contains("error=statement_parties_only"), "{to}");
    let to = post(&app, &judge, &format!("/mediations/{id}/sign-code"), &[("for", "receive")]).await;
    assert!(to.contains("error=statement_parties_only"), "no code for a non-party: {to}");
    assert!(receive(&app, &wang, id, WANG, true).await.contains("received=1"));
    let to =
        post(&app, &wang, &format!("/mediations/{id}/receive"), &[("code", "000000"), ("confirmed", "1")])
            .await;
    assert!(to.contains("error=already_received"), "a replay: {to}");
    // Having signed for it, 王五 can no longer back out (CPL art. 102).
    let to = post(&app, &wang, &format!("/mediations/{id}/back-out"), &[("reason", "想反悔")]).await;
    assert!(to.contains("error=back_out_too_late"), "{to}");
    assert!(progress(&app, &wang, case).await["outcome"].is_null(), "not in force before the last 签收");

    // The last 签收: in force, the case closed by mediation, half the fee refunded.
    assert!(receive(&app, &li, id, LI, true).await.contains("concluded=1"));
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["state"], "concluded");
    assert!(v["statement"]["in_force_at"].is_string(), "{v}");
    let p = progress(&app, &wang, case).await;
    assert_eq!(p["outcome"], "调解结案", "{p}");
    let (_, acct) = app.get_json(&wang, &format!("/api/v1/cases/{case}/fees")).await;
    let list = refunds(&acct);
    assert_eq!(list.len(), 1, "{acct}");
    assert_eq!(list[0]["amount_fen"].as_i64().unwrap(), paid - (paid + 1) / 2);
    assert!(list[0]["reason"].as_str().unwrap().contains("第15条"), "{acct}");
    let res = li.get(app.url(&format!("/mediations/{id}/statement.pdf"))).send().await.unwrap();
    let text = pdf_text(&res.bytes().await.unwrap());
    assert!(text.contains("生效时间") && text.contains("短信验证码") && !text.contains("尚未签收"), "{text}");
    let told = pocket_court::store::sms::latest(&app.running.services.db, 20).await.unwrap();
    assert!(told.iter().any(|m| m.phone == WANG && m.body.contains("调解结案")), "王五 texted");
    // Nothing left for the recovery job.
    assert_eq!(app.running.services.close_concluded_cases().await, 0);
    // The judge's 结案 form is gone; no mediation may start on a closed case.
    let p = progress(&app, &judge, case).await;
    assert_eq!(p["can_close"], false);
    assert!(p["mediation_start"].is_null(), "{p}");
    let to = post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await;
    assert!(to.contains("error=case_not_mediable"), "{to}");
}
both_backends!(a_case_is_mediated_and_closed_when_both_parties_sign_for_the_statement);

async fn a_party_backs_out_before_its_signature_for_the_statement_and_the_trial_goes_on(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (wang, li, judge) = (new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&judge, JUDGE).await;
    let (case, id) = signed_in_case(&app, &wang, &li, &judge).await;
    post(&app, &judge, &format!("/staff/mediations/{id}/statement"), &[]).await;
    assert!(receive(&app, &wang, id, WANG, true).await.contains("received=1"));

    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["may_back_out"], true);
    let to = post(&app, &li, &format!("/mediations/{id}/back-out"), &[("reason", " ")]).await;
    assert!(to.contains("error=back_out_reason"), "{to}");
    let to = post(&app, &li, &format!("/mediations/{id}/back-out"), &[("reason", "还款期限太短")]).await;
    assert_eq!(to, format!("/mediations/{id}?backed_out=1"));
    let (_, v) = page(&app, &wang, id).await;
    assert_eq!(v["state"], "ended");
    let events = v["events"].to_string();
    assert!(events.contains("继续审理") && events.contains("还款期限太短"), "{events}");
    // Too late for 李四's 签收; the case stays open and its judge may mediate again.
    let to = post(&app, &li, &format!("/mediations/{id}/receive"), &[("code", "000000"), ("confirmed", "1")])
        .await;
    assert!(to.contains("error=statement_not_out"), "{to}");
    let p = progress(&app, &judge, case).await;
    assert!(p["outcome"].is_null());
    assert_eq!(p["can_close"], true);
    assert_eq!(p["mediation"]["state"], "ended");
    assert!(p["mediation_start"].is_array(), "{p}");
    let told = pocket_court::store::sms::latest(&app.running.services.db, 20).await.unwrap();
    assert!(told.iter().any(|m| m.phone == WANG && m.body.contains("继续审理")), "王五 texted");
    let again = started(&post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await);
    assert_ne!(again, id);
}
both_backends!(a_party_backs_out_before_its_signature_for_the_statement_and_the_trial_goes_on);

async fn the_in_case_period_runs_out_after_fifteen_days(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (wang, li, judge) = (new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&judge, JUDGE).await;
    let (case, _) = paid_ordinary_case(&app, &wang).await;
    let id = started(&post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await);
    for who in [&wang, &li] {
        post(&app, who, &format!("/mediations/{id}/answer"), &[("answer", "yes"), ("warned", "1")]).await;
    }
    let services = &app.running.services;
    let due = page(&app, &wang, id).await.1["deadline"]["due_at"].as_i64().unwrap();
    app.clock.advance(due - services.now() - 60);
    assert_eq!(services.end_expired_mediations().await, 0, "the last day is still in the period");
    app.clock.advance(120);
    assert_eq!(services.end_expired_mediations().await, 1);
    app.sign_in(&wang, WANG).await;
    app.staff_sign_in(&judge, JUDGE).await;
    let (_, v) = page(&app, &wang, id).await;
    assert_eq!(v["state"], "ended");
    assert!(v["ended"][0].as_str().unwrap().contains("第6项"), "{v}");
    let told = pocket_court::store::sms::latest(&services.db, 10).await.unwrap();
    assert!(told.iter().any(|m| m.phone == LI && m.body.contains("案件继续审理")), "李四 texted");
    assert!(progress(&app, &judge, case).await["outcome"].is_null());
}
both_backends!(the_in_case_period_runs_out_after_fifteen_days);

async fn every_party_must_agree_to_a_longer_period(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (wang, li, judge) = (new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&judge, JUDGE).await;
    let (case, _) = paid_ordinary_case(&app, &wang).await;
    let id = started(&post(&app, &judge, &format!("/cases/{case}/mediation"), &[]).await);
    for who in [&wang, &li] {
        post(&app, who, &format!("/mediations/{id}/answer"), &[("answer", "yes"), ("warned", "1")]).await;
    }
    let (_, v) = page(&app, &judge, id).await;
    assert_eq!(v["may_propose_extension"], true);
    let due = v["deadline"]["due_at"].as_i64().unwrap();
    let extend = |days: &'static str, reason: &'static str| [("days", days), ("reason", reason)];

    // Only the one who mediates proposes; the days and a reason are checked.
    let to = post(&app, &li, &format!("/staff/mediations/{id}/extension"), &extend("10", "再谈一次")).await;
    assert!(to.contains("error=mediator_only"), "{to}");
    for (days, code) in [("0", "extension_days"), ("45", "extension_days"), ("十", "extension_days")] {
        let to =
            post(&app, &judge, &format!("/staff/mediations/{id}/extension"), &extend(days, "再谈一次")).await;
        assert!(to.contains(&format!("error={code}")) && to.contains("reason="), "{days}: {to}");
    }
    let to = post(&app, &judge, &format!("/staff/mediations/{id}/extension"), &extend("10", " ")).await;
    assert!(to.contains("error=extension_reason"), "{to}");
    let path = format!("/staff/mediations/{id}/extension");
    assert!(post(&app, &judge, &path, &extend("10", "双方还要核对账目")).await.contains("proposed=1"));
    let to = post(&app, &judge, &path, &extend("5", "再加几天")).await;
    assert!(to.contains("error=extension_pending"), "one proposal at a time: {to}");

    // 王五 agrees, 李四 does not: the period stays.
    let (_, v) = page(&app, &wang, id).await;
    assert_eq!(v["extension"]["days"], 10);
    assert_eq!(v["extension"]["may_answer"], true);
    let answer = |a: &'static str| [("answer", a)];
    assert!(post(&app, &wang, &format!("/mediations/{id}/extension"), &answer("yes"))
        .await
        .contains("answered=1"));
    let to = post(&app, &wang, &format!("/mediations/{id}/extension"), &answer("yes")).await;
    assert!(to.contains("error=extension_not_open"), "a replay: {to}");
    assert!(post(&app, &li, &format!("/mediations/{id}/extension"), &answer("no"))
        .await
        .contains("not_extended=1"));
    let (_, v) = page(&app, &wang, id).await;
    assert!(v["extension"].is_null(), "{v}");
    assert_eq!(v["deadline"]["due_at"].as_i64().unwrap(), due);

    // Proposed again, agreed by both: ten days longer, and the job waits for them.
    assert!(post(&app, &judge, &path, &extend("10", "双方还要核对账目")).await.contains("proposed=1"));
    assert!(post(&app, &li, &format!("/mediations/{id}/extension"), &answer("yes"))
        .await
        .contains("answered=1"));
    assert!(post(&app, &wang, &format!("/mediations/{id}/extension"), &answer("yes"))
        .await
        .contains("extended=1"));
    let (_, v) = page(&app, &wang, id).await;
    assert_eq!(v["deadline"]["due_at"].as_i64().unwrap(), due + 10 * 86_400);
    assert!(v["deadline"]["source"].as_str().unwrap().contains("各方同意延长10日"), "{v}");
    assert!(v["events"].to_string().contains("调解期限延长10日"), "{v}");
    let services = &app.running.services;
    app.clock.advance(due - services.now() + 86_400);
    assert_eq!(services.end_expired_mediations().await, 0, "not over: extended");
    app.clock.advance(10 * 86_400);
    assert_eq!(services.end_expired_mediations().await, 1);
}
both_backends!(every_party_must_agree_to_a_longer_period);

/// The receipt a party downloads from `href`, checked against the court's published key.
async fn checked_receipt(
    app: &TestApp,
    client: &reqwest::Client,
    href: &str,
) -> app::log::mediation::VerifiedAct {
    let res = client.get(app.url(href)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{href}");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let receipt: app::log::mediation::MediationReceipt = res.json().await.unwrap();
    let (_, head) = app.get_json(&new_client(), "/api/v1/log/tree-head").await;
    let key = app::log::hex::decode_array::<32>(head["public_key"].as_str().unwrap()).unwrap();
    app::log::mediation::verify_mediation_receipt(&receipt, &key).unwrap_or_else(|e| panic!("{href}: {e}"))
}

async fn every_signature_and_every_signature_for_the_statement_is_in_the_service_log(b: Backend) {
    use app::log::mediation::ActKind;
    let app = TestApp::spawn(b).await;
    let (wang, li, zhang, judge) = (new_client(), new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&zhang, ZHANG).await;
    app.staff_sign_in(&judge, JUDGE).await;
    let (_, id) = signed_in_case(&app, &wang, &li, &judge).await;
    post(&app, &judge, &format!("/staff/mediations/{id}/statement"), &[]).await;
    assert!(receive(&app, &wang, id, WANG, true).await.contains("received=1"));
    assert!(receive(&app, &li, id, LI, true).await.contains("concluded=1"));

    // Each of the three signatures: who, which version's text, how identity was checked.
    let (_, v) = page(&app, &wang, id).await;
    let version_sha = v["ledger"][0]["sha256"].as_str().unwrap().to_string();
    let mut signers = Vec::new();
    for line in v["ledger"].as_array().unwrap() {
        let href = line["receipt"].as_str().unwrap_or_else(|| panic!("a receipt: {line}"));
        let a = checked_receipt(&app, &wang, href).await.act;
        assert_eq!(
            (a.act, a.mediation, a.document_sha256.as_str()),
            (ActKind::Signed, id, version_sha.as_str())
        );
        assert_eq!(a.document, "调解协议（第1版）");
        assert!(a.identity_check.starts_with("短信验证码"), "{a:?}");
        assert_eq!(a.image_sha256.is_some(), line["drawn"] == true, "{a:?}");
        signers.push((a.signer, a.side));
    }
    signers.sort();
    assert_eq!(signers.len(), 3, "{signers:?}");
    assert!(signers.iter().any(|(_, side)| side == "主持调解的法官"), "{signers:?}");
    // Each 签收: the party, its side, the 调解书 of that same text.
    let mut sides = Vec::new();
    for r in v["statement"]["receipts"].as_array().unwrap() {
        let verified = checked_receipt(&app, &li, r["receipt"].as_str().unwrap()).await;
        let a = verified.act;
        assert_eq!(
            (a.act, a.document.as_str(), a.document_sha256.as_str()),
            (ActKind::SignedFor, "民事调解书", version_sha.as_str())
        );
        assert_eq!(a.signer, r["name"].as_str().unwrap());
        sides.push(a.side);
    }
    sides.sort();
    assert_eq!(sides, ["原告", "被告"]);
    // The 调解书 names each 签收's entry in the log.
    let res = wang.get(app.url(&format!("/mediations/{id}/statement.pdf"))).send().await.unwrap();
    let text: String = pdf_text(&res.bytes().await.unwrap()).split_whitespace().collect();
    assert_eq!(text.matches("送达日志第").count(), 2, "{text}");

    // Not for anyone else, nor for an entry of the log that is not this mediation's.
    let href = v["ledger"][0]["receipt"].as_str().unwrap();
    assert_eq!(zhang.get(app.url(href)).send().await.unwrap().status(), 404, "a stranger");
    let anonymous = new_client().get(app.url(href)).send().await.unwrap();
    let to = anonymous.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(to.starts_with("/sign-in"), "signed out: to sign-in, not {to}");
    let ours: Vec<String> = v["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["statement"]["receipts"].as_array().unwrap())
        .map(|x| x["receipt"].as_str().unwrap().rsplit('/').next().unwrap().to_string())
        .collect();
    let other = (0..).map(|i: i64| i.to_string()).find(|i| !ours.contains(i)).unwrap();
    for bad in [other.as_str(), "99999", "-1", "x"] {
        let res = wang.get(app.url(&format!("/mediations/{id}/receipts/{bad}"))).send().await.unwrap();
        assert_eq!(res.status(), 404, "{bad}");
    }
    // The log still audits whole with these entries in it.
    let services = &app.running.services;
    assert!(services.log.audit(&services.db).await.unwrap().is_ok());
}
both_backends!(every_signature_and_every_signature_for_the_statement_is_in_the_service_log);
