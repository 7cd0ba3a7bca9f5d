//! Lowercase hexadecimal, the way hashes, keys and signatures travel in JSON and are printed on
//! a receipt: two digits per byte, most significant nibble first (RFC 4648 §8, "base16").
//! Decoding also accepts capitals, since people copy hashes from other tools.
//!
//! The `serde_*` modules plug into `#[serde(with = "...")]` so the wire types keep plain byte
//! arrays in Rust and hex strings in JSON.

use std::fmt;

use crate::rules::Lang;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Why a hex string was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HexError {
    /// `found` hex digits where `expected` were needed (for a byte array of a fixed size), or an
    /// odd number of digits (then `expected` is `found + 1`).
    WrongLength { expected: usize, found: usize },
    /// The character at `pos` (1-based) is not a hex digit.
    BadCharacter { pos: usize, found: char },
}

impl HexError {
    /// A short, plain sentence that says what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            HexError::WrongLength { expected, found } => match lang {
                Lang::Zh => format!("十六进制串应有{expected}位，实际有{found}位。"),
                Lang::En => format!("The hex string should have {expected} digits and has {found}."),
            },
            HexError::BadCharacter { pos, found } => match lang {
                Lang::Zh => format!("十六进制串第{pos}位的“{found}”不是0-9或a-f。"),
                Lang::En => format!("Character {pos} (“{found}”) of the hex string is not 0-9 or a-f."),
            },
        }
    }
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for HexError {}

/// `bytes` as lowercase hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Hex of any length (even) to bytes.
pub fn decode(s: &str) -> Result<Vec<u8>, HexError> {
    let found = s.chars().count();
    if !found.is_multiple_of(2) {
        return Err(HexError::WrongLength { expected: found + 1, found });
    }
    let mut out = Vec::with_capacity(found / 2);
    let mut high = None;
    for (i, c) in s.chars().enumerate() {
        let nibble = c.to_digit(16).ok_or(HexError::BadCharacter { pos: i + 1, found: c })? as u8;
        match high.take() {
            None => high = Some(nibble),
            Some(h) => out.push(h << 4 | nibble),
        }
    }
    Ok(out)
}

/// Hex of exactly `2 × N` digits to `N` bytes (a hash: `N = 32`; a signature: `N = 64`).
pub fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let found = s.chars().count();
    if found != 2 * N {
        return Err(HexError::WrongLength { expected: 2 * N, found });
    }
    let bytes = decode(s)?;
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// `#[serde(with = "serde_array")]` for `[u8; N]`: one hex string.
pub mod serde_array {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, const N: usize>(bytes: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[u8; N], D::Error> {
        let s = String::deserialize(d)?;
        super::decode_array(&s).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "serde_arrays")]` for `Vec<[u8; N]>`: a list of hex strings.
pub mod serde_arrays {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, const N: usize>(items: &[[u8; N]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(items.iter().map(|b| super::encode(b)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<Vec<[u8; N]>, D::Error> {
        let items = Vec::<String>::deserialize(d)?;
        items.iter().map(|s| super::decode_array(s).map_err(D::Error::custom)).collect()
    }
}

/// `#[serde(with = "serde_opt_bytes")]` for `Option<Vec<u8>>`: a hex string, or nothing.
pub mod serde_opt_bytes {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&super::encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?.map(|s| super::decode(&s).map_err(D::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_every_byte_value() {
        let all: Vec<u8> = (0..=255).collect();
        let text = encode(&all);
        assert!(text.starts_with("000102") && text.ends_with("fdfeff"));
        assert_eq!(decode(&text), Ok(all));
        assert_eq!(decode("ABcd"), Ok(vec![0xab, 0xcd]), "capitals are accepted");
    }

    #[test]
    fn hex_says_where_it_went_wrong() {
        assert_eq!(decode("abc"), Err(HexError::WrongLength { expected: 4, found: 3 }));
        assert_eq!(decode("0g"), Err(HexError::BadCharacter { pos: 2, found: 'g' }));
        assert_eq!(decode_array::<2>("00"), Err(HexError::WrongLength { expected: 4, found: 2 }));
        assert_eq!(decode_array::<1>("é0"), Err(HexError::BadCharacter { pos: 1, found: 'é' }));
        assert!(HexError::WrongLength { expected: 64, found: 63 }.message(Lang::Zh).contains("64"));
    }
}
