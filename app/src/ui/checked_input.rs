//! A form field checked as it is typed (island), with the very rule the server applies
//! (`rules::ids`, `rules::filing`, `rules::fees`). The field is a plain `<input name=...>` in
//! a plain form: without JavaScript it posts all the same and the server's message shows.
//!
//! With `keep` (the filing and the version the page shows), what is typed is also kept in
//! the phone's `localStorage` until it is saved: a reload, a dropped connection or a post that
//! never arrived loses nothing — the field comes back as it was typed. Kept text is only
//! restored onto the same version of the filing, never over a newer save from elsewhere —
//! and when the phone comes back online with kept text, the form is saved by itself.

use crate::rules::dates::CivilDate;
use crate::rules::filing::{check_amount, check_email, check_name};
use crate::rules::ids::{CreditCode, Mobile, ResidentId};
use crate::rules::Lang;
use leptos::prelude::*;

/// What `kind` of value a field holds decides its check: `name`, `resident_id`,
/// `credit_code`, `mobile`, `yuan`, `email`, `text` or `textarea` (present, if required).
pub fn check_value(kind: &str, value: &str, required: bool, today: CivilDate, lang: Lang) -> Option<String> {
    if value.trim().is_empty() {
        return required.then(|| lang.pick("这一项必须填写。", "This must be filled in.").to_string());
    }
    match kind {
        "name" => check_name(value, lang),
        "resident_id" => ResidentId::parse(value, today).err().map(|e| e.message(lang)),
        "credit_code" => CreditCode::parse(value).err().map(|e| e.message(lang)),
        "mobile" => Mobile::parse(value).err().map(|e| e.message(lang)),
        "yuan" => check_amount(value, lang),
        "email" => check_email(value, lang),
        _ => None,
    }
}

/// The check itself, in a chunk of its own (`cargo leptos build --split`): the rules and their
/// messages are fetched when a page with checked fields wakes up (see `lazy_preload!` below),
/// so they are there by the time a person types; pages without such fields never load them.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
fn check_lazily(kind: String, value: String, required: bool, lang: Lang) -> Option<String> {
    let today = CivilDate::from_unix_shanghai(crate::ui::countdown::now_secs());
    check_value(&kind, &value, required, today, lang)
}

#[island]
pub fn CheckedInput(
    name: String,
    kind: String,
    label: String,
    value: String,
    required: bool,
    server_error: Option<String>,
    lang: Lang,
    #[prop(optional)] keep: Option<String>,
) -> impl IntoView {
    // What the person typed before the page woke up (a slow phone shows the server's page
    // long before the wasm arrives) is theirs: it is taken over, never reset to the server's.
    #[cfg(feature = "hydrate")]
    let typed_early = local::typed_into(&name).filter(|t| *t != value);
    #[cfg(not(feature = "hydrate"))]
    let typed_early: Option<String> = None;
    let text = RwSignal::new(typed_early.clone().unwrap_or_else(|| value.clone()));
    // The server's message until the person types; then the check of what is typed.
    let error = RwSignal::new(server_error);
    let store_key = keep.map(|k| format!("pc-typed:{k}:{name}"));
    let textarea = kind == "textarea";
    let mode = match kind.as_str() {
        "mobile" => "tel",
        "yuan" => "decimal",
        "email" => "email",
        _ => "text",
    };
    // Checks run one after another as the person types; only the latest one's answer shows.
    #[cfg(feature = "hydrate")]
    let (kind, asked) = (StoredValue::new(kind), StoredValue::new(0u32));
    let recheck = move |v: String| {
        #[cfg(feature = "hydrate")]
        {
            let n = asked.get_value().wrapping_add(1);
            asked.set_value(n);
            leptos::task::spawn_local(async move {
                let found = check_lazily(kind.get_value(), v, required, lang).await;
                if asked.get_value() == n {
                    error.set(found);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (v, required, lang);
    };
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::lazy_preload!(check_lazily);
        let (key, saved) = (store_key.clone(), value.clone());
        Effect::new(move |_| {
            if let Some(early) = typed_early.clone() {
                if let Some(k) = &key {
                    local::set(k, &early);
                }
                recheck(early);
            } else if let Some(kept) = key.as_deref().and_then(local::get) {
                if kept != saved {
                    text.set(kept.clone());
                    recheck(kept);
                } else if let Some(k) = &key {
                    local::remove(k);
                }
            }
        });
        // Back online with something typed and not yet saved: save it (once per form).
        if let Some(key) = store_key.clone() {
            let (field, saved) = (name.clone(), value.clone());
            let handle = leptos::leptos_dom::helpers::window_event_listener(leptos::ev::online, move |_| {
                if local::get(&key).is_some_and(|kept| kept != saved) {
                    local::save_form_of(&field);
                }
            });
            on_cleanup(move || handle.remove());
        }
    }
    let remember = move |v: &str| {
        #[cfg(feature = "hydrate")]
        if let Some(k) = &store_key {
            local::set(k, v);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (v, &store_key);
    };
    let id = name.clone();
    let error_id = format!("{name}-error");
    let input = if textarea {
        view! {
            <textarea
                id=id.clone()
                name=name.clone()
                rows="5"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input={
                    let remember = remember.clone();
                    move |ev| {
                        let v = event_target_value(&ev);
                        remember(&v);
                        text.set(v.clone());
                        recheck(v);
                    }
                }
            >
                {value.clone()}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name.clone()
                value=value.clone()
                inputmode=mode
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    remember(&v);
                    text.set(v.clone());
                    recheck(v);
                }
            />
        }
        .into_any()
    };
    view! {
        <label for=id>{label}</label>
        {input}
        <p id=format!("{name}-error") class="field-error" role="alert">
            {error}
        </p>
    }
}

/// The phone's `localStorage`, quietly absent when the browser refuses it (private mode).
#[cfg(feature = "hydrate")]
mod local {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    pub fn get(key: &str) -> Option<String> {
        storage().and_then(|s| s.get_item(key).ok().flatten())
    }

    pub fn set(key: &str, value: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    }

    /// The value now in the field with this id (an input or a textarea), if there is one.
    pub fn typed_into(id: &str) -> Option<String> {
        use wasm_bindgen::JsCast;
        let el = web_sys::window()?.document()?.get_element_by_id(id)?;
        match el.dyn_into::<web_sys::HtmlInputElement>() {
            Ok(input) => Some(input.value()),
            Err(el) => el.dyn_into::<web_sys::HtmlTextAreaElement>().ok().map(|t| t.value()),
        }
    }

    pub fn remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    /// Submits the form that holds the field `id` — once, however many of its fields ask.
    pub fn save_form_of(id: &str) {
        use wasm_bindgen::JsCast;
        let form = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(form) = form {
            if form.get_attribute("data-sending").is_none() {
                let _ = form.set_attribute("data-sending", "");
                let _ = form.request_submit();
            }
        }
    }
}
