//! Signed tree heads and service receipts.
//!
//! The court signs each tree head with Ed25519 (RFC 8032, PureEdDSA over the bytes below).
//! Checks use `verify_strict`, which also refuses small-order public keys and non-canonical
//! signatures, so a signature cannot be reshaped into a second valid one and a weak key cannot
//! "sign" every head.
//!
//! # The signed bytes of a tree head (version 1)
//!
//! | offset     | length | content                                                         |
//! |------------|--------|-----------------------------------------------------------------|
//! | 0          | 26     | ASCII `pocket-court tree head v1` and a line feed (0x0a)        |
//! | 26         | 1      | L, the length of the log id in bytes (1 to 64)                  |
//! | 27         | L      | the log id, ASCII (see [`LogId`])                               |
//! | 27 + L     | 8      | tree size (number of entries), unsigned, big-endian             |
//! | 35 + L     | 8      | timestamp: milliseconds since 1970-01-01T00:00:00Z, unsigned, big-endian |
//! | 43 + L     | 32     | root hash (RFC 9162 `MTH` of the whole tree)                    |
//!
//! 75 + L bytes in all. The prefix names the purpose and the version, so these bytes can never
//! be mistaken for another message signed with the same key; the length byte makes the
//! encoding unambiguous; every other field has a fixed size. No JSON is ever signed: the JSON
//! of a head is only a carrier, and the bytes are rebuilt from its fields.

use std::fmt;

use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::hex;
use super::merkle::{self, Hash, ProofError};
use crate::rules::Lang;

#[cfg(feature = "ssr")]
pub use ed25519_dalek::SigningKey;

/// The first bytes of every signed tree head: purpose and version.
pub const HEAD_PREFIX: &[u8; 26] = b"pocket-court tree head v1\n";

/// The longest log id, in bytes.
pub const LOG_ID_MAX: usize = 64;

/// An Ed25519 public key (RFC 8032 §5.1.5 encoding).
pub type PublicKey = [u8; 32];

/// An Ed25519 signature (RFC 8032 §5.1.6 encoding: R then S).
pub type SignatureBytes = [u8; 64];

// ---------------------------------------------------------------------------------------------
// Log id
// ---------------------------------------------------------------------------------------------

/// Which log a head belongs to, e.g. `cn.court.hn0181/service/v1`: 1 to 64 ASCII letters,
/// digits and `. _ - : /`. ASCII only, so two ids that look alike are alike (no Unicode
/// look-alikes, no normalisation question in the signed bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LogId(String);

/// Why a log id was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogIdError {
    /// No characters.
    Empty,
    /// More than [`LOG_ID_MAX`] bytes.
    TooLong { len: usize },
    /// The character at `pos` (1-based) is not allowed.
    BadCharacter { pos: usize, found: char },
}

impl LogIdError {
    /// A short, plain sentence that says what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            LogIdError::Empty => lang.pick("日志标识为空。", "The log id is empty.").to_owned(),
            LogIdError::TooLong { len } => match lang {
                Lang::Zh => format!("日志标识最长{LOG_ID_MAX}个字符，这个有{len}个。"),
                Lang::En => format!("A log id has at most {LOG_ID_MAX} characters; this one has {len}."),
            },
            LogIdError::BadCharacter { pos, found } => match lang {
                Lang::Zh => format!("日志标识第{pos}位的“{found}”不允许：只能用英文字母、数字和 . _ - : /。"),
                Lang::En => format!(
                    "Character {pos} (“{found}”) of the log id is not allowed: only letters, digits and . _ - : / are."
                ),
            },
        }
    }
}

impl fmt::Display for LogIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for LogIdError {}

impl LogId {
    pub fn parse(s: &str) -> Result<LogId, LogIdError> {
        if s.is_empty() {
            return Err(LogIdError::Empty);
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/')))
        {
            return Err(LogIdError::BadCharacter { pos: i + 1, found: c });
        }
        if s.len() > LOG_ID_MAX {
            return Err(LogIdError::TooLong { len: s.len() });
        }
        Ok(LogId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LogId {
    type Error = LogIdError;
    fn try_from(s: String) -> Result<LogId, LogIdError> {
        LogId::parse(&s)
    }
}

impl From<LogId> for String {
    fn from(id: LogId) -> String {
        id.0
    }
}

impl fmt::Display for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Tree heads
// ---------------------------------------------------------------------------------------------

/// What the court states about its log at one moment: "log `log_id` had `size` entries and
/// root `root` at `timestamp_ms`". JSON: `root` is 64 hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHead {
    pub log_id: LogId,
    pub size: u64,
    #[serde(with = "hex::serde_array")]
    pub root: Hash,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub timestamp_ms: u64,
}

impl TreeHead {
    /// The bytes the court signs; the layout is in the module documentation.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let id = self.log_id.as_str().as_bytes();
        let mut out = Vec::with_capacity(HEAD_PREFIX.len() + 1 + id.len() + 8 + 8 + 32);
        out.extend_from_slice(HEAD_PREFIX);
        // LogId::parse keeps the id within 64 bytes, so the length fits one byte.
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&self.size.to_be_bytes());
        out.extend_from_slice(&self.timestamp_ms.to_be_bytes());
        out.extend_from_slice(&self.root);
        out
    }
}

/// A tree head with the court's signature. JSON: `{"head": {...}, "signature": "<128 hex>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTreeHead {
    pub head: TreeHead,
    #[serde(with = "hex::serde_array")]
    pub signature: SignatureBytes,
}

impl SignedTreeHead {
    /// Checks the signature with the court's public key (see [`verify`]).
    pub fn verify(&self, public_key: &PublicKey) -> Result<(), SignatureError> {
        verify(&self.head, &self.signature, public_key)
    }
}

/// Signs a tree head (the server only: the key never leaves it).
#[cfg(feature = "ssr")]
pub fn sign(head: &TreeHead, key: &SigningKey) -> SignedTreeHead {
    use ed25519_dalek::Signer;
    SignedTreeHead { head: head.clone(), signature: key.sign(&head.signed_bytes()).to_bytes() }
}

/// The public key that checks what `key` signs.
#[cfg(feature = "ssr")]
pub fn public_key_of(key: &SigningKey) -> PublicKey {
    key.verifying_key().to_bytes()
}

/// Why a signature did not check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureError {
    /// The 32 bytes given as the court's public key are not an Ed25519 public key.
    BadPublicKey,
    /// The signature is not the court's over this head: another key signed it, or the head
    /// (any byte of it) or the signature was changed.
    BadSignature,
}

impl SignatureError {
    /// A short, plain sentence that says what did not check.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SignatureError::BadPublicKey => lang.pick(
                "法院公钥无效，无法核验签名。请使用法院公布的公钥。",
                "The court's public key is not valid, so the signature cannot be checked. Please use the key the court publishes.",
            ),
            SignatureError::BadSignature => lang.pick(
                "树头签名无效：这个树头不是法院签发的，或者签发后被改动过。",
                "The tree head's signature is not valid: the court did not sign this tree head, or it was changed after signing.",
            ),
        }
        .to_owned()
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for SignatureError {}

/// Checks the court's signature over a tree head (RFC 8032 §5.1.7, strict: small-order keys
/// and non-canonical signatures are refused).
pub fn verify(
    head: &TreeHead,
    signature: &SignatureBytes,
    public_key: &PublicKey,
) -> Result<(), SignatureError> {
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| SignatureError::BadPublicKey)?;
    let signature = Signature::from_bytes(signature);
    key.verify_strict(&head.signed_bytes(), &signature).map_err(|_| SignatureError::BadSignature)
}

// ---------------------------------------------------------------------------------------------
// Receipts
// ---------------------------------------------------------------------------------------------

/// What a litigant receives with a service event: enough to check, offline, that the event is
/// in the log the court signed. JSON: hashes and bytes as hex strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The entry exactly as logged, when the receipt carries it (else only its hash is checked,
    /// and whoever holds the entry checks it against `leaf_hash`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "hex::serde_opt_bytes")]
    pub entry: Option<Vec<u8>>,
    /// `SHA-256(0x00 || entry)`.
    #[serde(with = "hex::serde_array")]
    pub leaf_hash: Hash,
    /// The entry's position in the log, from 0.
    pub leaf_index: u64,
    /// The signed head the proof leads to.
    pub head: SignedTreeHead,
    /// RFC 9162 §2.1.3.1 inclusion proof of `leaf_index` in the head's tree, the leaf's sibling
    /// first.
    #[serde(with = "hex::serde_arrays")]
    pub inclusion_proof: Vec<Hash>,
}

/// Which check of a receipt failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceiptError {
    /// The tree head is not signed by the court's key (or was changed).
    Signature(SignatureError),
    /// The entry's leaf hash is not the receipt's `leaf_hash`: the entry was changed.
    EntryHash,
    /// The inclusion proof does not lead from the leaf to the signed root.
    Inclusion(ProofError),
}

impl ReceiptError {
    /// A short, plain sentence that says what did not check.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ReceiptError::Signature(e) => e.message(lang),
            ReceiptError::EntryHash => lang
                .pick(
                    "送达内容与回执中的哈希不符：送达内容被改动过。",
                    "The service record does not match the hash in the receipt: the record was changed.",
                )
                .to_owned(),
            ReceiptError::Inclusion(e) => match lang {
                Lang::Zh => format!("无法证明这条送达记录在法院签名的日志中。{}", e.message(lang)),
                Lang::En => {
                    format!(
                        "This service record cannot be shown to be in the log the court signed. {}",
                        e.message(lang)
                    )
                }
            },
        }
    }
}

impl fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ReceiptError {}

/// Checks a receipt against the court's public key, in this order, and says which check failed
/// first: the head's signature (is this the court's tree at all?), the entry's hash (if the
/// receipt carries the entry), the inclusion proof (is the entry in that tree?).
pub fn verify_receipt(receipt: &Receipt, public_key: &PublicKey) -> Result<(), ReceiptError> {
    receipt.head.verify(public_key).map_err(ReceiptError::Signature)?;
    if let Some(entry) = &receipt.entry {
        if merkle::leaf_hash(entry) != receipt.leaf_hash {
            return Err(ReceiptError::EntryHash);
        }
    }
    let head = &receipt.head.head;
    merkle::verify_inclusion(
        &receipt.leaf_hash,
        receipt.leaf_index,
        head.size,
        &receipt.inclusion_proof,
        &head.root,
    )
    .map_err(ReceiptError::Inclusion)
}

/// Why two signed heads do not show an append-only log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeadsError {
    /// The earlier head's signature does not check.
    Earlier(SignatureError),
    /// The later head's signature does not check.
    Later(SignatureError),
    /// The heads belong to different logs.
    DifferentLogs,
    /// The consistency proof does not check (for equal sizes with different roots:
    /// [`ProofError::SameSizeDifferentRoots`], a fork signed by the court).
    Consistency(ProofError),
}

impl HeadsError {
    /// A short, plain sentence that says what did not check.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            HeadsError::Earlier(e) => {
                format!("{}{}", lang.pick("较早的树头：", "Earlier tree head: "), e.message(lang))
            }
            HeadsError::Later(e) => {
                format!("{}{}", lang.pick("较新的树头：", "Later tree head: "), e.message(lang))
            }
            HeadsError::DifferentLogs => lang
                .pick("两个树头属于不同的日志，无法比较。", "The two tree heads belong to different logs.")
                .to_owned(),
            HeadsError::Consistency(e) => e.message(lang),
        }
    }
}

impl fmt::Display for HeadsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for HeadsError {}

/// Checks that `later` is `earlier`'s log with entries appended: both signatures, the same
/// log, and the RFC 9162 §2.1.4.2 consistency proof between their roots.
pub fn verify_heads(
    earlier: &SignedTreeHead,
    later: &SignedTreeHead,
    consistency_proof: &[Hash],
    public_key: &PublicKey,
) -> Result<(), HeadsError> {
    earlier.verify(public_key).map_err(HeadsError::Earlier)?;
    later.verify(public_key).map_err(HeadsError::Later)?;
    let (a, b) = (&earlier.head, &later.head);
    if a.log_id != b.log_id {
        return Err(HeadsError::DifferentLogs);
    }
    merkle::verify_consistency(a.size, b.size, consistency_proof, &a.root, &b.root)
        .map_err(HeadsError::Consistency)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::log::merkle::{prove_consistency, prove_inclusion, root_at, MemoryLog, Tree};

    fn court_key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    fn log_id() -> LogId {
        LogId::parse("cn.court.hn0181/service/v1").unwrap()
    }

    fn head_of(log: &MemoryLog, size: u64) -> TreeHead {
        TreeHead {
            log_id: log_id(),
            size,
            root: root_at(log, size).unwrap(),
            timestamp_ms: 1_750_000_000_000 + size,
        }
    }

    fn log_of(entries: u64) -> MemoryLog {
        let mut log = MemoryLog::new();
        for i in 0..entries {
            log.append(format!("送达 {i}").as_bytes());
        }
        log
    }

    #[test]
    fn the_signed_bytes_follow_the_documented_layout() {
        let head = TreeHead {
            log_id: LogId::parse("ab").unwrap(),
            size: 0x0102_0304_0506_0708,
            root: [0xaa; 32],
            timestamp_ms: 0x1112_1314_1516_1718,
        };
        let mut expected = b"pocket-court tree head v1\n".to_vec();
        assert_eq!(expected.len(), 26);
        expected.push(2);
        expected.extend_from_slice(b"ab");
        expected.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        expected.extend_from_slice(&[0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18]);
        expected.extend_from_slice(&[0xaa; 32]);
        assert_eq!(head.signed_bytes(), expected);
        assert_eq!(head.signed_bytes().len(), 75 + 2);
    }

    #[test]
    fn a_head_signed_by_the_court_verifies_and_one_signed_with_another_key_does_not() {
        let head = head_of(&log_of(5), 5);
        let signed = sign(&head, &court_key());
        let court = public_key_of(&court_key());
        assert_eq!(signed.verify(&court), Ok(()));
        assert_eq!(verify(&head, &signed.signature, &court), Ok(()));

        let forged = sign(&head, &SigningKey::from_bytes(&[8; 32]));
        assert_eq!(forged.verify(&court), Err(SignatureError::BadSignature));
        // Nor does the court's signature over one head pass for another.
        let other = sign(&head_of(&log_of(6), 6), &court_key());
        assert_eq!(verify(&head, &other.signature, &court), Err(SignatureError::BadSignature));
    }

    #[test]
    fn changing_any_field_of_the_head_or_any_byte_of_the_signature_breaks_it() {
        let signed = sign(&head_of(&log_of(5), 5), &court_key());
        let court = public_key_of(&court_key());
        let mut changed = Vec::new();
        for delta in [1u64, u64::MAX] {
            let mut h = signed.head.clone();
            h.size = h.size.wrapping_add(delta);
            changed.push(h.clone());
            h = signed.head.clone();
            h.timestamp_ms = h.timestamp_ms.wrapping_add(delta);
            changed.push(h);
        }
        for byte in 0..32 {
            let mut h = signed.head.clone();
            h.root[byte] ^= 0x01;
            changed.push(h);
        }
        for id in ["cn.court.hn0181/service/v2", "cn.court.hn0181/service/v1/", "cn.court.hn0181"] {
            let mut h = signed.head.clone();
            h.log_id = LogId::parse(id).unwrap();
            changed.push(h);
        }
        for h in &changed {
            assert_ne!(h.signed_bytes(), signed.head.signed_bytes());
            assert_eq!(verify(h, &signed.signature, &court), Err(SignatureError::BadSignature), "{h:?}");
        }
        for byte in 0..64 {
            let mut s = signed.signature;
            s[byte] ^= 0x80;
            assert_eq!(
                verify(&signed.head, &s, &court),
                Err(SignatureError::BadSignature),
                "signature byte {byte}"
            );
        }
    }

    #[test]
    fn a_small_order_key_cannot_sign_every_head() {
        // The neutral point as the key, R = the neutral point and S = 0 pass a lax check for any
        // message; the strict check refuses them.
        let mut neutral = [0u8; 32];
        neutral[0] = 1;
        let mut signature = [0u8; 64];
        signature[0] = 1;
        let head = head_of(&log_of(3), 3);
        assert!(verify(&head, &signature, &neutral).is_err());
    }

    #[test]
    fn a_public_key_that_is_not_a_curve_point_is_reported_as_such() {
        let head = head_of(&log_of(3), 3);
        let signed = sign(&head, &court_key());
        // Half of all y coordinates have no point on the curve; find one.
        let not_a_point = (2..=255u8)
            .map(|y| {
                let mut key = [0u8; 32];
                key[0] = y;
                key
            })
            .find(|key| VerifyingKey::from_bytes(key).is_err())
            .expect("some small y is not on the curve");
        assert_eq!(signed.verify(&not_a_point), Err(SignatureError::BadPublicKey));
    }

    #[test]
    fn log_ids_are_short_plain_ascii() {
        assert_eq!(log_id().as_str(), "cn.court.hn0181/service/v1");
        assert_eq!(LogId::parse(""), Err(LogIdError::Empty));
        assert_eq!(LogId::parse("湘0181"), Err(LogIdError::BadCharacter { pos: 1, found: '湘' }));
        assert_eq!(LogId::parse("a b"), Err(LogIdError::BadCharacter { pos: 2, found: ' ' }));
        assert_eq!(LogId::parse(&"a".repeat(65)), Err(LogIdError::TooLong { len: 65 }));
        assert!(LogId::parse(&"a".repeat(64)).is_ok());
        assert!(serde_json::from_str::<LogId>(r#""a b""#).is_err());
        assert!(LogIdError::TooLong { len: 65 }.message(Lang::Zh).contains("64"));
    }

    fn receipt(log: &MemoryLog, index: u64, size: u64) -> Receipt {
        Receipt {
            entry: Some(format!("送达 {index}").into_bytes()),
            leaf_hash: log.leaf(index).unwrap(),
            leaf_index: index,
            head: sign(&head_of(log, size), &court_key()),
            inclusion_proof: prove_inclusion(log, index, size).unwrap(),
        }
    }

    #[test]
    fn a_receipt_verifies_and_otherwise_says_exactly_what_failed() {
        let log = log_of(37);
        let court = public_key_of(&court_key());
        let good = receipt(&log, 20, 37);
        assert_eq!(verify_receipt(&good, &court), Ok(()));
        assert_eq!(verify_receipt(&Receipt { entry: None, ..good.clone() }, &court), Ok(()));
        // Every receipt of a tree of 1 to 37 entries, including one entry's tree.
        for size in 1..=37 {
            for index in 0..size {
                assert_eq!(verify_receipt(&receipt(&log, index, size), &court), Ok(()), "{index} of {size}");
            }
        }

        let mut r = good.clone();
        r.entry = Some("送达 21".into());
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::EntryHash));

        let mut r = good.clone();
        r.entry = None;
        r.leaf_hash = log.leaf(21).unwrap();
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::Inclusion(ProofError::RootMismatch)));

        let mut r = good.clone();
        r.leaf_index = 21;
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::Inclusion(ProofError::RootMismatch)));
        r.leaf_index = 37;
        assert_eq!(
            verify_receipt(&r, &court),
            Err(ReceiptError::Inclusion(ProofError::IndexBeyondSize { index: 37, size: 37 }))
        );

        let mut r = good.clone();
        r.inclusion_proof.pop();
        assert_eq!(
            verify_receipt(&r, &court),
            Err(ReceiptError::Inclusion(ProofError::WrongProofLength { expected: 6, found: 5 }))
        );
        let mut r = good.clone();
        r.inclusion_proof[2][31] ^= 1;
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::Inclusion(ProofError::RootMismatch)));

        // The size and the root are bound by the signature: changing either is caught there,
        // even where the bare proof would still check (see merkle.rs).
        let mut r = good.clone();
        r.head.head.size = 38;
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::Signature(SignatureError::BadSignature)));
        let mut r = good.clone();
        r.head.head.root = root_at(&log, 36).unwrap();
        assert_eq!(verify_receipt(&r, &court), Err(ReceiptError::Signature(SignatureError::BadSignature)));

        let forged =
            Receipt { head: sign(&good.head.head, &SigningKey::from_bytes(&[8; 32])), ..good.clone() };
        assert_eq!(
            verify_receipt(&forged, &court),
            Err(ReceiptError::Signature(SignatureError::BadSignature))
        );
    }

    #[test]
    fn a_receipt_travels_as_json_with_hex_strings() {
        let log = log_of(37);
        let r = receipt(&log, 20, 37);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["entry"], crate::log::hex::encode("送达 20".as_bytes()));
        assert_eq!(json["leaf_hash"].as_str().unwrap().len(), 64);
        assert_eq!(json["leaf_index"], 20);
        assert_eq!(json["head"]["head"]["log_id"], "cn.court.hn0181/service/v1");
        assert_eq!(json["head"]["head"]["size"], 37);
        assert_eq!(json["head"]["head"]["root"].as_str().unwrap().len(), 64);
        assert_eq!(json["head"]["signature"].as_str().unwrap().len(), 128);
        assert_eq!(json["inclusion_proof"].as_array().unwrap().len(), 6);
        let back: Receipt = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);

        let without = Receipt { entry: None, ..r };
        let text = serde_json::to_string(&without).unwrap();
        assert!(!text.contains("entry"), "{text}");
        assert_eq!(serde_json::from_str::<Receipt>(&text).unwrap(), without);
        let bad = text.replacen(r#""leaf_hash":""#, r#""leaf_hash":"zz"#, 1);
        let err = serde_json::from_str::<Receipt>(&bad).unwrap_err().to_string();
        assert!(err.contains("hex"), "{err}");
    }

    #[test]
    fn two_heads_of_an_append_only_log_agree_and_a_rewritten_history_is_caught() {
        let court = public_key_of(&court_key());
        let log = log_of(15);
        let earlier = sign(&head_of(&log, 10), &court_key());
        let later = sign(&head_of(&log, 15), &court_key());
        let proof = prove_consistency(&log, 10, 15).unwrap();
        assert_eq!(verify_heads(&earlier, &later, &proof, &court), Ok(()));

        // The court rewrites entry 3 and signs a new head: no proof links it to the old head.
        let mut forged = MemoryLog::new();
        for i in 0..15 {
            let text = if i == 3 { "送达 3（改）".to_owned() } else { format!("送达 {i}") };
            forged.append(text.as_bytes());
        }
        let rewritten = sign(&head_of(&forged, 15), &court_key());
        let forged_proof = prove_consistency(&forged, 10, 15).unwrap();
        assert_eq!(
            verify_heads(&earlier, &rewritten, &forged_proof, &court),
            Err(HeadsError::Consistency(ProofError::OldRootMismatch { old: 10 }))
        );
        assert_eq!(
            verify_heads(&earlier, &rewritten, &proof, &court),
            Err(HeadsError::Consistency(ProofError::NewRootMismatch { old: 10, new: 15 }))
        );
        // Two signed heads of one size with different roots are a fork, proven by themselves.
        let fork = sign(&head_of(&forged, 10), &court_key());
        assert_eq!(
            verify_heads(&earlier, &fork, &[], &court),
            Err(HeadsError::Consistency(ProofError::SameSizeDifferentRoots { size: 10 }))
        );

        let mut elsewhere = later.head.clone();
        elsewhere.log_id = LogId::parse("cn.court.hn0102/service/v1").unwrap();
        let elsewhere = sign(&elsewhere, &court_key());
        assert_eq!(verify_heads(&earlier, &elsewhere, &proof, &court), Err(HeadsError::DifferentLogs));
        let mut unsigned = earlier.clone();
        unsigned.signature[0] ^= 1;
        assert_eq!(
            verify_heads(&unsigned, &later, &proof, &court),
            Err(HeadsError::Earlier(SignatureError::BadSignature))
        );
        assert_eq!(
            verify_heads(&earlier, &unsigned, &proof, &court),
            Err(HeadsError::Later(SignatureError::BadSignature))
        );
    }

    #[test]
    fn every_receipt_and_head_error_reads_in_both_languages() {
        let all = [
            ReceiptError::Signature(SignatureError::BadPublicKey).message(Lang::Zh),
            ReceiptError::Signature(SignatureError::BadSignature).message(Lang::Zh),
            ReceiptError::EntryHash.message(Lang::Zh),
            ReceiptError::Inclusion(ProofError::RootMismatch).message(Lang::Zh),
            HeadsError::Earlier(SignatureError::BadSignature).message(Lang::Zh),
            HeadsError::Later(SignatureError::BadSignature).message(Lang::Zh),
            HeadsError::DifferentLogs.message(Lang::Zh),
            HeadsError::Consistency(ProofError::SameSizeDifferentRoots { size: 3 }).message(Lang::Zh),
        ];
        for zh in all {
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
        }
        assert_eq!(ReceiptError::EntryHash.to_string(), ReceiptError::EntryHash.message(Lang::En));
        assert!(ReceiptError::Inclusion(ProofError::RootMismatch)
            .message(Lang::En)
            .starts_with("This service record"));
    }
}
