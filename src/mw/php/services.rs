//! `Adapter\Services`: configuration, the `CaptchaGuard` log channel and the
//! object stash that keeps risk scores across requests.

use ext_php_rs::types::{ZendHashTable, Zval};

use super::{call_value, BindingError, Method, Result};

const CLASS: &str = "Adapter\\Services";

const CONFIG: Method = Method {
    class: CLASS,
    name: "config",
    params: &["string"],
    returns: "mixed",
};
const LOG: Method = Method {
    class: CLASS,
    name: "log",
    params: &["string", "string", "array"],
    returns: "void",
};
const STASHED_SCORE: Method = Method {
    class: CLASS,
    name: "stashedScore",
    params: &["string"],
    returns: "mixed",
};
const STASH_SCORE: Method = Method {
    class: CLASS,
    name: "stashScore",
    params: &["string", "float", "int"],
    returns: "void",
};
const UNSTASH_SCORE: Method = Method {
    class: CLASS,
    name: "unstashScore",
    params: &["string"],
    returns: "void",
};

pub(super) const METHODS: &[Method] = &[CONFIG, LOG, STASHED_SCORE, STASH_SCORE, UNSTASH_SCORE];

/// A setting of the wiki (`$wg` + name).
pub fn config(name: &str) -> Result<Zval> {
    call_value(&CONFIG, vec![&name])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
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
    let _ = call_value(&LOG, vec![&level.name(), &message, &table]);
}

/// The stashed score of `user_name` as stored (false when there is none).
pub fn stashed_score(user_name: &str) -> Result<Zval> {
    call_value(&STASHED_SCORE, vec![&user_name])
}

pub fn stash_score(user_name: &str, score: f64, ttl_seconds: i64) -> Result<()> {
    call_value(&STASH_SCORE, vec![&user_name, &score, &ttl_seconds]).map(drop)
}

pub fn unstash_score(user_name: &str) -> Result<()> {
    call_value(&UNSTASH_SCORE, vec![&user_name]).map(drop)
}
