//! hCaptcha's risk score: kept in the user's session (`hCaptcha-score`, the key
//! Campaigns reads) and in MediaWiki's object stash for 300 s, read back by
//! other extensions through `RiskScore::get()`, and sent bucketed with
//! account-creation and edit events.

use std::io::Write;

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::host::{self, Adapter, BindingError, Level, Result};
use super::{guard, session};
use crate::policy::challenge::{AnswerCheck, CaptchaAction};
use crate::policy::events::{
    to_json_line, AccountCreationEvent, ClientData, Destination, EditEvent, FailedEditEvent,
};
use crate::policy::score::{interpret, valid_score, Buckets, NO_SCORE};
use crate::state::{clock, process, request};

const SESSION_KEY: &str = "hCaptcha-score";
/// Whose score the session holds: a session can outlive a login or logout.
const SESSION_OWNER_KEY: &str = "captchaguard-hcaptcha-score-owner";
const CACHE_SECONDS: i64 = 300;

fn remember(score: Option<f64>, user_name: &str) -> Result<()> {
    match score {
        Some(score) => {
            session::set(SESSION_KEY, &score)?;
            session::set(SESSION_OWNER_KEY, &user_name)?;
            host::call_value(
                Adapter::StashScore,
                vec![&user_name, &score, &CACHE_SECONDS],
            )?;
        }
        None => {
            session::remove(SESSION_KEY)?;
            session::remove(SESSION_OWNER_KEY)?;
            host::call_value(Adapter::UnstashScore, vec![&user_name])?;
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

/// The session first (the request that solved the CAPTCHA), but only if it
/// holds this user's score; then the stash (deferred updates and jobs, after
/// the session is gone).
fn score_of(user_name: &str) -> Result<Option<f64>> {
    let owner = session::get(SESSION_OWNER_KEY)?.string();
    if owner.as_deref() == Some(user_name) {
        if let Some(score) = valid(&session::get(SESSION_KEY)?) {
            return Ok(Some(score));
        }
    }
    Ok(valid(&host::call_value(
        Adapter::StashedScore,
        vec![&user_name],
    )?))
}

fn buckets() -> Buckets {
    let configured = host::config("CaptchaGuardRiskScoreBuckets")
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
                host::log(
                    Level::Warning,
                    "{problem}; using tenths",
                    &[("problem", &error.to_string())],
                    None,
                );
            }
            Buckets::deciles()
        }),
    }
}

/// Other extensions' in-process API (see README).
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\RiskScore")]
pub struct RiskScore;

#[php_impl]
impl RiskScore {
    /// Reads siteverify's answer to `$token` for the current user: stores a
    /// valid score (or forgets an old one), logs what went wrong once, and
    /// returns whether the CAPTCHA passed (only `success: true` without
    /// `error-codes`). `$httpError` is null when an answer came back; `$body`
    /// is taken as bytes. A score that cannot be stored is logged; the
    /// CAPTCHA's outcome stands. The outcome is kept for the rest of the
    /// request (see `verifiedInRequest`).
    #[php(name = "recordVerification")]
    pub fn record_verification(
        token: BinarySlice<u8>,
        http_error: Option<String>,
        body: BinarySlice<u8>,
    ) -> bool {
        // Failing, the CAPTCHA fails: the user solves a new one.
        guard::contained(
            "RiskScore::recordVerification",
            || false,
            || record_verification(&token, http_error.as_deref(), &body),
        )
    }

    /// Whether `$token` already passed (true) or failed (false) siteverify in
    /// this request; null if it was not checked. Tokens are single-use.
    #[php(name = "verifiedInRequest")]
    pub fn verified_in_request(token: BinarySlice<u8>) -> Option<bool> {
        guard::contained(
            "RiskScore::verifiedInRequest",
            || None,
            || request::with(|s| s.verification_of(&token)),
        )
    }

    /// The raw score of `$userName`'s latest successful verification, or
    /// null (also when it cannot be read: that is logged). Raw scores are for
    /// in-process decisions only: never log or send them.
    pub fn get(user_name: String) -> Option<f64> {
        guard::contained("RiskScore::get", || None, || score_or_none(&user_name))
    }

    /// The score as events carry it: bucketed, -1 when there is none.
    pub fn bucketed(user_name: String) -> f64 {
        guard::contained(
            "RiskScore::bucketed",
            || NO_SCORE,
            || buckets().bucket(score_or_none(&user_name)),
        )
    }
}

fn record_verification(token: &[u8], http_error: Option<&str>, body: &[u8]) -> bool {
    let verification = interpret(http_error, body);
    request::with(|s| s.remember_verification(token, verification.passed));
    if let Some(problem) = &verification.problem {
        host::log(
            Level::Warning,
            "hCaptcha verification: {problem}",
            &[("problem", &problem.to_string())],
            None,
        );
    }
    let stored =
        session::performer().and_then(|performer| remember(verification.score, &performer.name));
    if let Err(error) = stored {
        host::log(
            Level::Error,
            "Could not store the hCaptcha risk score: {error}",
            &[],
            Some(&error),
        );
    }
    verification.passed
}

/// `user_name`'s score as events and filters see it: bucketed, -1 when there is none.
pub fn bucket_of(user_name: &str) -> Result<f64> {
    Ok(buckets().bucket(score_of(user_name)?))
}

fn score_or_none(user_name: &str) -> Option<f64> {
    score_of(user_name).unwrap_or_else(|error| {
        host::log(
            Level::Error,
            "Could not read the hCaptcha risk score: {error}",
            &[],
            Some(&error),
        );
        None
    })
}

#[derive(Debug, Clone, ZvalConvert)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

fn client_data() -> Result<Option<ClientData>> {
    if !host::config("CaptchaGuardEventsIncludeClientData")?.coerce_to_bool() {
        return Ok(None);
    }
    let client: Client = host::call(Adapter::Client, vec![])?;
    Ok(Some(ClientData {
        ip: client.ip,
        user_agent: client.user_agent,
    }))
}

fn configured(setting: &str, kind: &str) -> Result<Option<String>> {
    Ok(host::config(setting)?
        .array()
        .and_then(|map| map.get(kind))
        .and_then(Zval::string)
        .filter(|value| !value.is_empty()))
}

/// Where events go: EventLogging when it is loaded, otherwise `$wgCaptchaGuardEventLogFile`.
enum EventSink {
    EventLogging,
    File(String),
}

/// None (warned once per worker) when events have nowhere to go: then no
/// event is built, and a clean edit pays nothing for it.
fn event_sink() -> Result<Option<EventSink>> {
    if host::call::<bool>(Adapter::EventLoggingLoaded, vec![])? {
        return Ok(Some(EventSink::EventLogging));
    }
    let path = host::config("CaptchaGuardEventLogFile")?
        .string()
        .filter(|p| !p.is_empty());
    if path.is_none() && process::first_warning("no-event-destination") {
        host::log(
            Level::Warning,
            "Neither EventLogging nor $wgCaptchaGuardEventLogFile: events are dropped",
            &[],
            None,
        );
    }
    Ok(path.map(EventSink::File))
}

fn emit<E: serde::Serialize>(sink: &EventSink, kind: &str, event: &E) -> Result<()> {
    let stream = configured("CaptchaGuardEventStreams", kind)?
        .unwrap_or_else(|| format!("mediawiki.captchaguard.{kind}"));
    let schema = configured("CaptchaGuardEventSchemas", kind)?
        .unwrap_or_else(|| format!("/analytics/mediawiki/captchaguard/{kind}/1.0.0"));
    let to = Destination {
        stream: &stream,
        schema: &schema,
        // EventLogging sets the stream itself.
        stream_in_event: matches!(sink, EventSink::File(_)),
    };
    let line = to_json_line(to, clock::unix_now(), event).map_err(|e| BindingError::Build {
        what: "the event",
        reason: e.to_string(),
    })?;
    let path = match sink {
        EventSink::EventLogging => {
            return host::call_value(Adapter::SubmitEvent, vec![&stream, &line]).map(|_| ())
        }
        EventSink::File(path) => path.clone(),
    };
    // One write of one line in append mode: lines from concurrent workers do not interleave.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .map_err(|e| BindingError::Write {
            path,
            reason: e.to_string(),
        })
}

/// An event failure is logged and never reaches the saved edit or account.
pub fn log_failure(kind: &str, result: Result<()>) {
    if let Err(error) = result {
        host::log(
            Level::Error,
            "Could not send the {event} event: {error}",
            &[("event", kind)],
            Some(&error),
        );
    }
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\RiskScoreEventsHandler")]
pub struct RiskScoreEventsHandler;

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl RiskScoreEventsHandler {
    pub fn __construct() -> Self {
        RiskScoreEventsHandler
    }

    #[php(name = "onPageSaveComplete")]
    #[allow(clippy::too_many_arguments)]
    pub fn on_page_save_complete(
        &self,
        wiki_page: &Zval,
        user: &Zval,
        summary: &Zval,
        flags: &Zval,
        revision_record: &Zval,
        edit_result: &Zval,
        extra: &[&Zval],
    ) {
        // The edit is saved: nothing here may break it.
        guard::contained(
            "PageSaveComplete",
            || (),
            || log_failure("edit", edit_event(wiki_page, user, revision_record)),
        );
    }

    #[php(name = "onLocalUserCreated")]
    pub fn on_local_user_created(&self, user: &Zval, autocreated: &Zval, extra: &[&Zval]) {
        guard::contained(
            "LocalUserCreated",
            || (),
            || {
                if !autocreated.coerce_to_bool() {
                    log_failure("accountcreation", account_creation_event(user));
                }
            },
        );
    }
}

/// A saved edit, as the adapter reads it from the hook's objects.
#[derive(Debug, Clone, ZvalConvert)]
pub struct SavedEdit {
    pub performer_id: i64,
    pub performer_name: String,
    pub page_id: i64,
    pub revision_id: i64,
}

#[derive(Debug, Clone, ZvalConvert)]
pub struct UserFacts {
    pub id: i64,
    pub name: String,
}

fn edit_event(wiki_page: &Zval, user: &Zval, revision: &Zval) -> Result<()> {
    let Some(sink) = event_sink()? else {
        return Ok(());
    };
    let saved: SavedEdit = host::call(Adapter::SavedEdit, vec![wiki_page, user, revision])?;
    let event = EditEvent {
        performer_id: saved.performer_id,
        revision_id: saved.revision_id,
        page_id: saved.page_id,
        h_captcha_score: bucket_of(&saved.performer_name)?,
        client: client_data()?,
    };
    emit(&sink, "edit", &event)
}

fn account_creation_event(user: &Zval) -> Result<()> {
    let created: UserFacts = host::call(Adapter::User, vec![user])?;
    let creator = session::performer()?;
    // Scored while the creator was still anonymous: keep it for the new name too.
    let score = score_of(&creator.name)?;
    if let Some(score) = score {
        host::call_value(
            Adapter::StashScore,
            vec![&created.name, &score, &CACHE_SECONDS],
        )?;
    }
    let request_value =
        |name: &str| -> Result<String> { host::call(Adapter::RequestValue, vec![&name]) };
    let event = AccountCreationEvent {
        user_id: created.id,
        is_self_made: !creator.registered || creator.name == created.name,
        user_name: created.name,
        campaign: request_value("campaign")?,
        display_mobile: false,
        token: request_value("campaign-token")?,
        user_buckets: request_value("userBuckets")?,
        is_api: host::call(Adapter::IsApi, vec![])?,
        h_captcha_score: buckets().bucket(score),
        client: client_data()?,
    };
    match event_sink()? {
        Some(sink) => emit(&sink, "accountcreation", &event),
        None => Ok(()),
    }
}

/// An edit (`failed_edit`) or a sign-up (`failed_accountcreation`) a CAPTCHA
/// filter stopped, for a missing or wrong answer.
pub fn refused_event(
    kind: &str,
    filter: &str,
    action: CaptchaAction,
    answer: AnswerCheck,
) -> Result<()> {
    let Some(answer) = answer.refusal() else {
        return Ok(());
    };
    let Some(sink) = event_sink()? else {
        return Ok(());
    };
    let performer = session::performer()?;
    let event = FailedEditEvent {
        performer_id: performer.id,
        filter_id: filter.into(),
        captcha_action: action.name().into(),
        answer: answer.into(),
        is_api: host::call(Adapter::IsApi, vec![])?,
        h_captcha_score: bucket_of(&performer.name)?,
        client: client_data()?,
    };
    emit(&sink, kind, &event)
}
