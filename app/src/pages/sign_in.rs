use super::viewer;
use crate::i18n::safe_next;
use crate::ui::sign_in_form::SignInForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn next_param() -> String {
    let q = use_query_map();
    let next = q.read_untracked().get("next").unwrap_or_else(|| "/cases".into());
    safe_next(&next).to_string()
}

/// The plain form's state from the address: the code's request id (`?rid=`, a token of
/// ours: letters and digits only) and a refusal's code (`?error=`, shown from the one table).
fn form_state(lang: crate::rules::Lang) -> (Option<String>, Option<String>) {
    let q = use_query_map();
    let q = q.read_untracked();
    let rid = q
        .get("rid")
        .filter(|r| !r.is_empty() && r.len() <= 128 && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    let error = q.get("error").map(|code| crate::api::Refusal::message_for_code(&code, lang).to_string());
    (rid, error)
}

#[component]
pub fn SignIn() -> impl IntoView {
    let p = viewer().prefs;
    view! {
        <h1>{p.t(("手机号登录", "Sign in with your phone"))}</h1>
        <p class="lead">
            {p
                .t((
                    "输入手机号，我们会发一条带6位数字验证码的短信。",
                    "Enter your mobile number. We will text you a 6-digit code.",
                ))}
        </p>
        {
            let (request_id, error) = form_state(p.lang);
            view! {
                <SignInForm lang=p.lang staff=false next=next_param() request_id=request_id error=error />
            }
        }
        <p>
            <a href="/staff/sign-in">{p.t(("法院工作人员登录", "Court staff sign-in"))}</a>
        </p>
    }
}

#[component]
pub fn StaffSignIn() -> impl IntoView {
    let p = viewer().prefs;
    view! {
        <h1>{p.t(("工作人员登录", "Staff sign-in"))}</h1>
        <p class="lead">
            {p
                .t((
                    "输入手机号和密码，再输入短信验证码。",
                    "Enter your phone and password, then the code we text you.",
                ))}
        </p>
        {
            let (request_id, error) = form_state(p.lang);
            view! {
                <SignInForm lang=p.lang staff=true next=next_param() request_id=request_id error=error />
            }
        }
    }
}
