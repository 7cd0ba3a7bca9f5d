use super::viewer;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let p = viewer().prefs;
    view! {
        <h1>{p.t(("没有找到这个页面", "Page not found"))}</h1>
        <p>
            <a href="/">{p.t(("回到首页", "Back to the start page"))}</a>
        </p>
    }
}
