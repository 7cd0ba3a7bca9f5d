//! Components shared by pages, and the islands (the only parts that run in the browser).

pub mod checked_input;
pub mod countdown;
pub mod fee_calculator;
pub mod layout;
pub mod profile_form;
pub mod receipt_check;
pub mod sign_in_form;
pub mod signature_pad;
pub mod uploader;

use leptos::prelude::*;

/// What the person already typed into the field `id` before this island woke up, else
/// `fallback`. Lazy islands load after the page is readable and usable, so on a slow network
/// someone may type first; starting from the field's own value keeps their typing instead of
/// wiping it when the island takes the field over.
pub fn typed_before_wake(id: &str, fallback: String) -> String {
    #[cfg(feature = "hydrate")]
    {
        let typed = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|el| js_sys::Reflect::get(&el, &"value".into()).ok())
            .and_then(|v| v.as_string())
            .filter(|v| !v.is_empty());
        if let Some(typed) = typed {
            return typed;
        }
    }
    let _ = id;
    fallback
}

/// False on the server and until the island runs in the browser, then true. The island's root
/// carries `data-waking` while false (tests wait for none to be left), and buttons that need
/// the island stay disabled until it is awake rather than doing nothing when tapped.
pub fn awake() -> ReadSignal<bool> {
    let (awake, set_awake) = signal(false);
    Effect::new(move |_| set_awake.set(true));
    awake
}
