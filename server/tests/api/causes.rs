//! One fee for one case, whatever asks: for every cause that can be filed online, the
//! estimate a litigant sees while filing, the charge of the fee notice at docketing and the
//! settlement at closing come from the same rule (`rules::filing::case_fee`) on the same
//! typed cause — 诉讼费用交纳办法 arts. 13, 15, 16, 20.
//!
//! Each cause is filed over the REST API, docketed by a clerk under the estimate's procedure,
//! read back from the fee account, and settled as a mediated closing from the stored row.

use crate::both_backends;
use crate::filings::upload;
use crate::helpers::*;
use app::api::port::Caller;
use app::api::types::{Me, Role};
use app::rules::fees::{Fen, Outcome};
use app::rules::filing::{case_fee, Cause};
use app::rules::lifecycle::Procedure;
use pocket_court::services::fees::{closing_of, CaseOutcome};
use pocket_court::services::filing::FilingDecision;
use serde_json::{json, Value};

const PROOF: &[u8] = b"%PDF-1.7\n% proof\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A clerk of the demo court, as the services see one.
async fn clerk(app: &TestApp) -> Caller {
    let u =
        pocket_court::store::people::user_by_phone(&app.running.services.db, CLERK).await.unwrap().unwrap();
    Caller {
        me: Some(Me {
            id: u.id,
            role: Role::Clerk,
            phone_masked: String::new(),
            name: u.name.clone(),
            resident_id_masked: None,
            court_id: u.court_id,
            court_name: None,
        }),
        lang: app::rules::Lang::Zh,
        ip: "127.0.0.1".parse().unwrap(),
        session: None,
    }
}

/// Files a case of `cause` claiming `yuan` (none when empty) for ZHANG; returns the filing's
/// status document once filed, and the estimate it showed before filing.
async fn file(app: &TestApp, zhang: &reqwest::Client, cause: Cause, yuan: &str) -> (Value, Value) {
    let me = pocket_court::store::people::user_by_phone(&app.running.services.db, ZHANG)
        .await
        .unwrap()
        .unwrap()
        .resident_id
        .unwrap();
    let claim = if yuan.is_empty() {
        json!({"text": "判令准予离婚"})
    } else {
        json!({"text": "判令被告支付款项", "amount_yuan": yuan})
    };
    let mut draft = json!({
        "cause": cause.code(),
        "court_code": "湘0181",
        "plaintiffs": [{"kind": "person", "name": "张三", "id_number": me, "phone": ZHANG, "address": "浏阳市"}],
        "defendants": [{"kind": "person", "name": "李四", "address": "浏阳市淮川街道2号"}],
        "claims": [claim],
        "facts": "事情的经过写在这里，对方一直没有履行。",
        "service": {"consent": false}
    });
    let res = zhang.post(app.url("/api/v1/filings")).json(&json!({"draft": draft})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let doc: Value = res.json().await.unwrap();
    let id = doc["id"].as_i64().unwrap();
    let estimate = doc["estimate"].clone();
    let upload_id = upload(app, zhang, id, "证据.pdf", PROOF).await;
    draft["evidence"] = json!([{"upload_id": upload_id, "title": "证据"}]);
    let body = json!({"version": doc["version"], "draft": draft, "submit": true});
    let res = zhang.put(app.url(&format!("/api/v1/filings/{id}"))).json(&body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap_or_default());
    let (_, filed) = app.get_json(zhang, &format!("/api/v1/filings/{id}")).await;
    assert_eq!(filed["status"], "submitted", "{filed}");
    (filed, estimate)
}

async fn one_fee_from_estimate_to_closing(b: Backend, cause: Cause, yuan: &str) {
    let app = TestApp::spawn(b).await;
    let zhang = new_client();
    app.sign_in(&zhang, ZHANG).await;
    let (filed, estimate) = file(&app, &zhang, cause, yuan).await;
    let case_id = filed["case_id"].as_i64().unwrap();
    let shown = estimate["fee"]["total"].as_i64().expect("an estimate with a fee");
    let prepaid = estimate["fee"]["prepaid"].as_bool().unwrap();
    let procedure: Procedure = serde_json::from_value(estimate["procedure"].clone()).unwrap();

    // What the rule says, from the typed cause alone.
    let claim = Fen(estimate["claim"].as_i64().unwrap_or(0));
    let settings = &app.running.services.fee_settings;
    let rule = case_fee(Some(cause), claim, procedure.into(), None, settings).unwrap();
    assert_eq!(shown, rule.total.as_fen(), "the estimate is the rule's fee");

    // Docketing under the estimate's procedure: the fee notice charges exactly that, when it
    // is prepaid at all (art. 20: labour pay is not).
    let services = app.running.services.clone();
    services
        .decide_filing(&clerk(&app).await, case_id, FilingDecision::Docket { procedure })
        .await
        .expect("docketed");
    let (status, acct) = app.get_json(&zhang, &format!("/api/v1/cases/{case_id}/fees")).await;
    assert_eq!(status, 200, "{acct}");
    let charged = acct["charged_fen"].as_i64().unwrap();
    assert_eq!(charged, if prepaid { shown } else { 0 }, "charge at docketing: {acct}");
    let (_, progress) = app.get_json(&zhang, &format!("/api/v1/cases/{case_id}/progress")).await;
    assert_eq!(progress["cause"], cause.label(app::rules::Lang::Zh), "the cause reads back typed");

    // Closing by mediation from the stored row: the final fee is the rule's, halved (art. 15).
    let row = pocket_court::store::cases::case_by_id(&services.db, case_id).await.unwrap().unwrap();
    assert_eq!(row.cause, Some(cause), "stored as its code, read back typed");
    let closing = closing_of(&services.db, &row, CaseOutcome::Mediated, settings, 0).await.unwrap();
    let reduced = closing.reduction.as_ref().map(|r| r.0).unwrap_or(0);
    let settled = case_fee(Some(cause), claim, procedure.into(), Some(Outcome::Mediated), settings).unwrap();
    if prepaid {
        assert_eq!(charged - reduced, settled.total.as_fen(), "settlement at closing");
    } else {
        assert_eq!((charged, reduced), (0, 0), "nothing charged, nothing to settle");
    }
}

macro_rules! per_cause {
    ($($name:ident: $cause:expr, $yuan:expr;)*) => {$(
        async fn $name(b: Backend) {
            one_fee_from_estimate_to_closing(b, $cause, $yuan).await;
        }
        both_backends!($name);
    )*};
}

per_cause! {
    private_lending_is_charged_as_estimated: Cause::PrivateLending, "200000";
    sales_contract_is_charged_as_estimated: Cause::SalesContract, "8000";
    divorce_is_charged_as_estimated: Cause::Divorce, "";
    labour_dispute_is_charged_as_estimated: Cause::LabourDispute, "60000";
    traffic_accident_is_charged_as_estimated: Cause::TrafficAccident, "120000";
    property_service_is_charged_as_estimated: Cause::PropertyService, "3000";
    // The bug this replaced: docketing searched the cause's name for "劳动争议" and charged
    // a wage claim of 60,000 yuan as a property case (1,300 yuan) instead of 10 yuan a case.
    unpaid_wages_is_charged_as_estimated: Cause::UnpaidWages, "60000";
}
