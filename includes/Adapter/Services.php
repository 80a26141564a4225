<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

/**
 * MediaWiki services the module uses: configuration, the CaptchaGuard log
 * channel and the object stash that keeps risk scores across requests.
 */
final class Services {

	private const SCORE_KEY = 'captchaguard-hcaptcha-score';

	/**
	 * @param string $name Without the wg prefix
	 * @return mixed
	 */
	public static function config( string $name ) {
		return MediaWikiServices::getInstance()->getMainConfig()->get( $name );
	}

	/**
	 * PSR-3: $message has {placeholders} filled from $context by the logger.
	 */
	public static function log( string $level, string $message, array $context ): void {
		LoggerFactory::getInstance( 'CaptchaGuard' )->log( $level, $message, $context );
	}

	/**
	 * @param string $userName Hashed, so no IP address of an anonymous user is in the key
	 */
	private static function scoreKey( string $userName ): string {
		return MediaWikiServices::getInstance()->getMainObjectStash()
			->makeKey( self::SCORE_KEY, hash( 'sha256', $userName ) );
	}

	/**
	 * @return mixed The stored score, false when there is none
	 */
	public static function stashedScore( string $userName ) {
		return MediaWikiServices::getInstance()->getMainObjectStash()->get( self::scoreKey( $userName ) );
	}

	public static function stashScore( string $userName, float $score, int $ttl ): void {
		MediaWikiServices::getInstance()->getMainObjectStash()->set( self::scoreKey( $userName ), $score, $ttl );
	}

	public static function unstashScore( string $userName ): void {
		MediaWikiServices::getInstance()->getMainObjectStash()->delete( self::scoreKey( $userName ) );
	}
}
