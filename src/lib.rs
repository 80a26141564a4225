//! CaptchaGuard: CAPTCHA actions for MediaWiki's AbuseFilter, as a native PHP
//! module.
//!
//! - [`policy`]: the decisions, plain Rust, tested with `cargo test`.
//! - [`state`]: per-request and per-process state.
//! - [`mw`]: the native classes MediaWiki calls (extension.json `HookHandlers`).

pub mod mw;
pub mod policy;
pub mod state;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};

use state::clock::{self, ClockMode};

/// `captchaguard.clock`: `auto` (per request under PHP-FPM, CGI and Apache,
/// per call elsewhere), `request` or `call`. Read once, at startup.
#[cfg(not(feature = "fault-injection"))]
static INI_ENTRIES: IniEntryDefs<2> = IniEntryDefs::new([
    IniEntryDef::new(c"captchaguard.clock", c"auto", IniEntryPermission::System),
    IniEntryDef::end(),
]);

/// Test builds also read `captchaguard.fault_panic` (see `mw::guard`), settable per request.
#[cfg(feature = "fault-injection")]
static INI_ENTRIES: IniEntryDefs<3> = IniEntryDefs::new([
    IniEntryDef::new(c"captchaguard.clock", c"auto", IniEntryPermission::System),
    IniEntryDef::new(mw::guard::FAULT_INI, c"", IniEntryPermission::All),
    IniEntryDef::end(),
]);

pub fn startup(_type: i32, module_number: i32) -> i32 {
    IniEntryDef::register(INI_ENTRIES.as_slice(), module_number);
    let setting = ExecutorGlobals::get()
        .ini_values()
        .get("captchaguard.clock")
        .cloned()
        .flatten();
    let sapi = ext_php_rs::zend::php_sapi_name();
    clock::set_clock_mode(ClockMode::choose(setting.as_deref(), sapi.as_deref()));
    0
}

/// Nothing of one request may be seen by the next one a PHP-FPM worker
/// serves. A panic must not unwind into PHP's C code.
extern "C" fn request_startup(_type: i32, _module: i32) -> i32 {
    let _ = std::panic::catch_unwind(|| {
        state::request::reset();
        mw::php::host::abandon();
        clock::start_request();
    });
    0
}

extern "C" fn request_shutdown(_type: i32, _module: i32) -> i32 {
    let _ = std::panic::catch_unwind(|| {
        state::request::reset();
        // While PHP's objects still exist: the host is one of them.
        mw::php::host::forget();
        clock::end_request();
    });
    0
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .request_startup_function(request_startup)
        .request_shutdown_function(request_shutdown)
        .class::<mw::abusefilter::AbuseFilterHandler>()
        .class::<mw::abusefilter::ConsequenceRunner>()
        .class::<mw::account_creation::SignUpFormHandler>()
        .class::<mw::refused_form::RefusedFormHandler>()
        .class::<mw::api::ApiHandler>()
        .class::<mw::php::Binding>()
        .class::<mw::php::confirm_edit_compat::AnswerOutcome>()
        .class::<mw::php::values::AcceptedChange>()
        .class::<mw::php::values::ClientFacts>()
        .class::<mw::php::values::ChallengeVerdict>()
        .class::<mw::php::values::FilterHit>()
        .class::<mw::php::values::OutcomeCount>()
        .class::<mw::php::values::OutcomeDay>()
        .class::<mw::php::values::StoredOutcomes>()
        .class::<mw::php::values::PerformerFacts>()
        .class::<mw::php::values::SavedEdit>()
        .class::<mw::php::values::SensitiveTouch>()
        .class::<mw::php::values::SiteverifyState>()
        .class::<mw::php::values::StoredSwitch>()
        .class::<mw::php::values::SwitchChange>()
        .class::<mw::php::values::SwitchRefusal>()
        .class::<mw::php::values::SwitchState>()
        .class::<mw::php::values::UserFacts>()
        .class::<mw::php::values::ViewerRights>()
        .class::<mw::edit_filter::EditFilterHandler>()
        .class::<mw::edit_form::EditFormHandler>()
        .class::<mw::emergency::EmergencyCaptchaHandler>()
        .class::<mw::emergency::EmergencyPolicy>()
        .class::<mw::outcomes::OutcomeRecorder>()
        .class::<mw::outcomes::OutcomesHandler>()
        .class::<mw::outcomes::OutcomeReport>()
        .class::<mw::page_display::PageDisplayHandler>()
        .class::<mw::risk_score::RiskScore>()
        .class::<mw::risk_score::RiskScoreEventsHandler>()
        .class::<mw::sensitive_filters::SensitiveAccessNames>()
        .class::<mw::sensitive_filters::SensitiveFiltersHandler>()
        .class::<mw::sensitive_purge::SensitivePurge>()
        .class::<mw::sensitive_variables::SensitiveVariables>()
        .class::<mw::sensitive_variables::SensitiveVariablesHandler>()
        .class::<mw::siteverify_health::SiteverifyHealth>()
}
