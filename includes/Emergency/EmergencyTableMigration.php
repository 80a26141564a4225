<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use DatabaseUpdater;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentityValue;

/**
 * update.php, between adding ce_actor/ce_reason_id and dropping the text
 * columns of CaptchaGuard 0.1: every row gets its performer as an actor and
 * its reason through CommentStore, in this database (a farm's shared table
 * is migrated by update.php of the wiki whose database holds it).
 */
class EmergencyTableMigration {

	private const TABLE = 'captchaguard_emergency';
	private const BATCH = 200;

	/**
	 * @return bool false when there was nothing to migrate
	 */
	public static function moveNamesAndReasons( DatabaseUpdater $updater ): bool {
		$dbw = $updater->getDB();
		if ( !$dbw->tableExists( self::TABLE, __METHOD__ )
			|| !$dbw->fieldExists( self::TABLE, 'ce_user_text', __METHOD__ )
		) {
			return false;
		}
		$services = MediaWikiServices::getInstance();
		$users = $services->getUserIdentityLookup();
		$comments = $services->getCommentStore();
		$moved = 0;
		do {
			$rows = $dbw->select(
				self::TABLE,
				[ 'ce_id', 'ce_user_text', 'ce_reason', 'ce_origin_wiki' ],
				[ 'ce_actor' => 0 ],
				__METHOD__,
				[ 'ORDER BY' => 'ce_id', 'LIMIT' => self::BATCH ]
			);
			foreach ( $rows as $row ) {
				$origin = (string)$row->ce_origin_wiki;
				$user = $users->getUserIdentityByName( (string)$row->ce_user_text )
					?? new UserIdentityValue( 0, (string)$row->ce_user_text );
				$dbw->update(
					self::TABLE,
					[ 'ce_actor' => EmergencyStore::acquireActor( $dbw, $user, $origin ) ]
						+ $comments->insert( $dbw, 'ce_reason', (string)$row->ce_reason ),
					[ 'ce_id' => $row->ce_id ],
					__METHOD__
				);
				$moved++;
			}
		} while ( $rows->numRows() === self::BATCH );
		$updater->output( "...moved $moved emergency CAPTCHA switch rows to the actor and comment tables.\n" );
		return true;
	}
}
