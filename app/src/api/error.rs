//! The one error type that crosses the wire between browser and server.
//!
//! Every variant carries a message already written in the caller's language: the server
//! knows the language (cookie), and the browser only shows what it gets. Unexpected
//! failures become `Internal` with a fixed, opaque message; their cause is logged on the
//! server, never shown.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The caller has no valid session (or it timed out).
    #[error("{0}")]
    NotSignedIn(String),
    /// The thing does not exist *or the caller may not see it*: the two are never told apart,
    /// so a case id cannot be probed.
    #[error("{0}")]
    NotFound(String),
    /// The caller may see it but not do this (e.g. a litigant on a staff page).
    #[error("{0}")]
    Forbidden(String),
    /// Something the user typed is wrong; the message says what and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Too many tries; the message says when to try again.
    #[error("{0}")]
    RateLimited(String),
    /// The request was already handled (a replay or a double tap).
    #[error("{0}")]
    Conflict(String),
    /// Anything else. The message is generic on purpose.
    #[error("{0}")]
    Internal(String),
    /// One of the refusals of `api::refusal`, by its stable code (made by `Refusal::in_lang`):
    /// a form post's redirect carries the code, the page shows the one text for it.
    #[error("{message}")]
    Refused { code: String, status: u16, message: String },
}

impl AppError {
    /// The HTTP status the REST API and server functions answer with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn(_) => 401,
            AppError::NotFound(_) => 404,
            AppError::Forbidden(_) => 403,
            AppError::Invalid(_) => 422,
            AppError::RateLimited(_) => 429,
            AppError::Conflict(_) => 409,
            AppError::Internal(_) => 500,
            AppError::Refused { status, .. } => *status,
        }
    }

    /// The stable code a door hands on (`?error=<code>`, `"code"` in JSON): the refusal's own,
    /// or the kind of error for the rest.
    pub fn code(&self) -> &str {
        match self {
            AppError::NotSignedIn(_) => "not_signed_in",
            AppError::NotFound(_) => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "unavailable",
            AppError::Refused { code, .. } => code,
        }
    }

    /// A refusal of `api::refusal`, in the caller's language.
    pub fn refused(r: super::refusal::Refusal, lang: crate::rules::Lang) -> AppError {
        r.in_lang(lang)
    }

    pub fn message(&self) -> &str {
        match self {
            AppError::NotSignedIn(m)
            | AppError::NotFound(m)
            | AppError::Forbidden(m)
            | AppError::Invalid(m)
            | AppError::RateLimited(m)
            | AppError::Conflict(m)
            | AppError::Internal(m)
            | AppError::Refused { message: m, .. } => m,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The browser could not reach the server: the usual case on a weak network.
            ServerFnErrorErr::Request(_) => AppError::Internal(
                "网络不稳定，没有连上法院。请稍后再试。 / The network dropped; please try again.".into(),
            ),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Invalid(
                "提交的内容不完整，请刷新页面后重试。 / The form was incomplete; reload and try again."
                    .into(),
            ),
            _ => AppError::Internal(
                "系统出了点问题，请稍后再试。 / Something went wrong; please try again later.".into(),
            ),
        }
    }
}
