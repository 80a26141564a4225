<?php

namespace MediaWiki\Extension\CaptchaGuard;

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencySwitcher;
use MediaWiki\Extension\CaptchaGuard\Metrics\Metrics;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeStore;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeViewer;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitivePurger;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveValueStore;
use MediaWiki\MediaWikiServices;
use Psr\Container\ContainerInterface;

/**
 * CaptchaGuard's services (includes/ServiceWiring.php), each named once: the
 * constants are the names extension.json and the wiring use, the getters are
 * for the few classes MediaWiki builds without injecting anything (jobs,
 * static hook callbacks), as AbuseFilterServices does.
 */
final class CaptchaGuardServices {

	public const HOST = 'CaptchaGuard.Host';
	public const EMERGENCY_STORE = 'CaptchaGuard.EmergencyStore';
	public const EMERGENCY_SWITCHER = 'CaptchaGuard.EmergencySwitcher';
	public const SENSITIVE_FILTER_LOOKUP = 'CaptchaGuard.SensitiveFilterLookup';
	public const SENSITIVE_PURGER = 'CaptchaGuard.SensitivePurger';
	public const SENSITIVE_VALUE_STORE = 'CaptchaGuard.SensitiveValueStore';
	public const OUTCOME_STORE = 'CaptchaGuard.OutcomeStore';
	public const OUTCOME_VIEWER = 'CaptchaGuard.OutcomeViewer';
	public const METRICS = 'CaptchaGuard.Metrics';
	public const HCAPTCHA_FALLBACK = 'CaptchaGuard.HCaptchaFallback';

	private static function container( ?ContainerInterface $services ): ContainerInterface {
		return $services ?? MediaWikiServices::getInstance();
	}

	/**
	 * Also the native module's way to its host where no handler handed one
	 * over (the RiskScore API other extensions call).
	 */
	public static function getHost( ?ContainerInterface $services = null ): Host {
		return self::container( $services )->get( self::HOST );
	}

	public static function getEmergencyStore( ?ContainerInterface $services = null ): EmergencyStore {
		return self::container( $services )->get( self::EMERGENCY_STORE );
	}

	public static function getEmergencySwitcher( ?ContainerInterface $services = null ): EmergencySwitcher {
		return self::container( $services )->get( self::EMERGENCY_SWITCHER );
	}

	public static function getSensitiveFilterLookup( ?ContainerInterface $services = null ): SensitiveFilterLookup {
		return self::container( $services )->get( self::SENSITIVE_FILTER_LOOKUP );
	}

	public static function getSensitivePurger( ?ContainerInterface $services = null ): SensitivePurger {
		return self::container( $services )->get( self::SENSITIVE_PURGER );
	}

	public static function getSensitiveValueStore( ?ContainerInterface $services = null ): SensitiveValueStore {
		return self::container( $services )->get( self::SENSITIVE_VALUE_STORE );
	}

	public static function getOutcomeStore( ?ContainerInterface $services = null ): OutcomeStore {
		return self::container( $services )->get( self::OUTCOME_STORE );
	}

	public static function getMetrics( ?ContainerInterface $services = null ): Metrics {
		return self::container( $services )->get( self::METRICS );
	}

	public static function getHCaptchaFallback( ?ContainerInterface $services = null ): HCaptchaFallback {
		return self::container( $services )->get( self::HCAPTCHA_FALLBACK );
	}

	public static function getOutcomeViewer( ?ContainerInterface $services = null ): OutcomeViewer {
		return self::container( $services )->get( self::OUTCOME_VIEWER );
	}
}
