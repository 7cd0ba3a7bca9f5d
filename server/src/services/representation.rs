//! Representation (诉讼代理) ending: the party revokes its agent's authority, or the case's
//! court ends it (CPL 2023 art. 63: a revocation is told to the court, which tells the other
//! side). The agent's access to the case stops with the same commit (DOMAIN-2 §4.3, PUB18
//! art. 6): every read of a case joins the representations in force.

use crate::services::{internal, own_court_staff, Services};
use crate::store;
use app::api::port::Caller;
use app::api::{AppError, Refusal};

/// A reason, when given, is kept; it is not required of a party (revoking needs no reason).
const REASON_MAX_CHARS: usize = 200;

impl Services {
    /// Ends the representation `agent_id` on `case_id`: by the party it acts for, or by staff
    /// of the case's own court. Anyone else — the agent, the other side, another court — is
    /// refused; a representation of another case is "not found".
    pub async fn end_representation(
        &self,
        caller: &Caller,
        case_id: i64,
        agent_id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = self.require_me(caller)?;
        let agents = store::cases::agents_of_case(&self.db, case_id).await.map_err(internal(lang))?;
        let Some(agent) = agents.iter().find(|a| a.id == agent_id) else {
            return Err(Refusal::RepresentationEnded.in_lang(lang));
        };
        let by_court = own_court_staff(me, &case);
        if !(by_court || agent.party_user_id == Some(me.id)) {
            return Err(Refusal::RepresentationNotYours.in_lang(lang));
        }
        let reason: String = reason.trim().chars().take(REASON_MAX_CHARS).collect();
        let ended =
            store::cases::end_representation(&self.db, case_id, agent, me.id, by_court, &reason, self.now())
                .await
                .map_err(internal(lang))?;
        if !ended {
            return Err(Refusal::RepresentationEnded.in_lang(lang));
        }
        tracing::info!(case = case_id, agent = agent.agent_user_id, by_court, "representation ended");
        Ok(())
    }
}
