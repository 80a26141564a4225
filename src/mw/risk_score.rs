//! hCaptcha's risk score: kept in the user's session (`hCaptcha-score`, the key
//! Campaigns reads) and in MediaWiki's object stash for 300 s, read back by
//! other extensions through `RiskScore::get()`, and sent bucketed with
//! account-creation and edit events.

use std::io::Write;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::php::{self, Result};
use crate::policy::events::{to_json_line, AccountCreationEvent, ClientData, EditEvent};
use crate::policy::score::{interpret, valid_score, Buckets};
use crate::state::process;

const SESSION_KEY: &str = "hCaptcha-score";
const CACHE_SECONDS: i64 = 300;

fn session() -> Result<Zval> {
    php::session_of(&php::main_context()?)
}

fn services() -> Result<Zval> {
    php::call_named("MediaWiki\\MediaWikiServices::getInstance", vec![])
}

fn config(name: &str) -> Result<Zval> {
    let config = php::call(&services()?, "getMainConfig", vec![])?;
    php::call(&config, "get", vec![&name])
}

/// The stash and this user's key in it; the user name is hashed so the key
/// holds no IP address of an anonymous user.
fn stash_and_key(user_name: &str) -> Result<(Zval, Zval)> {
    let stash = php::call(&services()?, "getMainObjectStash", vec![])?;
    let hashed = php::call_named("hash", vec![&"sha256", &user_name])?;
    let key = php::call(
        &stash,
        "makeKey",
        vec![&"captchaguard-hcaptcha-score", &hashed],
    )?;
    Ok((stash, key))
}

fn remember(score: Option<f64>, user_name: &str) -> Result<()> {
    let session = session()?;
    let (stash, key) = stash_and_key(user_name)?;
    match score {
        Some(score) => {
            php::call(&session, "set", vec![&SESSION_KEY, &score])?;
            php::call(&stash, "set", vec![&key, &score, &CACHE_SECONDS])?;
        }
        None => {
            php::call(&session, "remove", vec![&SESSION_KEY])?;
            php::call(&stash, "delete", vec![&key])?;
        }
    }
    Ok(())
}

/// A score read back from the session or the stash, if it is still a valid one.
fn valid(value: &Zval) -> Option<f64> {
    value
        .double()
        .or_else(|| value.long().map(|l| l as f64))
        .and_then(valid_score)
}

/// Session first (the request that solved the CAPTCHA), then the stash
/// (deferred updates and jobs, after the session is gone).
fn score_of(user_name: &str) -> Result<Option<f64>> {
    let in_session = php::call(&session()?, "get", vec![&SESSION_KEY])?;
    if let Some(score) = valid(&in_session) {
        return Ok(Some(score));
    }
    let (stash, key) = stash_and_key(user_name)?;
    Ok(valid(&php::call(&stash, "get", vec![&key])?))
}

fn buckets() -> Buckets {
    let configured = config("CaptchaGuardRiskScoreBuckets")
        .ok()
        .and_then(|value| {
            value.array().map(|edges| {
                edges
                    .values()
                    .filter_map(Zval::coerce_to_double)
                    .collect::<Vec<_>>()
            })
        });
    match configured {
        None => Buckets::deciles(),
        Some(edges) => Buckets::from_edges(edges).unwrap_or_else(|error| {
            if process::first_warning("buckets") {
                php::log("warning", &format!("{error}; using tenths"));
            }
            Buckets::deciles()
        }),
    }
}

fn current_user_name() -> Result<String> {
    let user = php::call(&php::main_context()?, "getUser", vec![])?;
    php::call_string(&user, "getName", vec![])
}

/// Other extensions' in-process API (see README).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\RiskScore")]
pub struct RiskScore;

#[php_impl]
impl RiskScore {
    /// Reads siteverify's answer for the current user: stores a valid score
    /// (or forgets an old one), logs what went wrong once, and returns whether
    /// the CAPTCHA passed, as hCaptcha said. `$httpError` is null when an
    /// answer came back.
    #[php(name = "recordVerification")]
    pub fn record_verification(http_error: Option<String>, body: String) -> PhpResult<bool> {
        let verification = interpret(http_error.as_deref(), &body);
        if let Some(problem) = &verification.problem {
            php::log("warning", &format!("hCaptcha verification: {problem}"));
        }
        let user_name =
            current_user_name().map_err(|e| PhpException::from_message(e.to_string()))?;
        remember(verification.score, &user_name)
            .map_err(|e| PhpException::from_message(e.to_string()))?;
        Ok(verification.passed)
    }

    /// The raw score of the user's latest successful verification, or null.
    /// Raw scores are for in-process decisions only: never log or send them.
    pub fn get(user_name: String) -> PhpResult<Option<f64>> {
        score_of(&user_name).map_err(|e| PhpException::from_message(e.to_string()))
    }

    /// The score as events carry it: bucketed, -1 when there is none.
    pub fn bucketed(user_name: String) -> PhpResult<f64> {
        Ok(buckets().bucket(Self::get(user_name)?))
    }
}

fn client_data(request: &Zval) -> Result<Option<ClientData>> {
    if !config("CaptchaGuardEventsIncludeClientData")?.coerce_to_bool() {
        return Ok(None);
    }
    Ok(Some(ClientData {
        ip: php::call_string(request, "getIP", vec![])?,
        user_agent: php::call(request, "getHeader", vec![&"User-Agent"])?
            .string()
            .unwrap_or_default(),
    }))
}

/// Sends an event through EventLogging when it is loaded, otherwise appends it
/// to `$wgCaptchaGuardEventLogFile`.
fn emit<E: serde::Serialize>(kind: &str, event: &E) -> Result<()> {
    let streams = config("CaptchaGuardEventStreams")?;
    let stream = streams
        .array()
        .and_then(|s| s.get(kind))
        .and_then(Zval::string)
        .unwrap_or_else(|| format!("mediawiki.captchaguard.{kind}"));
    let dt = php::call_named("gmdate", vec![&"Y-m-d\\TH:i:s\\Z"])?
        .string()
        .unwrap_or_default();
    let line = to_json_line(&stream, &dt, event)
        .map_err(|e| php::BindingError::Unexpected("event".into(), e.to_string()))?;
    let registry = php::call_named("ExtensionRegistry::getInstance", vec![])?;
    if php::call_bool(&registry, "isLoaded", vec![&"EventLogging"])? {
        let fields = php::call_named("json_decode", vec![&line, &true])?;
        php::call_named(
            "MediaWiki\\Extension\\EventLogging\\EventLogging::submit",
            vec![&stream, &fields],
        )?;
        return Ok(());
    }
    let Some(path) = config("CaptchaGuardEventLogFile")?
        .string()
        .filter(|p| !p.is_empty())
    else {
        if process::first_warning("no-event-destination") {
            php::log(
                "warning",
                "Neither EventLogging nor $wgCaptchaGuardEventLogFile: events are dropped",
            );
        }
        return Ok(());
    };
    // One write of one line in append mode: lines from concurrent workers do not interleave.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .map_err(|e| php::BindingError::Call(format!("writing {path}"), e.to_string()))
}

fn log_failure(what: &str, result: Result<()>) {
    if let Err(error) = result {
        php::log(
            "error",
            &format!("Could not send the {what} event: {error}"),
        );
    }
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\RiskScoreEventsHandler")]
pub struct RiskScoreEventsHandler;

#[php_impl]
// MediaWiki passes every hook argument; names stay for the stubs.
#[allow(unused_variables)]
impl RiskScoreEventsHandler {
    pub fn __construct() -> Self {
        RiskScoreEventsHandler
    }

    #[php(name = "onPageSaveComplete")]
    pub fn on_page_save_complete(
        &self,
        wiki_page: &Zval,
        user: &Zval,
        summary: &Zval,
        flags: &Zval,
        revision_record: &Zval,
        edit_result: &Zval,
    ) {
        log_failure("edit", edit_event(wiki_page, user, revision_record));
    }

    #[php(name = "onLocalUserCreated")]
    pub fn on_local_user_created(&self, user: &Zval, autocreated: bool) {
        if !autocreated {
            log_failure("account creation", account_creation_event(user));
        }
    }
}

fn id_of(object: &Zval) -> Result<i64> {
    Ok(php::call(object, "getId", vec![])?
        .coerce_to_long()
        .unwrap_or(0))
}

fn edit_event(wiki_page: &Zval, user: &Zval, revision: &Zval) -> Result<()> {
    let request = php::call(&php::main_context()?, "getRequest", vec![])?;
    let name = php::call_string(user, "getName", vec![])?;
    let event = EditEvent {
        performer_id: id_of(user)?,
        revision_id: id_of(revision)?,
        page_id: id_of(wiki_page)?,
        h_captcha_score: buckets().bucket(score_of(&name)?),
        client: client_data(&request)?,
    };
    emit("edit", &event)
}

fn account_creation_event(user: &Zval) -> Result<()> {
    let context = php::main_context()?;
    let request = php::call(&context, "getRequest", vec![])?;
    let performer = php::call(&context, "getUser", vec![])?;
    let name = php::call_string(user, "getName", vec![])?;
    // Scored while the creator was still anonymous: keep it for the new name too.
    let score = score_of(&php::call_string(&performer, "getName", vec![])?)?;
    if score.is_some() {
        let (stash, key) = stash_and_key(&name)?;
        php::call(
            &stash,
            "set",
            vec![&key, &score.unwrap_or_default(), &CACHE_SECONDS],
        )?;
    }
    let text = |name: &str| -> Result<String> {
        Ok(php::call(&request, "getVal", vec![&name, &""])?
            .string()
            .unwrap_or_default())
    };
    let event = AccountCreationEvent {
        user_id: id_of(user)?,
        user_name: name.clone(),
        is_self_made: !php::call_bool(&performer, "isRegistered", vec![])?
            || php::call_string(&performer, "getName", vec![])? == name,
        campaign: text("campaign")?,
        display_mobile: false,
        token: text("campaign-token")?,
        user_buckets: text("userBuckets")?,
        is_api: php::call_named("defined", vec![&"MW_API"])?.coerce_to_bool(),
        h_captcha_score: buckets().bucket(score),
        client: client_data(&request)?,
    };
    emit("accountcreation", &event)
}
