<?php

namespace MediaWiki\Extension\CaptchaGuard\Adapter;

use ExtensionRegistry;
use MediaWiki\Extension\EventLogging\EventLogging;

/**
 * Hands an event to EventLogging when it is loaded (the module writes the
 * event log file otherwise).
 */
final class EventSubmitter {

	public static function isAvailable(): bool {
		return ExtensionRegistry::getInstance()->isLoaded( 'EventLogging' );
	}

	/**
	 * Only when isAvailable().
	 *
	 * @param string $stream
	 * @param string $json The event, with its `$schema`, as one JSON object
	 */
	public static function submit( string $stream, string $json ): void {
		EventLogging::submit( $stream, json_decode( $json, true, 512, JSON_THROW_ON_ERROR ) );
	}
}
