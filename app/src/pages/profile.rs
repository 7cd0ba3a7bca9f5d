use super::{redirect_to_sign_in, viewer};
use crate::api::fns::my_consent;
use crate::api::types::ConsentView;
use crate::i18n::Prefs;
use crate::ui::profile_form::ProfileForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// My profile: real name and resident ID, and signing out (this phone or everywhere).
#[component]
pub fn Profile() -> impl IntoView {
    let v = viewer();
    let p = v.prefs;
    let consent = Resource::new_blocking(|| (), |_| my_consent());
    let query = use_query_map().read_untracked().clone();
    let (saved, error) = (query.get("consent").is_some(), query.get("consent_error"));
    view! {
        <h1>{p.t(("我的资料", "My profile"))}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let Some(me) = v.me.await.ok().flatten() else {
                    redirect_to_sign_in();
                    return ().into_any();
                };
                let has_id = me.resident_id_masked.is_some();
                view! {
                    <section class="card">
                        <p>{p.t(("手机：", "Phone: "))} {me.phone_masked.clone()}</p>
                        <p>{p.t(("身份：", "Role: "))} {me.role.label(p.lang)}</p>
                        {me.court_name.clone().map(|c| view! { <p>{p.t(("法院：", "Court: "))} {c}</p> })}
                        <p data-testid="profile-id">
                            {p.t(("身份证：", "Resident ID: "))}
                            {me
                                .resident_id_masked
                                .clone()
                                .unwrap_or_else(|| p.t(("未填写", "not given")).into())}
                        </p>
                    </section>
                    <h2>{p.t(("实名信息", "Real-name details"))}</h2>
                    <ProfileForm lang=p.lang name=me.name.clone().unwrap_or_default() has_id />
                    <h2>{p.t(("退出登录", "Sign out"))}</h2>
                    <form method="post" action="/sf/sign_out" class="row">
                        <button type="submit" class="btn secondary" data-testid="sign-out">
                            {p.t(("退出本机", "Sign out here"))}
                        </button>
                    </form>
                    <form method="post" action="/sf/sign_out" class="row">
                        <input type="hidden" name="everywhere" value="1" />
                        <button type="submit" class="btn secondary">
                            {p.t(("退出所有设备", "Sign out on every device"))}
                        </button>
                    </form>
                }
                    .into_any()
            })}
        </Suspense>
        <Suspense>
            {move || {
                let error = error.clone();
                Suspend::new(async move { consent.await.ok().map(|c| consent_section(p, c, saved, error)) })
            }}
        </Suspense>
    }
}

fn consent_error(p: Prefs, code: &str) -> &'static str {
    crate::api::Refusal::message_for_code(code, p.lang)
}

/// Consent to electronic service (在线诉讼规则 art. 29): a plain form; each answer is a dated
/// record, listed below it.
fn consent_section(p: Prefs, c: ConsentView, saved: bool, error: Option<String>) -> impl IntoView {
    let sms = if c.sms_phone.is_empty() { c.own_phone.clone() } else { c.sms_phone.clone() };
    view! {
        <h2 id="consent">{p.t(("电子送达", "Electronic service"))}</h2>
        {saved
            .then(|| {
                view! {
                    <p class="card ok-note" role="status" data-testid="consent-saved">
                        {p.t(("已保存，并记下了日期。", "Saved, with today's date."))}
                    </p>
                }
            })}
        {error
            .map(|code| {
                view! {
                    <p class="card error-note" role="alert" data-testid="consent-error">
                        {consent_error(p, &code)}
                    </p>
                }
            })}
        <form method="post" action="/profile/consent" class="card" data-testid="consent-form">
            <p>
                {p
                    .t((
                        "同意后，法院可以把文书直接送到您的掌上法庭收件箱（或短信），到达即视为送达，不用再等邮寄。不同意的，法院会邮寄或当面送达。",
                        "If you agree, the court can serve documents to your Pocket Court inbox (or by text message): they count as served on arrival, with no wait for post. If not, the court posts or hands them over.",
                    ))}
            </p>
            <label class="choice">
                <input type="radio" name="consent" value="yes" checked=c.given data-testid="consent-yes" />
                {p.t(("同意电子送达", "I agree to electronic service"))}
            </label>
            <label class="choice">
                <input
                    type="radio"
                    name="consent"
                    value="no"
                    checked=!c.given && !c.history.is_empty()
                    data-testid="consent-no"
                />
                {p.t(("不同意（或撤回同意）", "I do not agree (or withdraw)"))}
            </label>
            <label class="choice">
                <input type="checkbox" name="inbox" value="1" checked=c.inbox data-testid="consent-inbox" />
                {p.t(("送到掌上法庭收件箱", "To my Pocket Court inbox"))}
            </label>
            <label>
                {p
                    .t((
                        "接收短信的手机号（可不填）",
                        "Mobile number for text messages (optional)",
                    ))}
                <input type="tel" name="sms_phone" value=sms inputmode="tel" data-testid="consent-phone" />
            </label>
            <label>
                {p.t(("电子邮箱（可不填）", "E-mail (optional)"))}
                <input type="email" name="email" value=c.email.clone() data-testid="consent-email" />
            </label>
            <button type="submit" class="btn primary" data-testid="consent-submit">
                {p.t(("保存电子送达设置", "Save these choices"))}
            </button>
        </form>
        {(!c.history.is_empty())
            .then(|| {
                view! {
                    <ul class="history" data-testid="consent-history">
                        {c.history.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}
                    </ul>
                }
            })}
    }
}
