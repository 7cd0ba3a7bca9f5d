//! The outside world behind interfaces: the SMS gateway, payment providers, the blob store
//! on disk, a file's kind by its bytes, PDF rendering, and the OS's randomness and hashing.
//! Adapters may use `store` (an outbox, a sandbox's own records) and `config`, nothing above.

pub mod blob_store;
pub mod clock;
pub mod crypto;
pub mod file_check;
pub mod payments;
pub mod pdf;
pub mod sms;
pub mod wechat_pay;
