<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use ExtensionRegistry;
use MediaWiki\Extension\EventLogging\EventLogging;

/**
 * Hands an event to EventLogging when it is loaded (the module writes the
 * event log file otherwise).
 */
final class EventSubmitter {

	/**
	 * @param string $stream
	 * @param string $json The event, with its `$schema`, as one JSON object
	 * @return bool False when EventLogging is not loaded
	 */
	public static function submit( string $stream, string $json ): bool {
		if ( !ExtensionRegistry::getInstance()->isLoaded( 'EventLogging' ) ) {
			return false;
		}
		EventLogging::submit( $stream, json_decode( $json, true, 512, JSON_THROW_ON_ERROR ) );
		return true;
	}
}
