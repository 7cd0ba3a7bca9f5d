//! Sign-in, sessions and the real-name profile.

use crate::both_backends;

/// What a refused server function said, whatever kind of refusal it is (`AppError` on the
/// wire: `{"Invalid": "..."}`, or `{"Refused": {"code", "status", "message"}}`).
fn message(e: &serde_json::Value) -> &str {
    let inner = e.as_object().and_then(|o| o.values().next()).unwrap_or(e);
    inner.get("message").and_then(|m| m.as_str()).or_else(|| inner.as_str()).unwrap_or_default()
}
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
        // by moving the server's clock two minutes on instead of sleeping.
        app.clock.advance(120);
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
    assert!(message(&e).contains("还可以再试4次"), "{e}");
    for _ in 0..4 {
        app.call(&app.client, "verify_code", &[("phone", ZHANG), ("request_id", &rid), ("code", wrong)])
            .await;
    }
    // Even the right code is refused now.
    let (status, e) = app
        .call(&app.client, "verify_code", &[("phone", ZHANG), ("request_id", &rid), ("code", &right)])
        .await;
    assert_eq!(status, 422);
    assert!(message(&e).contains("作废"), "{e}");
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
    assert!(message(&e).contains("已经用过"), "{e}");
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
    assert!(message(&e).contains("秒后再试"), "{e}");
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
    assert!(message(&e).contains("11位"), "{e}");
    let en = new_client();
    en.get(app.url("/prefs?lang=en&next=/")).send().await.unwrap();
    let (status, e) = app.call(&en, "send_code", &[("phone", "12345678901")]).await;
    assert_eq!(status, 422);
    assert!(message(&e).is_ascii(), "English message: {e}");
}
both_backends!(a_mistyped_number_is_refused_in_plain_words_in_either_language);

async fn staff_need_their_password_and_a_code_and_cannot_use_the_litigant_door(b: Backend) {
    let app = TestApp::spawn(b).await;
    // The litigants' door does not tell a staff number apart (no enumeration of the court's
    // staff): the same answer as any number, an SMS that says where to sign in, no session.
    let (status, sent) = app.call(&app.client, "send_code", &[("phone", CLERK)]).await;
    assert_eq!(status, 200, "{sent}");
    let (status, e) = app
        .call(
            &app.client,
            "verify_code",
            &[("phone", CLERK), ("request_id", sent["request_id"].as_str().unwrap()), ("code", "123456")],
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(!e.to_string().contains("工作人员"), "{e}");
    let outbox = pocket_court::store::sms::latest(&app.running.services.db, 5).await.unwrap();
    assert!(outbox.iter().any(|m| m.phone == CLERK && m.body.contains("工作人员登录")));
    app.clock.advance(120); // the next code to that number, a minute later
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
    app.clock.advance(120);
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
    assert!(message(&e).contains("身份证"), "{e}");
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

/// A burst of guesses at one code at once is limited exactly like guesses one after another:
/// each try is counted before it is compared, so at most five are ever compared, and the right
/// code after them is refused (it was an account takeover: 396 wrong guesses compared at once
/// and the right one signed in). The guesses come from 64 addresses (through a trusted proxy),
/// so the per-address limit alone cannot be what stops them.
async fn a_burst_of_guesses_at_once_is_limited_like_guesses_one_by_one(b: Backend) {
    let app = TestApp::spawn_with(b, |a| a.trusted_proxies = vec!["127.0.0.1".into()]).await.unwrap();
    let app = std::sync::Arc::new(app);
    let victim = new_client();
    let (_, sent) = app.call(&victim, "send_code", &[("phone", LI)]).await;
    let request_id = sent["request_id"].as_str().unwrap().to_string();
    let code = app.last_code_for(LI).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let guesses: Vec<_> = (0..64)
        .map(|i| {
            let (app, request_id) = (app.clone(), request_id.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .default_headers(
                        [(
                            reqwest::header::HeaderName::from_static("x-forwarded-for"),
                            format!("203.0.113.{i}").parse().unwrap(),
                        )]
                        .into_iter()
                        .collect(),
                    )
                    .build()
                    .unwrap();
                let form = [("phone", LI), ("request_id", request_id.as_str()), ("code", wrong)];
                app.call(&client, "verify_code", &form).await
            })
        })
        .collect();
    let mut compared = 0;
    for g in guesses {
        let (status, body) = g.await.unwrap();
        assert!(status == 422 || status == 429, "{status} {body}");
        if body.to_string().contains("还可以再试") || body.to_string().contains("tries left") {
            compared += 1;
        }
    }
    assert!(compared <= 4, "at most four 'tries left' answers: {compared}");
    let row =
        pocket_court::store::people::code(&app.running.services.db, &request_id).await.unwrap().unwrap();
    assert!(row.attempts <= 5, "never more than five tries counted: {}", row.attempts);
    // The right code now: refused (void, or the number's daily limit), no session.
    let (status, body) = app
        .call(&victim, "verify_code", &[("phone", LI), ("request_id", &request_id), ("code", &code)])
        .await;
    assert!(status == 422 || status == 429, "{status} {body}");
    assert!(body.get("id").is_none(), "no one signed in: {body}");
}
both_backends!(a_burst_of_guesses_at_once_is_limited_like_guesses_one_by_one);

/// Wrong staff passwords from one address lock only that address out for that number: the
/// judge signs in from elsewhere at once (a lock anyone could set kept a judge out, whose
/// number is on every case page). Addresses come through a trusted reverse proxy here, as a
/// court deploys it; an untrusted sender's `X-Forwarded-For` is ignored.
async fn a_strangers_wrong_passwords_never_lock_the_judge_out(b: Backend) {
    let app = TestApp::spawn_with(b, |a| a.trusted_proxies = vec!["127.0.0.1".into()]).await.unwrap();
    let from = |ip: &'static str| {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(
                [(reqwest::header::HeaderName::from_static("x-forwarded-for"), ip.parse().unwrap())]
                    .into_iter()
                    .collect(),
            )
            .build()
            .unwrap()
    };
    let stranger = from("203.0.113.9");
    for _ in 0..10 {
        let (status, _) =
            app.call(&stranger, "staff_password", &[("phone", JUDGE), ("password", "guess-guess")]).await;
        assert_eq!(status, 422);
    }
    let right = [("phone", JUDGE), ("password", pocket_court::demo::STAFF_PASSWORD)];
    let (status, body) = app.call(&stranger, "staff_password", &right).await;
    assert_eq!(status, 429, "the guesser's address is locked out, even with the right password: {body}");
    // The judge, at the court: signs in at once.
    let judge = from("198.51.100.7");
    let (status, body) = app.call(&judge, "staff_password", &right).await;
    assert_eq!(status, 200, "{body}");
    // The stranger's IPv6 neighbours in the same /64 are the same guesser.
    let neighbour = from("2001:db8:1:2::1");
    for _ in 0..10 {
        app.call(&neighbour, "staff_password", &[("phone", JUDGE), ("password", "guess-guess")]).await;
    }
    let (status, _) = app.call(&from("2001:db8:1:2::ffff"), "staff_password", &right).await;
    assert_eq!(status, 429);
}
both_backends!(a_strangers_wrong_passwords_never_lock_the_judge_out);

/// With a real SMS gateway, the sign-in code goes to the gateway and nowhere else: the outbox
/// (the court's record of what was sent) keeps it blanked out, and the log never has it.
async fn a_sign_in_code_is_sent_but_never_stored_in_clear(b: Backend) {
    use std::sync::{Arc, Mutex};
    // A local SMS provider speaking the generic HTTP gateway's protocol.
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let got = received.clone();
    let provider = axum::Router::new().route(
        "/send",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let got = got.clone();
            async move {
                got.lock().unwrap().push(body);
                axum::Json(serde_json::json!({"id": "msg-1"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, provider).await });
    let app = TestApp::spawn_with(b, |a| {
        a.sms_provider = "http".into();
        a.sms_url = Some(url);
    })
    .await
    .unwrap();
    let (status, sent) = app.call(&app.client, "send_code", &[("phone", ZHANG)]).await;
    assert_eq!(status, 200, "{sent}");
    let text = received.lock().unwrap()[0]["text"].as_str().unwrap().to_string();
    let code: String = text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).unwrap().into();
    let outbox = pocket_court::store::sms::latest(&app.running.services.db, 5).await.unwrap();
    let stored = &outbox.iter().find(|m| m.phone == ZHANG).unwrap().body;
    assert!(!stored.contains(&code) && stored.contains("******"), "{stored}");
    // And the code still works, from the phone.
    let (status, me) = app
        .call(
            &app.client,
            "verify_code",
            &[("phone", ZHANG), ("request_id", sent["request_id"].as_str().unwrap()), ("code", &code)],
        )
        .await;
    assert_eq!(status, 200, "{me}");
}
both_backends!(a_sign_in_code_is_sent_but_never_stored_in_clear);
