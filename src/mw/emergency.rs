//! The emergency CAPTCHA switch: ConfirmEdit's `ConfirmEditTriggersCaptcha`
//! hook, answered from process memory, and the rules the special page, the
//! API and the log ask the module for (they hold none of their own).

use std::rc::Rc;

use ext_php_rs::convert::IntoZval;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::php::host::{self, Level};
use super::php::values::{AcceptedChange, StoredSwitch, SwitchChange, SwitchRefusal, SwitchState};
use super::php::Result;
use super::{account_creation, guard, outcomes};
use crate::policy::emergency::{
    covered_elsewhere, format_actions, parse_stored_actions, validate, validate_scope,
    ChangeRequest, ScopeRequest, Switch, Trigger, ALL_WIKIS,
};
use crate::policy::farm_switches::{FarmSwitches, SwitchRow, WikiKey};
use crate::state::clock;
use crate::state::emergency_cache::{self, SourceKey};
use crate::state::request;

impl From<&StoredSwitch> for Switch {
    fn from(stored: &StoredSwitch) -> Switch {
        Switch {
            on: stored.active,
            actions: parse_stored_actions(&stored.actions),
            expiry: stored.expiry,
        }
    }
}

impl From<StoredSwitch> for SwitchRow {
    fn from(stored: StoredSwitch) -> SwitchRow {
        SwitchRow {
            id: stored.id,
            switch: Switch::from(&stored),
            wiki: stored.wiki,
        }
    }
}

fn load_switches() -> Result<FarmSwitches> {
    let rows = host::stored_switches()?;
    Ok(FarmSwitches::from_rows(
        rows.into_iter().map(SwitchRow::from),
        clock::unix_now(),
    ))
}

/// Reads the switch table again into the worker's snapshot. If it cannot be
/// read, the last known snapshot (or "all off") is kept until the next
/// refresh rather than failing every request.
fn refresh(source: SourceKey, wiki: WikiKey) -> Rc<FarmSwitches> {
    let snapshot = match load_switches() {
        Ok(snapshot) => {
            let snapshot = Rc::new(snapshot);
            report(
                emergency_cache::last_known(source).as_deref(),
                &snapshot,
                wiki,
            );
            snapshot
        }
        Err(error) => {
            let fallback = emergency_cache::last_known(source).unwrap_or_default();
            let on = fallback.switch_for(wiki).is_active(clock::unix_now());
            host::log(
                Level::Error,
                "Could not read the emergency CAPTCHA switch, keeping the last known one ({state}): {error}",
                &[("state", if on { "on" } else { "off" })],
                Some(&error),
            );
            fallback
        }
    };
    emergency_cache::store(source, Rc::clone(&snapshot));
    snapshot
}

/// The metrics: the state of every wiki the snapshot names, of those on in
/// the worker's previous snapshot (now off), and of the wiki whose request
/// read it.
fn report(previous: Option<&FarmSwitches>, snapshot: &FarmSwitches, wiki: WikiKey) {
    let mut states: Vec<(&str, bool)> = snapshot.named_states().collect();
    let ended: Vec<(&str, bool)> = previous
        .into_iter()
        .flat_map(FarmSwitches::named_states)
        .filter(|(name, on)| *on && !states.iter().any(|(now, _)| now == name))
        .map(|(name, _)| (name, false))
        .collect();
    states.extend(ended);
    let here = snapshot.switch_for(wiki).is_active(clock::unix_now());
    if let Err(error) = host::report_switches(&states, here) {
        host::log(
            Level::Warning,
            "Could not report the emergency switches: {error}",
            &[],
            Some(&error),
        );
    }
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\EmergencyCaptchaHandler")]
pub struct EmergencyCaptchaHandler {
    /// How old the worker's copy may be, in milliseconds.
    refresh_ms: i64,
    /// The wiki this request serves: one worker may serve many.
    wiki: WikiKey,
    /// The switch table it reads: a farm's wikis share one, and one snapshot.
    switch_table: SourceKey,
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl EmergencyCaptchaHandler {
    /// `$refreshSeconds` is `$wgCaptchaGuardEmergencyRefresh`, `$wikiId` the
    /// wiki this request serves, `$switchTable` the database of its switch
    /// table (`EmergencyStore::tableId`; see HandlerFactory), by default the
    /// wiki's own.
    pub fn __construct(
        host: &Zval,
        refresh_seconds: i64,
        wiki_id: &str,
        switch_table: Option<&str>,
    ) -> PhpResult<Self> {
        host::install(host)?;
        Ok(EmergencyCaptchaHandler {
            refresh_ms: refresh_seconds.max(0).saturating_mul(1000),
            wiki: WikiKey::of(wiki_id),
            switch_table: SourceKey::of(switch_table.unwrap_or(wiki_id)),
        })
    }

    /// Runs whenever ConfirmEdit asks whether an action needs a CAPTCHA. Users
    /// with skipcaptcha never get here; holders of captchaguard-exempt are let through.
    /// Also says yes to a sign-up a CAPTCHA filter asked one of (see `account_creation`).
    ///
    /// The only hook method without a variadic tail: ext-php-rs parses
    /// variadic calls with its allocating argument parser, which would cost
    /// this per-call check several times over (`make bench`). It takes up to
    /// three arguments beyond the documented ones instead.
    #[php(name = "onConfirmEditTriggersCaptcha", optional = "extra")]
    pub fn on_confirm_edit_triggers_captcha(
        &self,
        action: &str,
        page: &Zval,
        mut result: PhpRef,
        extra: Option<&Zval>,
        extra2: Option<&Zval>,
        extra3: Option<&Zval>,
    ) {
        // When ConfirmEdit asks anyway, the switch still decides which hCaptcha
        // key the CAPTCHA is shown with (RiskScore::siteKeyToShow).
        let already_asked = result.bool() == Some(true);
        // A failure here asks for a CAPTCHA rather than letting an attack through.
        let asker = guard::contained(
            "ConfirmEditTriggersCaptcha",
            || Some(Asker::Failure),
            || self.asker(action),
        );
        let Some(asker) = asker else {
            return;
        };
        request::with(|s| s.mark_trigger_demanded());
        if already_asked {
            return;
        }
        if let Asker::Switch(trigger) = asker {
            outcomes::emergency_challenged(trigger.name());
        }
        result.set_bool(true);
    }
}

/// Who asks for a CAPTCHA through ConfirmEdit's trigger hook.
enum Asker {
    /// A CAPTCHA filter, on this session's sign-up (see `account_creation`).
    SignUpFilter,
    /// The emergency switch.
    Switch(Trigger),
    /// Nobody can tell: the check failed.
    Failure,
}

impl EmergencyCaptchaHandler {
    /// Whether the switch (or a filter, for a sign-up) asks a CAPTCHA of this
    /// user for `action`.
    fn asker(&self, action: &str) -> Option<Asker> {
        let trigger = action.parse::<Trigger>().ok()?;
        if trigger == Trigger::CreateAccount && account_creation::captcha_pending() {
            return Some(Asker::SignUpFilter);
        }
        let covered =
            emergency_cache::covers(self.switch_table, self.wiki, trigger, self.refresh_ms)
                .unwrap_or_else(|| {
                    refresh(self.switch_table, self.wiki).covers(
                        self.wiki,
                        trigger,
                        clock::unix_now(),
                    )
                });
        if !covered {
            return None;
        }
        let exempt = host::is_exempt().unwrap_or_else(|error| {
            host::log(
                Level::Error,
                "Could not check captchaguard-exempt, asking for a CAPTCHA: {error}",
                &[],
                Some(&error),
            );
            false
        });
        (!exempt).then_some(Asker::Switch(trigger))
    }
}

/// The emergency rules Special:EmergencyCaptcha, `action=emergencycaptcha`,
/// `meta=emergencycaptcha` and the log ask for.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Emergency\\EmergencyPolicy")]
/// A panic in one of these becomes a PHP Error: the page or
/// API module that asked shows an error and nothing is changed.
pub struct EmergencyPolicy;

#[php_impl]
impl EmergencyPolicy {
    /// Checks a requested change against the module's clock and the farm:
    /// an `AcceptedChange` to store, or a list of `SwitchRefusal`s, one per
    /// problem, that say why not.
    pub fn validate(change: &SwitchChange) -> PhpResult<Zval> {
        guard::trip("EmergencyPolicy::validate");
        let request = ChangeRequest {
            on: change.on,
            actions: change.actions.clone(),
            expiry_given: change.expiry_given,
            expiry: change.expiry,
            reason: change.reason.clone(),
        };
        let scope = ScopeRequest {
            requested: &change.wikis,
            current_wiki: &change.current_wiki,
            known_wikis: &change.known_wikis,
            may_switch_others: change.may_switch_others,
        };
        let change_check = validate(&request, clock::unix_now(), change.max_seconds);
        let scope_check = validate_scope(&scope);
        let answer = match (change_check, scope_check) {
            (Ok(valid), Ok(wikis)) => AcceptedChange {
                active: valid.on,
                actions: valid.actions.iter().map(|t| t.name().to_owned()).collect(),
                stored_actions: format_actions(&valid.actions),
                expiry: valid.expiry,
                reason: valid.reason,
                wikis,
            }
            .into_zval(false)?,
            (change_check, scope_check) => {
                // Every problem at once, the change's first, then the wikis'.
                let errors = change_check.err().into_iter().flatten();
                let refusals: Vec<SwitchRefusal> = errors
                    .chain(scope_check.err().into_iter().flatten())
                    .map(|error| {
                        let (message, params) = error.message();
                        SwitchRefusal {
                            message: message.to_owned(),
                            params,
                            code: error.api_code().to_owned(),
                            duration_param: error.param_is_duration(),
                        }
                    })
                    .collect();
                refusals.into_zval(false)?
            }
        };
        Ok(answer)
    }

    /// The wikis other than `$currentWiki` that a validated change to
    /// `$wikis` covers, and so must log it (`*`: every wiki of the farm).
    #[php(name = "coveredElsewhere")]
    pub fn covered_elsewhere(
        wikis: Vec<String>,
        current_wiki: &str,
        known_wikis: Vec<String>,
    ) -> Vec<String> {
        guard::trip("EmergencyPolicy::coveredElsewhere");
        covered_elsewhere(&wikis, current_wiki, &known_wikis)
    }

    /// What a stored switch means now (null: never switched).
    pub fn state(stored: Option<&StoredSwitch>) -> SwitchState {
        guard::trip("EmergencyPolicy::state");
        let switch = stored.map(Switch::from).unwrap_or_default();
        let active = switch.is_active(clock::unix_now());
        SwitchState {
            active,
            actions: if active {
                switch.actions.iter().map(|t| t.name().to_owned()).collect()
            } else {
                Vec::new()
            },
            expiry: active.then_some(switch.expiry),
        }
    }

    /// Stored trigger names (a log entry's, say) as a list, unknown ones dropped.
    #[php(name = "parseActions")]
    pub fn parse_actions(stored: &str) -> Vec<String> {
        guard::trip("EmergencyPolicy::parseActions");
        parse_stored_actions(stored)
            .iter()
            .map(|t| t.name().to_owned())
            .collect()
    }

    /// What `$wikis` holds for every wiki of the farm, and the store's
    /// `ce_wiki` for a farm-wide switch. (A method: cargo-php's stub
    /// generator crashes on a string constant of this class.)
    #[php(name = "allWikis")]
    pub fn all_wikis() -> &'static str {
        ALL_WIKIS
    }

    /// The triggers a switch may cover, in display order.
    pub fn triggers() -> Vec<&'static str> {
        guard::trip("EmergencyPolicy::triggers");
        Trigger::ALL.iter().map(|t| t.name()).collect()
    }

    /// What switching on without naming actions covers.
    #[php(name = "defaultTriggers")]
    pub fn default_triggers() -> Vec<&'static str> {
        guard::trip("EmergencyPolicy::defaultTriggers");
        Trigger::DEFAULT.iter().map(|t| t.name()).collect()
    }

    /// Called after a change made in this worker, so it applies here at once;
    /// other workers pick it up within the refresh interval.
    #[php(name = "forgetCachedSwitch")]
    pub fn forget_cached_switch() {
        guard::trip("EmergencyPolicy::forgetCachedSwitch");
        emergency_cache::forget();
    }
}
