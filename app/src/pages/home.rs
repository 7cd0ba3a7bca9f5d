use super::viewer;
use leptos::prelude::*;

/// The start page: what a person can do here, in big buttons.
#[component]
pub fn Home() -> impl IntoView {
    let v = viewer();
    let p = v.prefs;
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let me = v.me.await.ok().flatten();
                home_body(p, me)
            })}
        </Suspense>
    }
}

fn home_body(p: crate::i18n::Prefs, me: Option<crate::api::types::Me>) -> impl IntoView {
    let greeting = match (&me, p.lang) {
        (Some(me), crate::rules::Lang::Zh) => format!("您好，{}", me.display_name()),
        (Some(me), crate::rules::Lang::En) => format!("Hello, {}", me.display_name()),
        (None, _) => p.t(("您好", "Welcome")).to_string(),
    };
    let signed_in = me.is_some();
    let needs_profile = me.as_ref().is_some_and(|m| m.name.is_none() && !m.role.is_staff());
    view! {
        <h1>{greeting}</h1>
        <p class="lead">
            {p
                .t((
                    "在手机上查看案件进度和期限，不用跑法院。",
                    "Follow your cases and their deadlines on your phone, without a trip to court.",
                ))}
        </p>
        {needs_profile
            .then(|| {
                view! {
                    <p class="card notice">
                        {p
                            .t((
                                "请先完成实名信息，才能办理案件。",
                                "Please add your real name and ID before you file or sign.",
                            ))} " " <a href="/profile">{p.t(("去填写", "Add them"))}</a>
                    </p>
                }
            })}
        <div class="actions">
            <a class="btn primary big" href="/cases" data-testid="go-cases">
                {p.t(("我的案件", "My cases"))}
            </a>
            {me
                .as_ref()
                .map(|m| {
                    if m.role == crate::api::types::Role::Mediator {
                        view! {
                            <a class="btn primary big" href="/staff/mediations" data-testid="go-mediations">
                                {p.t(("调解工作台", "Mediation workbench"))}
                            </a>
                        }
                            .into_any()
                    } else if m.role == crate::api::types::Role::Judge {
                        view! {
                            <a class="btn primary big" href="/staff/filings" data-testid="go-review">
                                {p.t(("立案审查", "Filings to review"))}
                            </a>
                            <a
                                class="btn secondary big"
                                href="/staff/mediations"
                                data-testid="go-confirmations"
                            >
                                {p.t(("司法确认", "Judicial confirmation"))}
                            </a>
                        }
                            .into_any()
                    } else if m.role.is_staff() {
                        view! {
                            <a class="btn primary big" href="/staff/filings" data-testid="go-review">
                                {p.t(("立案审查", "Filings to review"))}
                            </a>
                        }
                            .into_any()
                    } else {
                        view! {
                            <a class="btn primary big" href="/filings" data-testid="go-file">
                                {p.t(("我要立案（网上起诉）", "File a case online"))}
                            </a>
                            <a class="btn secondary big" href="/mediations" data-testid="go-mediate">
                                {p.t(("先调解（不收费）", "Mediate first (free)"))}
                            </a>
                        }
                            .into_any()
                    }
                })}
            <a class="btn secondary big" href="/query">
                {p.t(("用案号和查询码查进度", "Look up a case by number and query code"))}
            </a>
            <a class="btn secondary big" href="/fees" data-testid="go-fees">
                {p.t(("算一算诉讼费", "Work out the court fee"))}
            </a>
            {(!signed_in)
                .then(|| {
                    view! {
                        <a class="btn secondary big" href="/sign-in" data-testid="go-sign-in">
                            {p.t(("手机号登录", "Sign in with your phone"))}
                        </a>
                        <a class="btn link" href="/staff/sign-in">
                            {p.t(("法院工作人员登录", "Court staff sign-in"))}
                        </a>
                    }
                })}
        </div>
    }
}
