//! The tamper-evident log of electronic service (电子送达), with no I/O.
//!
//! Every service event is appended to a Merkle log in the manner of RFC 9162 (Certificate
//! Transparency 2.0) and the court signs each tree head with Ed25519 (RFC 8032). A receipt
//! carries the event, its inclusion proof and the signed head, so a litigant's phone (this code
//! in wasm) or an offline CLI can check, without asking the court, that:
//!
//! 1. the head is the court's (signature);
//! 2. the event is the one logged (its leaf hash);
//! 3. the event is in the tree the court signed (inclusion proof);
//!
//! and consistency proofs between two heads show that the later tree is the earlier one with
//! entries appended: a court that rewrote history could not produce one.
//!
//! - [`merkle`]: the tree, its proofs and their checks (RFC 9162 §2.1), and the perfect-subtree
//!   store design that keeps proofs O(log n) at any size.
//! - [`signed`]: the signed tree head (its exact bytes), the receipt, and their checks.
//! - [`hex`]: hashes, keys and signatures as hex text (JSON, printed receipts).
//! - [`service`]: the service events logged and the receipt of one service record (送达回证).
//! - [`mediation`]: the mediation acts logged (a signature, a 调解书 签收) and their receipts.
//!
//! What an entry is (the bytes of a service event) is the server's choice; this module hashes
//! whatever bytes it is given, so the server must log a canonical encoding.

pub mod hex;
pub mod mediation;
pub mod merkle;
pub mod service;
pub mod signed;
