//! The one road from the module into PHP: one file per PHP class the module
//! calls (CaptchaGuard's own adapters in includes/), one typed function per
//! method, each method declared once as a [`Method`] with its PHP types.
//! Nothing outside this folder names a PHP method. What PHP hands back is a
//! plain value or one of the native value objects of [`values`], never a
//! loose array. A PHP exception thrown on the way is taken off the engine
//! here and becomes a [`BindingError`], so the caller decides how to fail
//! safe and the exception never escapes a hook.

pub mod abuse_filter_compat;
pub mod confirm_edit_compat;
pub mod edit_form_compat;
pub mod event_submitter;
pub mod hook_objects;
pub mod host;
pub mod sensitive_access_log;
pub mod sensitive_purge_job;
pub mod sensitive_requests;
pub mod values;

use std::fmt;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::convert::{FromZval, IntoZvalDyn};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, ZendClassObject, ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use thiserror::Error;

const NAMESPACE: &str = "MediaWiki\\Extension\\CaptchaGuard\\";

/// One public PHP method the module calls, as PHP declares it: the
/// structure test (`tests/phpunit/integration/BindingTest.php`) holds each
/// to its declaration by reflection, through [`Binding::methods`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// Relative to the extension's namespace.
    pub class: &'static str,
    pub name: &'static str,
    /// Each parameter's declared type, as reflection prints it.
    pub params: &'static [&'static str],
    pub returns: &'static str,
    /// Called on the class; otherwise on the request's `Adapter\Host`.
    pub is_static: bool,
}

/// A public static method of one of CaptchaGuard's PHP classes.
pub(crate) const fn static_method(
    class: &'static str,
    name: &'static str,
    params: &'static [&'static str],
    returns: &'static str,
) -> Method {
    Method {
        class,
        name,
        params,
        returns,
        is_static: true,
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.class, self.name)
    }
}

/// Every [`Method`] the module calls, for the structure test.
const ALL_METHODS: &[&[Method]] = &[
    abuse_filter_compat::METHODS,
    confirm_edit_compat::METHODS,
    edit_form_compat::METHODS,
    event_submitter::METHODS,
    hook_objects::METHODS,
    host::METHODS,
    sensitive_access_log::METHODS,
    sensitive_purge_job::METHODS,
    sensitive_requests::METHODS,
];

/// What the module expects of PHP, for the structure test.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Binding")]
pub struct Binding;

#[php_impl]
impl Binding {
    /// Every PHP method the module calls: `[class, method, params (declared
    /// types), returns, static]`, the class fully qualified.
    pub fn methods() -> PhpResult<Vec<ZBox<ZendHashTable>>> {
        ALL_METHODS
            .iter()
            .flat_map(|methods| methods.iter())
            .map(|method| {
                let mut row = ZendHashTable::new();
                row.insert("class", format!("{NAMESPACE}{}", method.class))?;
                row.insert("method", method.name)?;
                row.insert("params", method.params.to_vec())?;
                row.insert("returns", method.returns)?;
                row.insert("static", method.is_static)?;
                Ok(row)
            })
            .collect()
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
        call: &'static Method,
        exception: CaughtException,
    },
    #[error("could not call {call}: {reason}")]
    NotCallable {
        call: &'static Method,
        reason: String,
    },
    #[error("{call} returned {found}, not {expected}")]
    Unexpected {
        call: &'static Method,
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

/// Calls `method` and returns what it returned, whatever its type.
pub(crate) fn call_value(method: &'static Method, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval> {
    let name = format!("{NAMESPACE}{method}");
    let outcome = ZendCallable::try_from_name(&name).and_then(|f| f.try_call(args));
    // A PHP method that throws still "returns": the exception stays pending.
    take_exception(method)?;
    outcome.map_err(|e| BindingError::NotCallable {
        call: method,
        reason: e.to_string(),
    })
}

/// A PHP exception `method` left pending, taken off the engine.
fn take_exception(method: &'static Method) -> Result<()> {
    match CaughtException::take() {
        Some(exception) => Err(BindingError::Threw {
            call: method,
            exception,
        }),
        None => Ok(()),
    }
}

/// Calls `method`, whose declared return type converts to `T`.
pub(crate) fn call<T>(method: &'static Method, args: Vec<&dyn IntoZvalDyn>) -> Result<T>
where
    T: for<'a> FromZval<'a>,
{
    read(method, &call_value(method, args)?)
}

/// What `method` returned, as the plain type `T` it declares.
pub(crate) fn read<T>(method: &'static Method, value: &Zval) -> Result<T>
where
    T: for<'a> FromZval<'a>,
{
    T::from_zval(value).ok_or_else(|| unexpected(method, std::any::type_name::<T>(), value))
}

/// Calls `method`, whose declared return type is the native class `T`.
pub(crate) fn call_object<T>(method: &'static Method, args: Vec<&dyn IntoZvalDyn>) -> Result<T>
where
    T: RegisteredClass + Clone,
{
    let value = call_value(method, args)?;
    read_object(method, &value)
}

/// A native object PHP handed back, copied out of the engine.
pub(crate) fn read_object<T>(method: &'static Method, value: &Zval) -> Result<T>
where
    T: RegisteredClass + Clone,
{
    value
        .object()
        .and_then(ZendClassObject::<T>::from_zend_obj)
        .map(|object| (**object).clone())
        .ok_or_else(|| unexpected(method, T::CLASS_NAME, value))
}

pub(crate) fn unexpected(
    method: &'static Method,
    expected: &'static str,
    found: &Zval,
) -> BindingError {
    BindingError::Unexpected {
        call: method,
        expected,
        found: format!("{:?}", found.get_type()),
    }
}

/// The one place a binding failure becomes a PHP exception, for the entry
/// points whose fail-safe is to stop what PHP is doing.
impl From<BindingError> for PhpException {
    fn from(error: BindingError) -> PhpException {
        PhpException::from_message(format!("CaptchaGuard: {error}"))
    }
}
