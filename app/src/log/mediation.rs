//! The acts of mediation the service log holds — a party's or the mediator's signature on one
//! version of an agreement, a party's 签收 of a 调解书 — and the receipt of one such act, checked
//! like a delivery receipt: on the phone (this code in wasm) and by `pocket-court
//! verify-receipt`.
//!
//! Each act is logged in the same transaction that records it, so a signature the court holds
//! is one the log holds, and a court that later altered or dropped it could not show the
//! signed tree the receipt leads to. An entry is the canonical JSON of a [`MediationAct`]
//! (fields in struct order, no spaces, as `serde_json::to_vec` writes it); its field `act`
//! tells it apart from a service event (`event`).

use serde::{Deserialize, Serialize};

use super::hex;
use super::service::ServiceReceiptError;
use super::signed::{verify_receipt, PublicKey, Receipt};
use crate::rules::Lang;

/// The version tag of entries this code writes.
pub const ACT_VERSION: u8 = 1;

/// The `format` of a mediation receipt file.
pub const MEDIATION_RECEIPT_FORMAT: &str = "pocket-court mediation receipt v1";

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// Signed one version of a mediation agreement (在线调解规则 art. 21; 在线诉讼规则 art. 7).
    Signed,
    /// Signed for a 调解书 (签收): it binds that party from then (CPL 2023 art. 100).
    SignedFor,
}

impl ActKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ActKind::Signed => lang.pick("签名", "Signed"),
            ActKind::SignedFor => lang.pick("签收", "Signed for"),
        }
    }
}

/// One act: one log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediationAct {
    pub v: u8,
    pub act: ActKind,
    /// The mediation's id in this court's system.
    pub mediation: i64,
    pub court: String,
    /// The matter's number (民诉前调…), or the case number of a mediation in a case.
    pub number: String,
    /// What was signed: "调解协议（第2版）", "民事调解书".
    pub document: String,
    /// SHA-256 of the text signed (the agreement version's hash), hex.
    pub document_sha256: String,
    /// The signer's name and side (申请人, 被告, 调解员 …).
    pub signer: String,
    pub side: String,
    /// How identity was checked just before: "短信验证码（138****0001）".
    pub identity_check: String,
    /// SHA-256 of the drawn signature image, when one was drawn (else signed by code alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_sha256: Option<String>,
    /// Unix seconds, UTC.
    pub at: i64,
}

impl MediationAct {
    /// The bytes the log hashes.
    pub fn entry(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The receipt of one act: its entry with the inclusion proof in a signed tree head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediationReceipt {
    pub format: String,
    /// The key that signed the head, hex (compare with `GET /api/v1/log/tree-head`).
    #[serde(with = "hex::serde_array")]
    pub public_key: PublicKey,
    pub act: Receipt,
}

/// What a checked receipt shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedAct {
    pub act: MediationAct,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub head_timestamp_ms: u64,
}

/// Checks a mediation receipt against the court's public key (the head's signature, the
/// entry's hash, its inclusion in the signed tree) and reads the act it carries.
pub fn verify_mediation_receipt(
    receipt: &MediationReceipt,
    court_key: &PublicKey,
) -> Result<VerifiedAct, ServiceReceiptError> {
    if receipt.format != MEDIATION_RECEIPT_FORMAT {
        return Err(ServiceReceiptError::Format);
    }
    if &receipt.public_key != court_key {
        return Err(ServiceReceiptError::OtherKey);
    }
    let r = &receipt.act;
    verify_receipt(r, court_key).map_err(|error| ServiceReceiptError::Event { n: 1, error })?;
    let act: MediationAct = r
        .entry
        .as_deref()
        .and_then(|bytes| serde_json::from_slice(bytes).ok())
        .ok_or(ServiceReceiptError::Entry { n: 1 })?;
    Ok(VerifiedAct {
        act,
        leaf_index: r.leaf_index,
        tree_size: r.head.head.size,
        head_timestamp_ms: r.head.head.timestamp_ms,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::log::merkle::{self, MemoryLog};
    use crate::log::signed::{public_key_of, sign, LogId, ReceiptError, SigningKey, TreeHead};

    fn act() -> MediationAct {
        MediationAct {
            v: ACT_VERSION,
            act: ActKind::SignedFor,
            mediation: 9,
            court: "浏阳市人民法院".into(),
            number: "（2026）湘0181民初12号".into(),
            document: "民事调解书".into(),
            document_sha256: "cd".repeat(32),
            signer: "李四".into(),
            side: "被告".into(),
            identity_check: "短信验证码（138****0002）".into(),
            image_sha256: None,
            at: 1_780_000_000,
        }
    }

    /// A log with unrelated entries around the act; the act's receipt in the head of it.
    fn receipt_of(entry: &[u8], key: &SigningKey) -> MediationReceipt {
        let mut log = MemoryLog::new();
        for i in 0..5 {
            log.append(format!("other {i}").as_bytes());
        }
        let index = log.append(entry);
        log.append(b"after");
        let head = TreeHead {
            log_id: LogId::parse("test").unwrap(),
            size: merkle::Tree::size(&log),
            root: log.root(),
            timestamp_ms: 1,
        };
        MediationReceipt {
            format: MEDIATION_RECEIPT_FORMAT.into(),
            public_key: public_key_of(key),
            act: Receipt {
                leaf_hash: merkle::leaf_hash(entry),
                entry: Some(entry.to_vec()),
                leaf_index: index,
                head: sign(&head, key),
                inclusion_proof: merkle::prove_inclusion(&log, index, head.size).unwrap(),
            },
        }
    }

    #[test]
    fn a_receipt_of_a_signature_checks_and_tells_who_signed_what() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let r = receipt_of(act().entry().as_bytes(), &key);
        let v = verify_mediation_receipt(&r, &public_key_of(&key)).expect("checks");
        assert_eq!(v.act, act());
        assert_eq!((v.leaf_index, v.tree_size), (5, 7));
        // The JSON a party downloads round-trips.
        let json = serde_json::to_string(&r).unwrap();
        let back: MediationReceipt = serde_json::from_str(&json).unwrap();
        assert!(verify_mediation_receipt(&back, &public_key_of(&key)).is_ok());
    }

    #[test]
    fn an_altered_act_another_key_or_a_service_entry_is_refused() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let court = public_key_of(&key);
        // The entry changed after logging (a later time, say): its hash no longer matches.
        let mut r = receipt_of(act().entry().as_bytes(), &key);
        let mut later = act();
        later.at += 86_400;
        r.act.entry = Some(later.entry().into_bytes());
        assert_eq!(
            verify_mediation_receipt(&r, &court),
            Err(ServiceReceiptError::Event { n: 1, error: ReceiptError::EntryHash })
        );
        // Signed with a key that is not the court's.
        let other = SigningKey::from_bytes(&[4; 32]);
        let r = receipt_of(act().entry().as_bytes(), &other);
        assert_eq!(verify_mediation_receipt(&r, &court), Err(ServiceReceiptError::OtherKey));
        // A proven entry that is not a mediation act.
        let r = receipt_of(br#"{"v":1,"event":"sent"}"#, &key);
        assert_eq!(verify_mediation_receipt(&r, &court), Err(ServiceReceiptError::Entry { n: 1 }));
        // A delivery receipt's format is not this one.
        let mut r = receipt_of(act().entry().as_bytes(), &key);
        r.format = crate::log::service::RECEIPT_FORMAT.into();
        assert_eq!(verify_mediation_receipt(&r, &court), Err(ServiceReceiptError::Format));
    }
}
