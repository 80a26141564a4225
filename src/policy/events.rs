//! The analytics events that carry a bucketed hCaptcha score. Only the fields
//! listed here leave the wiki: no raw score, and the client's IP address and
//! user agent only when the wiki allows it.

use serde::Serialize;

/// The client's IP address and user agent, sent only with
/// `$wgCaptchaGuardEventsIncludeClientData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientData {
    pub ip: String,
    pub user_agent: String,
}

/// Compatible with the ServerSideAccountCreation schema as Campaigns fills it,
/// plus `hCaptchaScore`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountCreationEvent {
    pub user_id: i64,
    pub user_name: String,
    pub is_self_made: bool,
    pub campaign: String,
    pub display_mobile: bool,
    pub token: String,
    pub user_buckets: String,
    pub is_api: bool,
    #[serde(rename = "hCaptchaScore")]
    pub h_captcha_score: f64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientData>,
}

/// One saved edit (PageSaveComplete).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EditEvent {
    /// 0 for anonymous users.
    pub performer_id: i64,
    pub revision_id: i64,
    pub page_id: i64,
    #[serde(rename = "hCaptchaScore")]
    pub h_captcha_score: f64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientData>,
}

/// One edit or sign-up a CAPTCHA filter stopped (missing or wrong answer), so
/// refused and completed ones can be compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedEditEvent {
    /// 0 for anonymous users.
    pub performer_id: i64,
    /// The filter that asked, `global-N` for a global filter.
    pub filter_id: String,
    /// `showcaptcha` or `forcecaptcha`.
    pub captcha_action: String,
    /// `missing` (asked for the first time) or `wrong`.
    pub answer: String,
    pub is_api: bool,
    #[serde(rename = "hCaptchaScore")]
    pub h_captcha_score: f64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientData>,
}

/// The kinds of event, each with the stream and schema it has unless the wiki
/// configures others (`$wgCaptchaGuardEventStreams`, `…Schemas`; extension.json
/// declares the same defaults, and a test holds them together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    AccountCreation,
    Edit,
    FailedEdit,
    FailedAccountCreation,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::AccountCreation,
        EventKind::Edit,
        EventKind::FailedEdit,
        EventKind::FailedAccountCreation,
    ];

    /// The key of its stream and schema in the settings.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::AccountCreation => "accountcreation",
            EventKind::Edit => "edit",
            EventKind::FailedEdit => "failed_edit",
            EventKind::FailedAccountCreation => "failed_accountcreation",
        }
    }

    pub fn default_stream(self) -> &'static str {
        match self {
            // The stream Wikimedia's account-creation events already go to.
            EventKind::AccountCreation => "eventlogging_ServerSideAccountCreation",
            EventKind::Edit => "mediawiki.captchaguard.edit",
            EventKind::FailedEdit => "mediawiki.captchaguard.failed_edit",
            EventKind::FailedAccountCreation => "mediawiki.captchaguard.failed_accountcreation",
        }
    }

    pub fn default_schema(self) -> &'static str {
        match self {
            EventKind::AccountCreation => "/analytics/legacy/serversideaccountcreation/1.2.0",
            EventKind::Edit => "/analytics/mediawiki/captchaguard/edit/1.0.0",
            EventKind::FailedEdit => "/analytics/mediawiki/captchaguard/failed_edit/1.0.0",
            EventKind::FailedAccountCreation => {
                "/analytics/mediawiki/captchaguard/failed_accountcreation/1.0.0"
            }
        }
    }
}

/// Where an event goes and what it claims to be: EventLogging drops an
/// event without `$schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination<'a> {
    pub stream: &'a str,
    pub schema: &'a str,
    /// Name the stream in the event itself (`$stream`), as the event log
    /// file does; EventLogging sets `meta.stream` on its own.
    pub stream_in_event: bool,
}

/// An event as it is submitted to EventLogging or written to
/// `$wgCaptchaGuardEventLogFile`: its schema, time and fields.
#[derive(Debug, Serialize)]
pub struct Envelope<'a, E: Serialize> {
    #[serde(rename = "$schema")]
    pub schema: &'a str,
    #[serde(rename = "$stream", skip_serializing_if = "Option::is_none")]
    pub stream: Option<&'a str>,
    pub dt: String,
    #[serde(flatten)]
    pub event: &'a E,
}

/// One JSON object, ending with a newline. `unix_time` becomes `dt`.
pub fn to_json_line<E: Serialize>(
    to: Destination<'_>,
    unix_time: i64,
    event: &E,
) -> serde_json::Result<String> {
    let mut line = serde_json::to_string(&Envelope {
        schema: to.schema,
        stream: to.stream_in_event.then_some(to.stream),
        dt: iso8601_utc(unix_time),
        event,
    })?;
    line.push('\n');
    Ok(line)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time (proleptic Gregorian calendar).
pub fn iso8601_utc(unix_time: i64) -> String {
    let days = unix_time.div_euclid(86_400);
    let seconds = unix_time.rem_euclid(86_400);
    // Days to civil date, after Howard Hinnant's days_from_civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_extension_jsons() {
        let extension: serde_json::Value =
            serde_json::from_str(include_str!("../../extension.json")).unwrap();
        let config = &extension["config"];
        for kind in EventKind::ALL {
            assert_eq!(
                config["CaptchaGuardEventStreams"]["value"][kind.name()],
                kind.default_stream(),
                "{kind:?}"
            );
            assert_eq!(
                config["CaptchaGuardEventSchemas"]["value"][kind.name()],
                kind.default_schema(),
                "{kind:?}"
            );
        }
        let declared = config["CaptchaGuardEventStreams"]["value"]
            .as_object()
            .unwrap();
        assert_eq!(declared.len(), EventKind::ALL.len());
    }
    use serde_json::Value;

    fn edit(client: Option<ClientData>) -> EditEvent {
        EditEvent {
            performer_id: 0,
            revision_id: 42,
            page_id: 7,
            h_captcha_score: 0.7,
            client,
        }
    }

    const TO: Destination<'static> = Destination {
        stream: "s",
        schema: "/test/1.0.0",
        stream_in_event: true,
    };

    #[test]
    fn edit_event_fields() {
        let to = Destination {
            stream: "captchaguard.edit",
            schema: "/analytics/mediawiki/captchaguard/edit/1.0.0",
            stream_in_event: true,
        };
        let line = to_json_line(to, 1_795_305_600, &edit(None)).unwrap();
        assert!(line.ends_with('\n'));
        let json: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            json["$schema"],
            "/analytics/mediawiki/captchaguard/edit/1.0.0"
        );
        assert_eq!(json["$stream"], "captchaguard.edit");
        assert_eq!(json["dt"], "2026-11-22T00:00:00Z");
        assert_eq!(json["revisionId"], 42);
        assert_eq!(json["performerId"], 0);
        assert_eq!(json["hCaptchaScore"], 0.7);
        assert!(json.get("ip").is_none() && json.get("userAgent").is_none());
        let for_eventlogging = Destination {
            stream_in_event: false,
            ..to
        };
        let json: Value =
            serde_json::from_str(&to_json_line(for_eventlogging, 0, &edit(None)).unwrap()).unwrap();
        assert!(json.get("$stream").is_none());
        assert_eq!(
            json["$schema"],
            "/analytics/mediawiki/captchaguard/edit/1.0.0"
        );
    }

    #[test]
    fn client_data_only_when_given() {
        let client = ClientData {
            ip: "192.0.2.1".into(),
            user_agent: "Bot/1.0".into(),
        };
        let json: Value =
            serde_json::from_str(&to_json_line(TO, 0, &edit(Some(client))).unwrap()).unwrap();
        assert_eq!(json["ip"], "192.0.2.1");
        assert_eq!(json["userAgent"], "Bot/1.0");
    }

    #[test]
    fn account_creation_event_has_campaigns_fields_and_no_revision() {
        let event = AccountCreationEvent {
            user_id: 5,
            user_name: "New".into(),
            is_self_made: true,
            campaign: String::new(),
            display_mobile: false,
            token: String::new(),
            user_buckets: String::new(),
            is_api: true,
            h_captcha_score: 0.4,
            client: None,
        };
        let json: Value = serde_json::from_str(&to_json_line(TO, 0, &event).unwrap()).unwrap();
        for field in [
            "userId",
            "userName",
            "isSelfMade",
            "campaign",
            "displayMobile",
            "token",
            "userBuckets",
            "isApi",
            "hCaptchaScore",
        ] {
            assert!(json.get(field).is_some(), "{field}");
        }
        assert!(json.get("revisionId").is_none());
        assert_eq!(json["hCaptchaScore"], 0.4);
    }

    #[test]
    fn failed_edit_event_fields() {
        let event = FailedEditEvent {
            performer_id: 0,
            filter_id: "global-3".into(),
            captcha_action: "showcaptcha".into(),
            answer: "wrong".into(),
            is_api: false,
            h_captcha_score: 0.3,
            client: None,
        };
        let json: Value = serde_json::from_str(&to_json_line(TO, 0, &event).unwrap()).unwrap();
        assert_eq!(json["filterId"], "global-3");
        assert_eq!(json["captchaAction"], "showcaptcha");
        assert_eq!(json["answer"], "wrong");
        assert_eq!(json["isApi"], false);
        assert_eq!(json["hCaptchaScore"], 0.3);
        assert!(json.get("ip").is_none() && json.get("userAgent").is_none());
    }

    #[test]
    fn utc_times() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(1_795_391_999), "2026-11-22T23:59:59Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(iso8601_utc(4_107_542_400), "2100-03-01T00:00:00Z");
    }
}
