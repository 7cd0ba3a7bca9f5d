//! Language and display preferences.
//!
//! Text lives next to the code that shows it as a `(中文, English)` pair; `t` picks one.
//! Chinese is the default. Preferences travel in two plain cookies so that every page is
//! rendered right on the server, with or without JavaScript.

use crate::rules::Lang;
use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "pc_lang";
pub const ELDER_COOKIE: &str = "pc_elder";

/// Picks the text for `lang` from a `(中文, English)` pair.
pub fn t(lang: Lang, pair: (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::Zh => pair.0,
        Lang::En => pair.1,
    }
}

/// What the person chose for reading: language and elder mode (长辈模式).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub lang: Lang,
    pub elder: bool,
}

impl Prefs {
    /// Reads the preferences from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Prefs {
        let mut prefs = Prefs::default();
        for pair in header.split(';') {
            let mut kv = pair.trim().splitn(2, '=');
            match (kv.next(), kv.next()) {
                (Some(LANG_COOKIE), Some("en")) => prefs.lang = Lang::En,
                (Some(ELDER_COOKIE), Some("1")) => prefs.elder = true,
                _ => {}
            }
        }
        prefs
    }

    pub fn t(&self, pair: (&'static str, &'static str)) -> &'static str {
        t(self.lang, pair)
    }
}

/// Returns the value of one cookie from a `Cookie` header value.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let mut kv = pair.trim().splitn(2, '=');
        (kv.next() == Some(name)).then(|| kv.next()).flatten()
    })
}

/// The preferences of the request being rendered. On the server they come from the request's
/// cookies; pages are only ever rendered on the server (islands get them as props).
pub fn request_prefs() -> Prefs {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>() {
            let header = parts.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
            return Prefs::from_cookie_header(header);
        }
    }
    Prefs::default()
}

/// The path and query of the request being rendered (for "switch language and come back").
pub fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>() {
            return parts
                .uri
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| "/".into());
        }
    }
    "/".into()
}

/// Percent-encodes a value for a query string (RFC 3986 unreserved characters stay).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A path on this site, parsed from what a `next=` parameter says: where to go back to after
/// signing in or changing a preference.
///
/// Browsers do not take an address as written: they drop TAB, LF and CR anywhere in it and
/// read `\` as `/`, so `/\t/evil.example` becomes `//evil.example`, another site. A local path
/// therefore starts with one `/`, never two, and holds no control character, no space and no
/// backslash at all — what a browser would rewrite is refused, not cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath<'a>(&'a str);

impl<'a> LocalPath<'a> {
    pub fn parse(next: &'a str) -> Option<LocalPath<'a>> {
        let mut chars = next.chars();
        let first_two = (chars.next(), chars.next());
        let one_slash = first_two.0 == Some('/') && !matches!(first_two.1, Some('/'));
        let plain = next.chars().all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
        (one_slash && plain && next.len() <= 2048).then_some(LocalPath(next))
    }

    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Where to go back to: `next` if it is a local path, else the home page.
pub fn safe_next(next: &str) -> &str {
    LocalPath::parse(next).map(|p| p.as_str()).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_local_path_is_a_place_to_go_back_to() {
        for ok in ["/", "/cases/7", "/cases/7/fees?order=PC1#paid", "/filings?next=%2F%2Fx"] {
            assert_eq!(safe_next(ok), ok);
        }
        // Each of these leaves the site in a browser, or is not a path at all.
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/ /evil.example",
            "/\u{7f}/x",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn prefs_default_to_chinese_without_elder_mode() {
        assert_eq!(Prefs::from_cookie_header(""), Prefs::default());
        assert_eq!(Prefs::default().lang, Lang::Zh);
    }

    #[test]
    fn prefs_read_both_cookies_among_others() {
        let p = Prefs::from_cookie_header("a=b; pc_lang=en; pc_session=x; pc_elder=1");
        assert_eq!(p, Prefs { lang: Lang::En, elder: true });
    }

    #[test]
    fn cookie_value_finds_exact_name_only() {
        assert_eq!(cookie_value("pc_session2=a; pc_session=b", "pc_session"), Some("b"));
        assert_eq!(cookie_value("x=1", "pc_session"), None);
    }

    #[test]
    fn safe_next_refuses_other_sites() {
        assert_eq!(safe_next("/cases/3"), "/cases/3");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
    }
}
