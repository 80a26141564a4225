<?php

namespace MediaWiki\Extension\CaptchaGuard;

/**
 * Defaults that belong to other extensions' settings, so they cannot be
 * declared in extension.json.
 */
final class Setup {

	public static function onRegistration(): void {
		// Only filter editors with abusefilter-modify-restricted may add forcecaptcha.
		$GLOBALS['wgAbuseFilterActionRestrictions']['forcecaptcha'] ??= true;
		// ConfirmEdit 1.43 can register its own 'showcaptcha'; CaptchaGuard's replaces it.
		if ( isset( $GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'] ) ) {
			$GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'] = array_values( array_diff(
				(array)$GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'],
				[ 'showcaptcha' ]
			) );
		}
	}
}
