//! The one road from the module into PHP: public static methods of
//! CaptchaGuard's own PHP classes (includes/Adapter, the AbuseFilter and
//! Sensitive helpers, the emergency store), each named once in [`Adapter`]
//! and declared with PHP types, called with plain values or the hook's own
//! objects. A PHP exception thrown on the way is taken off the engine here and
//! becomes a [`BindingError`], so the caller decides how to fail safe and the
//! exception never escapes a hook.

use std::fmt;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::{FromZval, IntoZvalDyn};
use ext_php_rs::types::{ZendCallable, ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use thiserror::Error;

const ADAPTERS: &str = "MediaWiki\\Extension\\CaptchaGuard\\";

/// Every adapter method the module calls, named once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    Performer,
    IsExempt,
    SessionGet,
    SessionSet,
    SessionRemove,
    RequestValue,
    Client,
    IsApi,
    Config,
    Log,
    StashedScore,
    StashScore,
    UnstashScore,
    CheckAnswer,
    CaptchaLifetime,
    FailEdit,
    AddForm,
    MarkAnswerFieldsUsed,
    AddReasonScript,
    SavedEdit,
    User,
    SubmitEvent,
    EventLoggingLoaded,
    StoredSwitch,
    IsRequester,
    DeclareSensitiveVariables,
    SensitiveViewer,
    SensitiveTouchesOfPage,
    SensitiveTouchesOfApi,
    SensitiveTouchesOfQuery,
    RefuseSensitivePage,
    ExplainSyntaxCheck,
    LogSensitiveAccess,
    QueueSensitivePurge,
}

impl Adapter {
    /// `Class::method`, relative to the extension's namespace.
    fn method(self) -> &'static str {
        match self {
            Adapter::Performer => "Adapter\\MainRequest::performer",
            Adapter::IsExempt => "Adapter\\MainRequest::isExempt",
            Adapter::SessionGet => "Adapter\\MainRequest::sessionGet",
            Adapter::SessionSet => "Adapter\\MainRequest::sessionSet",
            Adapter::SessionRemove => "Adapter\\MainRequest::sessionRemove",
            Adapter::RequestValue => "Adapter\\MainRequest::value",
            Adapter::Client => "Adapter\\MainRequest::client",
            Adapter::IsApi => "Adapter\\MainRequest::isApi",
            Adapter::Config => "Adapter\\Services::config",
            Adapter::Log => "Adapter\\Services::log",
            Adapter::StashedScore => "Adapter\\Services::stashedScore",
            Adapter::StashScore => "Adapter\\Services::stashScore",
            Adapter::UnstashScore => "Adapter\\Services::unstashScore",
            Adapter::CheckAnswer => "Adapter\\ConfirmEditCompat::checkAnswer",
            Adapter::CaptchaLifetime => "Adapter\\ConfirmEditCompat::captchaLifetime",
            Adapter::FailEdit => "Adapter\\ConfirmEditCompat::failEdit",
            Adapter::AddForm => "Adapter\\ConfirmEditCompat::addForm",
            Adapter::MarkAnswerFieldsUsed => "Adapter\\ConfirmEditCompat::markAnswerFieldsUsed",
            Adapter::AddReasonScript => "Adapter\\ConfirmEditCompat::addReasonScript",
            Adapter::SavedEdit => "Adapter\\HookObjects::savedEdit",
            Adapter::User => "Adapter\\HookObjects::user",
            Adapter::SubmitEvent => "Adapter\\EventSubmitter::submit",
            Adapter::EventLoggingLoaded => "Adapter\\EventSubmitter::isAvailable",
            Adapter::StoredSwitch => "Emergency\\EmergencyStore::currentForHook",
            Adapter::IsRequester => "Adapter\\MainRequest::isRequester",
            Adapter::DeclareSensitiveVariables => {
                "AbuseFilter\\AbuseFilterCompat::declareSensitiveVariables"
            }
            Adapter::SensitiveViewer => "AbuseFilter\\SensitiveRequests::viewer",
            Adapter::SensitiveTouchesOfPage => "AbuseFilter\\SensitiveRequests::ofSpecialPage",
            Adapter::SensitiveTouchesOfApi => "AbuseFilter\\SensitiveRequests::ofApiModule",
            Adapter::SensitiveTouchesOfQuery => "AbuseFilter\\SensitiveRequests::ofApiQueryResult",
            Adapter::RefuseSensitivePage => "AbuseFilter\\SensitiveRequests::refusePage",
            Adapter::ExplainSyntaxCheck => "AbuseFilter\\SensitiveRequests::explainSyntaxCheck",
            Adapter::LogSensitiveAccess => "Sensitive\\SensitiveAccessLog::write",
            Adapter::QueueSensitivePurge => "Sensitive\\SensitivePurgeJob::queueOnce",
        }
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.method())
    }
}

/// A PHP exception taken off the engine; the object goes into the log
/// context as `exception`, so MediaWiki's logger records its trace.
pub struct CaughtException {
    pub class: String,
    pub message: String,
    object: Zval,
}

impl CaughtException {
    fn take() -> Option<CaughtException> {
        let mut taken: ZBox<ZendObject> = ExecutorGlobals::take_exception()?;
        let class = taken
            .get_class_name()
            .unwrap_or_else(|_| "Throwable".into());
        let mut object = Zval::new();
        object.set_object(&mut taken);
        drop(taken);
        // Off the engine now, so the object can be called.
        let message = object
            .try_call_method("getMessage", vec![])
            .ok()
            .and_then(|m| m.string())
            .unwrap_or_default();
        drop(ExecutorGlobals::take_exception());
        Some(CaughtException {
            class,
            message,
            object,
        })
    }
}

impl fmt::Debug for CaughtException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

#[derive(Debug, Error)]
pub enum BindingError {
    #[error("{call} threw {}: {}", .exception.class, .exception.message)]
    Threw {
        call: Adapter,
        exception: CaughtException,
    },
    #[error("could not call {call}: {reason}")]
    NotCallable { call: Adapter, reason: String },
    #[error("{call} returned {found}, not {expected}")]
    Unexpected {
        call: Adapter,
        expected: &'static str,
        found: String,
    },
    #[error("could not build {what}: {reason}")]
    Build { what: &'static str, reason: String },
    #[error("could not write {path}: {reason}")]
    Write { path: String, reason: String },
}

impl BindingError {
    pub fn exception(&self) -> Option<&CaughtException> {
        match self {
            BindingError::Threw { exception, .. } => Some(exception),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, BindingError>;

/// Calls an adapter and returns what it returned, whatever its type.
pub fn call_value(adapter: Adapter, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval> {
    let name = format!("{ADAPTERS}{}", adapter.method());
    let outcome = ZendCallable::try_from_name(&name).and_then(|f| f.try_call(args));
    // A PHP method that throws still "returns": the exception stays pending.
    if let Some(exception) = CaughtException::take() {
        return Err(BindingError::Threw {
            call: adapter,
            exception,
        });
    }
    outcome.map_err(|e| BindingError::NotCallable {
        call: adapter,
        reason: e.to_string(),
    })
}

/// Calls an adapter whose declared return type converts to `T`.
pub fn call<T>(adapter: Adapter, args: Vec<&dyn IntoZvalDyn>) -> Result<T>
where
    T: for<'a> FromZval<'a>,
{
    let value = call_value(adapter, args)?;
    T::from_zval(&value).ok_or_else(|| BindingError::Unexpected {
        call: adapter,
        expected: std::any::type_name::<T>(),
        found: format!("{:?}", value.get_type()),
    })
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
    let _ = call_value(Adapter::Log, vec![&level.name(), &message, &table]);
}

/// A setting of the wiki (`$wg` + name).
pub fn config(name: &str) -> Result<Zval> {
    call_value(Adapter::Config, vec![&name])
}
