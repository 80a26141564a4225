<?php

namespace MediaWiki\Extension\CaptchaGuard\Hooks;

use Config;
use MediaWiki\Extension\CaptchaGuard\Adapter\ConfirmEditCompat;
use MediaWiki\ResourceLoader\Context;
use MediaWiki\ResourceLoader\ResourceLoader;

/**
 * Registers VisualEditor's hCaptcha handler (ext.captchaGuard.hCaptcha.visualEditor)
 * where ConfirmEdit's hCaptcha module is registered, which it replaces. VisualEditor
 * loads only the plugin modules that are registered, so elsewhere it is not loaded.
 */
final class VisualEditorHCaptchaHandler {

	private const CONFIRMEDIT_MODULE = 'ext.confirmEdit.hCaptcha.visualEditor';

	/**
	 * @param ResourceLoader $resourceLoader
	 * @param mixed ...$extra Arguments other callers may add
	 */
	public static function onResourceLoaderRegisterModules( ResourceLoader $resourceLoader, ...$extra ): void {
		if ( !$resourceLoader->isModuleRegistered( self::CONFIRMEDIT_MODULE ) ) {
			return;
		}
		$resourceLoader->register( 'ext.captchaGuard.hCaptcha.visualEditor', [
			'localBasePath' => dirname( __DIR__, 2 ) . '/resources',
			'remoteExtPath' => 'CaptchaGuard/resources',
			'dependencies' => [ self::CONFIRMEDIT_MODULE ],
			// MediaWiki 1.39 sends ES6 modules only to browsers that run them.
			'es6' => true,
			'packageFiles' => [
				'ext.captchaGuard.hCaptcha.visualEditor.js',
				[ 'name' => 'config.json', 'callback' => [ self::class, 'moduleConfig' ] ],
				[ 'name' => 'helpLine.json', 'callback' => [ ConfirmEditCompat::class, 'helpLineForModule' ] ],
			],
		] );
	}

	/**
	 * @param Context $context
	 * @param Config $config
	 * @return array
	 */
	public static function moduleConfig( Context $context, Config $config ): array {
		return [
			'scriptUrl' => $config->get( 'CaptchaGuardHCaptchaScriptUrl' ),
			'siteKey' => $config->get( 'HCaptchaSiteKey' ),
		];
	}
}
