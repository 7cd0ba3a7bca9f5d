//! One-time codes by SMS: sent with per-number and per-address limits, and redeemed once.
//! Signing in uses them (purposes `litigant` and `staff`), and so does the identity check
//! before each signature on a mediation agreement (purpose `sign`, 在线诉讼规则 art. 7). A code
//! is good only for the purpose it was sent for.

use super::{internal, limits, Services};
use crate::adapters::crypto;
use crate::adapters::sms;
use crate::store;
use app::api::port::Caller;
use app::api::types::{CodeSent, Role};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::ids::Mobile;
use app::rules::Lang;

impl Services {
    /// Checks the per-number and per-address limits, then creates and texts a code.
    pub(crate) async fn issue_code(
        &self,
        caller: &Caller,
        phone: &Mobile,
        purpose: &str,
    ) -> Result<CodeSent, AppError> {
        use limits::*;
        let lang = caller.lang;
        let now = self.now();
        let ip = caller.rate_key();
        let signing = purpose == "sign";
        let (last_hour, _) = store::people::codes_sent_to(&self.db, phone.as_str(), now - 3600, signing)
            .await
            .map_err(internal(lang))?;
        // One code a minute, 5 an hour and 10 a day — counted apart for signing and for signing
        // in, so a person who signed in several times today can still sign an agreement and
        // sign for a 调解书 (a signing code needs a live session and goes to one's own phone).
        let last =
            store::people::last_code_sent(&self.db, phone.as_str(), signing).await.map_err(internal(lang))?;
        if let Some(last) = last {
            let wait = last + RESEND_AFTER_SECS - now;
            if wait > 0 {
                return Err(Refusal::CodeResendWait.with_message(match lang {
                    Lang::Zh => format!("刚发过验证码，请{wait}秒后再试。"),
                    Lang::En => format!("A code was just sent. Try again in {wait} seconds."),
                }));
            }
        }
        let (last_day, _) = store::people::codes_sent_to(&self.db, phone.as_str(), now - 86_400, signing)
            .await
            .map_err(internal(lang))?;
        if last_hour >= CODES_PER_NUMBER_PER_HOUR || last_day >= CODES_PER_NUMBER_PER_DAY {
            return Err(Refusal::TooManyCodes.with_message(
                t(
                    lang,
                    (
                        "这个号码今天收到的验证码太多了，请1小时后再试。",
                        "Too many codes for this number. Try again in an hour.",
                    ),
                )
                .into(),
            ));
        }
        // Per address, sign-in codes only: a signing code goes to the signed-in person's own
        // phone (many people share one address behind a carrier's NAT; their signatures must
        // not use up each other's sign-ins).
        if purpose != "sign"
            && store::people::codes_sent_from(&self.db, &ip, now - 3600).await.map_err(internal(lang))?
                >= CODES_PER_IP_PER_HOUR
        {
            return Err(Refusal::TooManyCodes.with_message(
                t(
                    lang,
                    (
                        "这台设备请求验证码太频繁，请1小时后再试。",
                        "Too many code requests from this device. Try again in an hour.",
                    ),
                )
                .into(),
            ));
        }
        let request_id = crypto::random_token();
        let code = crypto::otp_code();
        store::people::insert_code(
            &self.db,
            store::people::NewCode {
                request_id: &request_id,
                phone: phone.as_str(),
                purpose,
                code_hash: &crypto::code_hash(&request_id, &code),
                ip: &ip,
                now,
                expires_at: now + CODE_VALID_SECS,
            },
        )
        .await
        .map_err(internal(lang))?;
        // The SMS says who sends it and warns against sharing: court SMS is often taken for fraud.
        // A staff number asking at the litigants' door is told where to go instead (only the
        // number's owner reads this).
        let staff_at_litigant_door = purpose == "litigant"
            && store::people::user_by_phone(&self.db, phone.as_str())
                .await
                .map_err(internal(lang))?
                .is_some_and(|u| Role::parse(&u.role).is_some_and(Role::is_staff));
        let text = if staff_at_litigant_door {
            "【浏阳市人民法院】有人在掌上法庭当事人入口用您的号码请求登录。您是法院工作人员，请从“工作人员登录”进入；如果不是您本人操作，请忽略。".to_string()
        } else if purpose == "sign" {
            // 在线诉讼规则 art. 7: acts through a checked account are the person's own — so the
            // SMS says plainly what the code is for.
            format!(
                "【浏阳市人民法院】您正在掌上法庭签署调解协议，签名验证码是{code}，{}分钟内有效。输入验证码即表示您本人签名，与手写签名效力相同。请勿告诉任何人。",
                CODE_VALID_SECS / 60
            )
        } else {
            format!(
                "【浏阳市人民法院】您的掌上法庭登录验证码是{code}，{}分钟内有效。请勿告诉任何人，法院工作人员不会向您索要。",
                CODE_VALID_SECS / 60
            )
        };
        let sms = sms::Outgoing {
            phone: phone.as_str(),
            text: &text,
            secret: (!staff_at_litigant_door).then_some(code.as_str()),
            purpose: if purpose == "sign" { "sign" } else { "sign_in" },
            case_id: None,
            court_id: None,
            now,
        };
        sms::send(&self.db, self.sms.as_ref(), sms).await.map_err(|e| {
            tracing::error!(error = %e, "SMS send failed");
            AppError::Internal(
                t(
                    lang,
                    ("短信没有发出去，请稍后再试。", "The SMS could not be sent. Please try again later."),
                )
                .into(),
            )
        })?;
        Ok(CodeSent {
            request_id,
            resend_after_secs: RESEND_AFTER_SECS as u32,
            valid_minutes: (CODE_VALID_SECS / 60) as u32,
        })
    }

    /// Checks a code sent to `phone` for one of `purposes` and uses it up: every try is counted
    /// first, then the code is compared, then consumed by exactly one request. Returns the
    /// code's row (its purpose says what it was for).
    pub(crate) async fn redeem_code(
        &self,
        caller: &Caller,
        phone: &Mobile,
        request_id: &str,
        code: &str,
        purposes: &[&str],
    ) -> Result<store::people::CodeRow, AppError> {
        use limits::*;
        let lang = caller.lang;
        let now = self.now();
        let ip = caller.rate_key();
        // Every try is counted before anything is compared, so a burst of guesses at once is
        // limited exactly like guesses one after another (OWASP ASVS 5.0 §6.3.1): first as a
        // failure from this address and to this number (taken back if the code is right), then
        // on the code itself.
        let pending = store::people::record_failure(&self.db, &ip, Some(phone.as_str()), "code", now)
            .await
            .map_err(internal(lang))?;
        let (from_ip, to_phone) = tokio::try_join!(
            store::people::failures_from(&self.db, &ip, "code", now - 3600),
            store::people::failures_for_phone(&self.db, phone.as_str(), "code", now - 86_400),
        )
        .map_err(internal(lang))?;
        if from_ip > FAILED_CODES_PER_IP_PER_HOUR {
            return Err(Refusal::TooManyTries.with_message(
                t(lang, ("输错次数太多，请1小时后再试。", "Too many wrong codes. Try again in an hour."))
                    .into(),
            ));
        }
        if to_phone > FAILED_CODES_PER_NUMBER_PER_DAY {
            return Err(Refusal::TooManyTries.with_message(
                t(
                    lang,
                    (
                        "这个号码今天输错验证码的次数太多，请明天再试，或到法院窗口办理。",
                        "Too many wrong codes for this number today. Try again tomorrow, or visit the court.",
                    ),
                )
                .into(),
            ));
        }
        let ask_again = |r: Refusal| r.in_lang(lang);
        let Some(tries) =
            store::people::claim_code_attempt(&self.db, request_id, phone.as_str(), CODE_MAX_ATTEMPTS, now)
                .await
                .map_err(internal(lang))?
        else {
            // Why it may not be tried, for the person: read after the claim failed.
            let row = store::people::code(&self.db, request_id).await.map_err(internal(lang))?;
            return Err(match row.filter(|r| r.phone == phone.as_str()) {
                None => ask_again(Refusal::CodeInvalid),
                Some(r) if r.consumed_at.is_some() => ask_again(Refusal::CodeUsed),
                Some(r) if now >= r.expires_at => ask_again(Refusal::CodeExpired),
                Some(_) => ask_again(Refusal::CodeVoid),
            });
        };
        let row = store::people::code(&self.db, request_id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| ask_again(Refusal::CodeInvalid))?;
        // A code is good for what it was sent for only: a sign-in code never signs, a signing
        // code never opens a session.
        if !purposes.contains(&row.purpose.as_str()) {
            return Err(ask_again(Refusal::CodeInvalid));
        }
        let typed: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        if !crypto::constant_time_eq(&crypto::code_hash(request_id, &typed), &row.code_hash) {
            let left = CODE_MAX_ATTEMPTS - tries;
            return Err(if left > 0 {
                Refusal::WrongCode.with_message(match lang {
                    Lang::Zh => format!("验证码不对，还可以再试{left}次。"),
                    Lang::En => format!("Wrong code. {left} tries left."),
                })
            } else {
                Refusal::CodeVoid.in_lang(lang)
            });
        }
        store::people::forget_failure(&self.db, pending).await.map_err(internal(lang))?;
        // Exactly one request may use the code: a double tap or a replay loses here.
        if !store::people::consume_code(&self.db, request_id, now).await.map_err(internal(lang))? {
            return Err(Refusal::CodeUsed.in_lang(lang));
        }
        Ok(row)
    }

    /// The identity check before an act with legal effect — signing an agreement, signing
    /// for a 调解书 (在线诉讼规则 art. 7): the six-digit code sent for signing to the party's
    /// own number, used up here. Returns the words the signature record keeps.
    pub(crate) async fn check_identity(
        &self,
        caller: &Caller,
        phone: &str,
        request_id: &str,
        code: &str,
    ) -> Result<String, AppError> {
        let lang = caller.lang;
        let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        if code.len() != 6 {
            return Err(Refusal::CodeDigits.in_lang(lang));
        }
        let phone = self.mobile(phone, lang)?;
        self.redeem_code(caller, &phone, request_id, &code, &["sign"]).await?;
        Ok(format!("短信验证码（{}）", phone.masked()))
    }

    pub(crate) fn mobile(&self, phone: &str, lang: Lang) -> Result<Mobile, AppError> {
        Mobile::parse(phone).map_err(|e| Refusal::BadNumber.with_message(e.message(lang)))
    }
}
