use super::{redirect_to_sign_in, viewer};
use crate::ui::profile_form::ProfileForm;
use leptos::prelude::*;

/// My profile: real name and resident ID, and signing out (this phone or everywhere).
#[component]
pub fn Profile() -> impl IntoView {
    let v = viewer();
    let p = v.prefs;
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
    }
}
