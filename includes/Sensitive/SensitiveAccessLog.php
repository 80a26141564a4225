<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use ManualLogEntry;
use RequestContext;
use Title;

/**
 * The captchaguard-sensitive log: who looked at or ran which CheckUser-level
 * filter, its hits or rules, and when. Readable only with
 * captchaguard-sensitive-filters (LogRestrictions), and never sent to recent changes.
 */
final class SensitiveAccessLog {

	public const TYPE = 'captchaguard-sensitive';

	/**
	 * @param string $access view-filter, view-hits or test
	 * @param string $target The page looked at, e.g. Special:AbuseFilter/5
	 */
	public static function write( string $access, string $target ): void {
		$title = Title::newFromText( $target );
		if ( !$title ) {
			$title = Title::makeTitle( NS_SPECIAL, 'AbuseFilter' );
		}
		$entry = new ManualLogEntry( self::TYPE, $access );
		$entry->setPerformer( RequestContext::getMain()->getUser() );
		$entry->setTarget( $title );
		$entry->insert();
	}
}
