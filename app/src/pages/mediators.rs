//! The courts' roster of mediators (调解员名册, `/mediators`, public): each mediator's profile as
//! 在线调解规则 art. 5 lists it — background, the disputes taken, specialities, whether a fee is
//! charged, the inviting court — and what the records say they have taken. A mediator keeps
//! their own at `/staff/mediator-profile` (a plain post to `server/src/http/mediation_forms.rs`).

use super::{to_staff_sign_in, viewer, ErrorNote};
use crate::api::fns::{load_mediator_roster, load_my_mediator_profile};
use crate::api::types::MediatorProfileView;
use crate::api::{AppError, Refusal};
use crate::i18n::Prefs;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One mediator's card.
pub(crate) fn profile_card(p: Prefs, m: MediatorProfileView) -> AnyView {
    let counts = match p.lang {
        crate::rules::Lang::Zh => format!("在本平台主持调解{}件，其中{}件达成协议", m.taken, m.agreed),
        crate::rules::Lang::En => {
            format!("{} mediations led here, {} ending in agreement", m.taken, m.agreed)
        }
    };
    view! {
        <li class="card mediator" data-testid="mediator">
            <h3>{m.name}</h3>
            <p class="meta">{p.t(("特邀法院：", "Inviting court: "))} {m.court}</p>
            <dl class="facts">
                <dt>{p.t(("背景", "Background"))}</dt>
                <dd>{m.background}</dd>
                <dt>{p.t(("擅长", "Specialities"))}</dt>
                <dd>{m.specialities}</dd>
                <dt>{p.t(("可以调解的纠纷", "Disputes taken"))}</dt>
                <dd>{m.dispute_range}</dd>
                <dt>{p.t(("收费", "Fee"))}</dt>
                <dd data-testid="mediator-fee">{m.fee}</dd>
            </dl>
            <p class="meta" data-testid="mediator-counts">
                {counts}
            </p>
        </li>
    }
    .into_any()
}

/// The public roster, grouped by court.
#[component]
pub fn MediatorRosterPage() -> impl IntoView {
    let p = viewer().prefs;
    let roster = Resource::new_blocking(|| (), |_| load_mediator_roster());
    view! {
        <h1>{p.t(("调解员名册", "Mediator roster"))}</h1>
        <p class="lead">
            {p
                .t((
                    "申请调解时，您可以从名册里选一位调解员；不选的话，由法院在3个工作日内指定（在线调解规则第10条）。",
                    "When asking for mediation you may choose a mediator here; if you do not, the court designates one within 3 working days (OMR art. 10).",
                ))}
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match roster.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p>{p.t(("名册里还没有调解员。", "No mediator is listed yet."))}</p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        let mut courts: Vec<(String, Vec<MediatorProfileView>)> = Vec::new();
                        for m in list {
                            match courts.last_mut() {
                                Some((court, group)) if *court == m.court => group.push(m),
                                _ => courts.push((m.court.clone(), vec![m])),
                            }
                        }
                        courts
                            .into_iter()
                            .map(|(court, group)| {
                                view! {
                                    <section data-testid="roster-court">
                                        <h2>{court}</h2>
                                        <ul class="plain">
                                            {group.into_iter().map(|m| profile_card(p, m)).collect_view()}
                                        </ul>
                                    </section>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <p>
            <a class="btn primary big" href="/mediations/new" data-testid="roster-to-request">
                {p.t(("申请诉前调解", "Ask for mediation"))}
            </a>
        </p>
    }
}

/// A mediator's own profile: the form, and the card as the roster shows it.
#[component]
pub fn MediatorProfilePage() -> impl IntoView {
    let p = viewer().prefs;
    let q = use_query_map().read_untracked().clone();
    let kept = move |k: &str| q.get(k);
    let error = kept("error");
    let saved = kept("saved").is_some();
    let typed = ["background", "specialities", "dispute_range", "fee"].map(kept);
    let mine = Resource::new_blocking(|| (), |_| load_my_mediator_profile());
    view! {
        <h1>{p.t(("我的名册资料", "My roster profile"))}</h1>
        <p class="lead">
            {p
                .t((
                    "当事人申请调解时会看到这些内容，用来选择调解员（在线调解规则第5条）。主持调解的件数由系统统计。",
                    "Parties see this when choosing a mediator (OMR art. 5). The count of mediations you led comes from the records.",
                ))}
        </p>
        {error
            .map(|c| {
                view! {
                    <div class="card error-note" role="alert" data-testid="form-error">
                        <p>{Refusal::message_for_code(&c, p.lang)}</p>
                    </div>
                }
            })}
        {saved
            .then(|| {
                view! {
                    <div class="card ok-note" role="status" data-testid="profile-saved">
                        <p>{p.t(("已保存。", "Saved."))}</p>
                    </div>
                }
            })}
        <Suspense>
            {move || {
                let typed = typed.clone();
                Suspend::new(async move {
                    match mine.await {
                        Ok(m) => {
                            let value = |i: usize, stored: String| typed[i].clone().unwrap_or(stored);
                            let [background, specialities, range, fee] = [
                                value(0, m.background),
                                value(1, m.specialities),
                                value(2, m.dispute_range),
                                value(3, m.fee),
                            ];
                            view! {
                                <form
                                    method="post"
                                    action="/staff/mediator-profile"
                                    class="card form"
                                    data-testid="profile-form"
                                >
                                    <label for="background">
                                        {p
                                            .t((
                                                "背景（例如：退休法官、执业律师、人民调解员）",
                                                "Background (e.g. retired judge, lawyer, people's mediator)",
                                            ))}
                                    </label>
                                    <input
                                        id="background"
                                        name="background"
                                        value=background
                                        maxlength="200"
                                    />
                                    <label for="specialities">{p.t(("擅长领域", "Specialities"))}</label>
                                    <input
                                        id="specialities"
                                        name="specialities"
                                        value=specialities
                                        maxlength="200"
                                    />
                                    <label for="dispute_range">
                                        {p.t(("可以调解的纠纷", "Disputes you take"))}
                                    </label>
                                    <input
                                        id="dispute_range"
                                        name="dispute_range"
                                        value=range
                                        maxlength="200"
                                    />
                                    <label for="fee">
                                        {p
                                            .t((
                                                "收费（不收费就空着）",
                                                "Fee (leave empty if free of charge)",
                                            ))}
                                    </label>
                                    <input id="fee" name="fee" value=fee maxlength="200" />
                                    <label class="check">
                                        <input type="checkbox" name="listed" value="1" checked=m.listed />
                                        {p.t(("在名册上公开", "Show me on the public roster"))}
                                    </label>
                                    <button
                                        type="submit"
                                        class="btn primary big"
                                        data-testid="profile-submit"
                                    >
                                        {p.t(("保存", "Save"))}
                                    </button>
                                </form>
                                {m
                                    .shown
                                    .map(|card| {
                                        view! {
                                            <h2>{p.t(("名册上显示为", "On the roster"))}</h2>
                                            <ul class="plain">{profile_card(p, card)}</ul>
                                        }
                                    })}
                            }
                                .into_any()
                        }
                        Err(AppError::NotSignedIn(_)) => {
                            to_staff_sign_in();
                            ().into_any()
                        }
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
