//! `Adapter\Host`, an interface: the wiki and the request being served
//! (configuration, the log channel, the object stash, the emergency switch's
//! store, the request's performer, session and fields). On a wiki it is
//! `MediaWikiHost`, built from injected services; tests inject their own.
//!
//! Each native hook handler is constructed with the host and installs it
//! for the request; the RiskScore API, which other extensions call before
//! any handler may exist, asks `CaptchaGuardServices::getHost()` once. The host is
//! forgotten when the request ends, so a worker never keeps one request's
//! host (or wiki) for the next.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::ClassEntry;

use ext_php_rs::convert::IntoZval;

use super::values::{ChallengeVerdict, ClientFacts, FilterHit, PerformerFacts, StoredSwitch};
use super::{
    call_value, read, read_object, static_method, take_exception, unexpected, BindingError, Method,
    Result,
};

const CLASS: &str = "Adapter\\Host";
/// `CLASS` in full: every handler's constructor checks its host against it.
const INTERFACE: &str = "MediaWiki\\Extension\\CaptchaGuard\\Adapter\\Host";

const fn host_method(
    name: &'static str,
    params: &'static [&'static str],
    returns: &'static str,
) -> Method {
    Method {
        class: CLASS,
        name,
        params,
        returns,
        is_static: false,
    }
}

const FROM_SERVICES: Method = static_method(
    "CaptchaGuardServices",
    "getHost",
    &["?Psr\\Container\\ContainerInterface"],
    "MediaWiki\\Extension\\CaptchaGuard\\Adapter\\Host",
);
const CONFIG: Method = host_method("config", &["string"], "mixed");
const LOG: Method = host_method("log", &["string", "string", "array"], "void");
const STASHED_SCORE: Method = host_method("stashedScore", &["string"], "mixed");
const STASH_SCORE: Method = host_method("stashScore", &["string", "float", "int"], "void");
const UNSTASH_SCORE: Method = host_method("unstashScore", &["string"], "void");
const STORED_SWITCHES: Method = host_method("storedSwitches", &[], "array");
const REPORT_SWITCHES: Method = host_method("reportSwitches", &["array", "bool"], "void");
const PERFORMER: Method = host_method(
    "performer",
    &[],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\PerformerFacts",
);
const IS_EXEMPT: Method = host_method("isExempt", &[], "bool");
const SESSION_GET: Method = host_method("sessionGet", &["string"], "mixed");
const SESSION_SET: Method = host_method("sessionSet", &["string", "mixed"], "void");
const SESSION_REMOVE: Method = host_method("sessionRemove", &["string"], "void");
const VALUE: Method = host_method("value", &["string"], "string");
const CLIENT: Method = host_method(
    "client",
    &[],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\ClientFacts",
);
const IS_REQUESTER: Method = host_method("isRequester", &["MediaWiki\\User\\UserIdentity"], "bool");
const IS_API: Method = host_method("isApi", &[], "bool");
const WRITE_OUTCOMES_LATER: Method = host_method("writeOutcomesLater", &[], "void");
const WRITE_OUTCOMES_NOW: Method = host_method("writeOutcomesNow", &[], "bool");
const CAPTCHA_ANSWER_GIVEN: Method = host_method("captchaAnswerGiven", &[], "bool");
const CAPTCHA_LIFETIME: Method = host_method("captchaLifetime", &[], "int");
const BEFORE_CHALLENGE: Method = host_method(
    "beforeChallenge",
    &[
        "MediaWiki\\Extension\\CaptchaGuard\\Value\\FilterHit",
        "string",
        "bool",
    ],
    "MediaWiki\\Extension\\CaptchaGuard\\Value\\ChallengeVerdict",
);

pub(super) const METHODS: &[Method] = &[
    FROM_SERVICES,
    CONFIG,
    LOG,
    STASHED_SCORE,
    STASH_SCORE,
    UNSTASH_SCORE,
    STORED_SWITCHES,
    REPORT_SWITCHES,
    PERFORMER,
    IS_EXEMPT,
    SESSION_GET,
    SESSION_SET,
    SESSION_REMOVE,
    VALUE,
    CLIENT,
    IS_REQUESTER,
    IS_API,
    WRITE_OUTCOMES_LATER,
    WRITE_OUTCOMES_NOW,
    CAPTCHA_ANSWER_GIVEN,
    CAPTCHA_LIFETIME,
    BEFORE_CHALLENGE,
];

thread_local! {
    /// This request's host. ManuallyDrop: only `forget` at the request's end
    /// releases it, while PHP's objects still exist, never a thread's exit.
    static CURRENT: RefCell<Option<ManuallyDrop<Zval>>> = const { RefCell::new(None) };
}

/// Makes `host` this request's host; a handler's constructor calls it.
pub fn install(host: &Zval) -> Result<()> {
    let is_host = ClassEntry::try_find(INTERFACE)
        .zip(host.object())
        .is_some_and(|(interface, object)| object.instance_of(interface));
    if !is_host {
        return Err(BindingError::Build {
            what: "a native hook handler",
            reason: format!("its host must implement {INTERFACE}"),
        });
    }
    replace(Some(host.shallow_clone()));
    Ok(())
}

fn replace(host: Option<Zval>) {
    let previous = CURRENT.with(|slot| slot.replace(host.map(ManuallyDrop::new)));
    if let Some(previous) = previous {
        drop(ManuallyDrop::into_inner(previous));
    }
}

/// At the request's end: releases the host while its objects are still alive.
pub fn forget() {
    replace(None);
}

/// At the request's start: a host still here belongs to a request whose
/// objects are gone, so it is let go without being touched.
pub fn abandon() {
    let _ = CURRENT.with(|slot| slot.take());
}

fn current() -> Result<Zval> {
    if let Some(host) = CURRENT.with(|slot| slot.borrow().as_deref().map(Zval::shallow_clone)) {
        return Ok(host);
    }
    let host = call_value(&FROM_SERVICES, vec![])?;
    install(&host)?;
    Ok(host)
}

/// Calls `method` on this request's host.
fn call_host(method: &'static Method, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval> {
    let host = current()?;
    let outcome = host.try_call_method(method.name, args);
    // A PHP method that throws still "returns": the exception stays pending.
    take_exception(method)?;
    outcome.map_err(|e| BindingError::NotCallable {
        call: method,
        reason: e.to_string(),
    })
}

fn call_host_as<T>(method: &'static Method, args: Vec<&dyn IntoZvalDyn>) -> Result<T>
where
    T: for<'a> ext_php_rs::convert::FromZval<'a>,
{
    read(method, &call_host(method, args)?)
}

/// A setting of the wiki (`$wg` + name).
pub fn config(name: &str) -> Result<Zval> {
    call_host(&CONFIG, vec![&name])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Writes to MediaWiki's `CaptchaGuard` log channel, PSR-3 style: `message`
/// names {placeholders} that `context` fills; an error adds `error` and, for
/// a PHP exception, `exception`. Logging never fails the request.
pub fn log(level: Level, message: &str, context: &[(&str, &str)], error: Option<&BindingError>) {
    let mut table = ZendHashTable::new();
    let mut filled = || -> ext_php_rs::error::Result<()> {
        for (key, value) in context {
            table.insert(*key, *value)?;
        }
        if let Some(error) = error {
            table.insert("error", error.to_string())?;
            if let Some(exception) = error.exception() {
                table.insert("exception", exception.object.shallow_clone())?;
            }
        }
        Ok(())
    };
    // A context that could not be completed still goes out with what it has;
    // a logger that fails has nowhere left to report to (its exception is cleared).
    let _ = filled();
    let _ = call_host(&LOG, vec![&level.name(), &message, &table]);
}

/// The stashed score of `user_name` as stored (false when there is none).
pub fn stashed_score(user_name: &str) -> Result<Zval> {
    call_host(&STASHED_SCORE, vec![&user_name])
}

pub fn stash_score(user_name: &str, score: f64, ttl_seconds: i64) -> Result<()> {
    call_host(&STASH_SCORE, vec![&user_name, &score, &ttl_seconds]).map(drop)
}

pub fn unstash_score(user_name: &str) -> Result<()> {
    call_host(&UNSTASH_SCORE, vec![&user_name]).map(drop)
}

/// The rows of the switch table that may be in effect (every wiki's, or the
/// farm's): one read, however many wikis the table serves.
pub fn stored_switches() -> Result<Vec<StoredSwitch>> {
    let value = call_host(&STORED_SWITCHES, vec![])?;
    let rows = value
        .array()
        .ok_or_else(|| unexpected(&STORED_SWITCHES, "array", &value))?;
    rows.values()
        .map(|row| read_object(&STORED_SWITCHES, row))
        .collect()
}

/// Whether each named wiki's switch was on when the worker read them (`*`:
/// the farm-wide switch), and this wiki's, for the metrics.
pub fn report_switches(states: &[(&str, bool)], here: bool) -> Result<()> {
    let mut table = ZendHashTable::new();
    for (wiki, on) in states {
        table
            .insert(*wiki, *on)
            .map_err(|error| BindingError::Build {
                what: "the switches' states",
                reason: error.to_string(),
            })?;
    }
    call_host(&REPORT_SWITCHES, vec![&table, &here]).map(drop)
}

pub fn performer() -> Result<PerformerFacts> {
    let value = call_host(&PERFORMER, vec![])?;
    read_object(&PERFORMER, &value)
}

/// Only the exemption, for the emergency check (one rights lookup, not four).
pub fn is_exempt() -> Result<bool> {
    call_host_as(&IS_EXEMPT, vec![])
}

/// Null when the session has no such key.
pub fn session_get(key: &str) -> Result<Zval> {
    call_host(&SESSION_GET, vec![&key])
}

pub fn session_set(key: &str, value: &dyn IntoZvalDyn) -> Result<()> {
    call_host(&SESSION_SET, vec![&key, value]).map(drop)
}

pub fn session_remove(key: &str) -> Result<()> {
    call_host(&SESSION_REMOVE, vec![&key]).map(drop)
}

/// A request parameter as text, empty when absent.
pub fn value(name: &str) -> Result<String> {
    call_host_as(&VALUE, vec![&name])
}

pub fn client() -> Result<ClientFacts> {
    let value = call_host(&CLIENT, vec![])?;
    read_object(&CLIENT, &value)
}

/// Whether `user` (a hook's UserIdentity) is the one this request acts for.
pub fn is_requester(user: &Zval) -> Result<bool> {
    call_host_as(&IS_REQUESTER, vec![user])
}

pub fn is_api() -> Result<bool> {
    call_host_as(&IS_API, vec![])
}

/// Asks the host to write this request's CAPTCHA outcomes at its end
/// (it takes them with `OutcomeRecorder::takeCounts`).
pub fn write_outcomes_later() -> Result<()> {
    call_host(&WRITE_OUTCOMES_LATER, vec![]).map(drop)
}

/// Asks the host to write this request's CAPTCHA outcomes now, if that is
/// cheap (a buffer in a shared cache); false: it did not, ask for later.
pub fn write_outcomes_now() -> Result<bool> {
    call_host_as(&WRITE_OUTCOMES_NOW, vec![])
}

/// Whether this request carries an answer to a CAPTCHA, left unchecked for ConfirmEdit.
pub fn captcha_answer_given() -> Result<bool> {
    call_host_as(&CAPTCHA_ANSWER_GIVEN, vec![])
}

/// Seconds a CAPTCHA stays answerable.
pub fn captcha_lifetime() -> Result<i64> {
    call_host_as(&CAPTCHA_LIFETIME, vec![])
}

/// Other extensions' say on a filter's CAPTCHA (the CaptchaGuardBeforeChallenge
/// hook): `challenge` is what CaptchaGuard decided for an action it covers.
pub fn before_challenge(
    hit: &FilterHit,
    captcha_action: &str,
    challenge: bool,
) -> Result<ChallengeVerdict> {
    let hit = hit
        .clone()
        .into_zval(false)
        .map_err(|e| BindingError::Build {
            what: "the hook's filter hit",
            reason: e.to_string(),
        })?;
    let value = call_host(&BEFORE_CHALLENGE, vec![&hit, &captcha_action, &challenge])?;
    read_object(&BEFORE_CHALLENGE, &value)
}

#[cfg(test)]
mod tests {
    use super::super::NAMESPACE;
    use super::{CLASS, INTERFACE};

    #[test]
    fn the_interface_is_the_class_named_in_the_namespace() {
        assert_eq!(INTERFACE, format!("{NAMESPACE}{CLASS}"));
    }
}
