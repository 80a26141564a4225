<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use Config;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\AbuseFilterCompat;
use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Emergency\SwitchSource;
use WikiMap;

/**
 * Builds the native hook handlers that keep settings for the worker's life
 * (extension.json HookHandlers `factory`), each with the injected Host
 * through which the module reaches the wiki and the request; the settings
 * read per call go through Host::config.
 */
final class HandlerFactory {

	public static function newAbuseFilterHandler( Host $host, Config $config ): AbuseFilterHandler {
		return new AbuseFilterHandler( $host, array_values( array_filter(
			(array)$config->get( 'CaptchaGuardAbuseFilterActions' ), 'is_string'
		) ) );
	}

	public static function newEmergencyCaptchaHandler(
		Host $host, Config $config, SwitchSource $switches
	): EmergencyCaptchaHandler {
		return new EmergencyCaptchaHandler(
			$host,
			// The module clamps it (EmergencyCaptchaHandler::__construct).
			(int)$config->get( 'CaptchaGuardEmergencyRefresh' ),
			WikiMap::getCurrentWikiId(),
			// A farm's wikis share one table, and so one snapshot per worker.
			$switches->tableId()
		);
	}

	public static function newPageDisplayHandler( Host $host, Config $config ): PageDisplayHandler {
		// Nothing to purge where the sensitive variables are not offered.
		return new PageDisplayHandler( $host, AbuseFilterCompat::offersProtectedVariables()
			// 0 or less: page views never ask (policy::sensitive::purge_due).
			? (int)$config->get( 'CaptchaGuardSensitivePurgeInterval' )
			: 0 );
	}

	public static function newSensitiveFiltersHandler( Host $host ): SensitiveFiltersHandler {
		return new SensitiveFiltersHandler( $host, AbuseFilterCompat::offersProtectedVariables() );
	}

	public static function newSensitiveVariablesHandler( Host $host ): SensitiveVariablesHandler {
		return new SensitiveVariablesHandler( $host, AbuseFilterCompat::offersProtectedVariables() );
	}
}
