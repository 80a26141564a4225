//! `SiteverifyHealth`: whether hCaptcha's siteverify has been failing, so
//! another CAPTCHA is asked meanwhile (`policy::siteverify_health`). Each
//! server keeps the state in its local cache (`HCaptchaFallback.php`); the
//! rule is the module's.

use ext_php_rs::prelude::*;

use super::guard;
use super::php::values::SiteverifyState;
use crate::policy::siteverify_health::{FallbackRule, Health};
use crate::state::clock;

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\SiteverifyHealth")]
pub struct SiteverifyHealth;

#[php_impl]
impl SiteverifyHealth {
    /// The state after one verification (`$failed`: no usable answer from
    /// siteverify), under `$wgCaptchaGuardHCaptchaFallbackThreshold` failures
    /// in a row and `$wgCaptchaGuardHCaptchaFallbackSeconds`.
    #[php(name = "afterVerification")]
    pub fn after_verification(
        failures_in_a_row: i64,
        fallback_until: i64,
        failed: bool,
        threshold: i64,
        seconds: i64,
    ) -> SiteverifyState {
        guard::trip("SiteverifyHealth::afterVerification");
        let before = Health {
            failures_in_a_row: u32::try_from(failures_in_a_row.max(0)).unwrap_or(u32::MAX),
            fallback_until,
        };
        let rule = FallbackRule {
            threshold: u32::try_from(threshold.max(0)).unwrap_or(u32::MAX),
            seconds,
        };
        let (after, transition) = before.after(failed, clock::unix_now(), rule);
        SiteverifyState {
            failures_in_a_row: i64::from(after.failures_in_a_row),
            fallback_until: after.fallback_until,
            transition: transition.name().to_owned(),
        }
    }

    /// Whether the fallback CAPTCHA is asked now.
    #[php(name = "usesFallback")]
    pub fn uses_fallback(fallback_until: i64) -> bool {
        Health {
            failures_in_a_row: 0,
            fallback_until,
        }
        .uses_fallback(clock::unix_now())
    }
}
