//! The courts' roster of mediators (在线调解规则 art. 5): each mediator's public profile, kept by
//! the mediator; what each has taken, counted from the records. The choice of a mediator from
//! it when asking for mediation (art. 10) is checked in `mediation::request_mediation`; the
//! chosen mediator's answer — accept, or decline with reasons (art. 12) — is here and in
//! `mediation::accept_mediation`.

use super::{internal, Services};
use crate::store;
use app::api::port::Caller;
use app::api::types::{MediatorProfileView, MyMediatorProfile, Role};
use app::api::{AppError, Refusal};
use app::rules::Lang;

/// The longest a profile field may be, in characters (a phone screen's worth).
pub const PROFILE_FIELD_MAX_CHARS: usize = 200;

/// A profile as the roster shows it.
pub(super) fn profile_view(p: &store::mediation::ProfileRow, lang: Lang) -> MediatorProfileView {
    MediatorProfileView {
        id: p.user_id,
        name: p.name.clone(),
        court_code: p.court_code.clone(),
        court: lang.pick(&p.court_name_zh, &p.court_name_en).to_string(),
        background: p.background.clone(),
        specialities: p.specialities.clone(),
        dispute_range: p.dispute_range.clone(),
        fee: match p.fee.trim() {
            "" => lang.pick("不收费", "Free of charge").to_string(),
            fee => fee.to_string(),
        },
        taken: p.taken,
        agreed: p.agreed,
    }
}

/// The profile form as posted.
#[derive(Clone, Debug, Default)]
pub struct ProfileForm {
    pub background: String,
    pub specialities: String,
    pub dispute_range: String,
    pub fee: String,
    pub listed: bool,
}

impl Services {
    /// Every listed mediator of every court, by court: public, like a court's notice board.
    pub async fn mediator_roster(&self, caller: &Caller) -> Result<Vec<MediatorProfileView>, AppError> {
        let rows = store::mediation::roster(&self.db).await.map_err(internal(caller.lang))?;
        Ok(rows.iter().map(|p| profile_view(p, caller.lang)).collect())
    }

    /// The signed-in mediator's own profile (empty before the first save).
    pub async fn my_mediator_profile(&self, caller: &Caller) -> Result<MyMediatorProfile, AppError> {
        let lang = caller.lang;
        let me = self.require_mediator(caller)?;
        let row = store::mediation::profile(&self.db, me).await.map_err(internal(lang))?;
        Ok(match row {
            Some(p) => MyMediatorProfile {
                background: p.background.clone(),
                specialities: p.specialities.clone(),
                dispute_range: p.dispute_range.clone(),
                fee: p.fee.clone(),
                listed: p.listed,
                shown: p.listed.then(|| profile_view(&p, lang)),
            },
            None => MyMediatorProfile { listed: true, ..MyMediatorProfile::default() },
        })
    }

    /// A mediator writes their own public profile; every field but the fee is required.
    pub async fn save_mediator_profile(&self, caller: &Caller, f: &ProfileForm) -> Result<(), AppError> {
        let lang = caller.lang;
        let me = self.require_mediator(caller)?;
        let fields = [f.background.trim(), f.specialities.trim(), f.dispute_range.trim()];
        let too_long = |s: &str| s.chars().count() > PROFILE_FIELD_MAX_CHARS;
        if fields.iter().any(|s| s.is_empty() || too_long(s)) || too_long(f.fee.trim()) {
            return Err(Refusal::ProfileFields.in_lang(lang));
        }
        store::mediation::save_profile(
            &self.db,
            store::mediation::NewProfile {
                user_id: me,
                background: fields[0],
                specialities: fields[1],
                dispute_range: fields[2],
                fee: f.fee.trim(),
                listed: f.listed,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))
    }

    /// The mediator a matter chose cannot take it: declined with reasons (OMR art. 12). The
    /// matter goes back to the court to designate another, and the applicant is told why.
    pub async fn decline_choice(&self, caller: &Caller, id: i64, reasons: &str) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        let me = self.require_mediator(caller)?;
        if matter.m.chosen_mediator_id != Some(me) {
            return Err(Refusal::ChoiceNotYours.in_lang(lang));
        }
        let reasons = reasons.trim();
        if reasons.is_empty() || reasons.chars().count() > 500 {
            return Err(Refusal::ChoiceDeclineReason.in_lang(lang));
        }
        if !store::mediation::decline_choice(&self.db, id, me, reasons, self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::ChoiceNotYours.in_lang(lang));
        }
        if let Some(applicant) = matter.parties.iter().find(|p| p.side == "applicant") {
            let text = format!(
                "【{}】您选择的调解员{}不能主持这件调解（{}），理由：{}。法院会另行指定调解员。",
                matter.m.court_name_zh,
                matter.m.chosen_mediator_name.clone().unwrap_or_default(),
                matter.m.number,
                reasons
            );
            self.mediation_sms(&applicant.phone, matter.m.court_id, &text).await;
        }
        Ok(())
    }

    /// The caller's id if a mediator; refused otherwise.
    fn require_mediator(&self, caller: &Caller) -> Result<i64, AppError> {
        let me = self.require_me(caller)?;
        if me.role != Role::Mediator {
            return Err(Refusal::MediatorOnly.in_lang(caller.lang));
        }
        Ok(me.id)
    }
}
