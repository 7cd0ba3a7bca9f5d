//! Case progress and who may see what.

use crate::both_backends;
use crate::helpers::*;
use serde_json::Value;

fn ids(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

async fn my_cases_lists_exactly_the_cases_where_i_am_a_party(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (status, list) = app.call(&app.client, "my_cases", &[]).await;
    assert_eq!(status, 200);
    let mine = ids(&list);
    assert!(mine.len() >= 10, "张三 is in most demo cases: {mine:?}");
    for id in &mine {
        let (status, p) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/progress")).await;
        assert_eq!(status, 200);
        assert!(p["parties"].as_array().unwrap().iter().any(|x| x["name"] == "张三"), "{p}");
    }
    let (_, api) = app.get_json(&app.client, "/api/v1/cases").await;
    assert_eq!(ids(&api), mine);
}
both_backends!(my_cases_lists_exactly_the_cases_where_i_am_a_party);

async fn another_persons_case_is_not_found_on_every_route(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (_, list) = app.call(&app.client, "my_cases", &[]).await;
    let mine = ids(&list);
    let theirs = (1..=20).find(|id| !mine.contains(id)).expect("a demo case without 张三");
    let (status, e) = app.get_json(&app.client, &format!("/api/v1/cases/{theirs}/progress")).await;
    assert_eq!(status, 404);
    assert!(e["error"].as_str().unwrap().contains("没有找到"));
    // Exactly the same answer as a case that does not exist.
    let (status, e2) = app.get_json(&app.client, "/api/v1/cases/999999/progress").await;
    assert_eq!((status, &e2), (404, &e));
    let (status, _) = app.get_json(&app.client, "/api/v1/cases/abc/progress").await;
    assert_eq!(status, 404);
    let (status, _) = app.call(&app.client, "case_progress", &[("id", &theirs.to_string())]).await;
    assert_eq!(status, 404);
    let (status, html) = app.get_page(&app.client, &format!("/cases/{theirs}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("没有找到这个案件"));
    let (_, p) = app.get_json(&new_client(), "/api/v1/cases").await;
    assert!(p["error"].is_string());
}
both_backends!(another_persons_case_is_not_found_on_every_route);

async fn an_agent_sees_the_cases_of_the_party_they_represent_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (_, wang_cases) = app.call(&wang, "my_cases", &[]).await;
    app.clock.advance(120);
    app.sign_in(&app.client, LAWYER).await;
    let (_, agent_cases) = app.call(&app.client, "my_cases", &[]).await;
    let plaintiff_cases: Vec<i64> = wang_cases
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["my_side"].as_str().unwrap().contains("原告"))
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!plaintiff_cases.is_empty());
    assert_eq!(ids(&agent_cases), plaintiff_cases);
    assert!(agent_cases[0]["my_side"].as_str().unwrap().contains("代理"), "{agent_cases}");
}
both_backends!(an_agent_sees_the_cases_of_the_party_they_represent_only);

async fn staff_see_their_own_courts_cases_and_cross_region_filings_handed_in_there(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.staff_sign_in(&app.client, CLERK).await;
    let (_, all) = app.call(&app.client, "my_cases", &[]).await;
    assert_eq!(ids(&all).len(), 20);
    let other = new_client();
    app.staff_sign_in(&other, OTHER_COURT_CLERK).await;
    let (_, handed_in) = app.call(&other, "my_cases", &[]).await;
    let handed_in = ids(&handed_in);
    assert_eq!(handed_in.len(), 2, "the two demo cross-region filings");
    for id in 1..=20 {
        let (status, _) = app.get_json(&other, &format!("/api/v1/cases/{id}/progress")).await;
        assert_eq!(status, if handed_in.contains(&id) { 200 } else { 404 }, "case {id}");
    }
}
both_backends!(staff_see_their_own_courts_cases_and_cross_region_filings_handed_in_there);

async fn a_case_shows_its_timeline_next_deadline_and_contacts(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (_, list) = app.call(&app.client, "my_cases", &[]).await;
    let with_deadline = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["next_deadline"].is_null())
        .expect("a case with a deadline");
    let id = with_deadline["id"].as_i64().unwrap();
    let (status, p) = app.get_json(&app.client, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(status, 200);
    let timeline = p["timeline"].as_array().unwrap();
    assert!(timeline.len() >= 8, "{p}");
    // Nodes before the current one are done; exactly one is where the case stands now.
    let now = timeline
        .iter()
        .position(|n| n["status"] == "current" || n["status"] == "overdue")
        .expect("a current node");
    assert!(timeline[..now].iter().all(|n| n["status"] == "done"), "{p}");
    assert!(timeline[now + 1..].iter().all(|n| n["status"] == "upcoming"), "{p}");
    let d = &p["next_deadline"];
    assert!(d["due_at"].as_i64().unwrap() > 0);
    assert!(!d["source"].as_str().unwrap().is_empty(), "every deadline names its article");
    // The page arrives complete from the server: timeline and countdown in the HTML.
    let (status, html) = app.get_page(&app.client, &format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"timeline\""));
    assert!(html.contains("还剩") || html.contains("已超期"), "countdown rendered");
}
both_backends!(a_case_shows_its_timeline_next_deadline_and_contacts);

async fn a_case_is_found_by_its_number_typed_the_way_people_type_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (_, list) = app.call(&app.client, "my_cases", &[]).await;
    let c = list.as_array().unwrap().iter().find(|c| c["case_number"].is_string()).unwrap();
    let canonical = c["case_number"].as_str().unwrap();
    let typed = canonical.replace('（', "(").replace('）', ") ").trim_end_matches('号').to_string();
    let (status, id) = app.call(&app.client, "find_case", &[("q", &typed)]).await;
    assert_eq!(status, 200, "{id}");
    assert_eq!(id, c["id"]);
    let res = app.client.get(app.url(&format!("/cases?q={}", urlencode(&typed)))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302);
    assert_eq!(res.headers()["location"], format!("/cases/{}", c["id"]));
    let (status, e) = app.call(&app.client, "find_case", &[("q", "湘0181民初")]).await;
    assert_eq!(status, 422, "{e}");
}
both_backends!(a_case_is_found_by_its_number_typed_the_way_people_type_it);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

async fn anyone_with_number_and_query_code_sees_stage_and_dates_but_no_names(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.sign_in(&app.client, ZHANG).await;
    let (_, list) = app.call(&app.client, "my_cases", &[]).await;
    let c = list.as_array().unwrap().iter().find(|c| c["case_number"].is_string()).unwrap();
    let (_, p) = app.get_json(&app.client, &format!("/api/v1/cases/{}/progress", c["id"])).await;
    let number = p["case_number"].as_str().unwrap().to_string();
    let code = p["query_code"].as_str().unwrap().to_lowercase();
    let stranger = new_client();
    let (status, r) = app.call(&stranger, "public_query", &[("case_number", &number), ("code", &code)]).await;
    assert_eq!(status, 200, "{r}");
    let text = r.to_string();
    assert!(!text.contains("张三") && !text.contains("李四"), "no personal data: {text}");
    let (status, e) =
        app.call(&stranger, "public_query", &[("case_number", &number), ("code", "WRONG123")]).await;
    assert_eq!(status, 404, "{e}");
    let (status, html) =
        app.get_page(&stranger, &format!("/query?case_number={}&code={}", urlencode(&number), code)).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"public-result\""));
    for _ in 0..20 {
        app.call(&stranger, "public_query", &[("case_number", &number), ("code", "WRONG123")]).await;
    }
    let (status, _) = app.call(&stranger, "public_query", &[("case_number", &number), ("code", &code)]).await;
    assert_eq!(status, 429, "guessing is limited per address");
}
both_backends!(anyone_with_number_and_query_code_sees_stage_and_dates_but_no_names);

/// A representation ends when the party revokes it (or the court ends it), and the agent's
/// access stops at once — the next request is "not found". Nobody else can end it: not the
/// agent, not the other side.
async fn a_party_revokes_its_agent_and_the_agents_access_stops_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (wang, lawyer, li) = (new_client(), new_client(), new_client());
    app.sign_in(&wang, WANG).await;
    app.sign_in(&lawyer, LAWYER).await;
    app.sign_in(&li, LI).await;
    let (_, theirs) = app.get_json(&lawyer, "/api/v1/cases").await;
    let ids: Vec<i64> = theirs.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.len() >= 2, "the demo lawyer acts for 王五 in two cases or more: {theirs}");
    let id = ids[0];
    let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
    let agent = p["agents"][0]["id"].as_i64().expect("王五 sees the representation");
    let (_, p) = app.get_json(&li, &format!("/api/v1/cases/{id}/progress")).await;
    assert_eq!(p["agents"], serde_json::json!([]), "the other side sees no end button");
    let end = |client: &reqwest::Client, case: i64, agent: i64| {
        let client = client.clone();
        let url = app.url(&format!("/cases/{case}/agents/{agent}/end"));
        async move {
            let res = client.post(url).form(&[("reason", "换律师")]).send().await.unwrap();
            res.headers()["location"].to_str().unwrap().to_string()
        }
    };
    // Not the agent, not the other side.
    assert_eq!(end(&lawyer, id, agent).await, format!("/cases/{id}?error=representation_not_yours"));
    assert_eq!(end(&li, id, agent).await, format!("/cases/{id}?error=representation_not_yours"));
    assert_eq!(app.get_json(&lawyer, &format!("/api/v1/cases/{id}/progress")).await.0, 200);
    // The party: ended, and the agent's very next request is refused.
    assert_eq!(end(&wang, id, agent).await, format!("/cases/{id}?agent=ended"));
    assert_eq!(app.get_json(&lawyer, &format!("/api/v1/cases/{id}/progress")).await.0, 404);
    let (_, theirs) = app.get_json(&lawyer, "/api/v1/cases").await;
    assert!(!theirs.as_array().unwrap().iter().any(|c| c["id"] == id), "{theirs}");
    assert_eq!(end(&wang, id, agent).await, format!("/cases/{id}?error=representation_ended"));
    // The court ends another; the representation's end is on record.
    let other = ids[1];
    let clerk = new_client();
    app.staff_sign_in(&clerk, CLERK).await;
    let (_, p) = app.get_json(&clerk, &format!("/api/v1/cases/{other}/progress")).await;
    let agent = p["agents"][0]["id"].as_i64().expect("the court sees the representation");
    assert_eq!(end(&clerk, other, agent).await, format!("/cases/{other}?agent=ended"));
    assert_eq!(app.get_json(&lawyer, &format!("/api/v1/cases/{other}/progress")).await.0, 404);
}
both_backends!(a_party_revokes_its_agent_and_the_agents_access_stops_at_once);
