//! Sign-in, sessions and the real-name profile.

use crate::both_backends;
use crate::helpers::*;

async fn a_litigant_signs_in_with_the_code_from_the_sms(b: Backend) {
    let app = TestApp::spawn(b).await;
    let me = app.sign_in(&app.client, ZHANG).await;
    assert_eq!(me["name"], "张三");
    assert_eq!(me["phone_masked"], "138****0001");
    let (status, who) = app.call(&app.client, "whoami", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(who["id"], me["id"]);
}
both_backends!(a_litigant_signs_in_with_the_code_from_the_sms);

async fn the_session_cookie_is_httponly_lax_and_a_new_token_each_time(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let client = new_client();
        let (_, sent) = app.call(&client, "send_code", &[("phone", WANG)]).await;
        let rid = sent["request_id"].as_str().unwrap().to_string();
        let code = app.last_code_for(WANG).await;
        let res = client
            .post(app.url("/sf/verify_code"))
            .header("Accept", "application/json")
            .form(&[("phone", WANG), ("request_id", &rid), ("code", &code)])
            .send()
            .await
            .unwrap();
        let cookie = res.headers().get("set-cookie").expect("a session cookie").to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let token = cookie.split(';').next().unwrap().trim_start_matches("pc_session=").to_string();
        assert_eq!(token.len(), 64, "256-bit token");
        tokens.push(token);
        // The next code to the same number may only be asked after a minute: wait it out
        // by clearing the limit's record instead of sleeping.
        sqlx::query("UPDATE otp_codes SET created_at = created_at - 120")
            .execute(&app.running.services.db.pool)
            .await
            .unwrap();
    }
    assert_ne!(tokens[0], tokens[1]);
}
both_backends!(the_session_cookie_is_httponly_lax_and_a_new_token_each_time);

async fn a_wrong_code_says_how_many_tries_are_left_and_the_fifth_voids_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, sent) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    let rid = sent["request_id"].as_str().unwrap().to_string();
    let right = app.last_code_for(ZHANG).await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let (status, e) = app
        .call(&app.client, "verify_code", &[("phone", ZHANG), ("request_id", &rid), ("code", wrong)])
        .await;
    assert_eq!(status, 422);
    assert!(e["Invalid"].as_str().unwrap().contains("还可以再试4次"), "{e}");
    for _ in 0..4 {
        app.call(&app.client, "verify_code", &[("phone", ZHANG), ("request_id", &rid), ("code", wrong)])
            .await;
    }
    // Even the right code is refused now.
    let (status, e) = app
        .call(&app.client, "verify_code", &[("phone", ZHANG), ("request_id", &rid), ("code", &right)])
        .await;
    assert_eq!(status, 422);
    assert!(e["Invalid"].as_str().unwrap().contains("作废"), "{e}");
}
both_backends!(a_wrong_code_says_how_many_tries_are_left_and_the_fifth_voids_it);

async fn a_code_works_once_so_a_replay_or_double_tap_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, sent) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    let rid = sent["request_id"].as_str().unwrap().to_string();
    let code = app.last_code_for(ZHANG).await;
    let form = [("phone", ZHANG), ("request_id", rid.as_str()), ("code", code.as_str())];
    // Two taps at once: exactly one wins.
    let (c1, c2) = (new_client(), new_client());
    let (a, b2) = tokio::join!(app.call(&c1, "verify_code", &form), app.call(&c2, "verify_code", &form));
    let mut statuses = [a.0, b2.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b2:?}");
    let (status, e) = app.call(&new_client(), "verify_code", &form).await;
    assert_eq!(status, 409);
    assert!(e["Conflict"].as_str().unwrap().contains("已经用过"), "{e}");
}
both_backends!(a_code_works_once_so_a_replay_or_double_tap_is_refused);

async fn a_code_is_bound_to_its_number(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, sent) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    let rid = sent["request_id"].as_str().unwrap().to_string();
    let code = app.last_code_for(ZHANG).await;
    let (status, _) =
        app.call(&app.client, "verify_code", &[("phone", LI), ("request_id", &rid), ("code", &code)]).await;
    assert_eq!(status, 422);
}
both_backends!(a_code_is_bound_to_its_number);

async fn asking_again_within_a_minute_says_how_long_to_wait(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, _) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    assert_eq!(status, 200);
    let (status, e) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    assert_eq!(status, 429);
    assert!(e["RateLimited"].as_str().unwrap().contains("秒后再试"), "{e}");
}
both_backends!(asking_again_within_a_minute_says_how_long_to_wait);

async fn one_address_may_ask_for_twenty_codes_an_hour(b: Backend) {
    let app = TestApp::spawn(b).await;
    for i in 0..20 {
        let phone = format!("1370000{i:04}");
        let (status, e) = app.call(&app.client, "send_code", &[("phone", &phone)]).await;
        assert_eq!(status, 200, "{e}");
    }
    let (status, e) = app.call(&app.client, "send_code", &[("phone", "13799999999")]).await;
    assert_eq!(status, 429, "{e}");
}
both_backends!(one_address_may_ask_for_twenty_codes_an_hour);

async fn a_mistyped_number_is_refused_in_plain_words_in_either_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, e) = app.call(&app.client, "send_code", &[("phone", "1380000001")]).await;
    assert_eq!(status, 422);
    assert!(e["Invalid"].as_str().unwrap().contains("11位"), "{e}");
    let en = new_client();
    en.get(app.url("/prefs?lang=en&next=/")).send().await.unwrap();
    let (status, e) = app.call(&en, "send_code", &[("phone", "12345678901")]).await;
    assert_eq!(status, 422);
    assert!(e["Invalid"].as_str().unwrap().is_ascii(), "English message: {e}");
}
both_backends!(a_mistyped_number_is_refused_in_plain_words_in_either_language);

async fn staff_need_their_password_and_a_code_and_cannot_use_the_litigant_door(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, e) = app.call(&app.client, "send_code", &[("phone", CLERK)]).await;
    assert_eq!(status, 403, "{e}");
    let (status, _) =
        app.call(&app.client, "staff_password", &[("phone", CLERK), ("password", "wrong")]).await;
    assert_eq!(status, 422);
    let (status, _) =
        app.call(&app.client, "staff_password", &[("phone", ZHANG), ("password", "anything")]).await;
    assert_eq!(status, 422, "a litigant number gets the same answer as a wrong password");
    let me = app.staff_sign_in(&app.client, CLERK).await;
    assert_eq!(me["role"], "clerk");
}
both_backends!(staff_need_their_password_and_a_code_and_cannot_use_the_litigant_door);

async fn signing_out_everywhere_ends_every_session_of_the_person(b: Backend) {
    let app = TestApp::spawn(b).await;
    let phone_a = new_client();
    let phone_b = new_client();
    app.sign_in(&phone_a, ZHANG).await;
    sqlx::query("UPDATE otp_codes SET created_at = created_at - 120")
        .execute(&app.running.services.db.pool)
        .await
        .unwrap();
    app.sign_in(&phone_b, ZHANG).await;
    let (status, _) = app.call(&phone_a, "sign_out", &[("everywhere", "1")]).await;
    assert!(status == 200 || status == 302, "{status}");
    for c in [&phone_a, &phone_b] {
        let (_, who) = app.call(c, "whoami", &[]).await;
        assert!(who.is_null(), "{who}");
        let (status, _) = app.get_json(c, "/api/v1/cases").await;
        assert_eq!(status, 401);
    }
}
both_backends!(signing_out_everywhere_ends_every_session_of_the_person);

async fn the_profile_takes_only_a_valid_resident_id_and_shows_it_masked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let phone = "13712345678";
    app.sign_in(&app.client, phone).await;
    let (status, e) = app
        .call(&app.client, "save_profile", &[("name", "孙小梅"), ("resident_id", "430181199001011235")])
        .await;
    assert_eq!(status, 422);
    assert!(e["Invalid"].as_str().unwrap().contains("身份证"), "{e}");
    let (status, e) = app
        .call(&app.client, "save_profile", &[("name", "孙小梅"), ("resident_id", "43018120000229606x")])
        .await;
    assert_eq!(status, 422, "a wrong check character: {e}");
    let (status, me) = app
        .call(&app.client, "save_profile", &[("name", "孙小梅"), ("resident_id", "430181200002296061")])
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["name"], "孙小梅");
    assert!(me["resident_id_masked"].as_str().unwrap().contains("****"));
    // Someone else's ID number is refused.
    let (status, e) = app
        .call(&app.client, "save_profile", &[("name", "孙小梅"), ("resident_id", "430181196503121017")])
        .await;
    assert_eq!(status, 409, "{e}");
}
both_backends!(the_profile_takes_only_a_valid_resident_id_and_shows_it_masked);

async fn a_signed_out_visitor_is_sent_to_sign_in_and_back(b: Backend) {
    let app = TestApp::spawn(b).await;
    let res = app.client.get(app.url("/cases")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302);
    assert_eq!(res.headers()["location"], "/sign-in?next=/cases");
    let (status, _) = app.call(&app.client, "my_cases", &[]).await;
    assert_eq!(status, 401);
}
both_backends!(a_signed_out_visitor_is_sent_to_sign_in_and_back);
