//! The events CaptchaGuard sends: account creations, saved edits, and edits
//! or sign-ups a CAPTCHA filter stopped, each with the hCaptcha score
//! bucketed. They go to EventLogging when it is loaded, otherwise to
//! `$wgCaptchaGuardEventLogFile`; a failure is logged and never reaches the
//! saved edit or account.

use std::io::Write;

use ext_php_rs::types::Zval;

use super::php::host::{self, Level};
use super::php::{event_submitter, hook_objects, BindingError, Result};
use super::score_store::{self, bucket_of, buckets, score_of};
use crate::policy::challenge::{AnswerCheck, CaptchaAction};
use crate::policy::events::{
    to_json_line, AccountCreationEvent, ClientData, Destination, EditEvent, EventKind,
    FailedEditEvent,
};
use crate::state::{clock, process};

fn client_data() -> Result<Option<ClientData>> {
    if !host::config("CaptchaGuardEventsIncludeClientData")?.coerce_to_bool() {
        return Ok(None);
    }
    let client = host::client()?;
    Ok(Some(ClientData {
        ip: client.ip,
        user_agent: client.user_agent,
    }))
}

fn configured(setting: &str, kind: EventKind) -> Result<Option<String>> {
    Ok(host::config(setting)?
        .array()
        .and_then(|map| map.get(kind.name()))
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
    if event_submitter::is_available()? {
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

fn emit<E: serde::Serialize>(sink: &EventSink, kind: EventKind, event: &E) -> Result<()> {
    let (stream, schema) = stream_and_schema(
        kind,
        configured("CaptchaGuardEventStreams", kind)?,
        configured("CaptchaGuardEventSchemas", kind)?,
    );
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
        EventSink::EventLogging => return event_submitter::submit(&stream, &line),
        EventSink::File(path) => path.clone(),
    };
    append_line(&path, &line).map_err(|e| BindingError::Write {
        path,
        reason: e.to_string(),
    })
}

/// The stream and schema of an event of `kind`: the wiki's, or the defaults.
fn stream_and_schema(
    kind: EventKind,
    stream: Option<String>,
    schema: Option<String>,
) -> (String, String) {
    (
        stream.unwrap_or_else(|| kind.default_stream().to_owned()),
        schema.unwrap_or_else(|| kind.default_schema().to_owned()),
    )
}

/// One write of one line in append mode: lines from concurrent workers do not interleave.
fn append_line(path: &str, line: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
}

/// An event failure is logged and never reaches the saved edit or account.
pub fn log_failure(kind: EventKind, result: Result<()>) {
    if let Err(error) = result {
        host::log(
            Level::Error,
            "Could not send the {event} event: {error}",
            &[("event", kind.name())],
            Some(&error),
        );
    }
}

pub fn edit_event(wiki_page: &Zval, user: &Zval, revision: &Zval) -> Result<()> {
    let Some(sink) = event_sink()? else {
        return Ok(());
    };
    let saved = hook_objects::saved_edit(wiki_page, user, revision)?;
    let event = EditEvent {
        performer_id: saved.performer_id,
        revision_id: saved.revision_id,
        page_id: saved.page_id,
        h_captcha_score: bucket_of(&saved.performer_name)?,
        client: client_data()?,
    };
    emit(&sink, EventKind::Edit, &event)
}

pub fn account_creation_event(user: &Zval) -> Result<()> {
    let created = hook_objects::user(user)?;
    let creator = host::performer()?;
    // Scored while the creator was still anonymous: keep it for the new name too.
    let score = score_of(&creator.name)?;
    score_store::keep_for(&created.name, score)?;
    let event = AccountCreationEvent {
        user_id: created.id,
        is_self_made: !creator.registered || creator.name == created.name,
        user_name: created.name,
        campaign: host::value("campaign")?,
        display_mobile: false,
        token: host::value("campaign-token")?,
        user_buckets: host::value("userBuckets")?,
        is_api: host::is_api()?,
        h_captcha_score: buckets().bucket(score),
        client: client_data()?,
    };
    match event_sink()? {
        Some(sink) => emit(&sink, EventKind::AccountCreation, &event),
        None => Ok(()),
    }
}

/// An edit (`failed_edit`) or a sign-up (`failed_accountcreation`) a CAPTCHA
/// filter stopped, for a missing or wrong answer.
pub fn refused_event(
    kind: EventKind,
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
    let performer = host::performer()?;
    let event = FailedEditEvent {
        performer_id: performer.id,
        filter_id: filter.into(),
        captcha_action: action.name().into(),
        answer: answer.into(),
        is_api: host::is_api()?,
        h_captcha_score: bucket_of(&performer.name)?,
        client: client_data()?,
    };
    emit(&sink, kind, &event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unconfigured_streams_and_schemas_are_the_kinds_defaults() {
        assert_eq!(
            stream_and_schema(EventKind::Edit, None, None),
            (
                "mediawiki.captchaguard.edit".to_owned(),
                "/analytics/mediawiki/captchaguard/edit/1.0.0".to_owned()
            )
        );
        assert_eq!(
            stream_and_schema(EventKind::AccountCreation, None, None).0,
            "eventlogging_ServerSideAccountCreation"
        );
        let configured =
            stream_and_schema(EventKind::Edit, Some("s".into()), Some("/x/1.0.0".into()));
        assert_eq!(configured, ("s".to_owned(), "/x/1.0.0".to_owned()));
    }

    #[test]
    fn lines_are_appended_and_a_missing_folder_is_an_error() {
        let path =
            std::env::temp_dir().join(format!("captchaguard-events-{}.jsonl", std::process::id()));
        let path = path.to_string_lossy().into_owned();
        let _ = std::fs::remove_file(&path);
        append_line(&path, "{\"a\":1}\n").unwrap();
        append_line(&path, "{\"a\":2}\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"a\":2}\n"
        );
        std::fs::remove_file(&path).unwrap();
        assert!(append_line("/nonexistent-captchaguard/events.jsonl", "x\n").is_err());
    }
}
