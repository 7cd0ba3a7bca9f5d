//! Online mediation before filing (DOMAIN-2 §1), driven through its form doors as a phone
//! does: the request, the mediator's acceptance, the invitation answered, the agreement's
//! versions, signing with a code and a drawn signature, a signature voided by an edit, the
//! last signature making it effective, declining — and every wrong door: someone else's
//! matter, a stale version, a replay, a blank signature, a sign-in code used to sign.

use crate::both_backends;
use crate::helpers::*;
use serde_json::Value;
use sha2::Digest;

const MEDIATOR: &str = "13900000003";
/// A 1×1 PNG, as a signature pad's data URL.
pub(crate) const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// Posts a form; returns the redirect's target.
pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let res = client.post(app.url(path)).form(form).send().await.expect("request");
    assert!(
        res.status().is_redirection(),
        "{path}: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
    res.headers()["location"].to_str().unwrap().to_string()
}

pub(crate) async fn page(app: &TestApp, client: &reqwest::Client, id: i64) -> (u16, Value) {
    app.call(client, "mediation_page", &[("id", &id.to_string())]).await
}

fn request_form(respondent_phone: &str, warned: bool) -> Vec<(&str, &str)> {
    let mut f = vec![
        ("court", "湘0181"),
        ("cause", "private_lending"),
        ("respondent_name", "李四"),
        ("respondent_phone", respondent_phone),
        ("summary", "2025年3月借给李四5万元，约定半年归还，到期未还。"),
        ("address", "湖南省浏阳市集里街道1号"),
    ];
    if warned {
        f.push(("warned", "1"));
    }
    f
}

/// A matter asked for by 张三 against 李四, accepted by the mediator, consented to by 李四.
async fn agreed_to_mediate(
    app: &TestApp,
    zhang: &reqwest::Client,
    li: &reqwest::Client,
    mediator: &reqwest::Client,
) -> i64 {
    let to = post(app, zhang, "/mediations", &request_form(LI, true)).await;
    let id: i64 = to
        .strip_prefix("/mediations/")
        .and_then(|r| r.split('?').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("to the new matter: {to}"));
    assert_eq!(
        post(app, mediator, &format!("/staff/mediations/{id}/accept"), &[]).await,
        format!("/mediations/{id}?accepted=1")
    );
    let answered = post(
        app,
        li,
        &format!("/mediations/{id}/answer"),
        &[("answer", "yes"), ("address", "湖南省浏阳市淮川街道2号"), ("warned", "1")],
    )
    .await;
    assert_eq!(answered, format!("/mediations/{id}?answered=1"));
    id
}

/// Texts a signing code to the signer, moving the clock first: past the one-a-minute limit,
/// and far enough that no hour holds the 5 codes a number may get (the sessions stay alive:
/// they idle out after 2 hours).
pub(crate) async fn code_for(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    phone: &str,
) -> (String, String) {
    app.clock.advance(730);
    let to = post(app, client, &format!("/mediations/{id}/sign-code"), &[]).await;
    // Request ids are hex: nothing in them is %-encoded.
    let req = to
        .split("req=")
        .nth(1)
        .and_then(|r| r.split('#').next())
        .unwrap_or_else(|| panic!("{to}"))
        .to_string();
    (req, app.last_code_for(phone).await)
}

pub(crate) async fn sign(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    phone: &str,
    view: &Value,
    drawn: Option<&str>,
) -> String {
    let (req, code) = code_for(app, client, id, phone).await;
    let version = view["agreement"]["version"].as_i64().unwrap().to_string();
    let sha = view["agreement"]["sha256"].as_str().unwrap().to_string();
    let mut form = vec![
        ("version", version.as_str()),
        ("sha256", sha.as_str()),
        ("request_id", req.as_str()),
        ("code", code.as_str()),
        ("confirmed", "1"),
    ];
    if let Some(png) = drawn {
        form.push(("pad", "1"));
        form.push(("signature", png));
    }
    post(app, client, &format!("/mediations/{id}/sign"), &form).await
}

async fn a_pre_filing_mediation_is_agreed_and_signed_on_the_phone(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, wang, mediator, other_clerk) =
        (new_client(), new_client(), new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&wang, WANG).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    app.staff_sign_in(&other_clerk, OTHER_COURT_CLERK).await;

    // The request: each wrong value comes back as its code, with what was typed.
    let to = post(&app, &zhang, "/mediations", &request_form(LI, false)).await;
    assert!(to.starts_with("/mediations/new?") && to.contains("error=mediation_warning"), "{to}");
    assert!(to.contains("summary=") && to.contains("respondent_phone=13800000002"), "typed text kept: {to}");
    let to = post(&app, &zhang, "/mediations", &request_form(ZHANG, true)).await;
    assert!(to.contains("error=mediation_self"), "{to}");
    let to = post(&app, &zhang, "/mediations", &request_form("12345", true)).await;
    assert!(to.contains("error=bad_number"), "{to}");

    let id = {
        let to = post(&app, &zhang, "/mediations", &request_form(LI, true)).await;
        to.strip_prefix("/mediations/").and_then(|r| r.split('?').next()).unwrap().parse::<i64>().unwrap()
    };
    let (status, v) = page(&app, &zhang, id).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["number"].as_str().unwrap().contains("民诉前调"), "{v}");
    assert_eq!(v["state"], "requested");
    assert_eq!(v["my_role"], "applicant");
    // The 3-working-day clock of OMR art. 10 runs (or says the year's holidays are missing).
    assert!(v["deadline"].is_object() || v["calendar_note"].is_string(), "{v}");

    // The invited person sees it by their phone number before answering; strangers and
    // another court's staff are told "not found", as for a matter that does not exist.
    let (status, mine) = app.call(&li, "my_mediations", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    for outsider in [&wang, &other_clerk] {
        let (status, _) = page(&app, outsider, id).await;
        assert_eq!(status, 404);
    }
    let (status, _) = page(&app, &wang, id + 1000).await;
    assert_eq!(status, 404);
    // Only a mediator accepts; a party's try is refused and changes nothing.
    let to = post(&app, &li, &format!("/staff/mediations/{id}/accept"), &[]).await;
    assert!(to.contains("error=mediator_only"), "{to}");

    // The mediator accepts; a double tap is told it was taken already.
    let to = post(&app, &mediator, &format!("/staff/mediations/{id}/accept"), &[]).await;
    assert_eq!(to, format!("/mediations/{id}?accepted=1"));
    let to = post(&app, &mediator, &format!("/staff/mediations/{id}/accept"), &[]).await;
    assert!(to.contains("error=mediation_taken"), "{to}");
    let invitation = pocket_court::store::sms::latest(&app.running.services.db, 20)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.phone == LI && m.body.contains("诉前调解"))
        .expect("the invitation SMS");
    assert!(invitation.body.contains("张三") && invitation.body.contains("查验码"), "{}", invitation.body);

    // 李四 answers: the warning must be acknowledged; a second answer is refused.
    let to = post(
        &app,
        &li,
        &format!("/mediations/{id}/answer"),
        &[("answer", "yes"), ("address", "湖南省浏阳市淮川街道2号")],
    )
    .await;
    assert!(to.contains("error=mediation_warning") && to.contains("address="), "{to}");
    let ok = [("answer", "yes"), ("address", "湖南省浏阳市淮川街道2号"), ("warned", "1")];
    assert_eq!(
        post(&app, &li, &format!("/mediations/{id}/answer"), &ok).await,
        format!("/mediations/{id}?answered=1")
    );
    let to = post(&app, &li, &format!("/mediations/{id}/answer"), &ok).await;
    assert!(to.contains("error=invitation_answered"), "{to}");
    let (_, v) = page(&app, &mediator, id).await;
    assert_eq!(v["state"], "mediating");
    assert_eq!(v["my_role"], "mediator");
    assert!(v["may_edit"].as_bool().unwrap());

    // The agreement: a clause letting the court judge on breach is refused (MED20 art. 8);
    // the typed text goes back into the editor.
    let bad = "被告于2026年12月31日前归还50000元\n被告不履行的，原告可以请求法院对本案作出判决";
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "0"), ("text", bad)],
    )
    .await;
    assert!(to.contains("error=agreement_text") && to.contains("draft="), "{to}");
    let v1 = "1. 李四于2027年3月31日前向张三归还借款50000元。\n2. 张三放弃利息请求。";
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "0"), ("text", v1)],
    )
    .await;
    assert_eq!(to, format!("/mediations/{id}?version=1#agreement"));
    // Parties cannot edit.
    let to =
        post(&app, &zhang, &format!("/staff/mediations/{id}/agreement"), &[("based_on", "1"), ("text", "x")])
            .await;
    assert!(to.contains("error=mediator_only"), "{to}");

    // 张三 signs version 1 with a drawn signature.
    let (_, zv) = page(&app, &zhang, id).await;
    assert_eq!(zv["agreement"]["clauses"][0], "李四于2027年3月31日前向张三归还借款50000元。");
    assert!(zv["agreement"]["may_sign"].as_bool().unwrap(), "{zv}");
    // A stale hash (the page was of another text) is refused without spending the code.
    {
        let (req, code) = code_for(&app, &zhang, id, ZHANG).await;
        let form = [
            ("version", "1"),
            ("sha256", "00"),
            ("request_id", req.as_str()),
            ("code", code.as_str()),
            ("confirmed", "1"),
        ];
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        assert!(to.contains("error=agreement_changed"), "{to}");
        // The pad was there but left blank.
        let sha = zv["agreement"]["sha256"].as_str().unwrap();
        let form = [
            ("version", "1"),
            ("sha256", sha),
            ("request_id", req.as_str()),
            ("code", code.as_str()),
            ("confirmed", "1"),
            ("pad", "1"),
            ("signature", ""),
        ];
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        assert!(to.contains("error=signature_blank") && to.contains("req="), "{to}");
        // Not confirmed.
        let form = [("version", "1"), ("sha256", sha), ("request_id", req.as_str()), ("code", code.as_str())];
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        assert!(to.contains("error=signature_confirm"), "{to}");
        // Something that is not a PNG.
        let form = [
            ("version", "1"),
            ("sha256", sha),
            ("request_id", req.as_str()),
            ("code", code.as_str()),
            ("confirmed", "1"),
            ("pad", "1"),
            ("signature", "data:image/png;base64,PHN2Zz4="),
        ];
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        assert!(to.contains("error=signature_image"), "{to}");
    }
    // A sign-in code does not sign.
    {
        app.clock.advance(730);
        let (_, sent) = app.call(&new_client(), "send_code", &[("phone", ZHANG)]).await;
        let code = app.last_code_for(ZHANG).await;
        let sha = zv["agreement"]["sha256"].as_str().unwrap();
        let req = sent["request_id"].as_str().unwrap();
        let form = [
            ("version", "1"),
            ("sha256", sha),
            ("request_id", req),
            ("code", code.as_str()),
            ("confirmed", "1"),
        ];
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        assert!(to.contains("error=code_invalid"), "{to}");
    }
    assert_eq!(sign(&app, &zhang, id, ZHANG, &zv, Some(PNG)).await, format!("/mediations/{id}?signed=1"));
    // The replay of a signature is told it is there already.
    let to = sign(&app, &zhang, id, ZHANG, &zv, Some(PNG)).await;
    assert!(to.contains("error=already_signed"), "{to}");
    // 王五 cannot sign someone else's mediation (it is "not found" to him).
    let to = post(&app, &wang, &format!("/mediations/{id}/sign-code"), &[]).await;
    assert_eq!(to, format!("/mediations/{id}#sign"), "not found: back to a page that says so");
    let (_, zv) = page(&app, &zhang, id).await;
    assert!(zv["agreement"]["i_signed"].as_bool().unwrap());
    let ledger = zv["ledger"].as_array().unwrap();
    assert_eq!(ledger.len(), 1);
    assert!(
        ledger[0]["drawn"].as_bool().unwrap() && ledger[0]["device"] == "",
        "a party sees no device: {zv}"
    );
    let sig = ledger[0]["id"].as_i64().unwrap();
    let img = zhang.get(app.url(&format!("/mediations/{id}/signatures/{sig}"))).send().await.unwrap();
    assert_eq!(img.status().as_u16(), 200);
    assert!(img.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let img = wang.get(app.url(&format!("/mediations/{id}/signatures/{sig}"))).send().await.unwrap();
    assert_eq!(img.status().as_u16(), 404, "someone else's signature image");

    // The mediator edits: 张三's signature is void, and he is told; a second editor who
    // started from version 1 too is refused (two mediators at once).
    let v2 = "1. 李四于2027年3月31日前向张三归还借款45000元。\n2. 张三放弃利息请求。";
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "1"), ("text", v2)],
    )
    .await;
    assert_eq!(to, format!("/mediations/{id}?version=2#agreement"));
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "1"), ("text", v1)],
    )
    .await;
    assert!(to.contains("error=agreement_edited"), "{to}");
    let told = pocket_court::store::sms::latest(&app.running.services.db, 20).await.unwrap();
    assert!(told.iter().any(|m| m.phone == ZHANG && m.body.contains("已作废")), "the signer is told");
    let (_, zv2) = page(&app, &zhang, id).await;
    assert!(zv2["agreement"]["my_signature_voided"].as_bool().unwrap(), "{zv2}");
    assert_eq!(zv2["agreement"]["since_version"], 1);
    let changes = zv2["agreement"]["changes"].to_string();
    assert!(changes.contains("45000") && changes.contains("50000"), "what changed: {changes}");
    // Signing the old version now is refused.
    let to = sign(&app, &zhang, id, ZHANG, &zv, None).await;
    assert!(to.contains("error=agreement_changed"), "{to}");

    // Everyone signs version 2; without a drawing pad (no script) the code and the
    // confirmation sign. The mediator's is the last: the agreement takes effect then.
    let (_, lv) = page(&app, &li, id).await;
    assert_eq!(sign(&app, &li, id, LI, &lv, None).await, format!("/mediations/{id}?signed=1"));
    assert_eq!(sign(&app, &zhang, id, ZHANG, &zv2, Some(PNG)).await, format!("/mediations/{id}?signed=1"));
    let (_, mv) = page(&app, &mediator, id).await;
    assert_eq!(
        sign(&app, &mediator, id, MEDIATOR, &mv, Some(PNG)).await,
        format!("/mediations/{id}?effective=1")
    );
    let (_, done) = page(&app, &li, id).await;
    assert_eq!(done["state"], "effective");
    assert!(done["effective_at"].is_string());
    assert!(done["window"]["due_date"].is_string(), "the 30-day window: {done}");
    assert!(done["window"]["source"].as_str().unwrap().contains("205"));
    // Closed for changes now.
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "2"), ("text", v1)],
    )
    .await;
    assert!(to.contains("error=mediation_closed"), "{to}");
    let to = post(&app, &li, &format!("/mediations/{id}/decline"), &[("version", "2"), ("reason", "不同意")])
        .await;
    assert!(to.contains("error=mediation_closed") || to.contains("error=not_a_signer"), "{to}");

    let (_, f) = app.call(&mediator, "mediation_figures", &[]).await;
    assert_eq!((f["requested"].as_i64(), f["agreed"].as_i64()), (Some(1), Some(1)), "{f}");
    assert_eq!(f["success_rate"], "100.0%");
    assert!(f["average_days"].as_str().unwrap().parse::<f64>().unwrap() > 0.0, "{f}");
    // Staff of the court see the ledger with the device; the hash is the version's.
    let (_, mv) = page(&app, &mediator, id).await;
    let ledger = mv["ledger"].as_array().unwrap();
    assert_eq!(ledger.len(), 4, "one void + three: {mv}");
    assert_eq!(ledger.iter().filter(|l| l["voided"] == true).count(), 1);
    assert!(ledger.iter().filter(|l| l["version"] == 2).all(|l| l["sha256"] == mv["agreement"]["sha256"]));
}
both_backends!(a_pre_filing_mediation_is_agreed_and_signed_on_the_phone);

async fn a_party_who_declines_to_sign_ends_the_mediation(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, mediator) = (new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let id = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    let text = "李四于2027年1月31日前归还借款20000元。";
    post(&app, &mediator, &format!("/staff/mediations/{id}/agreement"), &[("based_on", "0"), ("text", text)])
        .await;
    // A reason is needed; a stale version is refused.
    let to = post(&app, &li, &format!("/mediations/{id}/decline"), &[("version", "1"), ("reason", "")]).await;
    assert!(to.contains("error=decline_reason"), "{to}");
    let to =
        post(&app, &li, &format!("/mediations/{id}/decline"), &[("version", "7"), ("reason", "金额不对")])
            .await;
    assert!(to.contains("error=agreement_changed"), "{to}");
    let to =
        post(&app, &li, &format!("/mediations/{id}/decline"), &[("version", "1"), ("reason", "金额不对")])
            .await;
    assert_eq!(to, format!("/mediations/{id}?declined=1"));
    let (_, v) = page(&app, &zhang, id).await;
    assert_eq!(v["state"], "ended");
    assert!(v["ended"][0].as_str().unwrap().contains("第7项"), "OMR art. 25(7): {v}");
    assert!(v["ended"][1].as_str().unwrap().contains("金额不对"));
    // Nothing can be signed after a decline.
    app.clock.advance(61);
    let to = post(&app, &zhang, &format!("/mediations/{id}/sign-code"), &[]).await;
    assert!(to.contains("error=mediation_closed"), "{to}");
}
both_backends!(a_party_who_declines_to_sign_ends_the_mediation);

async fn a_refusal_to_mediate_and_a_mediator_ending_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, mediator) = (new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    // Refused by the other side (OMR art. 15): ended under art. 25(4).
    let to = post(&app, &zhang, "/mediations", &request_form(LI, true)).await;
    let id: i64 = to.strip_prefix("/mediations/").and_then(|r| r.split('?').next()).unwrap().parse().unwrap();
    post(&app, &mediator, &format!("/staff/mediations/{id}/accept"), &[]).await;
    let to =
        post(&app, &li, &format!("/mediations/{id}/answer"), &[("answer", "no"), ("note", "不想调解")]).await;
    assert_eq!(to, format!("/mediations/{id}?answered=1"));
    let (_, v) = page(&app, &zhang, id).await;
    assert_eq!(v["state"], "ended");
    assert!(v["ended"][0].as_str().unwrap().contains("第4项"), "{v}");

    // Ended by the mediator: a ground the parties' own acts decide is not offered, and the
    // failure record of art. 21 is required.
    let id = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/end"),
        &[("ground", "agreed"), ("note", "双方分歧太大")],
    )
    .await;
    assert!(to.contains("error=end_ground"), "{to}");
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/end"),
        &[("ground", "too_far_apart"), ("note", "")],
    )
    .await;
    assert!(to.contains("error=failure_record"), "{to}");
    let to = post(
        &app,
        &zhang,
        &format!("/staff/mediations/{id}/end"),
        &[("ground", "too_far_apart"), ("note", "双方分歧太大，无法调解")],
    )
    .await;
    assert!(to.contains("error=mediator_only"), "{to}");
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/end"),
        &[("ground", "too_far_apart"), ("note", "双方分歧太大，无法调解")],
    )
    .await;
    assert_eq!(to, format!("/mediations/{id}?ended=1"));
    let (_, v) = page(&app, &zhang, id).await;
    assert!(v["ended"][0].as_str().unwrap().contains("第5项"), "{v}");
    // The workbench lists both, ended ones last.
    let (status, q) = app.call(&mediator, "mediation_queue", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(q.as_array().unwrap().len(), 2, "{q}");
    // The court's figures, from the records: two asked for, none agreed, both failed.
    let (status, f) = app.call(&mediator, "mediation_figures", &[]).await;
    assert_eq!(status, 200, "{f}");
    assert_eq!(
        (f["requested"].as_i64(), f["agreed"].as_i64(), f["failed"].as_i64()),
        (Some(2), Some(0), Some(2)),
        "{f}"
    );
    assert_eq!(f["success_rate"], "0.0%");
    // A litigant has no workbench.
    let (status, _) = app.call(&zhang, "mediation_queue", &[]).await;
    assert_eq!(status, 403);
}
both_backends!(a_refusal_to_mediate_and_a_mediator_ending_it);

async fn the_period_runs_out_and_nothing_can_be_signed_after_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, mediator) = (new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let id = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "0"), ("text", "李四归还5000元。")],
    )
    .await;
    let (_, v) = page(&app, &zhang, id).await;
    let services = &app.running.services;
    // Within the 30 days nothing ends.
    assert_eq!(services.end_expired_mediations().await, 0);
    // A code asked for on the last day; the period runs out before it is used (OMR art. 24).
    let due = v["deadline"]["due_at"].as_i64().unwrap();
    let (req, code) = code_for(&app, &zhang, id, ZHANG).await;
    let now = app.running.services.now();
    app.clock.advance(due - now + 1);
    // A month on, sessions have idled out: all sign in again.
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let version = v["agreement"]["version"].as_i64().unwrap().to_string();
    let sha = v["agreement"]["sha256"].as_str().unwrap();
    let form = [
        ("version", version.as_str()),
        ("sha256", sha),
        ("request_id", req.as_str()),
        ("code", code.as_str()),
        ("confirmed", "1"),
    ];
    let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
    assert!(to.contains("error=mediation_expired"), "{to}");
    let to = post(
        &app,
        &mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "1"), ("text", "x")],
    )
    .await;
    assert!(to.contains("error=mediation_expired"), "{to}");
    // The job ends it under art. 25(6), once, and tells both sides.
    assert_eq!(services.end_expired_mediations().await, 1);
    assert_eq!(services.end_expired_mediations().await, 0);
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["state"], "ended");
    assert!(v["ended"][0].as_str().unwrap().contains("第6项"), "{v}");
    let told = pocket_court::store::sms::latest(&services.db, 10).await.unwrap();
    assert!(told.iter().any(|m| m.phone == LI && m.body.contains("期限已到")));
}
both_backends!(the_period_runs_out_and_nothing_can_be_signed_after_it);

/// 张三 and 李四 signed and the mediator too: the agreement is in force. Returns its id.
async fn in_force(
    app: &TestApp,
    zhang: &reqwest::Client,
    li: &reqwest::Client,
    mediator: &reqwest::Client,
) -> i64 {
    let id = agreed_to_mediate(app, zhang, li, mediator).await;
    post(
        app,
        mediator,
        &format!("/staff/mediations/{id}/agreement"),
        &[("based_on", "0"), ("text", "李四于2026年12月31日前归还张三5000元。\n双方再无其他争议。")],
    )
    .await;
    let (_, v) = page(app, zhang, id).await;
    assert!(sign(app, zhang, id, ZHANG, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(app, li, id, LI, &v, Some(PNG)).await.contains("signed=1"));
    assert!(sign(app, mediator, id, MEDIATOR, &v, None).await.contains("effective=1"));
    id
}

async fn judicial_confirmation_is_applied_for_jointly_and_ruled(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, wang, mediator, judge, clerk, other_court) =
        (new_client(), new_client(), new_client(), new_client(), new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&wang, WANG).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    app.staff_sign_in(&judge, JUDGE).await;
    app.staff_sign_in(&clerk, CLERK).await;
    app.staff_sign_in(&other_court, OTHER_COURT_CLERK).await;

    // Before the agreement is in force nothing can be applied for.
    let early = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    let to = post(&app, &zhang, &format!("/mediations/{early}/confirmation"), &[]).await;
    assert!(to.contains("error=confirmation_not_in_force"), "{to}");

    let id = in_force(&app, &zhang, &li, &mediator).await;
    let (_, v) = page(&app, &zhang, id).await;
    assert_eq!(v["may_apply"], true, "{v}");
    assert!(v["confirmation"].is_null());
    // Someone else's matter: not found, and nothing recorded.
    let to = post(&app, &wang, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(!to.contains("jc="), "{to}");
    assert!(page(&app, &zhang, id).await.1["confirmation"].is_null());
    // The mediator is not a party: the application is the parties' own act.
    let to = post(&app, &mediator, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("error=confirmation_parties_only"), "{to}");

    // 张三 applies; a double tap records it once.
    let to = post(&app, &zhang, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("jc=applied"), "{to}");
    let to = post(&app, &zhang, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("jc=already"), "{to}");
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["may_apply"], true);
    assert_eq!(v["confirmation"]["applied"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["confirmation"]["waiting_for"][0], "李四");
    assert!(v["confirmation"]["number"].is_null());
    let told = pocket_court::store::sms::latest(&app.running.services.db, 5).await.unwrap();
    assert!(
        told.iter().any(|m| m.phone == LI && m.body.contains("一起申请司法确认")),
        "{:?}",
        told.iter().map(|m| &m.body).collect::<Vec<_>>()
    );

    // Not joint yet: the judge cannot rule.
    let ruling = [("outcome", "valid"), ("checked", "1")];
    let to = post(&app, &judge, &format!("/staff/mediations/{id}/ruling"), &ruling).await;
    assert!(to.contains("error=confirmation_not_joint"), "{to}");

    // 李四 joins: docketed as a 民特 case with the court's next number, no fee.
    let to = post(&app, &li, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("jc=docketed"), "{to}");
    let to = post(&app, &li, &format!("/mediations/{id}/confirmation"), &[]).await;
    assert!(to.contains("jc=already"), "{to}");
    let (_, v) = page(&app, &zhang, id).await;
    let number = v["confirmation"]["number"].as_str().unwrap().to_string();
    assert!(number.contains("湘0181民特1号"), "{number}");
    assert!(v["confirmation"]["review_due"]["due_date"].is_string(), "{v}");
    assert_eq!(v["confirmation"]["may_withdraw"], true);
    assert_eq!(v["confirmation"]["may_rule"], false);

    // The judge's list and page; a clerk and another court's staff may not rule.
    let (status, q) = app.call(&judge, "confirmation_queue", &[]).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(q[0]["number"], number.as_str());
    let (_, jv) = page(&app, &judge, id).await;
    assert_eq!(jv["confirmation"]["may_rule"], true, "{jv}");
    assert_eq!(jv["confirmation"]["checklist"].as_array().unwrap().len(), 5);
    let to = post(&app, &clerk, &format!("/staff/mediations/{id}/ruling"), &ruling).await;
    assert!(to.contains("error=ruling_judge_only"), "{to}");
    let to = post(&app, &other_court, &format!("/staff/mediations/{id}/ruling"), &ruling).await;
    assert!(!to.contains("jc=ruled"), "another court's staff ruled: {to}");

    // Wrong forms: no outcome; a rejection without a ground or reasons; valid unchecked.
    for (form, code) in [
        (vec![("checked", "1")], "ruling_grounds"),
        (vec![("outcome", "rejected"), ("reasons", "理由写在这里。")], "ruling_grounds"),
        (vec![("outcome", "rejected"), ("ground", "unclear")], "ruling_reasons"),
        (
            vec![
                ("outcome", "dismissed"),
                ("ground", "na_ownership"),
                ("ground", "na_personal_status"),
                ("reasons", "理由写在这里。"),
            ],
            "ruling_grounds",
        ),
        (vec![("outcome", "valid")], "ruling_checklist"),
    ] {
        let to = post(&app, &judge, &format!("/staff/mediations/{id}/ruling"), &form).await;
        assert!(to.contains(&format!("error={code}")), "{form:?}: {to}");
    }
    // The ruling: valid. Once: a replay is refused.
    let to = post(&app, &judge, &format!("/staff/mediations/{id}/ruling"), &ruling).await;
    assert!(to.contains("jc=ruled"), "{to}");
    let to = post(&app, &judge, &format!("/staff/mediations/{id}/ruling"), &ruling).await;
    assert!(to.contains("error=confirmation_closed"), "{to}");
    let to = post(&app, &zhang, &format!("/mediations/{id}/confirmation/withdraw"), &[]).await;
    assert!(to.contains("error=confirmation_closed"), "{to}");

    let (_, v) = page(&app, &li, id).await;
    let r = &v["confirmation"]["ruling"];
    assert_eq!(r["outcome"], "valid", "{v}");
    assert!(r["objection_note"].as_str().unwrap().contains("15日"));
    // The ruling's PDF: the parties open it; its bytes are what the page's fingerprint says.
    let pdf = li.get(app.url(r["pdf_href"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), r["sha256"].as_str().unwrap());
    let outsider = wang.get(app.url(r["pdf_href"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(outsider.status(), 404);
    let told = pocket_court::store::sms::latest(&app.running.services.db, 5).await.unwrap();
    assert!(
        told.iter().any(|m| m.phone == ZHANG && m.body.contains("已作出裁定")),
        "{:?}",
        told.iter().map(|m| &m.body).collect::<Vec<_>>()
    );
    let (_, f) = app.call(&mediator, "mediation_figures", &[]).await;
    assert_eq!(f["confirmed"], 1, "{f}");
}
both_backends!(judicial_confirmation_is_applied_for_jointly_and_ruled);

async fn confirmation_is_refused_after_thirty_days_and_may_be_withdrawn(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, mediator, judge) = (new_client(), new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    app.staff_sign_in(&judge, JUDGE).await;

    // A withdrawn application ends it; a rejection needs grounds and says what is left.
    let first = in_force(&app, &zhang, &li, &mediator).await;
    post(&app, &zhang, &format!("/mediations/{first}/confirmation"), &[]).await;
    let to = post(&app, &li, &format!("/mediations/{first}/confirmation/withdraw"), &[]).await;
    assert!(to.contains("jc=withdrawn"), "{to}");
    let to = post(&app, &li, &format!("/mediations/{first}/confirmation"), &[]).await;
    assert!(to.contains("error=confirmation_closed"), "{to}");

    let second = in_force(&app, &zhang, &li, &mediator).await;
    post(&app, &zhang, &format!("/mediations/{second}/confirmation"), &[]).await;
    post(&app, &li, &format!("/mediations/{second}/confirmation"), &[]).await;
    let (_, v) = page(&app, &zhang, second).await;
    assert!(v["confirmation"]["number"].as_str().unwrap().contains("民特1号"), "numbers start at 1: {v}");
    let to = post(
        &app,
        &judge,
        &format!("/staff/mediations/{second}/ruling"),
        &[("outcome", "rejected"), ("ground", "unclear"), ("reasons", "还款日期前后矛盾，无法执行。")],
    )
    .await;
    assert!(to.contains("jc=ruled"), "{to}");
    let (_, v) = page(&app, &zhang, second).await;
    assert_eq!(v["confirmation"]["ruling"]["outcome"], "rejected");
    assert!(v["confirmation"]["ruling"]["meaning"].as_str().unwrap().contains("起诉"));

    // A third agreement; the window passes with one party applied: nothing can be joined.
    let third = in_force(&app, &zhang, &li, &mediator).await;
    post(&app, &zhang, &format!("/mediations/{third}/confirmation"), &[]).await;
    let (_, v) = page(&app, &li, third).await;
    let last = v["window"]["due_at"].as_i64().unwrap();
    let now = app.running.services.now();
    app.clock.advance(last - now + 1);
    // A month on, sessions have idled out: both sign in again.
    app.sign_in(&li, LI).await;
    app.sign_in(&zhang, ZHANG).await;
    let to = post(&app, &li, &format!("/mediations/{third}/confirmation"), &[]).await;
    assert!(to.contains("error=confirmation_late"), "{to}");
    let (_, v) = page(&app, &li, third).await;
    assert_eq!(v["window_lapsed"], true, "{v}");
    assert_eq!(v["may_apply"], false);
    // The docketed number series went on without a gap: the third was never docketed.
    let (_, v) = page(&app, &zhang, second).await;
    assert!(v["confirmation"]["number"].as_str().unwrap().contains("民特1号"));
}
both_backends!(confirmation_is_refused_after_thirty_days_and_may_be_withdrawn);

/// The text of a PDF, by poppler's `pdftotext` (CI installs poppler-utils).
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

async fn the_agreement_in_force_is_a_pdf_with_every_signature(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, li, wang, mediator) = (new_client(), new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&wang, WANG).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let open = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    // Not in force yet: no agreement to download.
    let res = zhang.get(app.url(&format!("/mediations/{open}/agreement.pdf"))).send().await.unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("还没有生效"));

    let id = in_force(&app, &zhang, &li, &mediator).await;
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["agreement_pdf"], format!("/mediations/{id}/agreement.pdf"));
    let res = li.get(app.url(&format!("/mediations/{id}/agreement.pdf"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF-"));
    // Both drawn names are in it as pictures (with their transparency); the mediator signed
    // by code alone.
    let raw = String::from_utf8_lossy(&pdf);
    assert_eq!(raw.matches("/SMask").count(), 2, "two drawn signatures");
    let text = pdf_text(&pdf);
    for expected in ["调解协议书", "张三", "李四", "周调解员", "归还张三5000元", "短信验证码", "未手写"]
    {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(text.contains(&v["agreement"]["sha256"].as_str().unwrap()[..16]), "the fingerprint: {text}");
    // The same bytes every time; nobody else gets it.
    let again = zhang.get(app.url(&format!("/mediations/{id}/agreement.pdf"))).send().await.unwrap();
    assert_eq!(again.bytes().await.unwrap().to_vec(), pdf);
    let res = wang.get(app.url(&format!("/mediations/{id}/agreement.pdf"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
}
both_backends!(the_agreement_in_force_is_a_pdf_with_every_signature);

/// `make bench`: a signature's submission (code checked, drawn PNG stored durably, the row,
/// its event and its service-log entry in one transaction), the agreement's PDF and a
/// signature's receipt, timed on loopback, SQLite.
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn bench_mediation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (zhang, li, mediator) = (new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let n = 100;
    let mut signing = Vec::with_capacity(n);
    for i in 0..n {
        // A number gets only so many signing codes a day (and sign-in codes, counted apart):
        // a day passes every few signatures, and the sessions, idle that long, are made again.
        if i % 4 == 3 {
            app.clock.advance(86_400);
            app.sign_in(&zhang, ZHANG).await;
            app.sign_in(&li, LI).await;
            app.staff_sign_in(&mediator, MEDIATOR).await;
        }
        let id = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
        post(
            &app,
            &mediator,
            &format!("/staff/mediations/{id}/agreement"),
            &[("based_on", "0"), ("text", "李四归还5000元。")],
        )
        .await;
        let (_, v) = page(&app, &zhang, id).await;
        let (req, code) = code_for(&app, &zhang, id, ZHANG).await;
        let version = v["agreement"]["version"].as_i64().unwrap().to_string();
        let sha = v["agreement"]["sha256"].as_str().unwrap().to_string();
        let form = [
            ("version", version.as_str()),
            ("sha256", sha.as_str()),
            ("request_id", req.as_str()),
            ("code", code.as_str()),
            ("confirmed", "1"),
            ("pad", "1"),
            ("signature", PNG),
        ];
        let started = std::time::Instant::now();
        let to = post(&app, &zhang, &format!("/mediations/{id}/sign"), &form).await;
        signing.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(to.contains("signed=1"), "{to}");
    }
    app.clock.advance(86_400);
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let id = in_force(&app, &zhang, &li, &mediator).await;
    let mut rendering = Vec::new();
    for _ in 0..50 {
        let started = std::time::Instant::now();
        let res = zhang.get(app.url(&format!("/mediations/{id}/agreement.pdf"))).send().await.unwrap();
        let bytes = res.bytes().await.unwrap();
        rendering.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(bytes.starts_with(b"%PDF-"));
    }
    // A signature's receipt: its log entry with the inclusion proof in a signed head.
    let (_, v) = page(&app, &zhang, id).await;
    let href = v["ledger"][0]["receipt"].as_str().expect("a logged signature").to_string();
    let mut receipts = Vec::new();
    for _ in 0..50 {
        let started = std::time::Instant::now();
        let res = zhang.get(app.url(&href)).send().await.unwrap();
        let bytes = res.bytes().await.unwrap();
        receipts.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(bytes.starts_with(b"{"));
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 * p).ceil() as usize).saturating_sub(1)]
    };
    println!(
        "BENCH signature submission (code + drawn PNG + row, durable), SQLite: p50 {:.1} ms, p99 {:.1} ms ({n} signatures)",
        pct(&mut signing, 0.5),
        pct(&mut signing, 0.99)
    );
    println!(
        "BENCH agreement PDF (3 signatures, 2 drawn) over HTTP: p50 {:.1} ms, p99 {:.1} ms (50 requests)",
        pct(&mut rendering, 0.5),
        pct(&mut rendering, 0.99)
    );
    println!(
        "BENCH signature receipt (log entry + inclusion proof) over HTTP: p50 {:.1} ms, p99 {:.1} ms (50 requests)",
        pct(&mut receipts, 0.5),
        pct(&mut receipts, 0.99)
    );
}

/// Sets a video session at 10:00 on `date` with the room `link`; where the door sends one.
async fn session(app: &TestApp, client: &reqwest::Client, id: i64, date: &str, link: &str) -> String {
    post(
        app,
        client,
        &format!("/staff/mediations/{id}/session"),
        &[("date", date), ("time", "10:00"), ("link", link)],
    )
    .await
}

/// OMR art. 16: the mediator sets a video session on the court's meeting service; the parties
/// are texted, and the page offers the room from 15 minutes before to 3 hours after the start.
/// A wrong time or a link elsewhere is refused with what was typed kept; a party cannot set
/// one; a court without a meeting service offers none.
async fn a_video_session_is_set_on_the_courts_meeting_service_and_joined_around_its_time(b: Backend) {
    use app::rules::dates::CivilDate;
    let app = TestApp::spawn(b.clone()).await;
    let (zhang, li, mediator, wang) = (new_client(), new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.sign_in(&li, LI).await;
    app.sign_in(&wang, WANG).await;
    app.staff_sign_in(&mediator, MEDIATOR).await;
    let id = agreed_to_mediate(&app, &zhang, &li, &mediator).await;
    let services = &app.running.services;
    let tomorrow = CivilDate::from_unix_shanghai(services.now()).add_days(1).to_string();
    let room = format!("{MEETING_URL}88123456");
    let (_, v) = page(&app, &mediator, id).await;
    assert_eq!(v["meeting_service"], MEETING_URL, "the form names the service");
    let (_, v) = page(&app, &zhang, id).await;
    assert!(v["meeting_service"].is_null() && v["sessions"].as_array().unwrap().is_empty(), "{v}");

    // Not a party's to set; not in the past; not a link elsewhere (kept as typed).
    assert!(session(&app, &zhang, id, &tomorrow, &room).await.contains("error=mediator_only"));
    assert!(session(&app, &mediator, id, "2020-01-01", &room).await.contains("error=session_time"));
    assert!(session(&app, &mediator, id, &tomorrow, "10:00").await.contains("error=session_link"));
    let to = session(&app, &mediator, id, &tomorrow, "https://meet.example.cn/j/1").await;
    assert!(to.contains("error=session_link") && to.contains("link=https"), "{to}");
    // A stranger is sent back as to any page it may not see ("not found"); nothing is set.
    let to = session(&app, &wang, id, &tomorrow, &room).await;
    assert!(!to.contains("scheduled"), "a stranger: {to}");

    assert_eq!(
        session(&app, &mediator, id, &tomorrow, &room).await,
        format!("/mediations/{id}?scheduled=1#sessions")
    );
    let told = pocket_court::store::sms::latest(&services.db, 10).await.unwrap();
    for phone in [ZHANG, LI] {
        assert!(told.iter().any(|m| m.phone == phone && m.body.contains("视频调解")), "{phone} texted");
    }
    // Before the time: no link yet, and it says when it comes.
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1, "only the mediator's: {v}");
    let s = &v["sessions"][0];
    assert!(s["join"].is_null() && s["note"].as_str().unwrap().contains("15分钟"), "{v}");
    // Ten minutes before 10:00 tomorrow: the room is offered.
    let start = app::rules::mediation::session_start(&tomorrow, "10:00").unwrap();
    app.clock.advance(start - 600 - services.now());
    app.sign_in(&li, LI).await;
    let (_, v) = page(&app, &li, id).await;
    assert_eq!(v["sessions"][0]["join"], room.as_str(), "{v}");
    assert!(v["events"].to_string().contains("安排视频调解"), "{v}");
    // Three hours after it began, it is gone from the page.
    app.clock.advance(600 + 3 * 3600 + 1);
    app.sign_in(&li, LI).await;
    let (_, v) = page(&app, &li, id).await;
    assert!(v["sessions"].as_array().unwrap().is_empty(), "{v}");

    // A court with no meeting service offers no form and refuses the door.
    let plain = TestApp::spawn_with(b, |a| a.meeting_url = None).await.unwrap();
    let (zhang, li, mediator) = (new_client(), new_client(), new_client());
    plain.sign_in(&zhang, ZHANG).await;
    plain.sign_in(&li, LI).await;
    plain.staff_sign_in(&mediator, MEDIATOR).await;
    let id = agreed_to_mediate(&plain, &zhang, &li, &mediator).await;
    let (_, v) = page(&plain, &mediator, id).await;
    assert!(v["meeting_service"].is_null(), "{v}");
    let to = session(&plain, &mediator, id, &tomorrow, &room).await;
    assert!(to.contains("error=no_meeting_service"), "{to}");
}
both_backends!(a_video_session_is_set_on_the_courts_meeting_service_and_joined_around_its_time);
