<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use RequestContext;

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
	public static function config( string $name ): mixed {
		return MediaWikiServices::getInstance()->getMainConfig()->get( $name );
	}

	/**
	 * PSR-3: $message has {placeholders} filled from $context by the logger.
	 */
	public static function log( string $level, string $message, array $context ): void {
		LoggerFactory::getInstance( 'CaptchaGuard' )->log( $level, $message, $context );
	}

	/**
	 * Whose score a stash key holds: an anonymous user's is their session's
	 * (people behind one IP address, a NAT or a proxy, keep their own), a
	 * registered user's is their name. The key holds only an HMAC of that,
	 * under $wgSecretKey, so it cannot be turned back into an IP address or
	 * a name.
	 */
	private static function scoreKey( string $userName ): string {
		$services = MediaWikiServices::getInstance();
		$owner = $services->getUserNameUtils()->isIP( $userName )
			? 'session:' . RequestContext::getMain()->getRequest()->getSession()->getId()
			: 'user:' . $userName;
		$secret = (string)$services->getMainConfig()->get( 'SecretKey' );
		return $services->getMainObjectStash()
			->makeKey( self::SCORE_KEY, hash_hmac( 'sha256', $owner, $secret ) );
	}

	/**
	 * @return mixed The stored score, false when there is none
	 */
	public static function stashedScore( string $userName ): mixed {
		// An anonymous score is kept under the session's ID: a session nobody
		// kept (no cookie) is new in this request and has nothing stashed yet.
		if ( MediaWikiServices::getInstance()->getUserNameUtils()->isIP( $userName )
			&& !RequestContext::getMain()->getRequest()->getSession()->isPersistent()
		) {
			return false;
		}
		return MediaWikiServices::getInstance()->getMainObjectStash()->get( self::scoreKey( $userName ) );
	}

	public static function stashScore( string $userName, float $score, int $ttl ): void {
		MediaWikiServices::getInstance()->getMainObjectStash()->set( self::scoreKey( $userName ), $score, $ttl );
	}

	public static function unstashScore( string $userName ): void {
		MediaWikiServices::getInstance()->getMainObjectStash()->delete( self::scoreKey( $userName ) );
	}
}
