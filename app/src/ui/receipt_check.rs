//! The phone's own check of a receipt (送达回证): the signed tree head's Ed25519 signature,
//! each event's hash and its RFC 9162 inclusion proof, computed here in wasm with the very
//! code of `log::service` — not the server's word. Without JavaScript the page shows the
//! server's check instead.

use crate::i18n::t;
use crate::log::service::{verify_service_receipt, ServiceReceipt, ServiceReceiptError};
use crate::rules::Lang;
use leptos::prelude::*;

/// What the check found: verified (tree size, the record's position, milliseconds taken) or
/// the failure in words.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Outcome {
    Waiting,
    Verified { size: u64, first_index: u64, events: usize, micros: u64 },
    Failed(String),
}

/// Milliseconds on a fine clock (the browser's `performance.now()`).
#[cfg(feature = "hydrate")]
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn check(receipt_json: &str, court_key: &str, lang: Lang, clock: impl Fn() -> f64) -> Outcome {
    let start = clock();
    let Ok(receipt) = serde_json::from_str::<ServiceReceipt>(receipt_json) else {
        return Outcome::Failed(ServiceReceiptError::Format.message(lang));
    };
    let receipt = &receipt;
    let Ok(key) = crate::log::hex::decode_array::<32>(court_key) else {
        return Outcome::Failed(
            t(lang, ("本院公钥无效，无法核验。", "The court's key is not valid; cannot check.")).into(),
        );
    };
    match verify_service_receipt(receipt, &key) {
        Ok(v) => Outcome::Verified {
            size: v.tree_size,
            first_index: receipt.events.first().map(|e| e.leaf_index).unwrap_or(0),
            events: v.events.len(),
            // Whole microseconds: no float formatting code in the download.
            micros: ((clock() - start) * 1000.0) as u64,
        },
        Err(e) => Outcome::Failed(e.message(lang)),
    }
}

/// A lazy island (`cargo leptos build --split`): the island, reading the receipt and the
/// Ed25519 and SHA-512 code are a chunk of their own, fetched only by the page that checks a
/// receipt. (The receipt comes as JSON text: reading it is part of the check, so a receipt that
/// cannot be read is reported as such instead of stopping the island.)
#[island(lazy)]
pub fn ReceiptCheck(
    receipt_json: String,
    court_key: String,
    server_said: Option<String>,
    lang: Lang,
) -> impl IntoView {
    let outcome = RwSignal::new(Outcome::Waiting);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| outcome.set(check(&receipt_json, &court_key, lang, now_ms)));
    #[cfg(not(feature = "hydrate"))]
    let _ = (&receipt_json, &court_key);
    let server_line = match &server_said {
        None => t(lang, ("服务器核验：通过。", "Checked by the server: verified.")).to_string(),
        Some(e) => format!("{}{e}", t(lang, ("服务器核验未通过：", "The server's check failed: "))),
    };
    view! {
        <div class="verify" aria-live="polite">
            {move || match outcome.get() {
                Outcome::Waiting => {
                    view! {
                        <p class="verify-wait" data-testid="verify-wait">
                            {server_line.clone()}
                            " "
                            {t(lang, ("正在本机核验……", "Checking on this phone…"))}
                        </p>
                    }
                        .into_any()
                }
                Outcome::Verified { size, first_index, events, micros } => {
                    view! {
                        <p class="verify-ok" data-testid="verify-ok" data-verify-us=micros.to_string()>
                            <strong>
                                {t(lang, ("✔ 已在本机核验", "✔ Verified on this phone"))}
                            </strong>
                            {match lang {
                                Lang::Zh => {
                                    format!(
                                        "：这{events}条送达记录都在本院签名的日志里（日志共{size}条，本记录从第{}条起），签名后没有被改动。",
                                        first_index + 1,
                                    )
                                }
                                Lang::En => {
                                    format!(
                                        ": these {events} service events are in the log this court signed ({size} entries; this record from entry {}), unchanged since.",
                                        first_index + 1,
                                    )
                                }
                            }}
                        </p>
                    }
                        .into_any()
                }
                Outcome::Failed(why) => {
                    view! {
                        <p class="verify-fail" role="alert" data-testid="verify-fail">
                            <strong>{t(lang, ("✘ 核验未通过：", "✘ Not verified: "))}</strong>
                            {why}
                        </p>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_key_is_named() {
        let r = serde_json::to_string(&ServiceReceipt {
            format: crate::log::service::RECEIPT_FORMAT.into(),
            record: 1,
            public_key: [0; 32],
            events: vec![],
        })
        .unwrap();
        assert!(matches!(check(&r, "zz", Lang::Zh, || 0.0), Outcome::Failed(_)));
        assert!(matches!(check(&r, &"00".repeat(32), Lang::Zh, || 0.0), Outcome::Failed(_)));
        assert!(matches!(check("{not json", &"00".repeat(32), Lang::Zh, || 0.0), Outcome::Failed(_)));
    }
}
