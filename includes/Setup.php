<?php

namespace MediaWiki\Extension\CaptchaGuard;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AbuseFilter\AbuseFilterPermissionManager;
use MediaWiki\Extension\AbuseFilter\ChangeTags\ChangeTagValidator;
use MediaWiki\Extension\AbuseFilter\FilterValidator;
use MediaWiki\Extension\AbuseFilter\Parser\RuleCheckerFactory;
use MediaWiki\Extension\AbuseFilter\Variables\VariablesBlobStore;
use MediaWiki\Extension\CaptchaGuard\Adapter\SingleUseCaptchaStore;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\AbuseFilterCompat;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitiveAbuseLog;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\CaptchaFilterValidator;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitiveFilterValidator;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitivePermissionManager;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitiveQueryAbuseLog;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitiveVariablesBlobStore;
use MediaWiki\MediaWikiServices;

/**
 * Defaults that belong to other extensions' settings and services, so they
 * cannot be declared in extension.json.
 */
final class Setup {

	/**
	 * Before ConfirmEdit builds its CAPTCHA for the request (an extension
	 * function runs after setup, before any hook): the fallback CAPTCHA
	 * while hCaptcha's siteverify is failing (HCaptchaFallback).
	 */
	public static function pickCaptchaClass(): void {
		// Every request runs this: without a fallback, no service is built.
		if ( empty( $GLOBALS['wgCaptchaGuardHCaptchaFallbackClass'] ) ) {
			return;
		}
		$replacement = CaptchaGuardServices::getHCaptchaFallback()
			->replacementFor( $GLOBALS['wgCaptchaClass'] ?? null );
		if ( $replacement !== null ) {
			$GLOBALS['wgCaptchaClass'] = $replacement;
		}
	}

	public static function onRegistration(): void {
		// Only filter editors with abusefilter-modify-restricted may add forcecaptcha.
		$GLOBALS['wgAbuseFilterActionRestrictions'][ConsequenceRunner::FORCE] ??= true;
		// ConfirmEdit 1.43 can register its own 'showcaptcha'; CaptchaGuard's replaces it.
		if ( isset( $GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'] ) ) {
			$GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'] = array_values( array_diff(
				(array)$GLOBALS['wgConfirmEditEnabledAbuseFilterCustomActions'],
				[ ConsequenceRunner::SHOW ]
			) );
		}
		// One answer, one action: ConfirmEdit's CAPTCHAs are used up atomically.
		if ( ( $GLOBALS['wgCaptchaStorageClass'] ?? SingleUseCaptchaStore::class ) !== SingleUseCaptchaStore::class ) {
			$GLOBALS['wg' . SingleUseCaptchaStore::INNER_SETTING] = $GLOBALS['wgCaptchaStorageClass'];
			$GLOBALS['wgCaptchaStorageClass'] = SingleUseCaptchaStore::class;
		}
		// AbuseFilter 1.43 protects a variable only by this list: every filter that
		// reads one is protected for good, and each view of a value is logged.
		if ( AbuseFilterCompat::offersProtectedVariables() ) {
			$GLOBALS['wgAbuseFilterProtectedVariables'] = array_values( array_unique( array_merge(
				(array)( $GLOBALS['wgAbuseFilterProtectedVariables'] ?? [] ),
				SensitiveVariables::names()
			) ) );
			// The abuse log's two lists leave out protected filters' hits below
			// CheckUser level; AbuseFilter's own services and arguments are kept.
			$GLOBALS['wgSpecialPages']['AbuseLog']['class'] = SensitiveAbuseLog::class;
			$GLOBALS['wgAPIListModules']['abuselog']['class'] = SensitiveQueryAbuseLog::class;
		}
	}

	/**
	 * Installs CaptchaGuard's rules where AbuseFilter decides them: its filter
	 * validator (a CAPTCHA action only where a CAPTCHA can be asked, both
	 * versions) and, on 1.43, the protected level raised to CheckUser level
	 * (its permission manager and filter validator), with the sensitive
	 * variables' values kept out of its var dumps.
	 */
	public static function onMediaWikiServices( MediaWikiServices $services ): void {
		$sensitive = AbuseFilterCompat::offersProtectedVariables();
		$services->addServiceManipulator(
			FilterValidator::SERVICE_NAME,
			static function ( FilterValidator $validator, MediaWikiServices $services ) use ( $sensitive ) {
				// AbuseFilter's own wiring (REL1_39 and REL1_43 alike).
				$arguments = [
					$services->get( ChangeTagValidator::SERVICE_NAME ),
					$services->get( RuleCheckerFactory::SERVICE_NAME ),
					$services->get( AbuseFilterPermissionManager::SERVICE_NAME ),
					new ServiceOptions(
						FilterValidator::CONSTRUCTOR_OPTIONS,
						$services->getMainConfig(),
						[ 'AbuseFilterProtectedVariables' => [] ]
					),
				];
				return $sensitive
					? new SensitiveFilterValidator(
						CaptchaGuardServices::getSensitiveFilterLookup( $services ),
						$services->get( AbuseFilterPermissionManager::SERVICE_NAME ),
						...$arguments
					)
					: new CaptchaFilterValidator( ...$arguments );
			}
		);
		if ( !$sensitive ) {
			return;
		}
		$services->addServiceManipulator(
			AbuseFilterPermissionManager::SERVICE_NAME,
			static function ( AbuseFilterPermissionManager $manager, MediaWikiServices $services ) {
				// AbuseFilter's own wiring (REL1_43).
				return new SensitivePermissionManager(
					new ServiceOptions(
						AbuseFilterPermissionManager::CONSTRUCTOR_OPTIONS,
						$services->getMainConfig(),
						[ 'AbuseFilterProtectedVariables' => [] ]
					),
					$services->getUserOptionsLookup()
				);
			}
		);
		$services->addServiceManipulator(
			VariablesBlobStore::SERVICE_NAME,
			static function ( VariablesBlobStore $store, MediaWikiServices $services ) {
				return new SensitiveVariablesBlobStore( $store, CaptchaGuardServices::getSensitiveValueStore( $services ) );
			}
		);
	}
}
