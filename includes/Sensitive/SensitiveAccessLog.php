<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use ManualLogEntry;
use MediaWiki\MediaWikiServices;
use RequestContext;
use Title;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\IDatabase;

/**
 * The captchaguard-sensitive log: who looked at or ran which CheckUser-level
 * filter, its hits or rules, and when. Readable only with
 * captchaguard-sensitive-filters (LogRestrictions), and never sent to recent changes.
 */
final class SensitiveAccessLog {

	public const TYPE = 'captchaguard-sensitive';

	/**
	 * Throws if the entry cannot be written (the caller then refuses the access).
	 *
	 * @param string $access view-filter, view-hits or test
	 * @param string $target The filter or entry looked at, e.g. Special:AbuseFilter/5
	 * @param string $via The page or API module used, e.g. api.php?action=query&list=abuselog
	 * @param string $tested For a test, the rules run or checked
	 */
	public static function write( string $access, string $target, string $via = '', string $tested = '' ): void {
		$title = Title::newFromText( $target ) ?? Title::makeTitle( NS_SPECIAL, 'AbuseFilter' );
		$entry = new ManualLogEntry( self::TYPE, $access );
		$entry->setPerformer( RequestContext::getMain()->getUser() );
		$entry->setTarget( $title );
		$entry->setParameters( [ '4::via' => $via ?: $target, '5::tested' => $tested ] );
		$dbw = MediaWikiServices::getInstance()->getDBLoadBalancerFactory()->getMainLB()->getConnection( DB_PRIMARY );
		// A write that fails (SQLite busy with another writer, say) must fail
		// only this access, not the request's transaction with everything else in it.
		$dbw->startAtomic( __METHOD__, IDatabase::ATOMIC_CANCELABLE );
		try {
			$entry->insert( $dbw );
		} catch ( DBError $e ) {
			$dbw->cancelAtomic( __METHOD__ );
			throw $e;
		}
		$dbw->endAtomic( __METHOD__ );
	}
}
