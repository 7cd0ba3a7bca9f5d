//! The frame of every page: header with the court's name, the main links, and the two
//! reading switches (language, elder mode). The switches are plain links to `/prefs`, so they
//! work before (and without) any JavaScript.

use crate::i18n::{request_path, url_encode, Prefs};
use crate::pages::MeResource;
use leptos::prelude::*;

pub const COURT_NAME_ZH: &str = "浏阳市人民法院";
pub const COURT_NAME_EN: &str = "Liuyang People's Court";

#[component]
pub fn Frame(prefs: Prefs, me: MeResource, children: Children) -> impl IntoView {
    let next = url_encode(&request_path());
    let (lang_href, lang_label) = match prefs.lang {
        crate::rules::Lang::Zh => (format!("/prefs?lang=en&next={next}"), "English"),
        crate::rules::Lang::En => (format!("/prefs?lang=zh&next={next}"), "中文"),
    };
    let elder_href = format!("/prefs?elder={}&next={next}", if prefs.elder { 0 } else { 1 });
    let elder_label = if prefs.elder {
        prefs.t(("标准模式", "Standard text"))
    } else {
        prefs.t(("长辈模式", "Large text"))
    };
    view! {
        <header class="top">
            <a class="brand" href="/">
                <span class="brand-court">{prefs.t((COURT_NAME_ZH, COURT_NAME_EN))}</span>
                <span class="brand-app">{prefs.t(("掌上法庭", "Pocket Court"))}</span>
            </a>
            <div class="switches">
                <a
                    class="switch"
                    href=lang_href
                    data-testid="switch-lang"
                    lang=if prefs.lang == crate::rules::Lang::Zh { "en" } else { "zh-CN" }
                >
                    {lang_label}
                </a>
                <a class="switch" href=elder_href data-testid="switch-elder">
                    {elder_label}
                </a>
            </div>
        </header>
        <nav class="main-nav" aria-label=prefs.t(("主要链接", "Main links"))>
            <a href="/cases">{prefs.t(("我的案件", "My cases"))}</a>
            <a href="/inbox" data-testid="nav-inbox">
                {prefs.t(("法院文书", "Documents"))}
            </a>
            <a href="/mediations" data-testid="nav-mediations">
                {prefs.t(("调解", "Mediation"))}
            </a>
            <a href="/query">{prefs.t(("案件查询", "Look up a case"))}</a>
            <Suspense>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(me) => {
                            view! {
                                <a href="/profile" data-testid="nav-profile">
                                    {me.display_name()}
                                </a>
                            }
                                .into_any()
                        }
                        None => view! { <a href="/sign-in">{prefs.t(("登录", "Sign in"))}</a> }.into_any(),
                    }
                })}
            </Suspense>
        </nav>
        <main id="main">{children()}</main>
        <footer class="foot">
            <p>
                {prefs
                    .t((
                        "本平台由浏阳市人民法院提供。法院不会通过短信索要钱款或验证码。",
                        "Run by Liuyang People's Court. The court never asks for money or codes by SMS.",
                    ))} " " <a href="/check" data-testid="foot-check">
                    {prefs.t(("短信查验", "Check a text message"))}
                </a>
            </p>
        </footer>
    }
}
