use super::{page_redirect, redirect_to_sign_in, viewer, ErrorNote};
use crate::api::fns::{find_case, my_cases};
use crate::api::types::CaseSummary;
use crate::api::AppError;
use crate::i18n::Prefs;
use crate::ui::countdown::Countdown;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "My cases" (我的案件), with "find a case by 案号" at the top.
#[component]
pub fn MyCases() -> impl IntoView {
    let p = viewer().prefs;
    let q = use_query_map().read_untracked().get("q").unwrap_or_default();
    let typed = q.clone();
    let cases = Resource::new_blocking(|| (), |_| my_cases());
    let found = Resource::new_blocking(
        move || q.clone(),
        |q| async move {
            if q.trim().is_empty() {
                None
            } else {
                Some(find_case(q).await)
            }
        },
    );
    view! {
        <h1>{p.t(("我的案件", "My cases"))}</h1>
        <form class="card find" method="get" action="/cases" role="search">
            <label for="q">{p.t(("按案号查找", "Find by case number"))}</label>
            <div class="row">
                <input
                    id="q"
                    name="q"
                    value=typed
                    placeholder=p.t(("例如（2026）湘0181民初123号", "e.g. (2026)湘0181民初123号"))
                />
                <button type="submit" class="btn secondary">
                    {p.t(("查找", "Find"))}
                </button>
            </div>
        </form>
        <Suspense>
            {move || Suspend::new(async move {
                match found.await {
                    Some(Ok(id)) => {
                        page_redirect(&format!("/cases/{id}"));
                        ().into_any()
                    }
                    Some(Err(e)) => view! { <ErrorNote error=e /> }.into_any(),
                    None => ().into_any(),
                }
            })}
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(list) => case_list(p, list).into_any(),
                    Err(AppError::NotSignedIn(_)) => {
                        redirect_to_sign_in();
                        ().into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn case_list(p: Prefs, list: Vec<CaseSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="card empty">{p.t(("您还没有案件。", "You have no cases yet."))}</p> }
            .into_any();
    }
    view! {
        <ul class="case-list" data-testid="case-list">
            {list
                .into_iter()
                .map(|c| {
                    let href = format!("/cases/{}", c.id);
                    let number = c
                        .case_number
                        .clone()
                        .unwrap_or_else(|| {
                            p.t(("尚未立案（还没有案号）", "Not docketed yet (no number)")).into()
                        });
                    view! {
                        <li class="card case-card">
                            <a href=href data-testid="case-link">
                                <span class="case-number">{number}</span>
                                <span class="cause">{c.cause}</span>
                            </a>
                            <p class="meta">
                                <span class="side">{c.my_side}</span>
                                " · "
                                <span class="stage">{c.stage_label}</span>
                            </p>
                            {c
                                .alert
                                .map(|a| {
                                    view! {
                                        <p class="alert" role="alert" data-testid="case-alert">
                                            {a}
                                        </p>
                                    }
                                })}
                            {c
                                .next_deadline
                                .map(|d| {
                                    view! {
                                        <p class="deadline" class:overdue=d.overdue>
                                            {d.label}
                                            " "
                                            {d.due_date}
                                            " · "
                                            <Countdown due_at=d.due_at lang=p.lang />
                                        </p>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
