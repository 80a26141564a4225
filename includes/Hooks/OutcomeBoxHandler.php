<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeBox;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeListColumn;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeViewer;
use SpecialPage;
use Throwable;

/**
 * SpecialPageAfterExecute: the CAPTCHA outcomes box under a filter's page
 * (Special:AbuseFilter/<id>), and the solve-rate column of the filter list
 * (OutcomeListColumn). AbuseFilter has no hook of its own for either; both
 * show only what the viewer may see (OutcomeViewer).
 */
class OutcomeBoxHandler {

	public function __construct( private OutcomeViewer $viewer, private Host $host ) {
	}

	/**
	 * @param SpecialPage $special
	 * @param string|null $subPage
	 * @param mixed ...$extra Other callers pass more
	 */
	public function onSpecialPageAfterExecute( $special, $subPage, ...$extra ): void {
		if ( $special->getName() !== 'AbuseFilter' ) {
			return;
		}
		// AbuseFilter's page is shown whole whatever happens here: the figures are extra.
		try {
			$this->addOutcomes( $special, (string)$subPage );
		} catch ( Throwable $e ) {
			$this->host->log( 'error', 'Could not show the CAPTCHA outcomes on Special:AbuseFilter/{subpage}', [
				'subpage' => (string)$subPage, 'exception' => $e,
			] );
		}
	}

	private function addOutcomes( SpecialPage $special, string $subPage ): void {
		$out = $special->getOutput();
		if ( $subPage === '' ) {
			( new OutcomeListColumn( $this->viewer ) )->addTo( $out, $special->getAuthority() );
			return;
		}
		// The filter's own page, as AbuseFilter reads it (SpecialAbuseFilter):
		// /12, /012, /12.0 are filter 12; not /new, /history/12 …
		if ( !is_numeric( $subPage ) || (int)$subPage < 1 ) {
			return;
		}
		$filter = (string)(int)$subPage;
		if ( $this->viewer->refusal( $special->getAuthority(), $filter ) !== null ) {
			return;
		}
		$out->addModuleStyles( 'ext.captchaGuard.outcomes.styles' );
		$out->addHTML( ( new OutcomeBox( $this->viewer, $this->host ) )->html( $filter, $special->getContext() ) );
	}
}
