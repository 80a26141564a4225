//! `BeforePageDisplay`: on pages where DiscussionTools' reply tool can open,
//! the script that shows why a filter asked for a CAPTCHA (VisualEditor loads
//! it as one of its plugins; DiscussionTools has no such list). Page views
//! are also the ordinary traffic that starts the purge of aged
//! CheckUser-level filter hits.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use super::php::confirm_edit_compat;
use super::php::host::{self, Level};
use super::{guard, sensitive_purge};

#[php_class]
#[php(name = "MediaWiki\\Extension\\CaptchaGuard\\Hooks\\PageDisplayHandler")]
pub struct PageDisplayHandler {
    /// Seconds between purge asks; 0 where there is nothing to purge (1.39) or it is off.
    purge_interval: i64,
}

#[php_impl]
// MediaWiki passes every hook argument, and other callers pass more; names stay for the stubs.
#[allow(unused_variables)]
impl PageDisplayHandler {
    /// `$purgeInterval` is `$wgCaptchaGuardSensitivePurgeInterval` (see HandlerFactory).
    pub fn __construct(host: &Zval, purge_interval: i64) -> PhpResult<Self> {
        host::install(host)?;
        Ok(PageDisplayHandler { purge_interval })
    }

    #[php(name = "onBeforePageDisplay")]
    pub fn on_before_page_display(&self, output: &Zval, skin: &Zval, extra: &[&Zval]) {
        // Without it the CAPTCHA is still asked, only without its reason.
        guard::contained(
            "BeforePageDisplay",
            || (),
            || {
                sensitive_purge::ask_if_due(self.purge_interval);
                if let Err(error) = confirm_edit_compat::add_reason_script(output) {
                    host::log(
                        Level::Warning,
                        "Could not add the CAPTCHA reason script: {error}",
                        &[],
                        Some(&error),
                    );
                }
            },
        );
    }
}
