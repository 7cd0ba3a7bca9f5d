//! Every page of the app, one file each, and the router that maps paths to them.
//!
//! Pages render on the server only (islands mode): they fetch through server functions
//! (called in-process there), and every route waits for its data (`SsrMode::Async`) so the
//! HTML is complete and readable without JavaScript.

mod case;
mod case_fees;
mod dev_inbox;
mod fees;
mod filing;
mod home;
mod mediation;
mod mediators;
mod my_cases;
mod not_found;
mod profile;
mod query;
mod review;
mod service;
mod sign_in;

use crate::api::fns::whoami;
use crate::api::types::Me;
use crate::api::AppError;
use crate::i18n::{request_prefs, Prefs};
use crate::ui::layout::Frame;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let prefs = request_prefs();
    let lang = match prefs.lang {
        crate::rules::Lang::Zh => "zh-CN",
        crate::rules::Lang::En => "en",
    };
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#9f1d20" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href="/pkg/pocket-court.css" />
                <MetaTags />
            </head>
            <body class:elder=prefs.elder>
                <App />
                // At the end of the body: the page is readable before any script loads.
                <HydrationScripts options islands=true />
            </body>
        </html>
    }
}

/// What every page of this request shares: the reading preferences (known at once, from
/// cookies) and the signed-in person (a resource: it needs the database).
#[derive(Clone, Copy)]
pub struct Viewer {
    pub prefs: Prefs,
    pub me: MeResource,
}

pub type MeResource = Resource<Result<Option<Me>, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let prefs = request_prefs();
    let me: MeResource = Resource::new_blocking(|| (), |_| whoami());
    provide_context(Viewer { prefs, me });
    view! {
        <Title text=prefs
            .t(("掌上法庭 · 浏阳市人民法院", "Pocket Court · Liuyang People's Court")) />
        <Router>
            <Frame prefs me>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::Home ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=sign_in::SignIn ssr=SsrMode::Async />
                    <Route path=path!("/staff/sign-in") view=sign_in::StaffSignIn ssr=SsrMode::Async />
                    <Route path=path!("/cases") view=my_cases::MyCases ssr=SsrMode::Async />
                    <Route path=path!("/cases/:id") view=case::CasePage ssr=SsrMode::Async />
                    <Route path=path!("/cases/:id/fees") view=case_fees::CaseFeesPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/cases/:id/fees/receipt/:order")
                        view=case_fees::ReceiptPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/filings") view=filing::FilingsPage ssr=SsrMode::Async />
                    <Route path=path!("/filings/:id/:step") view=filing::FilingStepPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/filings") view=review::ReviewQueuePage ssr=SsrMode::Async />
                    <Route
                        path=path!("/staff/filings/:id")
                        view=review::FilingReviewPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/query") view=query::Query ssr=SsrMode::Async />
                    <Route path=path!("/fees") view=fees::Fees ssr=SsrMode::Async />
                    <Route path=path!("/profile") view=profile::Profile ssr=SsrMode::Async />
                    <Route path=path!("/dev/inbox") view=dev_inbox::DevInbox ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view=service::InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/service/:id") view=service::ServiceRecordPage ssr=SsrMode::Async />
                    <Route path=path!("/check") view=service::CheckPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/staff/cases/:id/service")
                        view=service::CaseServicePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/staff/service") view=service::ServiceFiguresPage ssr=SsrMode::Async />
                    <Route path=path!("/mediations") view=mediation::MediationsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/mediations/new")
                        view=mediation::NewMediationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/mediations/:id") view=mediation::MediationPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/staff/mediations")
                        view=mediation::MediationQueuePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/mediators") view=mediators::MediatorRosterPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/staff/mediator-profile")
                        view=mediators::MediatorProfilePage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The viewer of this request (provided by [`App`]).
pub fn viewer() -> Viewer {
    expect_context::<Viewer>()
}

/// Answers the page request with a redirect (302) to `path`. Pages only render on the
/// server, for a page load, so unlike a server function's redirect this is always a real one.
pub fn page_redirect(path: &str) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(v)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(path))
    {
        res.insert_header(http::header::LOCATION, v);
        res.set_status(http::StatusCode::FOUND);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = path;
}

/// Sends a signed-out visitor to the sign-in page, coming back here afterwards.
pub fn redirect_to_sign_in() {
    let next = crate::i18n::url_encode(&crate::i18n::request_path());
    page_redirect(&format!("/sign-in?next={next}"));
}

/// Sends a signed-out visitor of a staff page to the staff sign-in, coming back here afterwards.
pub fn to_staff_sign_in() {
    let next = crate::i18n::url_encode(&crate::i18n::request_path());
    page_redirect(&format!("/staff/sign-in?next={next}"));
}

/// A box with an error message that a person can act on.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let prefs = viewer().prefs;
    let signed_out = matches!(error, AppError::NotSignedIn(_));
    view! {
        <div class="card error-note" role="alert" data-testid="error-note">
            <p>{error.message().to_string()}</p>
            {signed_out
                .then(|| {
                    view! {
                        <a class="btn primary" href="/sign-in">
                            {prefs.t(("去登录", "Sign in"))}
                        </a>
                    }
                })}
        </div>
    }
}

/// "Not found" for a case id that does not exist or is not the viewer's (one answer for
/// both, so case ids cannot be probed), with status 404.
pub fn case_not_found(p: Prefs) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>{p.t(("没有找到这个案件", "Case not found"))}</h1>
        <p class="card" data-testid="case-not-found">
            {p
                .t((
                    "没有找到这个案件，或者您不是这个案件的当事人。请回到“我的案件”查看。",
                    "We found no such case among yours. Go back to My cases.",
                ))}
        </p>
        <a class="btn secondary" href="/cases">
            {p.t(("我的案件", "My cases"))}
        </a>
    }
    .into_any()
}
