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

/// The line written to `$wgCaptchaGuardEventLogFile`: the stream name, the
/// time, and the event's fields.
#[derive(Debug, Serialize)]
pub struct Envelope<'a, E: Serialize> {
    #[serde(rename = "$stream")]
    pub stream: &'a str,
    pub dt: &'a str,
    #[serde(flatten)]
    pub event: &'a E,
}

pub fn to_json_line<E: Serialize>(stream: &str, dt: &str, event: &E) -> serde_json::Result<String> {
    let mut line = serde_json::to_string(&Envelope { stream, dt, event })?;
    line.push('\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn edit_event_fields() {
        let line = to_json_line("captchaguard.edit", "2026-11-22T00:00:00Z", &edit(None)).unwrap();
        assert!(line.ends_with('\n'));
        let json: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(json["$stream"], "captchaguard.edit");
        assert_eq!(json["revisionId"], 42);
        assert_eq!(json["performerId"], 0);
        assert_eq!(json["hCaptchaScore"], 0.7);
        assert!(json.get("ip").is_none() && json.get("userAgent").is_none());
    }

    #[test]
    fn client_data_only_when_given() {
        let client = ClientData {
            ip: "192.0.2.1".into(),
            user_agent: "Bot/1.0".into(),
        };
        let json: Value =
            serde_json::from_str(&to_json_line("s", "t", &edit(Some(client))).unwrap()).unwrap();
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
        let json: Value = serde_json::from_str(&to_json_line("s", "t", &event).unwrap()).unwrap();
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
}
