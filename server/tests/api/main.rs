//! Integration tests: the real server on port 0 with a fresh database each, driven over
//! HTTP. Every scenario runs on SQLite, and on PostgreSQL when `DATABASE_URL` names one.

mod helpers;

mod auth;
mod case_mediation;
mod cases;
mod causes;
mod doors;
mod fee_pages;
mod fees;
mod filings;
mod mediation;
mod mediators;
mod payments;
mod procedure;
mod refunds;
mod relief;
mod rest;
mod service;
mod uploads;
mod wechat;
