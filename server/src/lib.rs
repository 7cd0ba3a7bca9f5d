//! The Pocket Court server: configuration, storage, services, the REST API, gateways.
//! `main.rs` only parses the command line and calls into here.

pub mod blob_store;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod e_service;
pub mod fee_service;
pub mod file_check;
pub mod filing_forms;
pub mod filing_service;
pub mod forms;
pub mod notices;
pub mod payments;
pub mod pdf;
pub mod procedure_service;
pub mod progress;
pub mod relief_service;
pub mod rest;
pub mod service_forms;
pub mod service_log;
pub mod services;
pub mod session_cache;
pub mod sms;
pub mod startup;
pub mod store;
pub mod uploads;
