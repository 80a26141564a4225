<?php

namespace MediaWiki\Extension\EventLogging;

use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

/**
 * Stand-in for EventLogging REL1_43's `EventLogging::submit()` and the checks
 * of its EventBusEventSubmitter: an event without `$schema` is dropped with
 * the warning 'Event data is missing required field "$schema"' on the
 * EventLogging channel; an accepted event gets `meta.stream` (forced) and a
 * default `dt`, and is appended to $wgEventLoggingStandInFile instead of
 * being sent to EventGate; a failed write throws.
 */
class EventLogging {

	public static function submit( string $streamName, array $event ): void {
		if ( !isset( $event['$schema'] ) ) {
			LoggerFactory::getInstance( 'EventLogging' )->warning(
				'Event data is missing required field "$schema"', [ 'event' => $event ] );
			return;
		}
		$event = array_replace_recursive(
			[ 'dt' => wfTimestamp( TS_ISO_8601 ) ],
			$event,
			[ 'meta' => [ 'stream' => $streamName ] ]
		);
		$file = MediaWikiServices::getInstance()->getMainConfig()->get( 'EventLoggingStandInFile' );
		// phpcs:ignore Generic.PHP.NoSilencedErrors -- EventLogging's own failure is what is tested
		if ( @file_put_contents( $file, json_encode( $event ) . "\n", FILE_APPEND | LOCK_EX ) === false ) {
			// What a caller sees when the event platform cannot be reached.
			throw new \RuntimeException( "EventLogging stand-in could not write $file" );
		}
	}
}
