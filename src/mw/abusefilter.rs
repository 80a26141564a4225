//! AbuseFilter: the `showcaptcha` and `forcecaptcha` actions and what runs when
//! a filter with one of them matches.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::php::{self, Result};
use super::{confirmedit, edit_filter};
use crate::policy::challenge::{
    decide, AnswerCheck, CaptchaAction, Decision, FilteredAction, Performer,
};
use crate::policy::warn_key::warn_session_key;
use crate::state::{process, request};

/// The thin PHP Consequence subclass (AbuseFilter's Consequence is abstract PHP).
const CONSEQUENCE: &str = "MediaWiki\\Extension\\CaptchaGuard\\AbuseFilter\\CaptchaConsequence";
const CONFIG_ACTIONS: &str = "CaptchaGuardAbuseFilterActions";
/// Session key listing AbuseFilter warn keys to keep set while a CAPTCHA is pending.
const PENDING_WARN_KEYS: &str = "captchaguard-pending-warn-keys";

fn enabled_actions(config: &Zval) -> Result<Vec<CaptchaAction>> {
    let value = php::call(config, "get", vec![&CONFIG_ACTIONS])?;
    let names: Vec<String> = value
        .array()
        .map(|a| a.values().filter_map(Zval::string).collect())
        .unwrap_or_default();
    Ok(CaptchaAction::ALL
        .into_iter()
        .filter(|a| names.iter().any(|n| n == a.name()))
        .collect())
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\AbuseFilterHandler")]
pub struct AbuseFilterHandler {
    enabled: Vec<CaptchaAction>,
}

#[php_impl]
// MediaWiki passes every hook argument; names stay for the stubs.
#[allow(unused_variables)]
impl AbuseFilterHandler {
    /// `$config` is the MainConfig service (extension.json `services`).
    pub fn __construct(config: &Zval) -> PhpResult<Self> {
        let enabled =
            enabled_actions(config).map_err(|e| PhpException::from_message(e.to_string()))?;
        Ok(AbuseFilterHandler { enabled })
    }

    /// Registers each enabled action; AbuseFilter calls `Class::factory( $params )`.
    #[php(name = "onAbuseFilterCustomActions")]
    pub fn on_abuse_filter_custom_actions(&self, mut actions: PhpRef) -> PhpResult<()> {
        let Some(table) = actions.array_mut() else {
            return Err(PhpException::from_message(
                "AbuseFilterCustomActions passed a non-array".into(),
            ));
        };
        for action in &self.enabled {
            let factory = match action {
                CaptchaAction::Show => format!("{CONSEQUENCE}::newShowCaptcha"),
                CaptchaAction::Force => format!("{CONSEQUENCE}::newForceCaptcha"),
            };
            table.insert(action.name(), factory)?;
        }
        Ok(())
    }

    /// Runs before filters are evaluated: keeps `warn` from warning again on
    /// the save that carries the answer to a CAPTCHA it led to.
    #[php(name = "onAbuseFilterShouldFilterAction")]
    pub fn on_abuse_filter_should_filter_action(
        &self,
        vars: &Zval,
        title: &Zval,
        user: &Zval,
        skip_reasons: PhpRef,
    ) {
        if let Err(error) = rearm_warnings() {
            php::log(
                "error",
                &format!("Could not restore AbuseFilter warnings: {error}"),
            );
        }
    }
}

fn pending_warn_keys(session: &Zval) -> Result<Vec<String>> {
    let value = php::call(session, "get", vec![&PENDING_WARN_KEYS])?;
    Ok(value
        .array()
        .map(|a| a.values().filter_map(Zval::string).collect())
        .unwrap_or_default())
}

fn rearm_warnings() -> Result<()> {
    let session = php::session_of(&php::main_context()?)?;
    for key in pending_warn_keys(&session)? {
        php::call(&session, "set", vec![&key, &true])?;
    }
    Ok(())
}

fn set_pending(session: &Zval, key: &str, pending: bool) -> Result<()> {
    let mut keys = pending_warn_keys(session)?;
    let present = keys.iter().any(|k| k == key);
    if pending == present {
        return Ok(());
    }
    if pending {
        keys.push(key.to_owned());
    } else {
        keys.retain(|k| k != key);
    }
    if keys.is_empty() {
        php::call(session, "remove", vec![&PENDING_WARN_KEYS])?;
    } else {
        php::call(session, "set", vec![&PENDING_WARN_KEYS, &keys])?;
    }
    Ok(())
}

/// What a matching filter's parameters tell us.
struct Match {
    filter: String,
    filtered_action: String,
    warn_key: String,
}

fn read_match(parameters: &Zval) -> Result<Match> {
    let filter = php::call(parameters, "getFilter", vec![])?;
    let id = php::call_string(&filter, "getID", vec![])?;
    let global = php::call_bool(parameters, "getIsGlobalFilter", vec![])?;
    let filter = if global { format!("global-{id}") } else { id };
    let filtered_action = php::call_string(parameters, "getAction", vec![])?;
    let target = php::call(parameters, "getTarget", vec![])?;
    let namespace = php::call_string(&target, "getNamespace", vec![])?;
    let text = php::call_string(&target, "getText", vec![])?;
    let title_md5 = php::call_named("md5", vec![&format!("{namespace}:{text}")])?
        .string()
        .unwrap_or_default();
    let warn_key = warn_session_key(&title_md5, &filter, &filtered_action);
    Ok(Match {
        filter,
        filtered_action,
        warn_key,
    })
}

fn read_performer(user: &Zval) -> Result<Performer> {
    let allowed = |right: &str| php::call_bool(user, "isAllowed", vec![&right]);
    Ok(Performer {
        skips_captcha: allowed("skipcaptcha")?,
        exempt: allowed("captchaguard-exempt")?,
        bot: allowed("bot")?,
        system: php::call_bool(user, "isSystemUser", vec![])?,
    })
}

/// Runs a matching filter's CAPTCHA action. Returns whether a CAPTCHA was
/// demanded, which is what AbuseLog records as the action taken.
fn execute(parameters: &Zval, action: CaptchaAction, context: &Zval) -> Result<bool> {
    let found = read_match(parameters)?;
    let config = php::call(context, "getConfig", vec![])?;
    let enabled = enabled_actions(&config)?.contains(&action);
    let user = php::call(context, "getUser", vec![])?;
    let performer = read_performer(&user)?;
    let filtered = FilteredAction::from_abusefilter(&found.filtered_action);
    match decide(action, enabled, filtered, performer) {
        Decision::Skip(_) => Ok(false),
        Decision::Uncovered => {
            let key = format!("{}:{}:{}", found.filter, action, found.filtered_action);
            if process::first_warning(&key) {
                php::log(
                    "warning",
                    &format!(
                        "Filter {} has {action}, which cannot challenge the '{}' action; it does nothing there.",
                        found.filter, found.filtered_action
                    ),
                );
            }
            Ok(false)
        }
        Decision::Challenge => {
            let captcha = confirmedit::instance()?;
            let answer = confirmedit::check_answer(&captcha, context)?;
            let session = php::session_of(context)?;
            if answer == AnswerCheck::Right {
                set_pending(&session, &found.warn_key, false)?;
                return Ok(false);
            }
            demand(found.filter, action, answer);
            set_pending(&session, &found.warn_key, true)?;
            Ok(true)
        }
    }
}

/// Records the demand and, if our edit hook already ran, stops the edit now.
fn demand(filter: String, action: CaptchaAction, answer: AnswerCheck) {
    request::with(|s| {
        s.record(request::Demand {
            filter,
            action,
            answer,
        })
    });
    edit_filter::apply_to_kept_status();
}

/// Called by the thin PHP consequence; the native half of its `execute()`.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\AbuseFilter\\ConsequenceRunner")]
pub struct ConsequenceRunner;

#[php_impl]
impl ConsequenceRunner {
    /// `$action` is `showcaptcha` or `forcecaptcha`; `$context` the main RequestContext.
    pub fn execute(parameters: &Zval, action: &str, context: &Zval) -> PhpResult<bool> {
        let action: CaptchaAction =
            action
                .parse()
                .map_err(|e: crate::policy::challenge::UnknownAction| {
                    PhpException::from_message(e.to_string())
                })?;
        execute(parameters, action, context).map_err(|e| PhpException::from_message(e.to_string()))
    }

    /// Used when `execute()` failed: demand the CAPTCHA without checking anything.
    #[php(name = "failSafe")]
    pub fn fail_safe(action: &str) -> bool {
        let action = action.parse().unwrap_or(CaptchaAction::Force);
        demand("unknown".into(), action, AnswerCheck::NoAnswer);
        true
    }
}
