//! Pocket Court (掌上法庭): the Leptos app, built twice — for the server (`ssr`) and for
//! the browser (`hydrate`, a cdylib). Three kinds of code, kept apart:
//!
//! - [`rules`]: court rules with no I/O (identifiers, case numbers, dates, deadlines, fees,
//!   lifecycle). The same code validates forms in the browser and decides on the server.
//! - [`log`]: the tamper-evident log of electronic service (RFC 9162 Merkle tree, signed tree
//!   heads, receipts), with no I/O: the server proves, the phone checks.
//! - [`api`]: wire types and server functions, the browser's only door to the server.
//! - [`pages`] and [`ui`]: phone-first pages (server-rendered HTML) and the few islands
//!   that make parts of them interactive.
//!
//! Pages are Leptos *islands*: everything is rendered on the server and works without
//! JavaScript; only components marked `#[island]` ship code to the phone.

pub mod api;
pub mod i18n;
pub mod log;
pub mod pages;
pub mod rules;
pub mod ui;

pub use pages::{shell, App};

/// Entry point of the browser build: wakes up the islands, then marks the page as ready
/// (`<body data-hydrated>`; browser tests wait for it before they click).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console are for developers: a release build leaves out the hook
    // and the formatting it needs (the download stays smaller; a panic still stops the island).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "1");
    }
}
