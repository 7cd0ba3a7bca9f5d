//! Components shared by pages, and the islands (the only parts that run in the browser).

pub mod checked_input;
pub mod countdown;
pub mod fee_calculator;
pub mod layout;
pub mod profile_form;
pub mod receipt_check;
pub mod sign_in_form;
pub mod uploader;
