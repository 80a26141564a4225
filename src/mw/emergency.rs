//! The emergency CAPTCHA switch: ConfirmEdit's `ConfirmEditTriggersCaptcha`
//! hook, answered from process memory, and the validation the special page and
//! the API share.

use std::time::Duration;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, ZendHashTable, Zval};

use super::php::{self, Result};
use crate::policy::emergency::{
    format_actions, parse_stored_actions, validate, ChangeRequest, Switch, Trigger,
};
use crate::state::emergency_cache;

/// The thin PHP class that reads the stored switch through MediaWiki's database layer.
const STORE_LOADER: &str =
    "MediaWiki\\Extension\\CaptchaGuard\\Emergency\\EmergencyStore::currentForHook";
const DEFAULT_REFRESH_SECONDS: u64 = 5;

fn load_switch() -> Result<Switch> {
    let row = php::call_named(STORE_LOADER, vec![])?;
    let Some(row) = row.array() else {
        // Never switched on for this wiki.
        return Ok(Switch::default());
    };
    let field = |name: &str| row.get(name);
    Ok(Switch {
        on: field("active").is_some_and(Zval::coerce_to_bool),
        actions: parse_stored_actions(
            &field("actions")
                .and_then(Zval::coerce_to_string)
                .unwrap_or_default(),
        ),
        expiry: field("expiry").and_then(Zval::coerce_to_long).unwrap_or(0),
    })
}

/// Refreshes the process copy of the switch. If the database cannot be read,
/// the last known switch (or "off") is kept until the next refresh rather
/// than failing every request.
fn refresh() -> Switch {
    let switch = load_switch().unwrap_or_else(|error| {
        php::log(
            "error",
            &format!("Could not read the emergency CAPTCHA switch: {error}"),
        );
        emergency_cache::last_known().unwrap_or_default()
    });
    emergency_cache::store(switch.clone());
    switch
}

fn performer_is_exempt() -> Result<bool> {
    let context = php::main_context()?;
    let user = php::call(&context, "getUser", vec![])?;
    php::call_bool(&user, "isAllowed", vec![&"captchaguard-exempt"])
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EmergencyCaptchaHandler")]
pub struct EmergencyCaptchaHandler {
    refresh: Duration,
}

#[php_impl]
// MediaWiki passes every hook argument; names stay for the stubs.
#[allow(unused_variables)]
impl EmergencyCaptchaHandler {
    /// `$config` is the MainConfig service.
    pub fn __construct(config: &Zval) -> Self {
        let seconds = php::call(config, "get", vec![&"CaptchaGuardEmergencyRefresh"])
            .ok()
            .and_then(|v| v.coerce_to_long())
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(DEFAULT_REFRESH_SECONDS);
        EmergencyCaptchaHandler {
            refresh: Duration::from_secs(seconds),
        }
    }

    /// Runs whenever ConfirmEdit asks whether an action needs a CAPTCHA. Users
    /// with skipcaptcha never get here; holders of captchaguard-exempt are let through.
    #[php(name = "onConfirmEditTriggersCaptcha")]
    pub fn on_confirm_edit_triggers_captcha(&self, action: &str, page: &Zval, mut result: PhpRef) {
        if result.bool() == Some(true) {
            return;
        }
        let Ok(trigger) = action.parse::<Trigger>() else {
            return;
        };
        let covered = emergency_cache::covers(trigger, self.refresh)
            .unwrap_or_else(|| refresh().covers(trigger, emergency_cache::unix_now()));
        if !covered {
            return;
        }
        match performer_is_exempt() {
            Ok(true) => {}
            Ok(false) => result.set_bool(true),
            Err(error) => {
                php::log(
                    "error",
                    &format!("Could not check captchaguard-exempt: {error}"),
                );
                result.set_bool(true);
            }
        }
    }
}

/// Validation shared by Special:EmergencyCaptcha and `action=emergencycaptcha`.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Emergency\\EmergencyPolicy")]
pub struct EmergencyPolicy;

#[php_impl]
impl EmergencyPolicy {
    /// Checks a requested change. `$expiry` is the Unix time MediaWiki read
    /// from the user's expiry (null if it could not), `$expiryGiven` whether
    /// one was typed at all. Returns `['ok' => true, 'active', 'actions',
    /// 'expiry', 'reason']` or `['ok' => false, 'message', 'params']`.
    #[allow(clippy::too_many_arguments)]
    pub fn validate(
        on: bool,
        actions: Vec<String>,
        expiry_given: bool,
        expiry: Option<i64>,
        reason: String,
        now: i64,
        max_seconds: i64,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let request = ChangeRequest {
            on,
            actions,
            expiry_given,
            expiry,
            reason,
        };
        let mut answer = ZendHashTable::new();
        match validate(&request, now, max_seconds) {
            Ok(change) => {
                answer.insert("ok", true)?;
                answer.insert("active", change.on)?;
                answer.insert("actions", format_actions(&change.actions))?;
                answer.insert("expiry", change.expiry)?;
                answer.insert("reason", change.reason)?;
            }
            Err(error) => {
                let (message, params) = error.message();
                answer.insert("ok", false)?;
                answer.insert("message", message)?;
                answer.insert("params", params)?;
            }
        }
        Ok(answer)
    }

    /// The triggers a switch may cover, in display order.
    pub fn triggers() -> Vec<&'static str> {
        Trigger::ALL.iter().map(|t| t.name()).collect()
    }

    /// Called after a change made in this worker, so it applies here at once;
    /// other workers pick it up within the refresh interval.
    #[php(name = "forgetCachedSwitch")]
    pub fn forget_cached_switch() {
        emergency_cache::forget();
    }
}
