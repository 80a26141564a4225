//! CaptchaGuard: CAPTCHA actions for MediaWiki's AbuseFilter, as a native PHP
//! module.
//!
//! - [`policy`]: the decisions, plain Rust, tested with `cargo test`.
//! - [`state`]: per-request and per-process state.
//! - [`mw`]: the native classes MediaWiki calls (extension.json `HookHandlers`).

pub mod mw;
pub mod policy;
pub mod state;

use ext_php_rs::prelude::*;

/// Nothing of one request may be seen by the next one a PHP-FPM worker
/// serves. A panic must not unwind into PHP's C code.
extern "C" fn forget_request(_type: i32, _module: i32) -> i32 {
    let _ = std::panic::catch_unwind(state::request::reset);
    0
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .request_startup_function(forget_request)
        .request_shutdown_function(forget_request)
        .class::<mw::abusefilter::AbuseFilterHandler>()
        .class::<mw::abusefilter::ConsequenceRunner>()
        .class::<mw::edit_filter::EditFilterHandler>()
        .class::<mw::edit_form::EditFormHandler>()
        .class::<mw::emergency::EmergencyCaptchaHandler>()
        .class::<mw::emergency::EmergencyPolicy>()
        .class::<mw::risk_score::RiskScore>()
        .class::<mw::risk_score::RiskScoreEventsHandler>()
}
