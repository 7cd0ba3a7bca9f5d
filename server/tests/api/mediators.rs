//! The roster of mediators (在线调解规则 art. 5) and the choice of one when asking for
//! mediation (arts. 10, 12), through the doors a phone uses: the public roster with what the
//! records count; a mediator keeping their own profile; a choice of another court's mediator
//! refused; the chosen mediator alone may take the matter until they decline with reasons or 3
//! working days pass.

use crate::both_backends;
use crate::helpers::*;
use crate::mediation::post;
use serde_json::Value;

const ZHOU: &str = "13900000003";
const WU: &str = "13900000005";

async fn roster(app: &TestApp) -> Vec<Value> {
    let (status, v) = app.call(&new_client(), "mediator_roster", &[]).await;
    assert_eq!(status, 200, "public: {v}");
    v.as_array().unwrap().clone()
}

fn id_of(roster: &[Value], name: &str) -> String {
    roster.iter().find(|m| m["name"] == name).unwrap_or_else(|| panic!("{name} listed"))["id"].to_string()
}

fn request(mediator: &str) -> Vec<(&str, &str)> {
    vec![
        ("court", "湘0181"),
        ("cause", "private_lending"),
        ("respondent_name", "李四"),
        ("respondent_phone", LI),
        ("summary", "2025年3月借给李四5万元，约定半年归还，到期未还。"),
        ("address", "湖南省浏阳市集里街道1号"),
        ("warned", "1"),
        ("mediator", mediator),
    ]
}

fn new_matter(to: &str) -> i64 {
    to.strip_prefix("/mediations/")
        .and_then(|r| r.split('?').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("to the new matter: {to}"))
}

async fn the_roster_is_public_and_a_mediator_keeps_their_own_profile(b: Backend) {
    let app = TestApp::spawn(b).await;
    // Anyone sees it, signed in or not: background, specialities, range, fee, court, counts.
    let list = roster(&app).await;
    let zhou = list.iter().find(|m| m["name"] == "周调解员").expect("listed");
    assert_eq!(zhou["court"], "浏阳市人民法院");
    assert_eq!(zhou["fee"], "不收费");
    assert!(zhou["background"].as_str().unwrap().contains("退休法官"), "{zhou}");
    assert!(zhou.get("phone").is_none(), "no phone number on the public roster: {zhou}");
    let (status, html) = app.get_page(&new_client(), "/mediators").await;
    assert_eq!(status, 200);
    assert!(html.contains("周调解员") && html.contains("吴调解员") && html.contains("特邀法院"), "{html}");

    // 周调解员 edits it: a missing field is refused with what was typed kept; then saved.
    let zhou_client = new_client();
    app.staff_sign_in(&zhou_client, ZHOU).await;
    let to = post(
        &app,
        &zhou_client,
        "/staff/mediator-profile",
        &[("background", "退休法官"), ("specialities", " "), ("dispute_range", "婚姻家庭"), ("listed", "1")],
    )
    .await;
    assert!(to.contains("error=profile_fields") && to.contains("background="), "{to}");
    let to = post(
        &app,
        &zhou_client,
        "/staff/mediator-profile",
        &[
            ("background", "退休法官，民事审判28年"),
            ("specialities", "婚姻家庭、继承"),
            ("dispute_range", "婚姻家庭、继承、相邻关系纠纷"),
            ("fee", "每件200元（经济困难的免收）"),
            ("listed", "1"),
        ],
    )
    .await;
    assert_eq!(to, "/staff/mediator-profile?saved=1");
    let list = roster(&app).await;
    let zhou = list.iter().find(|m| m["name"] == "周调解员").unwrap();
    assert_eq!(zhou["specialities"], "婚姻家庭、继承");
    assert_eq!(zhou["fee"], "每件200元（经济困难的免收）");
    // Off the roster when not listed; only mediators have a profile to edit.
    let to = post(
        &app,
        &zhou_client,
        "/staff/mediator-profile",
        &[("background", "退休法官"), ("specialities", "婚姻家庭"), ("dispute_range", "婚姻家庭")],
    )
    .await;
    assert_eq!(to, "/staff/mediator-profile?saved=1");
    assert!(roster(&app).await.iter().all(|m| m["name"] != "周调解员"));
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let to = post(
        &app,
        &clerk,
        "/staff/mediator-profile",
        &[("background", "书记员"), ("specialities", "送达"), ("dispute_range", "全部"), ("listed", "1")],
    )
    .await;
    assert!(to.contains("error=mediator_only"), "{to}");
    let (status, _) = app.call(&clerk, "my_mediator_profile", &[]).await;
    assert_eq!(status, 403);
}
both_backends!(the_roster_is_public_and_a_mediator_keeps_their_own_profile);

async fn the_chosen_mediator_answers_first_then_the_court_designates(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (zhang, zhou, wu) = (new_client(), new_client(), new_client());
    app.sign_in(&zhang, ZHANG).await;
    app.staff_sign_in(&zhou, ZHOU).await;
    app.staff_sign_in(&wu, WU).await;
    let list = roster(&app).await;
    let zhou_id = id_of(&list, "周调解员");

    // A mediator who is not on the chosen court's roster, or no number at all: refused, kept.
    for bad in ["999999", "周调解员"] {
        let to = post(&app, &zhang, "/mediations", &request(bad)).await;
        assert!(to.contains("error=mediation_mediator") && to.contains("summary="), "{bad}: {to}");
    }
    let mut other_court = request(&zhou_id);
    other_court[0] = ("court", "湘0103");
    let to = post(&app, &zhang, "/mediations", &other_court).await;
    assert!(to.contains("error=mediation_mediator"), "another court's mediator: {to}");

    // 周调解员 chosen: texted; 吴调解员 may not take it while 周 has not answered.
    let id = new_matter(&post(&app, &zhang, "/mediations", &request(&zhou_id)).await);
    let told = pocket_court::store::sms::latest(&app.running.services.db, 10).await.unwrap();
    assert!(told.iter().any(|m| m.phone == ZHOU && m.body.contains("选择由您主持")), "周 texted");
    let (_, v) = app.call(&zhang, "mediation_page", &[("id", &id.to_string())]).await;
    assert_eq!(v["chosen_mediator"], "周调解员", "{v}");
    let (_, v) = app.call(&wu, "mediation_page", &[("id", &id.to_string())]).await;
    assert_eq!((v["may_accept"].as_bool(), v["may_decline_choice"].as_bool()), (Some(false), Some(false)));
    let to = post(&app, &wu, &format!("/staff/mediations/{id}/accept"), &[]).await;
    assert!(to.contains("error=mediation_chosen_other"), "{to}");
    let to = post(&app, &wu, &format!("/staff/mediations/{id}/decline-choice"), &[("reasons", "忙")]).await;
    assert!(to.contains("error=choice_not_yours"), "{to}");

    // 周 declines: reasons are required; then the applicant is told, and anyone may take it.
    let (_, v) = app.call(&zhou, "mediation_page", &[("id", &id.to_string())]).await;
    assert_eq!((v["may_accept"].as_bool(), v["may_decline_choice"].as_bool()), (Some(true), Some(true)));
    let to = post(&app, &zhou, &format!("/staff/mediations/{id}/decline-choice"), &[("reasons", "  ")]).await;
    assert!(to.contains("error=choice_decline_reason"), "{to}");
    let to = post(
        &app,
        &zhou,
        &format!("/staff/mediations/{id}/decline-choice"),
        &[("reasons", "与被申请人是亲戚")],
    )
    .await;
    assert_eq!(to, format!("/mediations/{id}?choice_declined=1"));
    let told = pocket_court::store::sms::latest(&app.running.services.db, 10).await.unwrap();
    assert!(told.iter().any(|m| m.phone == ZHANG && m.body.contains("与被申请人是亲戚")), "张三 told why");
    let to = post(&app, &zhou, &format!("/staff/mediations/{id}/decline-choice"), &[("reasons", "再拒一次")])
        .await;
    assert!(to.contains("error=choice_not_yours"), "a replay: {to}");
    assert_eq!(
        post(&app, &wu, &format!("/staff/mediations/{id}/accept"), &[]).await,
        format!("/mediations/{id}?accepted=1")
    );
    let (_, v) = app.call(&zhang, "mediation_page", &[("id", &id.to_string())]).await;
    assert!(v["chosen_mediator"].is_null() && v["mediator"][0] == "吴调解员", "{v}");
    assert!(v["events"].to_string().contains("与被申请人是亲戚"), "the reasons are on the record: {v}");

    // Chosen again and never answered: after 3 working days another mediator may take it.
    let id = new_matter(&post(&app, &zhang, "/mediations", &request(&zhou_id)).await);
    app.clock.advance(8 * 86_400);
    app.staff_sign_in(&wu, WU).await;
    let (_, v) = app.call(&wu, "mediation_page", &[("id", &id.to_string())]).await;
    assert_eq!(v["may_accept"], true, "{v}");
    assert_eq!(
        post(&app, &wu, &format!("/staff/mediations/{id}/accept"), &[]).await,
        format!("/mediations/{id}?accepted=1")
    );
    // Taken: the one chosen can neither take it nor decline it now.
    app.staff_sign_in(&zhou, ZHOU).await;
    let to = post(&app, &zhou, &format!("/staff/mediations/{id}/accept"), &[]).await;
    assert!(to.contains("error=mediation_taken"), "{to}");
    // Counted from the records: 吴 has taken two.
    let wu_row = roster(&app).await.into_iter().find(|m| m["name"] == "吴调解员").unwrap();
    assert!(wu_row["taken"].as_i64().unwrap() >= 2, "{wu_row}");
}
both_backends!(the_chosen_mediator_answers_first_then_the_court_designates);
