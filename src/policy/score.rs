//! hCaptcha's risk score: reading siteverify's answer, validating the score,
//! and the buckets events carry instead of the raw value.

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// Why a verification failed or its score was dropped. Logged (once per
/// verification), never with the raw score.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("siteverify could not be reached or answered with an HTTP error: {0}")]
    Http(String),
    #[error("siteverify answered with malformed JSON")]
    MalformedJson,
    #[error("siteverify reported errors: {0}")]
    ErrorCodes(String),
    #[error("siteverify answered success: false")]
    NotSuccessful,
    #[error("siteverify's score is not a number between 0 and 1")]
    InvalidScore,
    #[error("siteverify's answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
}

/// A siteverify answer is a few hundred bytes; a much larger body is not one
/// (a proxy's error page, say) and is not parsed.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// What a siteverify answer means for the CAPTCHA and the stored score.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// As hCaptcha's answer says.
    pub passed: bool,
    /// Only from a successful verification, and only if valid.
    pub score: Option<f64>,
    /// Something to log, if anything went wrong.
    pub problem: Option<VerifyError>,
    /// The site key the CAPTCHA was solved with, as siteverify names it.
    pub site_key: Option<String>,
}

#[derive(Deserialize)]
struct SiteVerifyAnswer {
    success: Option<Value>,
    #[serde(rename = "error-codes", default)]
    error_codes: Option<Value>,
    score: Option<Value>,
    sitekey: Option<Value>,
}

/// A score counts only if it is a finite number in 0..=1.
pub fn valid_score(score: f64) -> Option<f64> {
    Some(score).filter(|s| s.is_finite() && (0.0..=1.0).contains(s))
}

/// Reads siteverify's HTTP answer, as bytes: a body that is not UTF-8 is
/// decoded lossily (and then fails as malformed JSON). `http_error` is set
/// when the request failed, timed out or got a non-2xx status. Fails closed:
/// only `success: true` with no `error-codes` passes.
pub fn interpret(http_error: Option<&str>, body: &[u8]) -> Verification {
    let failed = |problem| Verification {
        passed: false,
        score: None,
        problem: Some(problem),
        site_key: None,
    };
    if let Some(error) = http_error {
        return failed(VerifyError::Http(error.to_owned()));
    }
    if body.len() > MAX_ANSWER_BYTES {
        return failed(VerifyError::TooLarge);
    }
    let Ok(answer) = serde_json::from_str::<SiteVerifyAnswer>(&String::from_utf8_lossy(body))
    else {
        return failed(VerifyError::MalformedJson);
    };
    let passed = answer.success.as_ref().and_then(Value::as_bool) == Some(true);
    let codes = answer
        .error_codes
        .as_ref()
        .and_then(Value::as_array)
        .filter(|codes| !codes.is_empty())
        .map(|codes| {
            codes
                .iter()
                .map(|c| c.as_str().unwrap_or("?").to_owned())
                .collect::<Vec<_>>()
                .join(",")
        });
    if let Some(codes) = codes {
        return failed(VerifyError::ErrorCodes(codes));
    }
    if !passed {
        return failed(VerifyError::NotSuccessful);
    }
    let score = answer
        .score
        .as_ref()
        .and_then(Value::as_f64)
        .and_then(valid_score);
    let problem = match (&answer.score, score) {
        (Some(raw), None) if !raw.is_null() => Some(VerifyError::InvalidScore),
        _ => None,
    };
    Verification {
        passed,
        score,
        problem,
        site_key: answer
            .sitekey
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// Marks "no score" in events.
pub const NO_SCORE: f64 = -1.0;

/// Bucket edges, ascending; a score goes to the greatest edge not above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Buckets(Vec<f64>);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("$wgCaptchaGuardRiskScoreBuckets must be numbers from 0 to 1, starting at 0")]
pub struct InvalidBuckets;

impl Buckets {
    /// Tenths: `floor(score × 10) / 10`, computed without floating-point
    /// surprises (0.3 × 10 is 2.9999…).
    pub fn deciles() -> Buckets {
        Buckets((0..=10).map(|i| f64::from(i) / 10.0).collect())
    }

    pub fn from_edges(mut edges: Vec<f64>) -> Result<Buckets, InvalidBuckets> {
        if edges.is_empty()
            || edges
                .iter()
                .any(|e| !e.is_finite() || !(0.0..=1.0).contains(e))
        {
            return Err(InvalidBuckets);
        }
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        if edges[0] != 0.0 {
            return Err(InvalidBuckets);
        }
        Ok(Buckets(edges))
    }

    pub fn bucket(&self, score: Option<f64>) -> f64 {
        let Some(score) = score.and_then(valid_score) else {
            return NO_SCORE;
        };
        self.0
            .iter()
            .copied()
            .take_while(|edge| *edge <= score)
            .last()
            .unwrap_or(NO_SCORE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciles_floor_to_tenths() {
        let b = Buckets::deciles();
        let cases = [
            (0.73, 0.7),
            (0.41, 0.4),
            (0.3, 0.3),
            (0.0, 0.0),
            (0.99, 0.9),
            (1.0, 1.0),
            (0.7, 0.7),
        ];
        for (score, bucket) in cases {
            assert_eq!(b.bucket(Some(score)), bucket, "{score}");
        }
        assert_eq!(b.bucket(None), NO_SCORE);
        assert_eq!(b.bucket(Some(1.5)), NO_SCORE);
        assert_eq!(b.bucket(Some(f64::NAN)), NO_SCORE);
    }

    #[test]
    fn custom_edges() {
        let b = Buckets::from_edges(vec![0.8, 0.0, 0.5]).unwrap();
        assert_eq!(b.bucket(Some(0.49)), 0.0);
        assert_eq!(b.bucket(Some(0.5)), 0.5);
        assert_eq!(b.bucket(Some(0.95)), 0.8);
        assert_eq!(Buckets::from_edges(vec![0.5]), Err(InvalidBuckets));
        assert_eq!(Buckets::from_edges(vec![]), Err(InvalidBuckets));
        assert_eq!(Buckets::from_edges(vec![0.0, 2.0]), Err(InvalidBuckets));
    }

    #[test]
    fn a_successful_answer_passes_with_its_score() {
        let v = interpret(
            None,
            br#"{"success":true,"score":0.73,"score_reason":["x"],"sitekey":"k1"}"#,
        );
        assert_eq!(
            v,
            Verification {
                passed: true,
                score: Some(0.73),
                problem: None,
                site_key: Some("k1".into()),
            }
        );
        let no_score = interpret(None, br#"{"success":true}"#);
        assert!(no_score.passed);
        assert_eq!(
            (no_score.score, no_score.problem, no_score.site_key),
            (None, None, None)
        );
    }

    #[test]
    fn bad_answers_fail_or_drop_the_score() {
        let http = interpret(Some("timed out"), b"");
        assert!(!http.passed);
        assert_eq!(http.problem, Some(VerifyError::Http("timed out".into())));
        let malformed = interpret(None, b"{not json");
        assert_eq!(
            (malformed.passed, malformed.problem),
            (false, Some(VerifyError::MalformedJson))
        );
        let refused = interpret(None, br#"{"success":false,"score":0.2}"#);
        assert_eq!((refused.passed, refused.score), (false, None));
        assert_eq!(refused.problem, Some(VerifyError::NotSuccessful));
        let codes = interpret(
            None,
            br#"{"success":false,"error-codes":["invalid-input-response"]}"#,
        );
        assert_eq!(
            codes.problem,
            Some(VerifyError::ErrorCodes("invalid-input-response".into()))
        );
        for score in [r#""high""#, "1.5", "-0.1", "null", "[0.5]"] {
            let v = interpret(
                None,
                format!(r#"{{"success":true,"score":{score}}}"#).as_bytes(),
            );
            assert!(v.passed, "{score}");
            assert_eq!(v.score, None, "{score}");
        }
        let invalid = interpret(None, br#"{"success":true,"score":"high"}"#);
        assert_eq!(invalid.problem, Some(VerifyError::InvalidScore));
        let truthy = interpret(None, br#"{"success":"yes"}"#);
        assert!(!truthy.passed);
    }

    #[test]
    fn problems_never_carry_the_score() {
        let v = interpret(None, br#"{"success":true,"score":7.123456}"#);
        let logged = v.problem.map(|p| p.to_string()).unwrap_or_default();
        assert!(!logged.contains("7.12"));
    }

    #[test]
    fn error_codes_fail_closed_even_with_success() {
        let v = interpret(
            None,
            br#"{"success":true,"score":0.1,"error-codes":["already-seen-response"]}"#,
        );
        assert!(!v.passed);
        assert_eq!(v.score, None);
        assert_eq!(
            v.problem,
            Some(VerifyError::ErrorCodes("already-seen-response".into()))
        );
    }

    #[test]
    fn bodies_that_are_not_utf8_or_too_large_fail_without_panicking() {
        let latin1 = interpret(None, b"<html>Proxy \xe9rror \xff\xfe</html>");
        assert_eq!(
            (latin1.passed, latin1.problem),
            (false, Some(VerifyError::MalformedJson))
        );
        let mut huge = br#"{"success":true,"pad":""#.to_vec();
        huge.resize(MAX_ANSWER_BYTES + 1, b'x');
        let too_large = interpret(None, &huge);
        assert_eq!(
            (too_large.passed, too_large.problem),
            (false, Some(VerifyError::TooLarge))
        );
    }
}
