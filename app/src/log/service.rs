//! What the service log holds — one entry per service event — and the receipt of one service
//! record (送达回证) with the proofs of all its events, checked on the phone (wasm) and by the
//! `pocket-court verify-receipt` command.
//!
//! An entry is the canonical JSON of a [`ServiceEvent`]: fields in the order of the struct,
//! no spaces, as `serde_json::to_vec` writes it. The log hashes those exact bytes; the receipt
//! carries them, so what a receipt says is what the court logged.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::hex;
use super::signed::{verify_receipt, PublicKey, Receipt, ReceiptError};
use crate::rules::service::{Channel, EffectiveRule};
use crate::rules::Lang;

/// The version tag of entries this code writes.
pub const ENTRY_VERSION: u8 = 1;

/// The `format` of a receipt file.
pub const RECEIPT_FORMAT: &str = "pocket-court service receipt v1";

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The court sent the document (to the inbox, and an SMS to the number below).
    Sent,
    /// It arrived in the recipient's inbox.
    Arrived,
    /// The gateway reported the SMS delivered to the phone.
    SmsArrived,
    /// The recipient opened it for the first time.
    Read,
    /// Not served electronically (no consent, or delivery failed): to be served by post or in
    /// person, for the reason given.
    Fallback,
    /// Served by post or in person: signed for.
    SignedFor,
    /// Post or in person failed (returned, refused, not found).
    OfflineFailed,
}

impl EventKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EventKind::Sent => lang.pick("已发送", "Sent"),
            EventKind::Arrived => lang.pick("已到达收件箱", "Arrived in the inbox"),
            EventKind::SmsArrived => lang.pick("短信已送达手机", "Text message delivered"),
            EventKind::Read => lang.pick("受送达人已阅读", "Read by the recipient"),
            EventKind::Fallback => lang.pick("改为邮寄或直接送达", "To be served by post or in person"),
            EventKind::SignedFor => lang.pick("受送达人已签收", "Signed for"),
            EventKind::OfflineFailed => lang.pick("邮寄或直接送达未成功", "Post or in-person service failed"),
        }
    }
}

/// When a service took effect and by which rule, as logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEffect {
    pub at: i64,
    pub rule: EffectiveRule,
    pub channel: Channel,
}

/// One service event: one log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEvent {
    pub v: u8,
    pub event: EventKind,
    /// The service record (one recipient, one document).
    pub record: i64,
    pub court: String,
    pub case_number: String,
    pub document: String,
    /// SHA-256 of exactly the bytes served, hex.
    pub document_sha256: String,
    pub recipient: String,
    /// The address as the receipt prints it (inbox; masked phone number; postal address).
    pub address: String,
    pub channel: Channel,
    /// Unix seconds, UTC.
    pub at: i64,
    /// Set on the event that made the service effective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<LoggedEffect>,
    /// The reason (fallback, failure) or note (how it was signed for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The receipt of one service record: every event of it, each with its inclusion proof in the
/// same signed tree head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReceipt {
    pub format: String,
    pub record: i64,
    /// The key that signed the head, hex. A checker compares it with the court's published
    /// key (`GET /api/v1/log/tree-head`); the phone uses the court's key, not this one.
    #[serde(with = "hex::serde_array")]
    pub public_key: PublicKey,
    pub events: Vec<Receipt>,
}

/// What a checked receipt shows: the facts of the record, from its logged events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedService {
    pub events: Vec<ServiceEvent>,
    pub tree_size: u64,
    pub head_timestamp_ms: u64,
}

impl VerifiedService {
    fn first(&self, kind: EventKind) -> Option<&ServiceEvent> {
        self.events.iter().find(|e| e.event == kind)
    }

    pub fn sent_at(&self) -> Option<i64> {
        self.first(EventKind::Sent).or_else(|| self.first(EventKind::Fallback)).map(|e| e.at)
    }

    pub fn arrived_at(&self) -> Option<i64> {
        self.first(EventKind::Arrived).map(|e| e.at)
    }

    pub fn read_at(&self) -> Option<i64> {
        self.first(EventKind::Read).map(|e| e.at)
    }

    /// The logged effect (the first event that carries one).
    pub fn effective(&self) -> Option<LoggedEffect> {
        self.events.iter().find_map(|e| e.effective)
    }

    /// The event the facts (document, recipient, address) are read from.
    pub fn head_event(&self) -> &ServiceEvent {
        &self.events[0]
    }
}

/// Why a receipt did not check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceReceiptError {
    /// Not a receipt of this format.
    Format,
    /// A receipt with no events.
    Empty,
    /// The receipt was signed with another key than the court's.
    OtherKey,
    /// Event `n` (from 1) did not check.
    Event { n: usize, error: ReceiptError },
    /// Event `n` carries no entry, or an entry that is not a service event.
    Entry { n: usize },
    /// Event `n` is about another record or document than the first.
    Mixed { n: usize },
}

impl ServiceReceiptError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ServiceReceiptError::Format, _) => lang
                .pick("这不是掌上法庭的送达回执文件。", "This is not a Pocket Court service receipt.")
                .into(),
            (ServiceReceiptError::Empty, _) => {
                lang.pick("回执里没有任何送达记录。", "The receipt holds no service event.").into()
            }
            (ServiceReceiptError::OtherKey, _) => lang
                .pick(
                    "回执不是用本院公布的密钥签名的。",
                    "The receipt was not signed with the key this court publishes.",
                )
                .into(),
            (ServiceReceiptError::Event { n, error }, Lang::Zh) => {
                format!("第{n}条记录未通过核验：{}", error.message(lang))
            }
            (ServiceReceiptError::Event { n, error }, Lang::En) => {
                format!("Event {n} did not check: {}", error.message(lang))
            }
            (ServiceReceiptError::Entry { n }, Lang::Zh) => format!("第{n}条记录的内容无法读取。"),
            (ServiceReceiptError::Entry { n }, Lang::En) => format!("Event {n} cannot be read."),
            (ServiceReceiptError::Mixed { n }, Lang::Zh) => {
                format!("第{n}条记录属于另一份送达，回执被拼接过。")
            }
            (ServiceReceiptError::Mixed { n }, Lang::En) => {
                format!("Event {n} belongs to another service: the receipt was put together from others.")
            }
        }
    }
}

impl fmt::Display for ServiceReceiptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ServiceReceiptError {}

/// Checks every event of a receipt against the court's public key (signature, entry hash,
/// inclusion) and that they all belong to one record and one document; returns the facts.
pub fn verify_service_receipt(
    receipt: &ServiceReceipt,
    court_key: &PublicKey,
) -> Result<VerifiedService, ServiceReceiptError> {
    if receipt.format != RECEIPT_FORMAT {
        return Err(ServiceReceiptError::Format);
    }
    if &receipt.public_key != court_key {
        return Err(ServiceReceiptError::OtherKey);
    }
    let first = receipt.events.first().ok_or(ServiceReceiptError::Empty)?;
    let mut events: Vec<ServiceEvent> = Vec::with_capacity(receipt.events.len());
    for (i, r) in receipt.events.iter().enumerate() {
        let n = i + 1;
        verify_receipt(r, court_key).map_err(|error| ServiceReceiptError::Event { n, error })?;
        let event: ServiceEvent = r
            .entry
            .as_deref()
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .ok_or(ServiceReceiptError::Entry { n })?;
        if event.record != receipt.record
            || events.first().is_some_and(|e: &ServiceEvent| e.document_sha256 != event.document_sha256)
        {
            return Err(ServiceReceiptError::Mixed { n });
        }
        events.push(event);
    }
    Ok(VerifiedService {
        events,
        tree_size: first.head.head.size,
        head_timestamp_ms: first.head.head.timestamp_ms,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::log::merkle::{self, MemoryLog};
    use crate::log::signed::{public_key_of, sign, LogId, SigningKey, TreeHead};

    fn event(record: i64, kind: EventKind, at: i64) -> ServiceEvent {
        ServiceEvent {
            v: ENTRY_VERSION,
            event: kind,
            record,
            court: "浏阳市人民法院".into(),
            case_number: "（2026）湘0181民初1号".into(),
            document: "应诉通知书".into(),
            document_sha256: "ab".repeat(32),
            recipient: "王五".into(),
            address: "掌上法庭收件箱".into(),
            channel: Channel::Inbox,
            at,
            effective: None,
            note: None,
        }
    }

    /// A log of `others` unrelated entries with record 7's events among them; its receipt.
    fn receipt_for(events: &[ServiceEvent], key: &SigningKey) -> ServiceReceipt {
        let mut log = MemoryLog::new();
        let mut at = Vec::new();
        for (i, e) in events.iter().enumerate() {
            log.append(format!("other {i}").as_bytes());
            at.push((log.append(&serde_json::to_vec(e).unwrap()), serde_json::to_vec(e).unwrap()));
        }
        let head = TreeHead {
            log_id: LogId::parse("test").unwrap(),
            size: merkle::Tree::size(&log),
            root: log.root(),
            timestamp_ms: 1,
        };
        let signed = sign(&head, key);
        ServiceReceipt {
            format: RECEIPT_FORMAT.into(),
            record: 7,
            public_key: public_key_of(key),
            events: at
                .into_iter()
                .map(|(index, entry)| Receipt {
                    leaf_hash: merkle::leaf_hash(&entry),
                    entry: Some(entry),
                    leaf_index: index,
                    head: signed.clone(),
                    inclusion_proof: merkle::prove_inclusion(&log, index, head.size).unwrap(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_receipt_checks_and_tells_its_facts() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut read = event(7, EventKind::Read, 300);
        read.effective = None;
        let mut arrived = event(7, EventKind::Arrived, 100);
        arrived.effective = Some(LoggedEffect {
            at: 100,
            rule: EffectiveRule::ArrivalAtDesignatedAddress,
            channel: Channel::Inbox,
        });
        let r = receipt_for(&[event(7, EventKind::Sent, 100), arrived, read], &key);
        let v = verify_service_receipt(&r, &public_key_of(&key)).unwrap();
        assert_eq!((v.sent_at(), v.arrived_at(), v.read_at()), (Some(100), Some(100), Some(300)));
        assert_eq!(v.effective().map(|e| e.rule), Some(EffectiveRule::ArrivalAtDesignatedAddress));
        assert_eq!(v.tree_size, 6);
    }

    #[test]
    fn every_change_is_named() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let good = receipt_for(&[event(7, EventKind::Sent, 100), event(7, EventKind::Read, 300)], &key);
        let court = public_key_of(&key);

        let other = SigningKey::from_bytes(&[8; 32]);
        assert_eq!(verify_service_receipt(&good, &public_key_of(&other)), Err(ServiceReceiptError::OtherKey));

        // The read time moved: the entry no longer hashes to the leaf.
        let mut r = good.clone();
        let mut e: ServiceEvent = serde_json::from_slice(r.events[1].entry.as_ref().unwrap()).unwrap();
        e.at = 200;
        r.events[1].entry = Some(serde_json::to_vec(&e).unwrap());
        assert_eq!(
            verify_service_receipt(&r, &court),
            Err(ServiceReceiptError::Event { n: 2, error: ReceiptError::EntryHash })
        );

        // The whole event replaced, leaf hash too: the proof fails.
        r.events[1].leaf_hash = merkle::leaf_hash(r.events[1].entry.as_ref().unwrap());
        assert!(matches!(
            verify_service_receipt(&r, &court),
            Err(ServiceReceiptError::Event { n: 2, error: ReceiptError::Inclusion(_) })
        ));

        // An event of another record, properly proven, spliced in.
        let spliced = receipt_for(&[event(7, EventKind::Sent, 100), event(8, EventKind::Read, 300)], &key);
        assert_eq!(verify_service_receipt(&spliced, &court), Err(ServiceReceiptError::Mixed { n: 2 }));

        let mut r = good.clone();
        r.events.clear();
        assert_eq!(verify_service_receipt(&r, &court), Err(ServiceReceiptError::Empty));
        let mut r = good.clone();
        r.format = "x".into();
        assert_eq!(verify_service_receipt(&r, &court), Err(ServiceReceiptError::Format));
        let mut r = good;
        r.events[0].entry = None;
        assert_eq!(verify_service_receipt(&r, &court), Err(ServiceReceiptError::Entry { n: 1 }));
    }
}
