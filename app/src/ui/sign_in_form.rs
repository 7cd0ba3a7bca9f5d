//! Sign-in (island): mobile number and SMS code for litigants; phone, password and SMS code
//! for staff. The number is checked as it is typed with the same rule the server applies
//! (`rules::ids::Mobile`, DOMAIN.md §2).
//!
//! It is a real form first: before the island wakes (a weak network) or with JavaScript off,
//! its buttons post it to `/sign-in` or `/staff/sign-in` (`server/src/http/sign_in_forms.rs`):
//! "send" texts the code and the page comes back with `?rid=` (the code box shows), "sign in"
//! checks it. Awake, the island does the same without leaving the page.

use crate::api::fns::{send_code, staff_password, verify_code};
use crate::i18n::t;
use crate::rules::ids::Mobile;
use crate::rules::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[island(lazy)]
pub fn SignInForm(
    lang: Lang,
    staff: bool,
    next: String,
    /// A code already sent by the plain form (`?rid=`): the code box shows at once.
    request_id: Option<String>,
    /// What the plain form was refused with, in words (from `?error=`).
    error: Option<String>,
) -> impl IntoView {
    let from_form = request_id;
    let refused = error;
    let phone = RwSignal::new(crate::ui::typed_before_wake("phone", String::new()));
    let password = RwSignal::new(crate::ui::typed_before_wake("password", String::new()));
    let awake = crate::ui::awake();
    let code = RwSignal::new(String::new());
    let request_id = RwSignal::new(from_form.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(refused);
    let info = RwSignal::new(from_form.as_ref().map(|_| {
        t(lang, ("验证码已发到您的手机，请输入。", "The code was sent to your phone; enter it.")).to_string()
    }));
    let action = if staff { "/staff/sign-in" } else { "/sign-in" };
    let next_field = next.clone();
    let resend_in = RwSignal::new(0u32);
    let touched = RwSignal::new(false);
    // Whether a code was sent (the code box shows from then on, kept as it is on a resend).
    let asked = Memo::new(move |_| request_id.get().is_some());

    // Instant feedback, same rule as the server.
    let phone_error = move || {
        let p = phone.get();
        if !touched.get() || p.trim().is_empty() {
            return None;
        }
        Mobile::parse(&p).err().map(|e| e.message(lang))
    };

    let ask_code = move || {
        if busy.get_untracked() || resend_in.get_untracked() > 0 {
            return;
        }
        touched.set(true);
        if let Err(e) = Mobile::parse(&phone.get_untracked()) {
            error.set(Some(e.message(lang)));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = if staff {
                staff_password(phone.get_untracked(), password.get_untracked()).await
            } else {
                send_code(phone.get_untracked()).await
            };
            busy.set(false);
            match result {
                Ok(sent) => {
                    request_id.set(Some(sent.request_id));
                    info.set(Some(match lang {
                        Lang::Zh => format!("验证码已发送，{}分钟内有效。", sent.valid_minutes),
                        Lang::En => format!("Code sent. It is valid for {} minutes.", sent.valid_minutes),
                    }));
                    start_resend_timer(resend_in, sent.resend_after_secs);
                }
                Err(e) => error.set(Some(e.message().to_string())),
            }
        });
    };

    let check_code = move || {
        let Some(rid) = request_id.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        let c: String = code.get_untracked().chars().filter(|c| c.is_ascii_digit()).collect();
        if c.len() != 6 {
            error.set(Some(t(lang, ("验证码是6位数字。", "The code has 6 digits.")).into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let next = next.clone();
        spawn_local(async move {
            match verify_code(phone.get_untracked(), rid, c).await {
                Ok(_) => {
                    info.set(Some(t(lang, ("登录成功，正在打开…", "Signed in. Opening…")).into()));
                    go_to(&next);
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.message().to_string()));
                }
            }
        });
    };

    view! {
        <form
            class="card form"
            data-testid="sign-in-form"
            data-waking=move || (!awake.get()).then_some("")
            method="post"
            action=action
            on:submit=move |ev| {
                ev.prevent_default();
                if request_id.get_untracked().is_some() { check_code() } else { ask_code() }
            }
        >
            <input type="hidden" name="next" value=next_field />
            <label for="phone">{t(lang, ("手机号码", "Mobile number"))}</label>
            <input
                id="phone"
                name="phone"
                type="tel"
                inputmode="numeric"
                autocomplete="tel"
                maxlength="20"
                placeholder=t(lang, ("例如 13812345678", "e.g. 13812345678"))
                prop:value=move || phone.get()
                on:input=move |ev| phone.set(event_target_value(&ev))
                on:blur=move |_| touched.set(true)
                aria-invalid=move || phone_error().is_some().to_string()
                aria-describedby="phone-error"
            />
            <p id="phone-error" class="field-error" role="alert">
                {phone_error}
            </p>
            {staff
                .then(|| {
                    view! {
                        <label for="password">{t(lang, ("密码", "Password"))}</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    }
                })}
            // Without the island, this button posts the form ("send"); awake, it asks here.
            <button
                type="submit"
                name="step"
                value="send"
                class="btn secondary"
                data-testid="send-code"
                disabled=move || { busy.get() || resend_in.get() > 0 }
                on:click=move |ev| {
                    ev.prevent_default();
                    ask_code()
                }
            >
                {move || {
                    let n = resend_in.get();
                    if n > 0 {
                        match lang {
                            Lang::Zh => format!("{n}秒后可重新获取"),
                            Lang::En => format!("Ask again in {n} s"),
                        }
                    } else if request_id.get().is_some() {
                        t(lang, ("重新获取验证码", "Send a new code")).to_string()
                    } else {
                        t(lang, ("获取短信验证码", "Text me a code")).to_string()
                    }
                }}
            </button>
            {move || {
                asked
                    .get()
                    .then(|| {
                        view! {
                            <input type="hidden" name="rid" value=move || request_id.get() />
                            <label for="code">
                                {t(lang, ("短信验证码（6位数字）", "Code from the SMS (6 digits)"))}
                            </label>
                            <input
                                id="code"
                                name="code"
                                type="text"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                maxlength="6"
                                prop:value=move || code.get()
                                on:input=move |ev| code.set(event_target_value(&ev))
                            />
                            <button
                                type="submit"
                                name="step"
                                value="verify"
                                class="btn primary"
                                data-testid="verify-code"
                                disabled=move || busy.get()
                            >
                                {t(lang, ("登录", "Sign in"))}
                            </button>
                        }
                    })
            }}
            <p class="form-info" role="status">
                {move || info.get()}
            </p>
            <p class="form-error" role="alert" data-testid="form-error">
                {move || error.get()}
            </p>
        </form>
    }
}

/// Counts the "ask again" wait down once a second.
fn start_resend_timer(resend_in: RwSignal<u32>, secs: u32) {
    resend_in.set(secs);
    #[cfg(feature = "hydrate")]
    {
        let handle = std::rc::Rc::new(std::cell::Cell::new(None::<gloo_timers::callback::Interval>));
        let h = handle.clone();
        handle.set(Some(gloo_timers::callback::Interval::new(1_000, move || {
            let left = resend_in.get_untracked().saturating_sub(1);
            resend_in.set(left);
            if left == 0 {
                // Dropping the interval stops it.
                drop(h.take());
            }
        })));
    }
}

/// Leaves the page for `next` (a same-site path checked by the server on render).
pub fn go_to(next: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(crate::i18n::safe_next(next));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = next;
}
