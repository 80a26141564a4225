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
}

/// What a siteverify answer means for the CAPTCHA and the stored score.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// As hCaptcha's answer says.
    pub passed: bool,
    /// Only from a successful verification, and only if valid.
    pub score: Option<f64>,
    /// Something to log, if anything went wrong.
    pub problem: Option<VerifyError>,
}

#[derive(Deserialize)]
struct SiteVerifyAnswer {
    success: Option<Value>,
    #[serde(rename = "error-codes", default)]
    error_codes: Option<Value>,
    score: Option<Value>,
}

/// A score counts only if it is a finite number in 0..=1.
pub fn valid_score(score: f64) -> Option<f64> {
    Some(score).filter(|s| s.is_finite() && (0.0..=1.0).contains(s))
}

/// Reads siteverify's HTTP answer. `http_error` is set when the request
/// failed, timed out or got a non-2xx status.
pub fn interpret(http_error: Option<&str>, body: &str) -> Verification {
    let failed = |problem| Verification {
        passed: false,
        score: None,
        problem: Some(problem),
    };
    if let Some(error) = http_error {
        return failed(VerifyError::Http(error.to_owned()));
    }
    let Ok(answer) = serde_json::from_str::<SiteVerifyAnswer>(body) else {
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
    if !passed {
        return failed(codes.map_or(VerifyError::NotSuccessful, VerifyError::ErrorCodes));
    }
    let score = answer
        .score
        .as_ref()
        .and_then(Value::as_f64)
        .and_then(valid_score);
    let problem = match (&answer.score, score, codes) {
        (_, _, Some(codes)) => Some(VerifyError::ErrorCodes(codes)),
        (Some(raw), None, None) if !raw.is_null() => Some(VerifyError::InvalidScore),
        _ => None,
    };
    Verification {
        passed,
        score,
        problem,
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
            r#"{"success":true,"score":0.73,"score_reason":["x"]}"#,
        );
        assert_eq!(
            v,
            Verification {
                passed: true,
                score: Some(0.73),
                problem: None
            }
        );
        let no_score = interpret(None, r#"{"success":true}"#);
        assert!(no_score.passed);
        assert_eq!((no_score.score, no_score.problem), (None, None));
    }

    #[test]
    fn bad_answers_fail_or_drop_the_score() {
        let http = interpret(Some("timed out"), "");
        assert!(!http.passed);
        assert_eq!(http.problem, Some(VerifyError::Http("timed out".into())));
        let malformed = interpret(None, "{not json");
        assert_eq!(
            (malformed.passed, malformed.problem),
            (false, Some(VerifyError::MalformedJson))
        );
        let refused = interpret(None, r#"{"success":false,"score":0.2}"#);
        assert_eq!((refused.passed, refused.score), (false, None));
        assert_eq!(refused.problem, Some(VerifyError::NotSuccessful));
        let codes = interpret(
            None,
            r#"{"success":false,"error-codes":["invalid-input-response"]}"#,
        );
        assert_eq!(
            codes.problem,
            Some(VerifyError::ErrorCodes("invalid-input-response".into()))
        );
        for score in [r#""high""#, "1.5", "-0.1", "null", "[0.5]"] {
            let v = interpret(None, &format!(r#"{{"success":true,"score":{score}}}"#));
            assert!(v.passed, "{score}");
            assert_eq!(v.score, None, "{score}");
        }
        let invalid = interpret(None, r#"{"success":true,"score":"high"}"#);
        assert_eq!(invalid.problem, Some(VerifyError::InvalidScore));
        let truthy = interpret(None, r#"{"success":"yes"}"#);
        assert!(!truthy.passed);
    }

    #[test]
    fn problems_never_carry_the_score() {
        let v = interpret(None, r#"{"success":true,"score":7.123456}"#);
        let logged = v.problem.map(|p| p.to_string()).unwrap_or_default();
        assert!(!logged.contains("7.12"));
    }
}
