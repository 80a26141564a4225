<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use Config;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\AbuseFilterCompat;
use WikiMap;

/**
 * Builds the native hook handlers (extension.json HookHandlers `factory`)
 * with the settings they keep for the worker's life, as plain values; the
 * few read per call go through Adapter\Services::config.
 */
final class HandlerFactory {

	public static function newAbuseFilterHandler( Config $config ): AbuseFilterHandler {
		return new AbuseFilterHandler( array_values( array_filter(
			(array)$config->get( 'CaptchaGuardAbuseFilterActions' ), 'is_string'
		) ) );
	}

	public static function newEmergencyCaptchaHandler( Config $config ): EmergencyCaptchaHandler {
		return new EmergencyCaptchaHandler(
			// The module clamps it (EmergencyCaptchaHandler::__construct).
			(int)$config->get( 'CaptchaGuardEmergencyRefresh' ),
			WikiMap::getCurrentWikiId()
		);
	}

	public static function newPageDisplayHandler( Config $config ): PageDisplayHandler {
		// Nothing to purge where the sensitive variables are not offered.
		return new PageDisplayHandler( AbuseFilterCompat::offersProtectedVariables()
			// 0 or less: page views never ask (policy::sensitive::purge_due).
			? (int)$config->get( 'CaptchaGuardSensitivePurgeInterval' )
			: 0 );
	}

	public static function newSensitiveFiltersHandler(): SensitiveFiltersHandler {
		return new SensitiveFiltersHandler( AbuseFilterCompat::offersProtectedVariables() );
	}

	public static function newSensitiveVariablesHandler(): SensitiveVariablesHandler {
		return new SensitiveVariablesHandler( AbuseFilterCompat::offersProtectedVariables() );
	}
}
