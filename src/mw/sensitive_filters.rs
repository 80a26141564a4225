//! CheckUser-level filters around AbuseFilter's pages and API modules.
//!
//! AbuseFilter itself decides who may see them: its permission manager and
//! validator are CaptchaGuard's (`AbuseFilter\SensitivePermissionManager`,
//! `SensitiveFilterValidator`). Here are what it has no decision point for:
//! the reason in Check syntax and the access log of every look, once per
//! session. (The abuse log's lists leave out protected filters' hits in
//! `AbuseFilter\SensitiveAbuseLog` and `SensitiveQueryAbuseLog`.) The gate
//! in front of its pages (`AbuseFilter\SensitiveRequests` reads its subpages
//! and parameters) is a second line: it refuses what it recognises, and the
//! permission manager decides the rest.

use ext_php_rs::convert::IntoZval;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{PhpRef, Zval};

use super::guard;
use super::php::host::{self, Level};
use super::php::values::SensitiveTouch;
use super::php::{sensitive_access_log, sensitive_requests, BindingError, Result};
use crate::policy::sensitive::{
    gate, may_see_sensitive, missing_rights, Gate, SeenTouches, SensitiveAccess, Touch, Viewer,
};

/// The kinds of access, as PHP names them (each is an action of the
/// `captchaguard-sensitive` log): named once, in `SensitiveAccess`.
#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Sensitive\\SensitiveAccess")]
pub struct SensitiveAccessNames;

#[php_impl]
impl SensitiveAccessNames {
    pub const VIEW_FILTER: &'static str = SensitiveAccess::ViewFilter.name();
    pub const VIEW_HITS: &'static str = SensitiveAccess::ViewHits.name();
    pub const TEST: &'static str = SensitiveAccess::Test.name();
}

/// Session key of what this session's accesses already logged.
const SEEN_KEY: &str = "captchaguard-sensitive-seen";
const REFUSAL: &str = "captchaguard-sensitive-denied";
const UNAVAILABLE: &str = "captchaguard-sensitive-unavailable";

pub fn viewer() -> Result<Viewer> {
    let rights = sensitive_requests::viewer()?;
    Ok(Viewer {
        sensitive_right: rights.sensitive_right,
        protected_access: rights.protected_access,
    })
}

/// The looks as the policy takes them; an unknown kind is a bug of the adapter.
fn touches(listed: Result<Vec<SensitiveTouch>>) -> Result<Vec<Touch>> {
    listed?
        .into_iter()
        .map(|facts| {
            SensitiveAccess::from_name(&facts.access)
                .map(|access| Touch::new(access, facts.target, facts.via, &facts.tested))
                .map_err(|error| BindingError::Build {
                    what: "a look at a CheckUser-level filter",
                    reason: error.to_string(),
                })
        })
        .collect()
}

/// Logs each touch this session has not logged yet.
fn log_accesses(touches: &[Touch]) -> Result<()> {
    if touches.is_empty() {
        return Ok(());
    }
    let mut seen =
        SeenTouches::from_stored(&host::session_get(SEEN_KEY)?.string().unwrap_or_default());
    for touch in touches {
        if seen.first_time(touch) {
            sensitive_access_log::write(
                touch.access.name(),
                &touch.target,
                &touch.via,
                &touch.tested,
            )?;
        }
    }
    host::session_set(SEEN_KEY, &seen.to_stored())
}

/// What the gate answers a request.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Allow,
    /// Refused, naming the rights the viewer lacks.
    Refuse(Vec<&'static str>),
    /// Refused because the access could not be checked or logged just now
    /// (a database busy, a bug): it says so, and names no rights.
    Unavailable,
}

/// Allowed (and logged) or refused; an access that cannot be logged is refused.
fn decide(touches: &[Touch]) -> Result<Decision> {
    if touches.is_empty() {
        return Ok(Decision::Allow);
    }
    let viewer = viewer()?;
    match gate(viewer, touches) {
        Gate::Allow => {
            log_accesses(touches)?;
            Ok(Decision::Allow)
        }
        Gate::Deny => Ok(Decision::Refuse(missing_rights(viewer))),
    }
}

fn log_error(what: &str, error: &BindingError) {
    host::log(
        Level::Error,
        "Could not gate {what} for CheckUser-level filters; refused: {error}",
        &[("what", what)],
        Some(error),
    );
}

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\SensitiveFiltersHandler")]
pub struct SensitiveFiltersHandler {
    /// Nothing is sensitive where the variables are not offered (1.39): the gate stands aside.
    offered: bool,
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl SensitiveFiltersHandler {
    /// `$offered`: AbuseFilter has protected variables (see HandlerFactory).
    pub fn __construct(host: &Zval, offered: bool) -> PhpResult<Self> {
        host::install(host)?;
        Ok(SensitiveFiltersHandler { offered })
    }

    /// Special:AbuseFilter and Special:AbuseLog; returns false to stop the page.
    #[php(name = "onSpecialPageBeforeExecute")]
    pub fn on_special_page_before_execute(
        &self,
        special: &Zval,
        sub_page: &Zval,
        extra: &[&Zval],
    ) -> bool {
        if !self.offered {
            return true;
        }
        // No rights named: the access could not be checked (RefuseSensitivePage says so).
        let refuse = |missing: Vec<&'static str>| {
            if let Err(error) = sensitive_requests::refuse_page(special, missing) {
                log_error("the refusal page", &error);
            }
            false
        };
        guard::contained(
            "SpecialPageBeforeExecute",
            || refuse(vec![]),
            || {
                let decided = touches(sensitive_requests::of_special_page(special, sub_page))
                    .and_then(|t| decide(&t));
                match decided {
                    Ok(Decision::Allow) => true,
                    Ok(Decision::Refuse(missing)) => refuse(missing),
                    Ok(Decision::Unavailable) => refuse(vec![]),
                    Err(error) => {
                        log_error("a special page", &error);
                        refuse(vec![])
                    }
                }
            },
        )
    }

    /// The AbuseFilter API modules that check or run rules; false refuses with `$message`.
    #[php(name = "onApiCheckCanExecute")]
    pub fn on_api_check_can_execute(
        &self,
        module: &Zval,
        user: &Zval,
        mut message: PhpRef,
        extra: &[&Zval],
    ) -> bool {
        if !self.offered {
            return true;
        }
        let decision = guard::contained(
            "ApiCheckCanExecute",
            || Decision::Unavailable,
            || {
                let decided =
                    touches(sensitive_requests::of_api_module(module)).and_then(|t| decide(&t));
                decided.unwrap_or_else(|error| {
                    log_error("an API module", &error);
                    Decision::Unavailable
                })
            },
        );
        // ApiMain::dieWithError takes [key, ...params].
        let refusal = match decision {
            Decision::Allow => return true,
            Decision::Refuse(missing) => vec![
                REFUSAL.to_owned(),
                missing.join(", "),
                missing.len().to_string(),
            ],
            Decision::Unavailable => vec![UNAVAILABLE.to_owned()],
        };
        if refusal.set_zval(&mut message, false).is_err() {
            // ApiMain then refuses with its generic message.
            message.set_null();
        }
        false
    }

    /// Check syntax in the filter editor says why rules with CheckUser-level
    /// variables cannot be saved by this user, instead of "ok".
    #[php(name = "onAPIAfterExecute")]
    pub fn on_api_after_execute(&self, module: &Zval, extra: &[&Zval]) {
        if !self.offered {
            return;
        }
        guard::contained(
            "APIAfterExecute",
            || (),
            || {
                if let Err(error) = sensitive_requests::explain_syntax_check(module) {
                    log_error("a syntax check", &error);
                }
            },
        );
    }

    /// list=abusefilters and list=abuselog: removes what the viewer may not see, logs what they may.
    #[php(name = "onAPIQueryAfterExecute")]
    pub fn on_api_query_after_execute(&self, module: &Zval, extra: &[&Zval]) {
        if !self.offered {
            return;
        }
        let remove_all = || {
            if let Err(error) = sensitive_requests::of_api_query_result(module, true) {
                log_error("an API query result", &error);
            }
        };
        guard::contained("APIQueryAfterExecute", remove_all, || {
            let outcome = viewer().and_then(|viewer| {
                let may_see = may_see_sensitive(viewer);
                let shown = touches(sensitive_requests::of_api_query_result(module, !may_see))?;
                if may_see {
                    log_accesses(&shown)?;
                }
                Ok(())
            });
            if let Err(error) = outcome {
                log_error("an API query result", &error);
                remove_all();
            }
        });
    }
}
