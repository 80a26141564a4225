//! AbuseFilter: the `showcaptcha` and `forcecaptcha` actions and what runs when
//! a filter with one of them matches.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::demand::demand;
use super::php::host::{self, Level};
use super::php::values::{ChallengeVerdict, FilterHit, PerformerFacts};
use super::php::{confirm_edit_compat, Result};
use super::{account_creation, guard, outcomes};
use crate::policy::challenge::{
    decide, AnswerCheck, CaptchaAction, Decision, FilteredAction, Performer,
};
use crate::policy::pending_warnings::PendingWarnings;
use crate::policy::rule_actions;
use crate::state::{clock, process, request};

/// The thin PHP Consequence subclass (AbuseFilter's Consequence is abstract PHP).
const CONSEQUENCE: &str = "MediaWiki\\Extension\\CaptchaGuard\\AbuseFilter\\CaptchaConsequence";
const CONFIG_ACTIONS: &str = "CaptchaGuardAbuseFilterActions";
/// The filter editor's label of `showcaptcha`, which ConfirmEdit 1.43 also defines,
/// and CaptchaGuard's own.
const SHOW_LABEL: &str = "abusefilter-edit-action-showcaptcha";
const OUR_SHOW_LABEL: &str = "captchaguard-edit-action-showcaptcha";
/// Session key holding the AbuseFilter warn keys to keep set while a CAPTCHA is pending.
const PENDING_WARN_KEYS: &str = "captchaguard-pending-warn-keys";

fn parse_actions(names: &[String]) -> Vec<CaptchaAction> {
    CaptchaAction::ALL
        .into_iter()
        .filter(|a| names.iter().any(|n| n == a.name()))
        .collect()
}

/// AbuseFilter builds a consequence only for an action registered in the
/// same request, so the handler's list answers; the setting is read only
/// where nothing registered (a consequence built by hand).
fn is_enabled(action: CaptchaAction) -> Result<bool> {
    if let Some(registered) = request::with(|s| s.registered_actions().map(|r| r.contains(&action)))
    {
        return Ok(registered);
    }
    Ok(configured_actions()?.contains(&action))
}

fn configured_actions() -> Result<Vec<CaptchaAction>> {
    let names: Vec<String> = host::config(CONFIG_ACTIONS)?
        .array()
        .map(|a| a.values().filter_map(Zval::string).collect())
        .unwrap_or_default();
    Ok(parse_actions(&names))
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\AbuseFilterHandler")]
pub struct AbuseFilterHandler {
    enabled: Vec<CaptchaAction>,
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl AbuseFilterHandler {
    /// `$enabledActions` is `$wgCaptchaGuardAbuseFilterActions` (see HandlerFactory).
    pub fn __construct(host: &Zval, enabled_actions: Vec<String>) -> PhpResult<Self> {
        host::install(host)?;
        Ok(AbuseFilterHandler {
            enabled: parse_actions(&enabled_actions),
        })
    }

    /// Registers each enabled action; AbuseFilter calls `Class::factory( $params )`.
    #[php(name = "onAbuseFilterCustomActions")]
    pub fn on_abuse_filter_custom_actions(
        &self,
        mut actions: PhpRef,
        extra: &[&Zval],
    ) -> PhpResult<()> {
        // Without its actions AbuseFilter would skip them: throw, so nothing is saved.
        guard::contained(
            "AbuseFilterCustomActions",
            || {
                Err(PhpException::from_message(
                    "CaptchaGuard could not register its AbuseFilter actions".into(),
                ))
            },
            || {
                let Some(table) = actions.array_mut() else {
                    return Err(PhpException::from_message(
                        "AbuseFilterCustomActions passed a non-array".into(),
                    ));
                };
                request::with(|s| s.register_actions(&self.enabled));
                for action in &self.enabled {
                    let factory = match action {
                        CaptchaAction::Show => format!("{CONSEQUENCE}::newShowCaptcha"),
                        CaptchaAction::Force => format!("{CONSEQUENCE}::newForceCaptcha"),
                    };
                    table.insert(action.name(), factory)?;
                }
                Ok(())
            },
        )
    }

    /// MediaWiki 1.41+: the filter editor shows CaptchaGuard's label and help
    /// for `showcaptcha`, not ConfirmEdit 1.43's ("Users with permission to
    /// skip a CAPTCHA are exempt", which misses the exempt, bots and sign-ups).
    #[php(name = "onMessageCacheFetchOverrides")]
    pub fn on_message_cache_fetch_overrides(&self, mut keys: PhpRef, extra: &[&Zval]) {
        // At worst ConfirmEdit's label shows: nothing to fail safe for.
        guard::contained(
            "MessageCacheFetchOverrides",
            || (),
            || {
                if !self.enabled.contains(&CaptchaAction::Show) {
                    return;
                }
                if let Some(keys) = keys.array_mut() {
                    if let Err(error) = keys.insert(SHOW_LABEL, OUR_SHOW_LABEL) {
                        host::log(
                            Level::Warning,
                            "Could not show CaptchaGuard's label for showcaptcha: {error}",
                            &[("error", &error.to_string())],
                            None,
                        );
                    }
                }
            },
        );
    }

    /// Runs before filters are evaluated: keeps `warn` from warning again on
    /// the save that carries the answer to a CAPTCHA it led to.
    #[php(name = "onAbuseFilterShouldFilterAction")]
    pub fn on_abuse_filter_should_filter_action(
        &self,
        vars: &Zval,
        title: &Zval,
        user: &Zval,
        skip_reasons: &Zval,
        extra: &[&Zval],
    ) {
        guard::contained(
            "AbuseFilterShouldFilterAction",
            || (),
            || {
                if let Err(error) = rearm_warnings() {
                    host::log(
                        Level::Error,
                        "Could not restore AbuseFilter warnings: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }
}

/// The session's pending warn keys that have not lapsed yet. Those that
/// lapsed are unset (`rearm_warnings` set them), so an abandoned CAPTCHA
/// neither silences the filter's warning nor stays in the session.
fn pending_warnings() -> Result<PendingWarnings> {
    let mut stored = PendingWarnings::from_stored(
        &host::session_get(PENDING_WARN_KEYS)?
            .string()
            .unwrap_or_default(),
    );
    // Every filtered action gets here; most have nothing pending.
    if stored.is_empty() {
        return Ok(stored);
    }
    let lifetime = confirm_edit_compat::captcha_lifetime()?;
    let lapsed = stored.take_lapsed(clock::unix_now(), lifetime);
    if !lapsed.is_empty() {
        unset(&lapsed)?;
        keep(&stored)?;
    }
    Ok(stored)
}

fn unset(keys: &[String]) -> Result<()> {
    keys.iter().try_for_each(|key| host::session_remove(key))
}

fn keep(warnings: &PendingWarnings) -> Result<()> {
    if warnings.is_empty() {
        host::session_remove(PENDING_WARN_KEYS)
    } else {
        host::session_set(PENDING_WARN_KEYS, &warnings.to_stored())
    }
}

fn rearm_warnings() -> Result<()> {
    for key in pending_warnings()?.keys() {
        host::session_set(key, &true)?;
    }
    Ok(())
}

fn set_pending(key: &str, pending: bool) -> Result<()> {
    let mut warnings = pending_warnings()?;
    if pending {
        unset(&warnings.add(key, clock::unix_now()))?;
    } else {
        warnings.remove(key);
    }
    keep(&warnings)
}

impl From<&PerformerFacts> for Performer {
    fn from(facts: &PerformerFacts) -> Performer {
        Performer {
            skips_captcha: facts.skips_captcha,
            exempt: facts.exempt,
            bot: facts.bot,
            system: facts.system,
        }
    }
}

/// What other extensions say (the CaptchaGuardBeforeChallenge hook). A hook
/// that fails is logged and CaptchaGuard's own decision stands.
fn verdict(hit: &FilterHit, action: CaptchaAction, challenge: bool) -> ChallengeVerdict {
    host::before_challenge(hit, action.name(), challenge).unwrap_or_else(|error| {
        host::log(
            Level::Error,
            "The CaptchaGuardBeforeChallenge hook failed for filter {filter}, going on without it: {error}",
            &[("filter", &hit.filter)],
            Some(&error),
        );
        ChallengeVerdict {
            challenge,
            claimed: false,
        }
    })
}

/// Runs a matching filter's CAPTCHA action. Returns whether a CAPTCHA was
/// demanded, which is what AbuseLog records as the action taken.
fn execute(hit: &FilterHit, action: CaptchaAction) -> Result<bool> {
    let enabled = is_enabled(action)?;
    let performer = Performer::from(&host::performer()?);
    let filtered = FilteredAction::from_abusefilter(&hit.filtered_action);
    match decide(action, enabled, filtered, performer) {
        Decision::Skip(_) => Ok(false),
        Decision::Uncovered => {
            // Another extension may take the action over and ask for the CAPTCHA itself.
            if verdict(hit, action, false).claimed {
                return Ok(true);
            }
            let key = format!("{}:{}:{}", hit.filter, action, hit.filtered_action);
            if process::first_warning(&key) {
                host::log(
                    Level::Warning,
                    "Filter {filter} has {action}, which cannot challenge the '{filtered_action}' action; it does nothing there.",
                    &[
                        ("filter", &hit.filter),
                        ("action", action.name()),
                        ("filtered_action", &hit.filtered_action),
                    ],
                    None,
                );
            }
            Ok(false)
        }
        Decision::Challenge => {
            if !verdict(hit, action, true).challenge {
                return Ok(false);
            }
            let answer = match confirm_edit_compat::check_answer()? {
                // Solved with the usual (passive) key: asked again, with the challenge key.
                AnswerCheck::Right if request::with(|s| s.passed_with_usual_key()) => {
                    AnswerCheck::NoAnswer
                }
                answer => answer,
            };
            outcomes::filter_answered(&hit.filter, &hit.filtered_action, answer);
            match filtered {
                FilteredAction::AccountCreation => {
                    return account_creation::challenge(&hit.filter, action, answer)
                }
                // AbuseFilter refuses the move or upload with our message (a hook
                // aborter); RefusedFormHandler puts the CAPTCHA in its form.
                FilteredAction::Move | FilteredAction::Upload => {
                    if answer == AnswerCheck::Right {
                        return Ok(false);
                    }
                    request::with(|s| s.refuse(filtered, answer));
                    return Ok(true);
                }
                FilteredAction::Edit | FilteredAction::Uncovered => {}
            }
            if answer == AnswerCheck::Right {
                set_pending(&hit.warn_key, false)?;
                return Ok(false);
            }
            demand(hit.filter.clone(), action, answer);
            set_pending(&hit.warn_key, true)?;
            Ok(true)
        }
    }
}

/// When the consequence cannot decide: the CAPTCHA is demanded. An action
/// AbuseFilter refuses for us gets its CAPTCHA in its form too.
fn demand_fail_safe(filter: &str, action: CaptchaAction, filtered: FilteredAction) -> bool {
    if filtered.is_refused_by_abusefilter() {
        request::with(|s| s.refuse(filtered, AnswerCheck::NoAnswer));
    }
    demand(filter.to_owned(), action, AnswerCheck::NoAnswer);
    true
}

/// Called by the thin PHP consequence; the native half of its `execute()`.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\AbuseFilter\\ConsequenceRunner")]
pub struct ConsequenceRunner;

#[php_impl]
impl ConsequenceRunner {
    /// The actions' names, for PHP: named once, in `CaptchaAction`.
    pub const SHOW: &'static str = CaptchaAction::Show.name();
    pub const FORCE: &'static str = CaptchaAction::Force.name();

    /// `$action` is `showcaptcha` or `forcecaptcha`. Never throws for a failure
    /// of MediaWiki: the failure is logged and the CAPTCHA demanded anyway.
    pub fn execute(hit: &FilterHit, action: &str) -> PhpResult<bool> {
        let action: CaptchaAction =
            action
                .parse()
                .map_err(|e: crate::policy::challenge::UnknownAction| {
                    PhpException::from_message(e.to_string())
                })?;
        let filter = hit.filter.clone();
        let filtered = FilteredAction::from_abusefilter(&hit.filtered_action);
        Ok(guard::contained(
            "ConsequenceRunner::execute",
            || demand_fail_safe(&filter, action, filtered),
            || {
                execute(hit, action).unwrap_or_else(|error| {
                    host::log(
                        Level::Error,
                        "CAPTCHA action {action} of filter {filter} failed, demanding a CAPTCHA anyway: {error}",
                        &[("action", action.name()), ("filter", &filter)],
                        Some(&error),
                    );
                    demand_fail_safe(&filter, action, filtered)
                })
            },
        ))
    }

    /// The message an action stopped in this request is refused with
    /// (RefusedActionCaptchaConsequence::getMessage): says when the answer
    /// was wrong. `$filteredAction` is AbuseFilter's name of the action.
    #[php(name = "refusalMessage")]
    pub fn refusal_message(filtered_action: &str) -> &'static str {
        let filtered = FilteredAction::from_abusefilter(filtered_action);
        let first_refusal = AnswerCheck::NoAnswer
            .refusal_message(filtered)
            .unwrap_or("captchaguard-flagged");
        guard::contained(
            "ConsequenceRunner::refusalMessage",
            || first_refusal,
            || {
                request::with(|s| s.refusal())
                    .and_then(|(action, answer)| answer.refusal_message(action))
                    .unwrap_or(first_refusal)
            },
        )
    }

    /// Whether the refusal of `$filteredAction` carries the CAPTCHA itself
    /// (a move: the API's error has a `captcha` object, the form gets the
    /// CAPTCHA); a sign-up's is in ConfirmEdit's own sign-up fields.
    #[php(name = "refusalCarriesCaptcha")]
    pub fn refusal_carries_captcha(filtered_action: &str) -> bool {
        FilteredAction::from_abusefilter(filtered_action)
            .form_id()
            .is_some()
    }

    /// The actions a filter with these rules is limited to that no CAPTCHA
    /// can be asked for (the filter editor refuses a CAPTCHA action there).
    #[php(name = "uncoveredActions")]
    pub fn uncovered_actions(rules: &str) -> Vec<String> {
        // At worst the filter is saved as it would be without CaptchaGuard.
        guard::contained("ConsequenceRunner::uncoveredActions", Vec::new, || {
            rule_actions::uncovered_actions(rules)
        })
    }

    /// Whether AbuseFilter itself refuses `$filteredAction` when a CAPTCHA is
    /// demanded (a sign-up, a move): the consequence is then a hook aborter.
    #[php(name = "isRefusedByAbuseFilter")]
    pub fn is_refused_by_abuse_filter(filtered_action: &str) -> bool {
        FilteredAction::from_abusefilter(filtered_action).is_refused_by_abusefilter()
    }

    /// Used when the consequence could not even build its hit: demand the
    /// CAPTCHA without checking anything.
    #[php(name = "failSafe")]
    pub fn fail_safe(action: &str) -> bool {
        // Already the fail-safe: a panic here becomes a PHP Error, which stops the edit.
        guard::trip("ConsequenceRunner::failSafe");
        demand(
            "unknown".into(),
            action.parse().unwrap_or(CaptchaAction::Force),
            AnswerCheck::NoAnswer,
        );
        true
    }
}
