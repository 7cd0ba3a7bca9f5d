//! Video sessions of a mediation (在线调解规则 art. 16: simultaneous audio and video): the
//! mediator schedules one on the court's configured meeting service (`--meeting-url`), every
//! party is texted, and the mediation page offers **加入视频调解** from a quarter of an hour before
//! the start until three hours after it (`rules::mediation::join_window`). A court without a
//! meeting service offers none; nothing here pretends to be one.

use super::{internal, Services};
use crate::store;
use app::api::port::Caller;
use app::api::types::{MediationRole, SessionView};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::dates::format_shanghai;
use app::rules::mediation::{self as rules, JoinWindow};
use app::rules::Lang;

/// How far ahead a session may be set: the longest mediation period with an extension.
const SESSION_MAX_AHEAD_SECS: i64 = 90 * 86_400;

impl Services {
    /// The mediator sets a video session: the day and time (China time) and the room's link on
    /// the court's meeting service; each party is texted when and where to join.
    pub async fn schedule_session(
        &self,
        caller: &Caller,
        id: i64,
        date: &str,
        time: &str,
        link: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if role != MediationRole::Mediator {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        }
        let Some(base) = &self.meeting_base else {
            return Err(Refusal::NoMeetingService.in_lang(lang));
        };
        let now = self.now();
        let starts_at = rules::session_start(date, time)
            .filter(|at| *at > now && *at <= now + SESSION_MAX_AHEAD_SECS)
            .ok_or_else(|| Refusal::SessionTime.in_lang(lang))?;
        if !rules::meeting_link_ok(link, base) {
            return Err(Refusal::SessionLink.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if !store::mediation::schedule_session(&self.db, id, starts_at, link.trim(), me.id, now)
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        let text = format!(
            "【{}】调解（{}）定于{}进行视频调解。请提前几分钟登录掌上法庭，打开这件调解，点“加入视频调解”。",
            matter.m.court_name_zh,
            matter.m.number,
            format_shanghai(starts_at, Lang::Zh)
        );
        self.text_parties(&matter, &text).await;
        Ok(())
    }

    /// The sessions not over yet, as the mediation page shows them: the link only while it
    /// may be joined.
    pub(super) async fn session_views(&self, id: i64, lang: Lang) -> Result<Vec<SessionView>, AppError> {
        let now = self.now();
        let rows = store::mediation::sessions_from(&self.db, id, now - rules::SESSION_JOIN_LATE_SECS)
            .await
            .map_err(internal(lang))?;
        Ok(rows
            .into_iter()
            .map(|s| {
                let window = rules::join_window(s.starts_at, now);
                SessionView {
                    starts: format_shanghai(s.starts_at, lang),
                    join: (window == JoinWindow::Open).then(|| s.link.clone()),
                    note: match window {
                        JoinWindow::Early => t(
                            lang,
                            (
                                "开始前15分钟，这里会出现“加入视频调解”按钮。",
                                "A join button appears here 15 minutes before the start.",
                            ),
                        ),
                        JoinWindow::Open => t(
                            lang,
                            (
                                "点按钮进入法院的视频会议。请在安静、光线好的地方，准备好身份证。",
                                "Tap to enter the court's video meeting. Find a quiet, well-lit place and have your ID card ready.",
                            ),
                        ),
                        JoinWindow::Over => "",
                    }
                    .to_string(),
                }
            })
            .collect())
    }
}
