use super::{viewer, ErrorNote};
use crate::api::fns::dev_inbox;
use leptos::prelude::*;

/// The development SMS sink: what the SMS gateway would have sent. Only with `--demo`;
/// otherwise "not found".
#[component]
pub fn DevInbox() -> impl IntoView {
    let p = viewer().prefs;
    let list = Resource::new_blocking(|| (), |_| dev_inbox());
    view! {
        <h1>{p.t(("演示短信收件箱", "Demo SMS inbox"))}</h1>
        <p class="lead">
            {p
                .t((
                    "仅在演示模式下出现：这里显示本应发到手机上的短信。",
                    "Demo mode only: the text messages that would have gone to phones.",
                ))}
        </p>
        <Suspense>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(msgs) => {
                        view! {
                            <ul class="sms-list" data-testid="sms-list">
                                {msgs
                                    .into_iter()
                                    .map(|m| {
                                        view! {
                                            <li class="card sms" data-to=m.to.clone()>
                                                <p class="meta">{m.to_masked} " · " {m.sent}</p>
                                                <p class="sms-body">{m.body}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
