//! Wire types and server functions: everything that crosses between browser and server.

pub mod error;
pub mod fns;
#[cfg(feature = "ssr")]
pub mod port;
pub mod refusal;
pub mod types;

pub use error::AppError;
pub use refusal::Refusal;
