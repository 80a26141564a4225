<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use Config;
use MediaWiki\Extension\AbuseFilter\AbuseFilterPermissionManager;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner;
use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use SpecialPage;
use Throwable;

/**
 * SpecialPageAfterExecute: in AbuseFilter's filter editor, forcecaptcha is
 * greyed out for filter editors who may not add it (a restricted action,
 * $wgAbuseFilterActionRestrictions, without abusefilter-modify-restricted),
 * as AbuseFilter's permission manager decides; AbuseFilter still refuses such
 * a save itself. AbuseFilter draws the checkbox without a hook, so its
 * rendered form is changed.
 */
class FilterEditorHandler {

	private const CHECKBOX = '#(<span id=\'mw-abusefilter-action-checkbox-' . ConsequenceRunner::FORCE
		. '\' class=\'[^\']*)oo-ui-widget-enabled([^\']*\'[^>]*>)(<input type=\'checkbox\')#';

	public function __construct(
		private AbuseFilterPermissionManager $permissions,
		private Config $config,
		private Host $host
	) {
	}

	/**
	 * @param SpecialPage $special
	 * @param string|null $subPage
	 * @param mixed ...$extra Other callers pass more
	 */
	public function onSpecialPageAfterExecute( $special, $subPage, ...$extra ): void {
		// The filter editor: /new and /<id>.
		if ( $special->getName() !== 'AbuseFilter' || !preg_match( '/^(new|[1-9]\d*)$/', (string)$subPage ) ) {
			return;
		}
		try {
			$restricted = $this->config->get( 'AbuseFilterActionRestrictions' )[ConsequenceRunner::FORCE] ?? false;
			if ( !$restricted || $this->permissions->canEditFilterWithRestrictedActions( $special->getAuthority() ) ) {
				return;
			}
			$out = $special->getOutput();
			$html = preg_replace( self::CHECKBOX, '$1oo-ui-widget-disabled$2$3 disabled=\'disabled\'', $out->getHTML(), 1 );
			if ( $html !== null ) {
				$out->clearHTML();
				$out->addHTML( $html );
			}
		} catch ( Throwable $e ) {
			// AbuseFilter's page is shown whole; AbuseFilter still refuses the save.
			$this->host->log( 'error', 'Could not grey out forcecaptcha in the filter editor', [ 'exception' => $e ] );
		}
	}
}
