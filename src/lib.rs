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

/// Nothing of one request may be seen by the next one a PHP-FPM worker serves.
fn forget_request() {
    state::request::reset();
    mw::edit_filter::reset();
}

extern "C" fn request_startup(_type: i32, _module: i32) -> i32 {
    // A panic must not unwind into PHP's C code.
    let _ = std::panic::catch_unwind(|| {
        forget_request();
        state::emergency_cache::start_request_clock();
    });
    0
}

extern "C" fn request_shutdown(_type: i32, _module: i32) -> i32 {
    let _ = std::panic::catch_unwind(forget_request);
    0
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .request_startup_function(request_startup)
        .request_shutdown_function(request_shutdown)
        .class::<mw::abusefilter::AbuseFilterHandler>()
        .class::<mw::abusefilter::ConsequenceRunner>()
        .class::<mw::edit_filter::EditFilterHandler>()
        .class::<mw::edit_form::EditFormHandler>()
        .class::<mw::emergency::EmergencyCaptchaHandler>()
        .class::<mw::emergency::EmergencyPolicy>()
        .class::<mw::risk_score::RiskScore>()
        .class::<mw::risk_score::RiskScoreEventsHandler>()
}
