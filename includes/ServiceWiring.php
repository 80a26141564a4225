<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Adapter\MediaWikiHost;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\HCaptchaFallback;
use MediaWiki\Extension\CaptchaGuard\Metrics\Metrics;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencySwitcher;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeStore;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeViewer;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitivePurger;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveValueStore;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

return [
	CaptchaGuardServices::HOST => static function ( MediaWikiServices $services ): Host {
		return new MediaWikiHost(
			$services->getMainConfig(),
			LoggerFactory::getInstance( 'CaptchaGuard' ),
			$services->getMainObjectStash(),
			$services->getUserNameUtils(),
			static fn () => CaptchaGuardServices::getEmergencyStore( $services ),
			static fn () => CaptchaGuardServices::getOutcomeStore( $services ),
			$services->getHookContainer(),
			static fn () => CaptchaGuardServices::getMetrics( $services )
		);
	},
	CaptchaGuardServices::METRICS => static function ( MediaWikiServices $services ): Metrics {
		// StatsFactory came with MediaWiki 1.41; on 1.39 nothing is sent.
		$stats = method_exists( $services, 'getStatsFactory' )
			? $services->getStatsFactory()->withComponent( 'CaptchaGuard' )
			: null;
		return new Metrics( $stats, WikiMap::getCurrentWikiId() );
	},
	CaptchaGuardServices::HCAPTCHA_FALLBACK => static function ( MediaWikiServices $services ): HCaptchaFallback {
		return new HCaptchaFallback(
			$services->getMainConfig(),
			$services->getLocalServerObjectCache(),
			LoggerFactory::getInstance( 'CaptchaGuard' ),
			CaptchaGuardServices::getMetrics( $services )
		);
	},
	CaptchaGuardServices::OUTCOME_STORE => static function ( MediaWikiServices $services ): OutcomeStore {
		return new OutcomeStore(
			$services->getDBLoadBalancerFactory(),
			$services->getLocalServerObjectCache(),
			// MediaWiki 1.43 builds caches in a service; 1.39 in ObjectCache.
			method_exists( $services, 'getObjectCacheFactory' )
				? $services->getObjectCacheFactory()->getLocalClusterInstance()
				: ObjectCache::getLocalClusterInstance(),
			(int)$services->getMainConfig()->get( 'CaptchaGuardOutcomeFlushSeconds' )
		);
	},
	CaptchaGuardServices::OUTCOME_VIEWER => static function ( MediaWikiServices $services ): OutcomeViewer {
		return new OutcomeViewer(
			CaptchaGuardServices::getOutcomeStore( $services ),
			$services->getService( 'AbuseFilterFilterLookup' ),
			$services->getService( 'AbuseFilterPermissionManager' ),
			CaptchaGuardServices::getSensitiveFilterLookup( $services )
		);
	},
	CaptchaGuardServices::EMERGENCY_STORE => static function ( MediaWikiServices $services ): EmergencyStore {
		return new EmergencyStore(
			$services->getDBLoadBalancerFactory(),
			$services->getCommentStore(),
			$services->getMainConfig()->get( 'CaptchaGuardEmergencyDatabase' ),
			WikiMap::getCurrentWikiId()
		);
	},
	CaptchaGuardServices::EMERGENCY_SWITCHER => static function ( MediaWikiServices $services ): EmergencySwitcher {
		return new EmergencySwitcher(
			CaptchaGuardServices::getEmergencyStore( $services ),
			$services->getMainConfig(),
			$services->getJobQueueGroupFactory(),
			LoggerFactory::getInstance( 'CaptchaGuard' )
		);
	},
	CaptchaGuardServices::SENSITIVE_FILTER_LOOKUP => static function (
		MediaWikiServices $services
	): SensitiveFilterLookup {
		return new SensitiveFilterLookup( $services->getDBLoadBalancerFactory() );
	},
	CaptchaGuardServices::SENSITIVE_PURGER => static function ( MediaWikiServices $services ): SensitivePurger {
		return new SensitivePurger(
			$services->getDBLoadBalancerFactory(),
			CaptchaGuardServices::getSensitiveFilterLookup( $services ),
			$services->getMainConfig()->get( 'CaptchaGuardSensitiveMaxAge' ),
			LoggerFactory::getInstance( 'CaptchaGuard' )
		);
	},
	CaptchaGuardServices::SENSITIVE_VALUE_STORE => static function (
		MediaWikiServices $services
	): SensitiveValueStore {
		return new SensitiveValueStore( $services->getDBLoadBalancerFactory() );
	},
];
