//! Small, checked wrappers around calls into PHP.

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::types::{ZendCallable, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BindingError {
    #[error("could not call {0}: {1}")]
    Call(String, String),
    #[error("{0} threw an exception")]
    Threw(String),
    #[error("{0} returned {1}, not what MediaWiki documents")]
    Unexpected(String, String),
}

pub type Result<T> = std::result::Result<T, BindingError>;

fn checked(what: &str, result: ext_php_rs::error::Result<Zval>) -> Result<Zval> {
    let value = result.map_err(|e| BindingError::Call(what.to_owned(), e.to_string()))?;
    // A PHP method that throws still "returns"; the exception stays pending
    // and reaches the caller once we are back in PHP.
    if ExecutorGlobals::has_exception() {
        return Err(BindingError::Threw(what.to_owned()));
    }
    Ok(value)
}

/// `$object->method( ...$args )`.
pub fn call(object: &Zval, method: &str, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval> {
    checked(method, object.try_call_method(method, args))
}

/// A function or `Class::method` by name.
pub fn call_named(name: &str, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval> {
    let callable = ZendCallable::try_from_name(name)
        .map_err(|e| BindingError::Call(name.to_owned(), e.to_string()))?;
    checked(name, callable.try_call(args))
}

pub fn call_bool(object: &Zval, method: &str, args: Vec<&dyn IntoZvalDyn>) -> Result<bool> {
    let value = call(object, method, args)?;
    value.bool().ok_or_else(|| {
        BindingError::Unexpected(method.to_owned(), format!("{:?}", value.get_type()))
    })
}

pub fn call_string(object: &Zval, method: &str, args: Vec<&dyn IntoZvalDyn>) -> Result<String> {
    let value = call(object, method, args)?;
    value.coerce_to_string().ok_or_else(|| {
        BindingError::Unexpected(method.to_owned(), format!("{:?}", value.get_type()))
    })
}

/// Writes a message to MediaWiki's `CaptchaGuard` log channel.
pub fn log(level: &str, message: &str) {
    let logger = call_named(
        "MediaWiki\\Logger\\LoggerFactory::getInstance",
        vec![&"CaptchaGuard"],
    );
    if let Ok(logger) = logger {
        // Logging must never be the reason a request fails.
        let _ = call(&logger, level, vec![&message]);
    }
}

/// `RequestContext::getMain()`: the request being served.
pub fn main_context() -> Result<Zval> {
    call_named("RequestContext::getMain", vec![])
}

/// The session of a request context.
pub fn session_of(context: &Zval) -> Result<Zval> {
    let request = call(context, "getRequest", vec![])?;
    call(&request, "getSession", vec![])
}
