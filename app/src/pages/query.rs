use super::case::node_view;
use super::{viewer, ErrorNote};
use crate::api::fns::public_query;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Anonymous progress query by 案号 + 查询码 (printed on the acceptance notice). Shows stage
/// and dates, never names or ID numbers. A plain GET form: works without JavaScript.
#[component]
pub fn Query() -> impl IntoView {
    let p = viewer().prefs;
    let query = use_query_map().read_untracked().clone();
    let number = query.get("case_number").unwrap_or_default();
    let code = query.get("code").unwrap_or_default();
    let asked = !number.trim().is_empty() || !code.trim().is_empty();
    let result = Resource::new_blocking(
        {
            let (number, code) = (number.clone(), code.clone());
            move || (number.clone(), code.clone())
        },
        move |(n, c)| async move {
            if asked {
                Some(public_query(n, c).await)
            } else {
                None
            }
        },
    );
    view! {
        <h1>{p.t(("案件进度查询", "Case progress lookup"))}</h1>
        <p class="lead">
            {p
                .t((
                    "不用登录。输入受理通知书上的案号和查询码。",
                    "No sign-in needed. Enter the case number and query code from the acceptance notice.",
                ))}
        </p>
        <form class="card form" method="get" action="/query">
            <label for="case_number">{p.t(("案号", "Case number"))}</label>
            <input
                id="case_number"
                name="case_number"
                value=number
                placeholder="（2026）湘0181民初123号"
            />
            <label for="code">{p.t(("查询码", "Query code"))}</label>
            <input id="code" name="code" value=code autocomplete="off" />
            <button type="submit" class="btn primary">
                {p.t(("查询", "Look up"))}
            </button>
        </form>
        <Suspense>
            {move || Suspend::new(async move {
                match result.await {
                    Some(Ok(r)) => {
                        view! {
                            <section class="card" data-testid="public-result">
                                <h2>{r.case_number}</h2>
                                <p>{r.cause} " · " {r.court_name}</p>
                                <p>{p.t(("现在：", "Now: "))} <strong>{r.stage_label}</strong></p>
                                <ol class="timeline">
                                    {r.timeline.into_iter().map(|n| node_view(p, n)).collect_view()}
                                </ol>
                            </section>
                        }
                            .into_any()
                    }
                    Some(Err(e)) => view! { <ErrorNote error=e /> }.into_any(),
                    None => ().into_any(),
                }
            })}
        </Suspense>
    }
}
