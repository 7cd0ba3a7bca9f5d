//! Fee relief (司法救助): a litigant who cannot afford the fee applies for deferral,
//! reduction or waiver with reasons and documents; court staff grant or refuse it
//! (诉讼费用交纳办法 arts. 44–49). A grant changes what is due: a waiver or reduction is a
//! ledger reduction, a deferral (or waiver) lifts the prepayment deadline.

use crate::adapters::file_check::sniff;
use crate::services::{internal, own_court_staff, Services};
use crate::store;
use app::api::port::Caller;
use app::api::types::{ReliefFileView, ReliefView, Role};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::dates::format_shanghai;
use app::rules::fees::{relief_ground, relief_reduction, Fen, ReliefKind};
use app::rules::Lang;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// At most this many documents per application, each at most this large.
pub const MAX_FILES: usize = 3;
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A document as the phone sent it.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A file name fit to show and to put in a header: no path, no control or quote characters.
pub(crate) fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ';')).take(80).collect();
    if cleaned.trim().is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

/// The application form, as posted.
pub struct ReliefForm {
    /// `kind:ground`, e.g. `waive:subsistence`.
    pub kind_ground: String,
    pub reason: String,
    pub key: String,
}

fn kind_label(kind: &str, lang: Lang) -> &'static str {
    ReliefKind::from_code(kind).map(|k| k.label(lang == Lang::Zh)).unwrap_or("")
}

fn view(r: &store::relief::ReliefRow, files: &[store::relief::FileRow], lang: Lang) -> ReliefView {
    let kind = ReliefKind::from_code(&r.kind);
    let ground = kind.and_then(|k| relief_ground(k, &r.ground));
    let status_label = match r.status.as_str() {
        "pending" => t(lang, ("正在审核", "Being reviewed")),
        "granted" => t(lang, ("已准许", "Granted")),
        _ => t(lang, ("没有准许", "Refused")),
    };
    ReliefView {
        id: r.id,
        kind: r.kind.clone(),
        kind_label: kind_label(&r.kind, lang).to_string(),
        ground_label: ground
            .map(|g| if lang == Lang::Zh { g.zh } else { g.en })
            .unwrap_or_default()
            .to_string(),
        source: kind.map(|k| k.source()).unwrap_or_default().to_string(),
        reason: r.reason.clone(),
        status: r.status.clone(),
        status_label: status_label.to_string(),
        reduced_fen: r.reduced_fen,
        decision_note: r.decision_note.clone(),
        created_at: format_shanghai(r.created_at, lang),
        decided_at: r.decided_at.map(|at| format_shanghai(at, lang)),
        files: files
            .iter()
            .filter(|f| f.relief_id == r.id)
            .map(|f| ReliefFileView { id: f.id, file_name: f.file_name.clone(), size_bytes: f.size_bytes })
            .collect(),
    }
}

/// Staff who decide relief: the court's clerks and judges.
fn decides(role: Role) -> bool {
    matches!(role, Role::Clerk | Role::Judge)
}

impl Services {
    /// The relief part of the fee page: the applications, whether the caller may apply or
    /// decide. `due_fen`: what the caller's side still owes.
    pub async fn relief_of_case(
        &self,
        caller: &Caller,
        case: &store::cases::CaseRow,
        payer: bool,
        due_fen: i64,
    ) -> Result<(Vec<ReliefView>, bool, bool), AppError> {
        let lang = caller.lang;
        // An application tells of the applicant's means (低保, a disability, their reasons):
        // only their own side (the payer, or their agent) and the case's court see it — never
        // the opponent, nor the receiving court of a cross-region filing.
        let court = caller.me.as_ref().is_some_and(|m| own_court_staff(m, case));
        if !payer && !court {
            return Ok((Vec::new(), false, false));
        }
        let (rows, files) = tokio::try_join!(
            store::relief::of_case(&self.db, case.id),
            store::relief::files_of_case(&self.db, case.id),
        )
        .map_err(internal(lang))?;
        let pending = rows.iter().any(|r| r.status == "pending");
        let granted = case.fee_relief.is_some();
        let can_apply = payer && due_fen > 0 && !pending && !granted && case.outcome.is_none();
        let can_decide = pending && court && caller.me.as_ref().is_some_and(|m| decides(m.role));
        Ok((rows.iter().map(|r| view(r, &files, lang)).collect(), can_apply, can_decide))
    }

    /// Files an application with its documents (saved to disk first, then recorded with the
    /// application in one transaction). Returns its id.
    pub async fn apply_relief(
        &self,
        caller: &Caller,
        case_id: i64,
        form: ReliefForm,
        uploads: Vec<Upload>,
    ) -> Result<i64, AppError> {
        let lang = caller.lang;
        let (case, side) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        if !crate::services::fees::prepays(side.as_deref()) {
            return Err(Refusal::ReliefDenied.in_lang(lang));
        }
        let (kind, ground) = form.kind_ground.split_once(':').unwrap_or(("", ""));
        let Some(kind) = ReliefKind::from_code(kind).filter(|k| relief_ground(*k, ground).is_some()) else {
            return Err(Refusal::ReliefChoice.in_lang(lang));
        };
        let reason = form.reason.trim();
        if reason.chars().count() < 10 || reason.chars().count() > 1000 {
            return Err(Refusal::ReliefReason.in_lang(lang));
        }
        let key = form.key.trim();
        if key.len() < 16 || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Refusal::Stale.in_lang(lang));
        }
        let uploads: Vec<Upload> = uploads.into_iter().filter(|u| !u.bytes.is_empty()).collect();
        if uploads.len() > MAX_FILES {
            return Err(Refusal::ReliefCount.in_lang(lang));
        }
        let mut checked = Vec::new();
        for u in uploads {
            if u.bytes.len() > MAX_FILE_BYTES {
                return Err(Refusal::ReliefSize.in_lang(lang));
            }
            let Some((content_type, ext)) = sniff(&u.bytes) else {
                return Err(Refusal::ReliefFile.in_lang(lang));
            };
            checked.push((u, content_type, ext));
        }
        let fees = self.account_of(case_id, lang).await?;
        if fees.due_fen == 0 || case.outcome.is_some() {
            return Err(Refusal::ReliefDone.in_lang(lang));
        }
        // Documents first, on disk under a name from their content; a failed application
        // leaves at most an unreferenced file, never a record without its file.
        let mut files = Vec::new();
        for (u, content_type, ext) in checked {
            let sha = hex::encode(Sha256::digest(&u.bytes));
            let relative = PathBuf::from("relief").join(case_id.to_string()).join(format!("{sha}.{ext}"));
            let path = self.data_dir.join(&relative);
            let bytes_len = u.bytes.len() as i64;
            let write = {
                let path = path.clone();
                let bytes = u.bytes;
                tokio::task::spawn_blocking(move || crate::adapters::blob_store::write_durably(&path, &bytes))
            };
            write.await.map_err(|e| std::io::Error::other(e.to_string())).and_then(|r| r).map_err(|e| {
                tracing::error!(error = %e, "could not save an uploaded document");
                AppError::Internal(
                    t(
                        lang,
                        (
                            "文件没能保存，请稍后再试。",
                            "The file could not be saved. Please try again later.",
                        ),
                    )
                    .into(),
                )
            })?;
            files.push(store::relief::NewFile {
                file_name: clean_name(&u.file_name),
                content_type,
                size_bytes: bytes_len,
                sha256: sha,
                stored_path: relative.to_string_lossy().into_owned(),
            });
        }
        let filed = store::relief::apply(
            &self.db,
            store::relief::NewApplication {
                case_id,
                applicant_user_id: me.id,
                kind: kind.code(),
                ground,
                reason,
                request_key: key,
                files,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?;
        match filed {
            store::relief::Filed::New(id) | store::relief::Filed::Again(id) => Ok(id),
            store::relief::Filed::AlreadyPending => Err(Refusal::ReliefPending.in_lang(lang)),
        }
    }

    /// A clerk or judge of the court grants or refuses the pending application. A refusal
    /// says why, in writing (art. 48); a reduction takes at least 30 % off (art. 46).
    pub async fn decide_relief(
        &self,
        caller: &Caller,
        case_id: i64,
        relief_id: i64,
        grant: Option<bool>,
        reduce_yuan: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        if !decides(me.role) || !own_court_staff(me, &case) {
            return Err(Refusal::ReliefDenied.in_lang(lang));
        }
        let relief = store::relief::by_id(&self.db, relief_id)
            .await
            .map_err(internal(lang))?
            .filter(|r| r.case_id == case.id)
            .ok_or_else(|| AppError::NotFound(t(lang, ("没有这份申请。", "No such application.")).into()))?;
        let Some(grant) = grant else {
            return Err(Refusal::ReliefDecision.in_lang(lang));
        };
        let note = note.trim();
        if !grant && note.chars().count() < 4 {
            return Err(Refusal::ReliefNote.in_lang(lang));
        }
        let kind = ReliefKind::from_code(&relief.kind).ok_or_else(|| AppError::Internal(String::new()))?;
        // The rule's own words for a wrong amount (its art. 46 minimum, worked out for this fee).
        let amount = |message: String| Refusal::ReliefAmount.with_message(message);
        let account = self.account_of(case_id, lang).await?;
        let owed = Fen(account.charged_fen - account.reduced_fen);
        let reduced = if grant {
            let asked = if kind == ReliefKind::Reduce {
                Fen::parse_yuan(reduce_yuan).map_err(|e| amount(e.message(lang == Lang::Zh)))?
            } else {
                Fen(0)
            };
            relief_reduction(kind, owed, asked).map_err(|e| amount(e.message(lang == Lang::Zh)))?
        } else {
            Fen(0)
        };
        let decided = store::relief::decide(
            &self.db,
            store::relief::Decision {
                relief: &relief,
                granted: grant,
                reduced_fen: reduced.0,
                ledger_source: format!("{}（{}）", kind.label(true), kind.source()),
                note,
                decided_by: me.id,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?;
        if !decided {
            return Err(Refusal::ReliefDone.in_lang(lang));
        }
        Ok(())
    }

    /// A document of an application: for the applicant and the court's staff.
    pub async fn relief_file(
        &self,
        caller: &Caller,
        case_id: i64,
        file_id: i64,
    ) -> Result<(store::relief::FileRow, Vec<u8>), AppError> {
        let lang = caller.lang;
        let (case, side) = self.visible_case(caller, case_id).await?;
        let me = caller.me.as_ref().ok_or_else(|| AppError::NotSignedIn(String::new()))?;
        let not_found = || AppError::NotFound(t(lang, ("没有这个文件。", "No such file.")).into());
        // The applicant's side (the applicant, or the agent acting for them) and the case's
        // own court; anyone else gets the answer for a file that does not exist.
        if !(own_court_staff(me, &case) || crate::services::fees::prepays(side.as_deref())) {
            return Err(not_found());
        }
        let files = store::relief::files_of_case(&self.db, case_id).await.map_err(internal(lang))?;
        let file = files.into_iter().find(|f| f.id == file_id).ok_or_else(not_found)?;
        // A file is served only while its application exists.
        store::relief::by_id(&self.db, file.relief_id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(not_found)?;
        let bytes = tokio::fs::read(self.data_dir.join(&file.stored_path)).await.map_err(|e| {
            tracing::error!(error = %e, path = %file.stored_path, "a stored document is missing");
            not_found()
        })?;
        Ok((file, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_known_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(("image/png", "png")));
        assert_eq!(sniff(b"%PDF-1.7"), Some(("application/pdf", "pdf")));
        assert_eq!(sniff(b"MZ\x90\x00 an exe called photo.jpg"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_name("C:\\\\Users\\\\me\\\\低保证.jpg"), "低保证.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b;c\r\n.png"), "abc.png");
        assert_eq!(clean_name(""), "document");
    }
}
