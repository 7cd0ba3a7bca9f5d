//! The court's rules, with no I/O.
//!
//! Everything in this folder compiles both for the browser (wasm, instant feedback on forms)
//! and for the server (the authority). Each rule names its source (statute and article) in a
//! comment or in a `source` value shown to the user. See `/work/shared/DOMAIN.md`.

pub mod case_number;
pub mod confirmation;
pub mod dates;
pub mod deadlines;
pub mod fees;
pub mod filing;
pub mod holidays;
pub mod ids;
pub mod lifecycle;
pub mod mediation;
pub mod procedure;
pub mod service;

use serde::{Deserialize, Serialize};

/// The language of a message shown to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the text written for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Maps a full-width ASCII form (`０`, `Ａ`, `（`, `－`, `＋` ... what a Chinese input method
/// often produces) and the ideographic space to plain ASCII; other characters are unchanged.
pub(crate) fn to_halfwidth(c: char) -> char {
    match c {
        // The full-width forms U+FF01..=U+FF5E sit exactly 0xFEE0 above ASCII '!'..='~'.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Test helpers shared by the rule modules: serde checks without a format crate.
#[cfg(test)]
pub(crate) mod wire {
    use serde::de::value::{Error, StrDeserializer};
    use serde::de::{DeserializeOwned, IntoDeserializer};
    use serde::Serialize;

    /// Deserialises `T` from a bare string, as a JSON string value would be.
    pub fn from_str<T: DeserializeOwned>(s: &str) -> Result<T, Error> {
        let deserializer: StrDeserializer<'_, Error> = s.into_deserializer();
        T::deserialize(deserializer)
    }

    /// Compiles only if `T` can be sent and received as an owned value.
    pub fn assert_wire<T: Serialize + DeserializeOwned>() {}
}
