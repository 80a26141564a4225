//! Every native entry point runs its work through [`contained`]: a panic (a
//! bug of ours) is logged and answered with that entry point's fail-safe
//! answer, so the worker goes on serving and an edit is never saved without
//! its CAPTCHA. Entry points whose fail-safe is "stop what PHP is doing" only
//! [`trip`]: ext-php-rs turns their panics into a PHP `Error`.
//!
//! With the test-only feature `fault-injection`, the INI setting
//! `captchaguard.fault_panic` (an entry point's name, or `*`) makes that entry
//! point panic, so the tests can show what a panic does.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::php::host::{self, Level};

pub fn contained<T>(
    entry: &'static str,
    fail_safe: impl FnOnce() -> T,
    work: impl FnOnce() -> T,
) -> T {
    match catch_unwind(AssertUnwindSafe(|| {
        trip(entry);
        work()
    })) {
        Ok(answer) => answer,
        Err(payload) => {
            host::log(
                Level::Error,
                "{entry} panicked, answering as it does on failure: {panic}",
                &[("entry", entry), ("panic", panic_message(payload.as_ref()))],
                None,
            );
            fail_safe()
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(feature = "fault-injection")]
pub const FAULT_INI: &std::ffi::CStr = c"captchaguard.fault_panic";

/// Panics here if `captchaguard.fault_panic` names `entry` (fault-injection builds only).
#[cfg(feature = "fault-injection")]
pub fn trip(entry: &str) {
    let setting = ext_php_rs::zend::ExecutorGlobals::get()
        .ini_values()
        .remove("captchaguard.fault_panic")
        .flatten()
        .unwrap_or_default();
    if setting == entry || setting == "*" {
        panic!("fault injected at {entry}");
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn trip(_entry: &str) {}
