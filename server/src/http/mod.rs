//! The doors: the REST API, plain form posts and downloads, tus uploads, the payment
//! provider's callback and (in demo mode) the sandbox's pages. A door resolves the caller,
//! checks the origin of a state-changing request, calls one use case of `services`, and turns
//! its answer or refusal into a status, a redirect or JSON. No court rule and no SQL here.

pub mod caller;
pub mod documents;
pub mod filing_forms;
pub mod forms;
pub mod listener;
pub mod mediation_forms;
pub mod rest;
pub mod router;
pub mod sandbox_pay;
pub mod service_forms;
pub mod sign_in_forms;
pub mod state;
pub mod uploads;
