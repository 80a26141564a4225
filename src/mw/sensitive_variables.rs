//! CheckUser-level filter variables (`user_agent`, `user_ip`,
//! `hcaptcha_risk_bucket`): offered to filters on MediaWiki 1.43, computed
//! only when a filter reads them, and kept out of AbuseFilter's var dump by
//! `AbuseFilter\SensitiveVariablesBlobStore`, which asks this module who may
//! see them.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::php::host::{self, Level};
use super::php::{abuse_filter_compat, Result};
use super::score_store;
use super::{guard, sensitive_filters};
use crate::policy::score::NO_SCORE;
use crate::policy::sensitive::{
    may_see_sensitive, missing_rights, value_of, FilteredIn, LiveRequest, SensitiveValue,
    SensitiveVariable, Viewer, SENSITIVE_RIGHT,
};

/// The lazy-load method name AbuseFilter hands back to `AbuseFilter-interceptVariable`.
const LAZY_METHOD: &str = "captchaguard-sensitive";

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\SensitiveVariablesHandler")]
pub struct SensitiveVariablesHandler {
    /// Only where AbuseFilter can protect them (1.43): elsewhere any filter editor could read them.
    offered: bool,
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl SensitiveVariablesHandler {
    /// `$offered`: AbuseFilter has protected variables (see HandlerFactory).
    pub fn __construct(host: &Zval, offered: bool) -> PhpResult<Self> {
        host::install(host)?;
        Ok(SensitiveVariablesHandler { offered })
    }

    /// Lists the variables in the filter editor, each with its localised description.
    #[php(name = "onAbuseFilter_builder")]
    pub fn on_abuse_filter_builder(&self, mut real_values: PhpRef, extra: &[&Zval]) {
        if !self.offered {
            return;
        }
        // Without them the editor only lacks three entries in its list.
        guard::contained(
            "AbuseFilter-builder",
            || (),
            || {
                let listed = real_values
                    .array_mut()
                    .and_then(|values| values.get_mut("vars"))
                    .and_then(Zval::array_mut)
                    .map(|vars| {
                        SensitiveVariable::ALL.into_iter().try_for_each(|variable| {
                            vars.insert(variable.name(), variable.label_suffix())
                        })
                    });
                if !matches!(listed, Some(Ok(()))) {
                    host::log(
                        Level::Warning,
                        "AbuseFilter-builder passed no variable list to add to",
                        &[],
                        None,
                    );
                }
            },
        );
    }

    /// Declares the variables, lazily, for the action being filtered.
    #[php(name = "onAbuseFilter_generateUserVars")]
    pub fn on_abuse_filter_generate_user_vars(
        &self,
        vars: &Zval,
        user: &Zval,
        recent_change: &Zval,
        extra: &[&Zval],
    ) {
        if !self.offered {
            return;
        }
        // Undeclared, a filter reading them fails to parse and matches nothing; that is logged.
        guard::contained(
            "AbuseFilter-generateUserVars",
            || (),
            || {
                if let Err(error) = declare(vars, user, recent_change.is_null()) {
                    host::log(
                        Level::Error,
                        "Could not declare the sensitive filter variables: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }

    /// Computes a variable declared above; returns false once it has.
    #[php(name = "onAbuseFilter_interceptVariable")]
    pub fn on_abuse_filter_intercept_variable(
        &self,
        method: &Zval,
        vars: &Zval,
        parameters: &Zval,
        mut result: PhpRef,
        extra: &[&Zval],
    ) -> bool {
        if method.str() != Some(LAZY_METHOD) {
            return true;
        }
        // A value that cannot be read is the empty one: never someone else's.
        let value = guard::contained(
            "AbuseFilter-interceptVariable",
            || value_of(SensitiveVariable::UserAgent, None),
            || compute(parameters),
        );
        let set = match value {
            SensitiveValue::Text(text) => result.set_string(&text, false),
            SensitiveValue::Number(number) => {
                result.set_double(number);
                Ok(())
            }
        };
        if let Err(error) = set {
            host::log(
                Level::Error,
                "Could not hand a sensitive variable to AbuseFilter: {error}",
                &[("error", &error.to_string())],
                None,
            );
            result.set_null();
        }
        false
    }
}

fn declare(vars: &Zval, user: &Zval, live_action: bool) -> Result<()> {
    let from_web = ext_php_rs::zend::php_sapi_name().as_deref() != Some("cli");
    let performer_is_requester = host::is_requester(user)?;
    let own_request =
        FilteredIn::of(from_web, !live_action, performer_is_requester) == FilteredIn::OwnRequest;
    let names: Vec<&str> = SensitiveVariable::ALL.iter().map(|v| v.name()).collect();
    abuse_filter_compat::declare_sensitive_variables(vars, LAZY_METHOD, names, own_request)
}

fn compute(parameters: &Zval) -> SensitiveValue {
    let table = parameters.array();
    let name = table
        .and_then(|t| t.get("variable"))
        .and_then(Zval::string)
        .unwrap_or_default();
    let own_request = table
        .and_then(|t| t.get("own_request"))
        .and_then(Zval::bool)
        .unwrap_or(false);
    let variable = match SensitiveVariable::from_name(&name) {
        Ok(variable) => variable,
        Err(error) => {
            host::log(
                Level::Error,
                "AbuseFilter asked for {problem}",
                &[("problem", &error.to_string())],
                None,
            );
            return SensitiveValue::Text(String::new());
        }
    };
    if !own_request {
        return value_of(variable, None);
    }
    match live_request(variable) {
        Ok(request) => value_of(variable, Some(&request)),
        Err(error) => {
            host::log(
                Level::Error,
                "Could not read {variable} for a filter; it is empty: {error}",
                &[("variable", variable.name())],
                Some(&error),
            );
            value_of(variable, None)
        }
    }
}

/// Reads only what `variable` needs: the session's score costs a look-up.
fn live_request(variable: SensitiveVariable) -> Result<LiveRequest> {
    let client = host::client()?;
    let risk_bucket = match variable {
        SensitiveVariable::HCaptchaRiskBucket => score_store::bucket_of(&host::performer()?.name)?,
        _ => NO_SCORE,
    };
    Ok(LiveRequest {
        ip: client.ip,
        user_agent: client.user_agent,
        risk_bucket,
    })
}

/// What `SensitiveVariablesBlobStore`, `SensitivePermissionManager` and `Setup` ask.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\SensitiveVariables")]
pub struct SensitiveVariables;

#[php_impl]
impl SensitiveVariables {
    /// CaptchaGuard's right to CheckUser-level filters, as PHP names it.
    pub const RIGHT: &'static str = SENSITIVE_RIGHT;

    /// The variables' names, as filters use them.
    pub fn names() -> Vec<String> {
        SensitiveVariable::ALL
            .iter()
            .map(|v| v.name().to_owned())
            .collect()
    }

    /// Whether someone with these rights may see CheckUser-level filters: the
    /// rule AbuseFilter's permission manager asks (`SensitivePermissionManager`).
    /// `$protected_access` is AbuseFilter's own protected-variables level.
    #[php(name = "maySee")]
    pub fn may_see(sensitive_right: bool, protected_access: bool) -> bool {
        may_see_sensitive(Viewer {
            sensitive_right,
            protected_access,
        })
    }

    /// The rights someone with these lacks for CheckUser-level filters, for refusals.
    #[php(name = "missingRights")]
    pub fn missing_rights(sensitive_right: bool, protected_access: bool) -> Vec<String> {
        missing_rights(Viewer {
            sensitive_right,
            protected_access,
        })
        .into_iter()
        .map(str::to_owned)
        .collect()
    }

    /// Whether the current user may see sensitive values; false when that cannot be told.
    #[php(name = "viewerMaySee")]
    pub fn viewer_may_see() -> bool {
        guard::contained(
            "SensitiveVariables::viewerMaySee",
            || false,
            || match sensitive_filters::viewer() {
                Ok(viewer) => may_see_sensitive(viewer),
                Err(error) => {
                    host::log(
                        Level::Error,
                        "Could not read the viewer's rights; sensitive values stay hidden: {error}",
                        &[],
                        Some(&error),
                    );
                    false
                }
            },
        )
    }
}
