//! Real-name profile (island): name and resident ID number, the ID checked as it is typed
//! (GB 11643-1999 checksum and birth date, DOMAIN.md §2) with the rule the server applies.

use crate::api::fns::save_profile;
use crate::i18n::t;
use crate::rules::dates::CivilDate;
use crate::rules::ids::ResidentId;
use crate::rules::Lang;
use crate::ui::countdown::now_secs;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Checks a name as the server does: 2 to 40 characters, no digits or angle brackets.
pub fn check_name(name: &str, lang: Lang) -> Result<String, String> {
    let n = name.trim();
    let count = n.chars().count();
    if count < 2 {
        return Err(t(
            lang,
            ("请填写真实姓名（至少2个字）。", "Enter your full legal name (2 characters or more)."),
        )
        .into());
    }
    if count > 40 {
        return Err(
            t(lang, ("姓名太长了，最多40个字。", "The name is too long (40 characters at most).")).into()
        );
    }
    if n.chars().any(|c| c.is_ascii_digit() || c == '<' || c == '>' || c.is_control()) {
        return Err(t(lang, ("姓名里不能有数字或符号。", "A name cannot contain digits or symbols.")).into());
    }
    Ok(n.to_string())
}

#[island(lazy)]
pub fn ProfileForm(lang: Lang, name: String, has_id: bool) -> impl IntoView {
    let name = RwSignal::new(crate::ui::typed_before_wake("name", name));
    let id = RwSignal::new(crate::ui::typed_before_wake("resident_id", String::new()));
    let awake = crate::ui::awake();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);

    let today = move || CivilDate::from_unix_shanghai(now_secs());
    let id_error = move || {
        let v = id.get();
        if v.trim().is_empty() {
            return None;
        }
        ResidentId::parse(&v, today()).err().map(|e| e.message(lang))
    };
    let name_error = move || {
        let v = name.get();
        if v.is_empty() {
            return None;
        }
        check_name(&v, lang).err()
    };

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        if let Err(e) = check_name(&name.get_untracked(), lang) {
            error.set(Some(e));
            return;
        }
        if let Err(e) = ResidentId::parse(&id.get_untracked(), today()) {
            error.set(Some(e.message(lang)));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = save_profile(name.get_untracked(), id.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(me) => {
                    saved.set(Some(match lang {
                        Lang::Zh => format!(
                            "已保存：{}，身份证 {}",
                            me.display_name(),
                            me.resident_id_masked.unwrap_or_default()
                        ),
                        Lang::En => format!(
                            "Saved: {}, ID {}",
                            me.display_name(),
                            me.resident_id_masked.unwrap_or_default()
                        ),
                    }));
                    id.set(String::new());
                }
                Err(e) => error.set(Some(e.message().to_string())),
            }
        });
    };

    view! {
        <form
            class="card form"
            data-testid="profile-form"
            data-waking=move || (!awake.get()).then_some("")
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <label for="name">{t(lang, ("真实姓名", "Full legal name"))}</label>
            <input
                id="name"
                name="name"
                autocomplete="name"
                value=name.get_untracked()
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
                aria-describedby="name-error"
            />
            <p id="name-error" class="field-error" role="alert">
                {name_error}
            </p>
            <label for="resident_id">
                {if has_id {
                    t(
                        lang,
                        (
                            "身份证号码（重新填写以更改）",
                            "Resident ID number (type again to change)",
                        ),
                    )
                } else {
                    t(lang, ("身份证号码（18位）", "Resident ID number (18 characters)"))
                }}
            </label>
            <input
                id="resident_id"
                name="resident_id"
                maxlength="22"
                autocomplete="off"
                prop:value=move || id.get()
                on:input=move |ev| id.set(event_target_value(&ev))
                aria-invalid=move || id_error().is_some().to_string()
                aria-describedby="id-error"
                data-testid="resident-id"
            />
            <p id="id-error" class="field-error" role="alert" data-testid="id-error">
                {id_error}
            </p>
            <button type="submit" class="btn primary" disabled=move || busy.get()>
                {t(lang, ("保存", "Save"))}
            </button>
            <p class="form-info" role="status" data-testid="profile-saved">
                {move || saved.get()}
            </p>
            <p class="form-error" role="alert">
                {move || error.get()}
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_need_two_characters_and_no_digits() {
        assert!(check_name("张", Lang::Zh).is_err());
        assert!(check_name("张三3", Lang::Zh).is_err());
        assert_eq!(check_name(" 张三 ", Lang::Zh), Ok("张三".into()));
        assert!(check_name("阿卜杜·热合曼", Lang::Zh).is_ok());
    }
}
