//! Electronic service (电子送达): when a document counts as served, and by which rule.
//!
//! Civil Procedure Law (2023 text) art. 90 and 人民法院在线诉讼规则 (2021) arts. 29–32
//! (DOMAIN.md §5):
//! - Electronic service needs the recipient's recorded consent and the addresses they designate
//!   (art. 29); without it the court serves by post or in person.
//! - Art. 31: to an address the recipient gave or confirmed, service is effective when the
//!   document **arrives** in that system. To any other electronic address, only when the
//!   recipient **replies or acts** on it, or — rebuttably presumed — when the platform shows it
//!   **read**.
//! - Where several channels are used, the **earliest** effective one counts.
//! - Art. 32: an SMS may accompany the service as an alert.
//! - Post or in person: served on the day the recipient signs for it (CPL arts. 88, 91).

use serde::{Deserialize, Serialize};

use super::Lang;

/// How a document reached (or was taken to) the recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// This app's inbox (电子送达平台).
    Inbox,
    /// A text message to a mobile number, with the link to the document.
    Sms,
    /// By post (邮寄送达).
    Post,
    /// Handed over by court staff (直接送达).
    InPerson,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Inbox => "inbox",
            Channel::Sms => "sms",
            Channel::Post => "post",
            Channel::InPerson => "in_person",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        [Channel::Inbox, Channel::Sms, Channel::Post, Channel::InPerson]
            .into_iter()
            .find(|c| c.code() == code)
    }

    pub fn is_electronic(self) -> bool {
        matches!(self, Channel::Inbox | Channel::Sms)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Inbox => lang.pick("掌上法庭收件箱", "Pocket Court inbox"),
            Channel::Sms => lang.pick("手机短信", "Text message"),
            Channel::Post => lang.pick("邮寄", "Post"),
            Channel::InPerson => lang.pick("直接送达（当面交付）", "In person"),
        }
    }
}

/// What happened on one channel: times are unix seconds (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub channel: Channel,
    /// The recipient gave or confirmed this address (a designated address, art. 29).
    pub designated: bool,
    /// When the document arrived in the recipient's system (the inbox, the phone).
    pub arrived_at: Option<i64>,
    /// When the platform first showed it opened.
    pub read_at: Option<i64>,
    /// When the recipient replied or acted on it (e.g. confirmed receipt).
    pub confirmed_at: Option<i64>,
    /// Post or in person: when the recipient signed for it.
    pub signed_at: Option<i64>,
}

/// The rule that made a service effective; every receipt names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectiveRule {
    /// 在线诉讼规则 art. 31 (1): arrival at an address the recipient designated.
    ArrivalAtDesignatedAddress,
    /// 在线诉讼规则 art. 31 (2): the recipient replied or acted on it.
    Confirmed,
    /// 在线诉讼规则 art. 31 (2): the platform shows it read (rebuttable presumption).
    Read,
    /// CPL arts. 88, 91: signed for, by post or in person.
    SignedFor,
}

impl EffectiveRule {
    pub fn code(self) -> &'static str {
        match self {
            EffectiveRule::ArrivalAtDesignatedAddress => "arrival_at_designated_address",
            EffectiveRule::Confirmed => "confirmed",
            EffectiveRule::Read => "read",
            EffectiveRule::SignedFor => "signed_for",
        }
    }

    pub fn from_code(code: &str) -> Option<EffectiveRule> {
        [
            EffectiveRule::ArrivalAtDesignatedAddress,
            EffectiveRule::Confirmed,
            EffectiveRule::Read,
            EffectiveRule::SignedFor,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// The rule in a sentence, with its article, as a receipt prints it.
    pub fn explain(self, lang: Lang) -> &'static str {
        match self {
            EffectiveRule::ArrivalAtDesignatedAddress => lang.pick(
                "送达到受送达人确认的电子地址，到达即生效（《人民法院在线诉讼规则》第三十一条第一款）",
                "Delivered to an address the recipient designated: effective on arrival (Online Litigation Rules art. 31(1))",
            ),
            EffectiveRule::Confirmed => lang.pick(
                "受送达人回复确认收悉，确认时生效（《人民法院在线诉讼规则》第三十一条第二款）",
                "The recipient confirmed receipt: effective when confirmed (Online Litigation Rules art. 31(2))",
            ),
            EffectiveRule::Read => lang.pick(
                "平台显示受送达人已阅读，阅读时视为送达（可以反证推翻；《人民法院在线诉讼规则》第三十一条第二款）",
                "The platform shows it read: presumed served when read, unless shown otherwise (Online Litigation Rules art. 31(2))",
            ),
            EffectiveRule::SignedFor => lang.pick(
                "受送达人签收，签收日为送达日（《民事诉讼法》第八十八条、第九十一条）",
                "Signed for by the recipient: served on that day (Civil Procedure Law arts. 88, 91)",
            ),
        }
    }
}

/// When a service took effect, by which rule, on which channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effective {
    pub at: i64,
    pub rule: EffectiveRule,
    pub channel: Channel,
}

/// When one channel's delivery took effect, if it has.
pub fn effective_on(d: &Delivery) -> Option<Effective> {
    let of = |at: Option<i64>, rule| at.map(|at| Effective { at, rule, channel: d.channel });
    if !d.channel.is_electronic() {
        // Post or in person: the day it is signed for (CPL arts. 88, 91).
        return of(d.signed_at, EffectiveRule::SignedFor);
    }
    if d.designated {
        // Art. 31 (1): arrival at a designated address. Reading or confirming cannot come
        // before arrival; arrival is what counts.
        if let Some(e) = of(d.arrived_at, EffectiveRule::ArrivalAtDesignatedAddress) {
            return Some(e);
        }
    }
    // Art. 31 (2): the recipient's reply or act, or (presumed) the platform showing it read —
    // whichever came first.
    [of(d.confirmed_at, EffectiveRule::Confirmed), of(d.read_at, EffectiveRule::Read)]
        .into_iter()
        .flatten()
        .min_by_key(|e| e.at)
}

/// The service's effective moment over every channel used: the earliest (DOMAIN.md §5:
/// "where several channels are used, the earliest effective one counts"). `None`: not yet
/// served.
pub fn effective(deliveries: &[Delivery]) -> Option<Effective> {
    deliveries.iter().filter_map(effective_on).min_by_key(|e| e.at)
}

/// Whether a person may be served electronically, from their latest consent record
/// (在线诉讼规则 art. 29): consent given and at least one designated address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub given: bool,
    /// This app's inbox is a designated address.
    pub inbox: bool,
    /// A designated mobile number for text messages (empty: none).
    pub sms_phone: String,
    /// A designated e-mail address (empty: none). Recorded; this court does not yet send e-mail.
    pub email: String,
}

impl Consent {
    pub fn allows_electronic(&self) -> bool {
        self.given && (self.inbox || !self.sms_phone.is_empty())
    }
}

/// A mobile number as a receipt prints it: the middle four digits hidden.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        phone.to_string()
    }
}

/// The short code every court text message carries, checked on the public page: 8 characters
/// from an alphabet without look-alikes (no 0/O, 1/I/L): 31^8 ≈ 8.5 × 10^11 codes.
pub const CHECK_CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The length of a check code.
pub const CHECK_CODE_LEN: usize = 8;

/// A check code as people type it: full-width forms, spaces and dashes dropped, lower case
/// raised. Look-alikes (O, I, L, 0, 1) are not in the alphabet: such a code is refused.
pub fn normalise_check_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .map(super::to_halfwidth)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CHECK_CODE_LEN && code.bytes().all(|b| CHECK_CODE_ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(channel: Channel, designated: bool) -> Delivery {
        Delivery { channel, designated, arrived_at: None, read_at: None, confirmed_at: None, signed_at: None }
    }

    #[test]
    fn a_designated_address_is_served_on_arrival_not_on_reading() {
        let inbox = Delivery { arrived_at: Some(100), read_at: Some(500), ..d(Channel::Inbox, true) };
        assert_eq!(
            effective(&[inbox]),
            Some(Effective {
                at: 100,
                rule: EffectiveRule::ArrivalAtDesignatedAddress,
                channel: Channel::Inbox
            })
        );
    }

    #[test]
    fn another_address_is_served_only_when_read_or_confirmed() {
        let arrived = Delivery { arrived_at: Some(100), ..d(Channel::Inbox, false) };
        assert_eq!(effective(&[arrived]), None, "arrival alone does not serve a non-designated address");
        let read = Delivery { read_at: Some(300), ..arrived };
        assert_eq!(effective(&[read]).map(|e| (e.at, e.rule)), Some((300, EffectiveRule::Read)));
        let confirmed = Delivery { confirmed_at: Some(200), ..read };
        assert_eq!(effective(&[confirmed]).map(|e| (e.at, e.rule)), Some((200, EffectiveRule::Confirmed)));
        let read_first = Delivery { read_at: Some(150), ..confirmed };
        assert_eq!(effective(&[read_first]).map(|e| (e.at, e.rule)), Some((150, EffectiveRule::Read)));
    }

    #[test]
    fn a_designated_address_not_yet_arrived_falls_back_to_reading() {
        let inbox = Delivery { read_at: Some(400), ..d(Channel::Inbox, true) };
        assert_eq!(effective(&[inbox]).map(|e| e.rule), Some(EffectiveRule::Read));
    }

    #[test]
    fn post_and_in_person_are_served_when_signed_for() {
        let post = Delivery { arrived_at: Some(50), ..d(Channel::Post, true) };
        assert_eq!(effective(&[post]), None, "a letter in the box is not signed for");
        let signed = Delivery { signed_at: Some(900), ..post };
        assert_eq!(effective(&[signed]).map(|e| (e.at, e.rule)), Some((900, EffectiveRule::SignedFor)));
        let hand = Delivery { signed_at: Some(800), ..d(Channel::InPerson, false) };
        assert_eq!(effective(&[hand]).map(|e| e.channel), Some(Channel::InPerson));
    }

    #[test]
    fn the_earliest_effective_channel_counts() {
        // The inbox was not designated (read at 700); the SMS number was (arrived at 120).
        let inbox = Delivery { arrived_at: Some(100), read_at: Some(700), ..d(Channel::Inbox, false) };
        let sms = Delivery { arrived_at: Some(120), ..d(Channel::Sms, true) };
        assert_eq!(
            effective(&[inbox, sms]),
            Some(Effective {
                at: 120,
                rule: EffectiveRule::ArrivalAtDesignatedAddress,
                channel: Channel::Sms
            })
        );
        // Read in the inbox before the text message arrived: the reading counts.
        let early_read = Delivery { read_at: Some(110), ..inbox };
        assert_eq!(effective(&[early_read, sms]).map(|e| (e.at, e.channel)), Some((110, Channel::Inbox)));
        // And post signed for earlier than any electronic event.
        let post = Delivery { signed_at: Some(90), ..d(Channel::Post, false) };
        assert_eq!(effective(&[early_read, sms, post]).map(|e| e.rule), Some(EffectiveRule::SignedFor));
        assert_eq!(effective(&[]), None);
    }

    #[test]
    fn consent_needs_an_address() {
        assert!(!Consent::default().allows_electronic());
        assert!(!Consent { given: false, inbox: true, ..Default::default() }.allows_electronic());
        assert!(Consent { given: true, inbox: true, ..Default::default() }.allows_electronic());
        assert!(Consent { given: true, sms_phone: "13800000003".into(), ..Default::default() }
            .allows_electronic());
        assert!(!Consent { given: true, email: "a@b.cn".into(), ..Default::default() }.allows_electronic());
    }

    #[test]
    fn codes_and_rules_round_trip() {
        for c in [Channel::Inbox, Channel::Sms, Channel::Post, Channel::InPerson] {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
        for r in [
            EffectiveRule::ArrivalAtDesignatedAddress,
            EffectiveRule::Confirmed,
            EffectiveRule::Read,
            EffectiveRule::SignedFor,
        ] {
            assert_eq!(EffectiveRule::from_code(r.code()), Some(r));
        }
    }

    #[test]
    fn check_codes_are_read_as_typed() {
        assert_eq!(normalise_check_code(" k7mx-9p2q "), Some("K7MX9P2Q".into()));
        assert_eq!(normalise_check_code("Ｋ７ＭＸ９Ｐ２Ｑ"), Some("K7MX9P2Q".into()));
        assert_eq!(normalise_check_code("K7MX9P2"), None);
        assert_eq!(normalise_check_code("K7MX9P2O"), None, "O is not in the alphabet");
        assert_eq!(normalise_check_code("K7MX9P2_"), None);
        assert_eq!(mask_phone("13800000003"), "138****0003");
    }
}
