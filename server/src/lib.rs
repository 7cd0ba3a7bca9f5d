//! The Pocket Court server: configuration, storage, services, the REST API, gateways.
//! `main.rs` only parses the command line and calls into here.
//!
//! The layers, lowest first (ARCHITECTURE.md; `scripts/check-layers.py` keeps them):
//! `config`, `store` (every SQL statement), `adapters` (the outside world), `services` (the
//! use cases and the access policy), `http` (the doors), `demo`, `startup`.

pub mod adapters;
pub mod config;
pub mod demo;
pub mod http;
pub mod services;
pub mod startup;
pub mod store;
