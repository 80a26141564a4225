<?php

use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencySwitcher;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitivePurger;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveValueStore;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

return [
	'CaptchaGuard.EmergencyStore' => static function ( MediaWikiServices $services ): EmergencyStore {
		return new EmergencyStore(
			$services->getDBLoadBalancerFactory(),
			$services->getMainConfig()->get( 'CaptchaGuardEmergencyDatabase' ),
			WikiMap::getCurrentWikiId()
		);
	},
	'CaptchaGuard.EmergencySwitcher' => static function ( MediaWikiServices $services ): EmergencySwitcher {
		return new EmergencySwitcher(
			$services->get( 'CaptchaGuard.EmergencyStore' ),
			$services->getMainConfig()
		);
	},
	'CaptchaGuard.SensitiveFilterLookup' => static function ( MediaWikiServices $services ): SensitiveFilterLookup {
		return new SensitiveFilterLookup( $services->getDBLoadBalancerFactory() );
	},
	'CaptchaGuard.SensitivePurger' => static function ( MediaWikiServices $services ): SensitivePurger {
		return new SensitivePurger(
			$services->getDBLoadBalancerFactory(),
			$services->get( 'CaptchaGuard.SensitiveFilterLookup' ),
			$services->getMainConfig()->get( 'CaptchaGuardSensitiveMaxAge' ),
			LoggerFactory::getInstance( 'CaptchaGuard' )
		);
	},
	'CaptchaGuard.SensitiveValueStore' => static function ( MediaWikiServices $services ): SensitiveValueStore {
		return new SensitiveValueStore( $services->getDBLoadBalancerFactory() );
	},
];
