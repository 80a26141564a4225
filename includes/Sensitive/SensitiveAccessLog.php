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
	 * @param string $target The page looked at, e.g. Special:AbuseFilter/5
	 */
	public static function write( string $access, string $target ): void {
		$title = Title::newFromText( $target ) ?? Title::makeTitle( NS_SPECIAL, 'AbuseFilter' );
		$entry = new ManualLogEntry( self::TYPE, $access );
		$entry->setPerformer( RequestContext::getMain()->getUser() );
		$entry->setTarget( $title );
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
